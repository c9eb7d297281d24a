"""An officer's to-do list: everything the unit owes, as the data says, gone once done."""

from datetime import timedelta

import pytest

from loa.articles import services as articles
from loa.articles.tests.factories import channels, sent
from loa.directives import services as directives
from loa.directives.tests.factories import GOOD_PAGE
from loa.fanpages.likes import declare_likes
from loa.todo.tests.conftest import TODAY, assignment, item_kinds, letter, page_of, post, quota, sections_of

pytestmark = pytest.mark.django_db


def mine(user):
    (section,) = sections_of(user, "officer")
    return section


def of_kind(section, kind):
    return [item for item in section.items if item.kind == kind]


def test_a_report_due_shows_its_deadline_in_words_and_leaves_once_sent(tree, alice):
    task = letter(tree, deadline_in_days=8)
    (item,) = of_kind(mine(alice), "report_due")
    assert item.title == task.title
    assert "trước ngày 25/06/2026 (tức là chậm nhất 23:59 ngày 24/06/2026)" in item.detail and item.when == "còn 7 ngày"
    assert item.url == f"/directives/tasks/{task.pk}/units/{tree['a'].pk}/report/" and item.action == "Báo cáo ngay"
    directives.report_submit(by=alice, assignment=assignment(task, tree["a"]), data=GOOD_PAGE)
    assert not of_kind(mine(alice), "report_due")


def test_a_returned_report_says_why_and_leaves_when_corrected(tree, alice, admin):
    task = letter(tree)
    directives.report_submit(by=alice, assignment=assignment(task, tree["a"]), data=GOOD_PAGE)
    directives.report_return(
        by=admin, assignment=assignment(task, tree["a"]), reason="Ghi đủ tên Trang như trên Facebook."
    )
    (item,) = of_kind(mine(alice), "report_returned")
    assert "Ghi đủ tên Trang như trên Facebook." in item.detail and item.action == "Sửa báo cáo"
    directives.report_submit(
        by=alice, assignment=assignment(task, tree["a"]), data={**GOOD_PAGE, "name": GOOD_PAGE["name"] + " "}
    )
    assert not of_kind(mine(alice), "report_returned")


def test_a_returned_article_shows_the_reason_then_leaves_when_sent_again(tree, alice, editor):
    piece = sent(tree["a"], alice, channels(editor), title="Hội thi nấu ăn ngày 8/3")
    assert not of_kind(mine(alice), "article_returned")
    articles.submission_return(
        submission=piece, by=editor, reason="Bổ sung ảnh và tên tác giả.", expected_version=piece.version
    )
    (item,) = of_kind(mine(alice), "article_returned")
    assert (
        item.title == "Hội thi nấu ăn ngày 8/3" and item.detail == "Biên tập viên trả lại: Bổ sung ảnh và tên tác giả."
    )
    assert item.url == f"/articles/{piece.pk}/edit/" and item.action == "Sửa và gửi lại"
    piece.refresh_from_db()
    articles.submission_submit(by=alice, submission=piece, expected_version=piece.version)
    assert not of_kind(mine(alice), "article_returned")


def test_a_draft_waits_on_the_list_until_it_is_sent(tree, alice, editor):
    draft = articles.submission_create(
        by=alice, unit=tree["a"], title="Gương người tốt", body="…", channels=channels(editor)
    )
    (item,) = of_kind(mine(alice), "article_draft")
    assert item.title == "Gương người tốt" and item.action == "Viết tiếp" and item.url == f"/articles/{draft.pk}/edit/"
    articles.submission_submit(by=alice, submission=draft, expected_version=draft.version)
    assert not of_kind(mine(alice), "article_draft")


def test_many_drafts_show_the_latest_three_and_a_link_to_all(tree, alice):
    for n in range(5):
        articles.submission_create(by=alice, unit=tree["a"], title=f"Nháp {n}")
    section = mine(alice)
    assert [i.title for i in of_kind(section, "article_draft")] == ["Nháp 4", "Nháp 3", "Nháp 2"]
    assert [(link.label, link.url) for link in section.links] == [("Xem cả 5 bản nháp", "/articles/?state=draft")]


