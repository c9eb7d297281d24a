"""On a phone: the officer's home lists the unit's work without spilling sideways, every item a
tap target of 44 px at least, one tap from its form."""

import pytest

from conftest import browser_login
from loa.articles import services as articles
from loa.articles.tests.factories import channels, sent
from loa.todo.tests.conftest import letter, page_of, post, quota

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LONG_REASON = (
    "Đề nghị bổ sung ảnh, tên tác giả và nguồn; địa chỉ tham khảo "
    "https://www.facebook.com/congdoancosotruongthptthanhphocaobang/posts/pfbid0123456789abcdefghijklmnopqrstuvwxyz "
    "chưa mở được."
)


def test_the_officer_home_fits_a_phone_and_each_item_is_one_tap_from_its_form(phone, tree, alice, editor):
    task = letter(tree)
    quota(tree["a"], news=2, articles=1)
    post(page_of(tree["a"]), days_ago=10)
    articles.submission_create(by=alice, unit=tree["a"], title="Công đoàn cơ sở tổ chức hội thi " * 6)
    piece = sent(tree["a"], alice, channels(editor), title="Tuyên truyền Bộ luật Lao động")
    articles.submission_return(submission=piece, by=editor, reason=LONG_REASON, expected_version=piece.version)

    browser_login(phone, "alice")
    items = phone.locator("[data-todo-item] a")
    assert items.count() == 6
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    small = phone.evaluate(
        """() => [...document.querySelectorAll('[data-todo-section] a, [data-todo-section] button')]
            .map(e => [e.textContent.trim().slice(0, 40), e.getBoundingClientRect()])
            .filter(([, r]) => r.width < 44 || r.height < 44)
            .map(([t, r]) => `${t}: ${Math.round(r.width)}×${Math.round(r.height)}`)"""
    )
    assert small == []
    items.first.click()
    phone.wait_for_url(f"**/directives/tasks/{task.pk}/units/{tree['a'].pk}/report/")
