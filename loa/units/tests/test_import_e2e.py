import pytest

from conftest import browser_login
from loa.units.models import Unit
from loa.units.tests.import_helpers import row, xlsx

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_admin_fixes_the_rows_the_check_found_and_imports_the_file(desktop, admin, tree, tmp_path):
    bad = tmp_path / "don-vi.xlsx"
    bad.write_bytes(
        xlsx(
            [
                row("CS-C1", "Công đoàn cơ sở Trường Tiểu học Hợp Giang", "CDVC"),
                row("CS-C2", "Công đoàn cơ sở Trường Mầm non Sông Bằng", "CDVC", email="mamnon@", members=-5),
            ]
        )
    )
    browser_login(desktop, "admin")
    desktop.goto(desktop.base_url + "/units/import/")
    desktop.set_input_files("#id_file", str(bad))
    desktop.click("main form[enctype] button[type=submit]")
    errors = desktop.locator("[data-testid=import-errors] tbody tr")
    errors.first.wait_for()
    assert errors.count() == 2
    texts = [errors.nth(i).inner_text() for i in range(2)]
    assert all(t.startswith("3") for t in texts)  # both on row 3 of the sheet
    assert any("Email" in t and "mamnon@" in t for t in texts)
    assert any("Số đoàn viên" in t and "-5" in t for t in texts)
    assert not Unit.objects.filter(code__in=["CS-C1", "CS-C2"]).exists()

    fixed = tmp_path / "don-vi-da-sua.xlsx"
    fixed.write_bytes(
        xlsx(
            [
                row("CS-C1", "Công đoàn cơ sở Trường Tiểu học Hợp Giang", "CDVC"),
                row("CS-C2", "Công đoàn cơ sở Trường Mầm non Sông Bằng", "CDVC", email="mamnon@example.vn", members=25),
            ]
        )
    )
    desktop.click("[data-testid=import-result] a.btn")
    desktop.set_input_files("#id_file", str(fixed))
    desktop.click("main form[enctype] button[type=submit]")
    desktop.click("[data-testid=import-result] form button.btn")
    desktop.locator("[data-testid=job-status][data-status=done] [data-testid=created]").wait_for()
    assert desktop.locator("[data-testid=created]").inner_text() == "2"
    assert Unit.objects.get(code="CS-C2").members_count == 25
    assert Unit.objects.get(code="CS-C1").parent == tree["upper"]