def test_the_quota_shortfall_counts_news_items_and_articles(tree, alice, editor):
    quota(tree["a"], news=4, articles=2)
    (item,) = of_kind(mine(alice), "quota")
    assert item.title == "Chỉ tiêu năm 2026: còn thiếu 4 tin, 2 bài" and item.count == 6
    assert item.url == f"/articles/units/{tree['a'].pk}/new/" and item.when == "còn 197 ngày"
    chans = channels(editor)
    for n in range(2):
        piece = sent(tree["a"], alice, chans, title=f"Tin {n}")
        articles.submission_publish(
            submission=piece,
            by=editor,
            channel=chans[0],
            url=f"https://ldld.caobang.gov.vn/tin/{n}",
            published_on=TODAY,
            expected_version=piece.version,
        )
    piece = sent(tree["a"], alice, chans, title="Bài", kind="article")
    articles.submission_publish(
        submission=piece,
        by=editor,
        channel=chans[0],
        url="https://ldld.caobang.gov.vn/bai/1",
        published_on=TODAY,
        expected_version=piece.version,
    )
    (item,) = of_kind(mine(alice), "quota")
    assert item.title == "Chỉ tiêu năm 2026: còn thiếu 2 tin, 1 bài"
    assert item.detail == "Đã có 2/4 tin và 1/2 bài."


def test_a_quota_met_leaves_the_list(tree, alice):
    quota(tree["a"], news=0, articles=0)
    assert not of_kind(mine(alice), "quota")


def test_a_silent_page_shows_how_many_days_and_a_post_clears_it(tree, alice):
    page = page_of(tree["a"])
    post(page, days_ago=12)
    (item,) = of_kind(mine(alice), "page_silent")
    assert item.title == "Trang của đơn vị đã 12 ngày chưa đăng bài" and item.count == 12
    assert item.detail == "Bài gần nhất ngày 05/06/2026." and item.url.endswith("#log-post") and item.tone == "warn"
    post(page, days_ago=0)
    assert not of_kind(mine(alice), "page_silent")


def test_a_page_that_posted_yesterday_is_not_a_task(tree, alice):
    post(page_of(tree["a"]), days_ago=1)
    assert not of_kind(mine(alice), "page_silent")


def test_likes_not_declared_this_quarter_until_they_are(tree, alice):
    declare_likes(by=alice, unit=tree["a"], count=40, day=TODAY.replace(month=3, day=28))
    (item,) = of_kind(mine(alice), "likes_undeclared")
    assert item.detail == "Lần khai báo gần nhất ngày 28/03/2026: 40/60 đoàn viên." and item.when == "từ 01/04/2026"
    assert item.url == f"/fanpages/unit/{tree['a'].pk}/#likes"
    declare_likes(by=alice, unit=tree["a"], count=45)
    assert not of_kind(mine(alice), "likes_undeclared")


def test_the_list_is_ordered_overdue_first_then_by_deadline_then_the_rest(tree, alice, editor):
    later = letter(tree, deadline_in_days=20, number="50/CV-CĐVC", title="Báo cáo quý")
    overdue = letter(tree, deadline_in_days=-3, number="40/CV-CĐVC", title="Báo cáo quá hạn")
    sooner = letter(tree, deadline_in_days=4, number="48/CV-CĐVC", title="Báo cáo sắp đến hạn")
    articles.submission_create(by=alice, unit=tree["a"], title="Nháp")
    quota(tree["a"], news=2)
    section = mine(alice)
    assert [i.title for i in section.items[:3]] == [overdue.title, sooner.title, later.title]
    assert section.items[0].overdue and section.items[0].tone == "bad" and section.items[0].when == "đã quá hạn 3 ngày"
    assert item_kinds(section)[3:] == ["article_draft", "likes_undeclared", "quota"]


def test_an_officer_sees_only_their_units_work(tree, alice, bob, teammate):
    letter(tree)
    articles.submission_create(by=bob, unit=tree["b"], title="Nháp của B")
    assert [s.unit for s in sections_of(alice)] == [tree["a"]] and [s.unit for s in sections_of(bob)] == [tree["b"]]
    assert "article_draft" not in item_kinds(mine(alice)) and "article_draft" in item_kinds(mine(bob))
    assert [i.url for i in mine(teammate).items] == [i.url for i in mine(alice).items]


def test_nothing_to_do_says_so(tree, alice):
    section = mine(alice)
    assert not [i for i in section.items if i.kind != "likes_undeclared"]
    declare_likes(by=alice, unit=tree["a"], count=45)
    section = mine(alice)
    assert section.items == [] and section.empty == "Không có việc cần làm. Cảm ơn đồng chí!"


def test_a_unit_that_closed_is_not_asked_for_its_likes(tree, alice):
    from loa.units.models import Unit

    Unit.objects.filter(pk=tree["a"].pk).update(active_to=TODAY - timedelta(days=30))
    assert not of_kind(mine(alice), "likes_undeclared")
