"""On a phone: the admin uploads a photo of a unit's form, checks what was read beside the picture,
confirms it and records it."""

import pytest

from conftest import browser_login
from loa.directives.models import Assignment, Report
from loa.directives.tests import paper_forms

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def task(tree, admin):
    from loa.directives.tests.factories import fanpage_letter

    return fanpage_letter(tree, by=admin)[1]


def test_the_admin_confirms_a_photographed_form_on_a_phone(phone, task, tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    picture = tmp_path / "anh-bao-cao.jpg"
    picture.write_bytes(paper_forms.phone_photo(angle=2, quality=80))
    browser_login(phone, "admin")
    phone.goto(f"{phone.base_url}/directives/tasks/{task.pk}/import/")
    phone.set_input_files("#id_files", [str(picture)])
    phone.click("button[type=submit][data-once]")
    phone.wait_for_selector("[data-testid=ocr-review]", timeout=90_000)  # the photo is read while the request waits
    card = phone.locator('[data-file="anh-bao-cao.jpg"]')
    assert "Đọc từ ảnh — cần kiểm tra" in card.inner_text()
    assert card.locator("[data-code=unconfirmed]").count() == 1
    assert card.locator("input[name$=-admin_phone]").input_value() == "0912 345 678"  # as it will be stored
    # The picture is shown under the page's Content-Security-Policy, and nothing overflows the phone.
    assert phone.evaluate("() => document.querySelector('img.scan-preview').naturalWidth") > 0
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    card.locator("input[name$=-arrived_at]").fill("2021-04-29T10:00")  # the e-mail came before the deadline
    card.locator("input[name$=-ocr_confirmed]").check()
    card.locator("input[name$=-accepted]").check()
    phone.screenshot(path=str(tmp_path / "import-photo-phone.png"), full_page=True)
    phone.click("button[value=commit]")
    phone.wait_for_selector("[data-testid=outcome]")
    assert Assignment.objects.get(task=task, unit=tree["a"]).state == "on_time"
    assert Report.objects.get(assignment__unit=tree["a"]).data["admin_phone"] == "+84912345678"
