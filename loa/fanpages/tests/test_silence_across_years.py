"""A Page's silence runs from its last post, whatever the year: on 3 January a Page that last posted
in October is silent, and the overview, the silent list and the compliance agree (issue 13: "0 % of
days with posts" beside "Mọi Trang đều mới đăng bài")."""

from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from loa.accounts.capabilities import Capability
from loa.demo.tests.conftest import clock_at
from loa.fanpages import compliance, posts
from loa.fanpages.models import Fanpage, Post

pytestmark = pytest.mark.django_db

JAN_3 = date(2027, 1, 3)


def _post_on(page, day):
    moment = timezone.make_aware(datetime.combine(day, time(9)))
    posts.record_posts(fanpage=page, posts=[posts.IncomingPost(f"{page.pk}-{day}", moment)], source=Post.Source.HAND)


@pytest.fixture
def turn_of_year(pages):
    """A posted on 30 December, B last on 1 October; the province's Page was set up last year and never posted."""
    _post_on(pages["a"], date(2026, 12, 30))
    _post_on(pages["b"], date(2026, 10, 1))
    Fanpage.objects.filter(pk=pages["province"].pk).update(set_up_on=date(2026, 11, 1))
    return pages


def test_silence_counts_the_days_since_the_last_post_of_an_earlier_year(turn_of_year, admin, tree):
    with clock_at(JAN_3):
        found = {
            item.unit_id: days
            for days, item in compliance.silent_pages(user=admin, capability=Capability.VIEW, today=JAN_3, days=1)
        }
    assert found[tree["a"].pk] == 4  # 31/12, 1/1, 2/1, 3/1 without a post
    assert found[tree["b"].pk] == (JAN_3 - date(2026, 10, 1)).days


def test_on_the_third_of_january_the_silent_list_and_the_overview_agree(turn_of_year, admin, tree, login):
    with clock_at(JAN_3):
        client = login(admin)
        silent = client.get(reverse("fanpages:silent") + "?days=7").content.decode()
        overview = client.get(reverse("fanpages:index") + "?days=7&year=2027")
    assert tree["b"].name in silent and tree["a"].name not in silent
    assert "Mọi Trang đều mới đăng bài" not in silent
    (group,) = overview.context["groups"]
    assert group.silent == 1 and group.posting_days == 0
