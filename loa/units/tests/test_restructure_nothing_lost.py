"""Nothing that was there before a merge or a split is lost: every report, piece and post is still
there, with the same content, after it."""

from datetime import UTC, date, datetime

from loa.articles.models import Submission
from loa.articles.tests.factories import channels, published, sent
from loa.directives.models import Report
from loa.directives.tests.factories import fanpage_letter
from loa.directives.tests.test_unit_moves import _report
from loa.fanpages.models import Fanpage, Post
from loa.fanpages.tests.conftest import pages  # noqa: F401 (a fixture)
from loa.units import restructure


def _everything():
    return {
        "reports": sorted(Report.objects.values_list("pk", "assignment__task_id", "data", "submitted_at")),
        "pieces": sorted(Submission.objects.values_list("pk", "title", "body", "state", "counted_year")),
        "posts": sorted(Post.objects.values_list("pk", "fanpage_id", "post_key", "day")),
        "pages": sorted(Fanpage.objects.values_list("pk", "name", "url")),
    }


def _work(tree, alice, bob, editor, pages):  # noqa: F811
    _, task = fanpage_letter(tree)
    _report(task, tree["a"], alice)
    _report(task, tree["b"], bob)
    chans = channels(editor)
    published(tree["a"], alice, editor, chans, on=date(2021, 3, 10))
    sent(tree["b"], bob, chans, title="Ngày hội hiến máu")
    for key in ("a", "b"):
        Post.objects.create(
            fanpage=pages[key],
            post_key=f"p-{key}",
            posted_at=datetime(2021, 3, 1, 1, tzinfo=UTC),
            day=date(2021, 3, 1),
            source="hand",
        )


def test_a_merge_loses_nothing(tree, alice, bob, editor, admin, pages):  # noqa: F811
    _work(tree, alice, bob, editor, pages)
    before = _everything()

    restructure.merge(
        by=admin, sources=[tree["a"], tree["b"]], new_target={"code": "CS-AB", "name": "Liên"}, on=date(2021, 7, 1)
    )

    assert _everything() == before


def test_a_split_loses_nothing(tree, alice, bob, editor, admin, pages):  # noqa: F811
    _work(tree, alice, bob, editor, pages)
    before = _everything()

    restructure.split(
        by=admin,
        source=tree["b"],
        on=date(2021, 7, 1),
        parts=[{"new": {"code": "B1", "name": "B1"}}, {"new": {"code": "B2", "name": "B2"}}],
        choices={"fanpages": 1, "articles": 1},
    )

    assert _everything() == before
