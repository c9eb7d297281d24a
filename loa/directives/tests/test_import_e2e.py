"""On a phone: the admin uploads returned forms, fixes a bad phone in the preview and records them."""

import pytest

from conftest import browser_login
from loa.directives.models import Assignment
from loa.directives.tests.test_import_forms import FOLDER, MORE_UNITS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def task(tree, kinds, admin):
    from loa.directives.tests.factories import fanpage_letter
    from loa.units.services import unit_create

    d = unit_create(by=None, parent=tree["upper"], kind=kinds["cdcs"], code="CS-D", name=MORE_UNITS["CS-D"])
    return fanpage_letter(tree, by=admin, recipients=[tree["a"], tree["b"], d])[1]


def test_the_admin_imports_forms_on_a_phone(phone, task, admin, tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    browser_login(phone, "admin")
    phone.goto(f"{phone.base_url}/directives/tasks/{task.pk}/import/")
    phone.set_input_files(
        "#id_files", [str(FOLDER / "01 CDCS THPT TP Cao Bang.xlsx"), str(FOLDER / "thpt cao binh.xlsx")]
    )
    phone.click("button[type=submit][data-once]")
    phone.wait_for_selector("[data-testid=import-file]")
    cards = phone.locator("[data-testid=import-file]")
    assert cards.count() == 2
    bad = phone.locator('[data-file="thpt cao binh.xlsx"]')
    assert "0206 385" in bad.locator("[data-testid=problems]").inner_text()
    assert bad.locator("input[name$=-accepted]").is_disabled()
    # Nothing overflows the phone's width.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    bad.locator("input[name$=-admin_phone]").fill("0206 3852 111")
    bad.locator("input[name$=-arrived_at]").fill("2021-04-30T09:00")
    phone.locator('[data-file="01 CDCS THPT TP Cao Bang.xlsx"] input[name$=-arrived_at]').fill("2021-04-29T10:00")
    phone.click("button[value=save]")
    bad = phone.locator('[data-file="thpt cao binh.xlsx"]')
    bad.locator("input[name$=-accepted]").check()
    phone.locator('[data-file="01 CDCS THPT TP Cao Bang.xlsx"] input[name$=-accepted]').check()
    phone.screenshot(path=str(tmp_path / "import-phone.png"), full_page=True)
    phone.click("button[value=commit]")
    phone.wait_for_selector("[data-testid=outcome]")
    assert phone.locator("[data-testid=outcome]").count() == 2
    states = dict(Assignment.objects.filter(task=task).values_list("unit__code", "state"))
    assert states == {"CS-A": "on_time", "CS-B": "pending", "CS-D": "late"}
