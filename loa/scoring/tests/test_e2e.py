"""In a browser: an officer on a phone sees the score, the evidence and what is missing; the admin on
a desktop adjusts a criterion with a reason, freezes the year and downloads the documents."""

import io
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import browser_login
from loa.scoring.engine import score_year

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_officer_on_a_phone_sees_the_score_the_evidence_and_what_is_missing(scored, tree, bob, phone):
    score_year(scored)
    browser_login(phone, "bob")
    phone.goto(phone.base_url + "/scoring/")
    phone.click(f"text={tree['b'].name}")
    assert phone.locator("[data-testid=level]").inner_text() == "Không hoàn thành nhiệm vụ"
    gap = phone.locator("[data-testid=gap]").inner_text()
    assert "để đạt mức “Hoàn thành nhiệm vụ”" in gap and "thêm" in gap.lower()
    assert phone.locator("[data-code=F2] a", has_text="Lịch đăng bài").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # What if: two more articles, without saving.
    phone.fill("#w_article_quota", "2")
    phone.locator("#w_article_quota").dispatch_event("change")
    phone.wait_for_selector("[data-testid=whatif-result]")
    assert "Xếp loại" in phone.locator("[data-testid=whatif-result]").inner_text()


def test_the_admin_adjusts_freezes_and_downloads_the_documents(scored, tree, admin, desktop, tmp_path):
    score_year(scored)
    browser_login(desktop, "admin")
    desktop.goto(desktop.base_url + f"/scoring/2021/units/{tree['b'].pk}/")
    desktop.click("text=Điều chỉnh điểm một tiêu chí")
    desktop.select_option("#id_criterion", label=str(scored.criteria.get(code="L1")))
    desktop.fill("#id_points", "10")
    desktop.fill("#id_reason", "Đơn vị gửi bổ sung danh sách đoàn viên đã bấm Thích")
    desktop.click("[data-testid=adjust-form] button[type=submit]")
    assert "Đơn vị gửi bổ sung danh sách" in desktop.locator("[data-code=L1]").inner_text()
    desktop.goto(desktop.base_url + "/scoring/2021/")
    desktop.once("dialog", lambda dialog: dialog.accept())
    desktop.click("[data-testid=freeze]")
    desktop.wait_for_selector("[data-testid=frozen]")
    with desktop.expect_download() as info:
        desktop.click("[data-testid=export-xlsx]")
    ws = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
    assert tree["b"].name in [row[2] for row in ws.iter_rows(values_only=True)]
    with desktop.expect_download() as info:
        desktop.click("[data-testid=announcement-docx]")
    import docx

    text = "\n".join(p.text for p in docx.Document(info.value.path()).paragraphs)
    assert "THÔNG BÁO" in text and tree["b"].name in text
    with desktop.expect_download() as info:
        desktop.click("[data-testid=announcement-pdf]")
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(Path(info.value.path()).read_bytes())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Kết quả đánh giá, xếp loại" in text and "Hoàn thành xuất sắc nhiệm vụ" in text
