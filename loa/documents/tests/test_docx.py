import io

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from loa.documents import layout
from loa.documents.docx import render_docx
from loa.documents.samples import consolidated_report, fanpage_form_columns, sample_rows, seed_letter

SEED_FORM_HEADERS = ["Stt", "Tên Trang Fanpage", "Người quản trị", "Số điện thoại người quản trị", "Ghi chú"]


def _runs_with(document_or_cell, text):
    return [run for p in _paragraphs(document_or_cell) for run in p.runs if run.text == text]


def _paragraphs(container):
    yield from container.paragraphs
    for table in container.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from _paragraphs(cell)


def _the_run(doc, text):
    runs = _runs_with(doc, text)
    assert runs, f"no run {text!r}"
    return runs[0]


def test_the_page_is_a4_with_the_decree_margins(seed_docx):
    section = seed_docx.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert 20 <= round(section.top_margin.mm) <= 25
    assert 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35
    assert 15 <= round(section.right_margin.mm) <= 20


def test_the_header_table_holds_the_bodies_the_national_name_and_the_date(seed_docx):
    header = seed_docx.tables[0]
    texts = [[cell.text for cell in row.cells] for row in header.rows]
    assert texts[0][0].split("\n")[:2] == ["LĐLĐ TỈNH CAO BẰNG", "CÔNG ĐOÀN VIÊN CHỨC TỈNH"]
    assert texts[0][1].split("\n")[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert texts[1][0].split("\n") == [
        "Số: 45/CĐVC",
        "V/v đẩy mạnh công tác truyền thông",
        "của tổ chức Công đoàn Cao Bằng",
        "trên các kênh thông tin",
    ]
    assert texts[1][1] == "Cao Bằng, ngày 05 tháng 4 năm 2021"


def test_the_header_table_has_no_borders(seed_docx):
    borders = seed_docx.tables[0]._tbl.tblPr.find(qn("w:tblBorders"))
    assert {el.get(qn("w:val")) for el in borders} == {"nil"}


def test_header_styles_follow_the_decree(seed_docx):
    superior = _the_run(seed_docx, "LĐLĐ TỈNH CAO BẰNG")
    assert not superior.bold and superior.font.size.pt == 13
    issuer = _the_run(seed_docx, "CÔNG ĐOÀN VIÊN CHỨC TỈNH")
    assert issuer.bold and issuer.font.size.pt == 13
    national = _the_run(seed_docx, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert national.bold and national.font.size.pt == 13
    motto = _the_run(seed_docx, "Độc lập - Tự do - Hạnh phúc")
    assert motto.bold and motto.font.size.pt == 14
    number = _the_run(seed_docx, "Số: 45/CĐVC")
    assert not number.bold and not number.italic and number.font.size.pt == 13
    date = _the_run(seed_docx, "Cao Bằng, ngày 05 tháng 4 năm 2021")
    assert date.italic and not date.bold
    summary = _the_run(seed_docx, "V/v đẩy mạnh công tác truyền thông")
    assert summary.font.size.pt == 12


def test_rules_are_drawn_under_the_issuing_body_and_as_long_as_the_motto(seed_docx):
    left, right = seed_docx.tables[0].rows[0].cells
    rules = {}
    for name, cell, width in (("issuer", left, layout.HEADER_LEFT), ("motto", right, layout.HEADER_RIGHT)):
        rule = [p for p in cell.paragraphs if p._p.pPr.find(qn("w:pBdr")) is not None]
        assert len(rule) == 1, name
        indent = rule[0].paragraph_format.left_indent.mm + rule[0].paragraph_format.right_indent.mm
        rules[name] = width - indent
    # Liberation Serif has Times New Roman's metrics: the motto in bold 14 is about 60 mm long.
    assert 55 < rules["motto"] < 66
    # "CÔNG ĐOÀN VIÊN CHỨC TỈNH" is about 69 mm: the rule under it 1/3 to 1/2 of that.
    assert 69 / 3 <= rules["issuer"] <= 69 / 2


def test_the_body_is_justified_14pt_with_a_first_line_indent(seed_docx):
    body = [p for p in seed_docx.paragraphs if p.text.startswith("Nhằm đẩy mạnh công tác truyền thông")]
    assert len(body) == 1
    p = body[0]
    assert p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert 10 <= p.paragraph_format.first_line_indent.mm <= 12.7 + 0.1
    assert p.paragraph_format.space_after.pt >= 6
    assert all(run.font.size.pt == 14 for run in p.runs)


def test_headings_are_bold_and_bullets_start_with_a_dash(seed_docx):
    texts = [p.text for p in seed_docx.paragraphs]
    heading = next(p for p in seed_docx.paragraphs if p.text.startswith("1. Đẩy mạnh thông tin tuyên truyền"))
    assert all(run.bold for run in heading.runs)
    assert sum(t.startswith("- ") for t in texts) == 2
    assert "Kính gửi: Công đoàn cơ sở trực thuộc." in texts


def test_the_closing_has_recipients_and_the_signature(seed_docx):
    head = _the_run(seed_docx, "Nơi nhận:")
    assert head.bold and head.italic and head.font.size.pt == 12
    for line in ("- Như kính gửi;", "- Lưu: CĐVC."):
        run = _the_run(seed_docx, line)
        assert run.font.size.pt == 11 and not run.bold
    for line in ("TM. BAN THƯỜNG VỤ", "CHỦ TỊCH", "Ngọc Văn Phán"):
        run = _the_run(seed_docx, line)
        assert run.bold and run.font.size.pt == 14


def test_every_run_is_times_new_roman_in_all_four_script_slots(seed_docx):
    runs = list(seed_docx.element.body.iter(qn("w:r"))) + list(seed_docx.sections[0].header._element.iter(qn("w:r")))
    assert len(runs) > 30
    for run in runs:
        fonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            assert fonts.get(qn(slot)) == "Times New Roman", (run.xpath("string(.)"), slot)


def test_the_attached_form_has_the_seed_columns(seed_docx):
    forms = [t for t in seed_docx.tables if len(t.columns) == 5]
    assert len(forms) == 1
    header = [cell.paragraphs[0].text for cell in forms[0].rows[0].cells]
    assert header == SEED_FORM_HEADERS
    assert "(Ví dụ: Công đoàn cơ sở Văn phòng Tỉnh ủy Cao Bằng)" in forms[0].rows[0].cells[1].text
    assert [c.text for c in forms[0].rows[1].cells] == ["01", "", "", "", ""]
    assert _the_run(seed_docx, "BIỂU MẪU BÁO CÁO").bold
    assert _the_run(seed_docx, "TM. BAN CHẤP HÀNH").bold


def test_page_numbers_are_in_the_header_except_on_the_first_page(seed_docx):
    section = seed_docx.sections[0]
    assert section.different_first_page_header_footer
    instructions = [el.text for el in section.header._element.iter(qn("w:instrText"))]
    assert any("PAGE" in text for text in instructions)
    assert not list(section.first_page_header._element.iter(qn("w:instrText")))


def test_a_consolidated_report_of_two_thousand_units_keeps_every_row():
    rows = sample_rows(2000)
    data = render_docx(consolidated_report(rows))
    table = next(t for t in docx.Document(io.BytesIO(data)).tables if len(t.columns) == 6)
    assert len(table.rows) == 2001
    assert table.rows[-1].cells[1].text == "Công đoàn cơ sở Trường Tiểu học số 2000 thành phố Cao Bằng"
    header = table.rows[0]._tr.trPr
    assert header.find(qn("w:tblHeader")) is not None  # repeated on every page


def test_a_landscape_report_turns_the_page():
    report = consolidated_report(sample_rows(3))
    report.landscape = True
    section = docx.Document(io.BytesIO(render_docx(report))).sections[0]
    assert round(section.page_width.mm) == 297 and round(section.page_height.mm) == 210


def test_it_refuses_what_it_cannot_render():
    with pytest.raises(TypeError):
        render_docx(fanpage_form_columns())


def test_the_seed_letter_renders_the_same_twice():
    assert len(render_docx(seed_letter())) == len(render_docx(seed_letter()))
