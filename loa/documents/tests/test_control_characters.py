"""A document whose text holds control characters still renders: they are removed at writing, and
Word's line break \\x0b becomes a real line break (w:br). One \\x0b in a report note used to make
the whole Word file a 500."""

import dataclasses
import io

import docx
from docx.oxml.ns import qn

from loa.documents.docx import render_docx
from loa.documents.pdf import render_pdf
from loa.documents.samples import consolidated_report, seed_letter

from .conftest import poppler

EVERY_CONTROL = "".join(map(chr, range(32))) + "\x7f\ufffe\uffff\ud800"
NOTE = "dòng một\x0bdòng hai"


def _hostile_letter():
    letter = seed_letter()
    return dataclasses.replace(
        letter,
        summary=f"Đẩy mạnh{EVERY_CONTROL} truyền thông",
        salutation="Công đoàn cơ sở\x00 trực thuộc",
        paragraphs=[f"Đoạn văn{EVERY_CONTROL} thứ nhất", NOTE],
        signer_name="Ngọc\x1f Văn Phán",
    )


def _hostile_report():
    return consolidated_report([["01", f"Trang{EVERY_CONTROL} Fanpage", "Hoàng Thị An", "0912 345 678", NOTE]])


def _cell_of(document, text):
    return next(c for t in document.tables for r in t.rows for c in r.cells if c.text.startswith(text))


def test_a_table_cell_keeps_the_text_and_words_vertical_tab_becomes_a_line_break():
    document = docx.Document(io.BytesIO(render_docx(_hostile_report())))
    page_cell = _cell_of(document, "Trang")
    assert page_cell.text == "Trang\t\n\n\n Fanpage"  # tab, \n, \x0b, \r: a tab and three line breaks
    note = _cell_of(document, "dòng một")
    assert note.text == "dòng một\ndòng hai"
    assert len(note._tc.findall(".//" + qn("w:br"))) == 1


def test_a_paragraph_keeps_the_text_and_words_vertical_tab_becomes_a_line_break():
    document = docx.Document(io.BytesIO(render_docx(_hostile_letter())))
    texts = [p.text for p in document.paragraphs]
    assert "Đoạn văn\t\n\n\n thứ nhất" in texts
    assert "dòng một\ndòng hai" in texts
    assert "Ngọc Văn Phán" in [p.text for t in document.tables for r in t.rows for c in r.cells for p in c.paragraphs]


def test_a_pdf_keeps_the_text_without_the_controls(tmp_path):
    for name, doc in (("report", _hostile_report()), ("letter", _hostile_letter())):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(render_pdf(doc))
        text = poppler("pdftotext", path, "-")
        assert "dòng một\ndòng hai" in text or "dòng một dòng hai" in text
        assert not any(ch in text for ch in "\x00\x01\x0b\x1f\x7f\ufffe")
    assert "Ngọc Văn Phán" in poppler("pdftotext", tmp_path / "letter.pdf", "-")
