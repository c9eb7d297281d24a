"""The officer's forms on a phone (390×844): an error summary that takes the focus and links to its
field, the Page's replace box a finger's size, long addresses that never widen the page, and the new
piece's photo before its Send."""

import pytest

from conftest import browser_login
from loa.directives import services
from loa.directives.models import Assignment
from loa.directives.tests.factories import GOOD_PAGE, fanpage_letter
from loa.fanpages.models import Fanpage, FollowerSnapshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LONG_PAGE = "facebook.com/congdoancosotruongtrunghocphothongcaobang"


def _focused(page, selector):
    return page.evaluate("(s) => document.activeElement === document.querySelector(s)", selector)


def _no_sideways_scroll(page):
    return page.evaluate("() => document.documentElement.scrollWidth") <= 390


def test_an_officers_form_errors_open_with_a_focused_summary_and_never_widen_the_phone(phone, tree, admin, alice):
    from loa.articles.tests.factories import channels

    channels()
    _, task = fanpage_letter(tree, by=admin)
    services.report_submit(
        by=alice, assignment=Assignment.objects.get(task=task, unit=tree["a"]), data=dict(GOOD_PAGE, url=LONG_PAGE)
    )
    FollowerSnapshot.objects.create(
        fanpage=Fanpage.objects.get(unit=tree["a"]), day="2021-05-01", followers=80, source="hand"
    )
    browser_login(phone, "alice")

    # The report: another Page for a unit whose Page has history needs the replace box.
    phone.goto(phone.base_url + f"/directives/tasks/{task.pk}/units/{tree['a'].pk}/report/")
    phone.fill("#id_url", LONG_PAGE + "moi")
    phone.get_by_role("button", name="Gửi báo cáo").click()
    phone.get_by_test_id("error-summary").wait_for()
    assert _focused(phone, "[data-error-summary]")
    assert _no_sideways_scroll(phone)
    box = phone.locator("label.tick[for=id_replace_page]").bounding_box()
    assert box["height"] >= 44
    phone.get_by_test_id("error-summary").get_by_role("link").first.click()
    assert _focused(phone, "#id_url")
    phone.locator("label.tick[for=id_replace_page]").click()
    phone.get_by_role("button", name="Gửi báo cáo").click()
    phone.get_by_test_id("saved-values").wait_for()
    assert (
        "https://www.facebook.com/congdoancosotruongtrunghocphothongcaobangmoi"
        in phone.get_by_test_id("saved-values").inner_text()
    )
    assert _no_sideways_scroll(phone)

    # A new piece: nothing is stored by opening it; a save with nothing written is refused at the top.
    phone.goto(phone.base_url + "/articles/")
    phone.get_by_role("link", name="Viết tin, bài").click()
    photo = phone.locator("#id_photo").bounding_box()
    send = phone.get_by_test_id("send").bounding_box()
    assert photo["y"] < send["y"]
    phone.get_by_test_id("save").click()
    phone.get_by_test_id("error-summary").wait_for()
    assert _focused(phone, "[data-error-summary]")
    assert _no_sideways_scroll(phone)
    from loa.articles.models import Submission

    assert Submission.objects.count() == 0
