"""On a phone: an editor turns a published piece into an item to share, narrows its audience with the
unit picker, saves it, and finds it in the unit's list; nothing is wider than the screen."""

from datetime import date

import pytest

from conftest import browser_login
from loa.articles.tests.factories import channels, published
from loa.sharing.models import Item

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_editor_makes_an_item_from_a_publication_on_a_phone(phone, tree, alice, editor, admin):
    chans = channels(editor=admin)
    piece = published(tree["a"], alice, admin, chans, title="Hội thi nấu ăn ngày 8/3", on=date(2026, 3, 10))
    browser_login(phone, "editor")
    phone.goto(phone.base_url + f"/articles/{piece.pk}/")
    phone.get_by_role("button", name="Đưa vào thông tin chia sẻ").click()
    phone.get_by_text("Đã tạo thông tin chia sẻ từ bài đăng").wait_for()
    assert phone.get_by_label("Tiêu đề").input_value() == "Hội thi nấu ăn ngày 8/3"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.fill("#id_add_unit", "benh vien da khoa")
    phone.get_by_role("button", name="CS-B").click()
    phone.get_by_test_id("picked-add_unit").wait_for()
    phone.get_by_role("button", name="Lưu").click()
    phone.get_by_text("Đã lưu thông tin.").wait_for()
    item = Item.objects.get()
    assert list(item.audience_units.all()) == [tree["b"]]
    assert "Công đoàn cơ sở Bệnh viện Đa khoa tỉnh" in phone.get_by_test_id("items").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # The menu leads back to the list.
    phone.get_by_text("Menu").click()
    phone.get_by_test_id("nav-curate").click()
    phone.get_by_test_id("items").wait_for()
