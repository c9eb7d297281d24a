"""One officer, a phone and a PC, on the same draft: the phone's autosave from an older version is
refused, the PC's newer text appears beside what the phone typed, and the officer chooses."""

import pytest

from conftest import browser_login
from loa.articles import services
from loa.articles.models import Submission
from loa.articles.tests.factories import channels

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_phones_stale_autosave_shows_the_pcs_text_and_keeps_the_phones(phone, desktop, tree, alice, editor):
    piece = services.submission_create(
        by=alice, unit=tree["a"], title="Hội thi nấu ăn", body="Sáng 7/3.", channels=channels(editor)[:1]
    )
    url = f"/articles/{piece.pk}/edit/"
    for page in (desktop, phone):
        browser_login(page, "alice")
        page.goto(page.base_url + url)

    desktop.get_by_label("Nội dung").fill("Sáng 7/3.\n\nCó 12 đội tham gia (viết trên máy tính).")
    desktop.locator("#autosave").get_by_text("Đã lưu bản nháp").wait_for()

    phone.get_by_label("Nội dung").fill("Sáng 7/3.\n\nĐoạn viết trên điện thoại.")
    conflict = phone.get_by_test_id("conflict")
    conflict.wait_for()
    assert "Có 12 đội tham gia (viết trên máy tính)." in conflict.get_by_test_id("theirs").inner_text()
    assert phone.input_value("#id_body") == "Sáng 7/3.\n\nĐoạn viết trên điện thoại."  # nothing typed is lost
    assert "máy tính" in Submission.objects.get(pk=piece.pk).body_text  # nor the PC's paragraph
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.get_by_test_id("keep-mine").click()  # the officer chooses the phone's text
    phone.get_by_text("Đã lưu bản nháp.").wait_for()
    assert Submission.objects.get(pk=piece.pk).body_text == "Sáng 7/3.\n\nĐoạn viết trên điện thoại."
