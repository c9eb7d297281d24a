"""Word (.docx) rendering of an OfficialDocument or a TableReport with python-docx.

Every run names Times New Roman for all four script slots (ascii, hAnsi, eastAsia, cs): Word picks
the slot by character class, and a Vietnamese letter with two marks must not fall back to another
font. Tables are built from a prototype row copied with lxml, so a few thousand rows stay fast.

Text enters the file in two places, `_run` and `_cell_text`; both pass it through `writable_text`
(lxml refuses control characters: one \x0b in a report note made the whole file a 500) and write
each \n, Word's own \x0b included, as a line break (w:br).
"""

import copy
import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from loa.core.controls import writable_text
from loa.documents import layout as L
from loa.documents.fonts import fit_lines, text_width_pt
from loa.documents.model import OfficialDocument, TableReport

FONT = "Times New Roman"
CENTER, LEFT, RIGHT, JUSTIFY = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.RIGHT,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
)
_ALIGN = {"left": LEFT, "center": CENTER, "right": RIGHT}


def render_docx(doc):
    """The .docx file of `doc` (an OfficialDocument or a TableReport), as bytes."""
    out = io.BytesIO()
    write_docx(doc, out)
    return out.getvalue()


def write_docx(doc, stream):
    word = _new_document(landscape=getattr(doc, "landscape", False))
    if isinstance(doc, OfficialDocument):
        _official(word, doc)
    elif isinstance(doc, TableReport):
        _table_report(word, doc)
    else:
        raise TypeError(f"Cannot render {type(doc).__name__} to docx")
    word.save(stream)


# --- page, fonts ---------------------------------------------------------------------------------


def _new_document(landscape=False):
    word = Document()
    normal = word.styles["Normal"]
    _set_fonts(normal.element.get_or_add_rPr(), size=L.SIZE_BODY)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0

    section = word.sections[0]
    width, height = Mm(L.PAGE_WIDTH), Mm(L.PAGE_HEIGHT)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        width, height = height, width
    section.page_width, section.page_height = width, height
    section.top_margin, section.bottom_margin = Mm(L.MARGIN_TOP), Mm(L.MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Mm(L.MARGIN_LEFT), Mm(L.MARGIN_RIGHT)
    section.header_distance = Mm(L.HEADER_DISTANCE)
    section.footer_distance = Mm(L.HEADER_DISTANCE)
    # Page numbers centred in the top margin, none on the first page.
    section.different_first_page_header_footer = True
    header_paragraph = section.header.paragraphs[0]
    header_paragraph.alignment = CENTER
    _page_field(header_paragraph)
    first = section.first_page_header.paragraphs[0]
    first.text = ""
    return word


_PPR_SEQ = (
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
)
_TBLPR_SEQ = (
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
    "tblPrChange",
)


def _insert_ordered(parent, element, sequence):
    """Insert `element` where the schema's child order puts it (Word refuses files out of order)."""
    name = element.tag.split("}")[1]
    later = {qn(f"w:{tag}") for tag in sequence[sequence.index(name) + 1 :]}
    for child in parent:
        if child.tag in later:
            child.addprevious(element)
            return element
    parent.append(element)
    return element


def _set_fonts(rpr, size=None, bold=False, italic=False):
    """Rewrite a w:rPr: Times New Roman in all four slots, bold/italic (also for complex scripts),
    size, Vietnamese language. Children are written in schema order."""
    old_size = rpr.find(qn("w:sz"))
    if size is None and old_size is not None:
        size = int(old_size.get(qn("w:val"))) / 2
    for child in list(rpr):
        if child.tag != qn("w:rStyle"):
            rpr.remove(child)
    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    rpr.append(fonts)
    for tag, on in (("w:b", bold), ("w:bCs", bold), ("w:i", italic), ("w:iCs", italic)):
        if on:
            rpr.append(OxmlElement(tag))
    if size is not None:
        for tag in ("w:sz", "w:szCs"):
            el = OxmlElement(tag)
            el.set(qn("w:val"), str(round(size * 2)))
            rpr.append(el)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    rpr.append(lang)


def _run(paragraph, text, size, bold=False, italic=False):
    # python-docx writes "\n" as w:br and "\t" as w:tab.
    run = paragraph.add_run(writable_text(text))
    _set_fonts(run._r.get_or_add_rPr(), size=size, bold=bold, italic=italic)
    return run


def _page_field(paragraph):
    run = _run(paragraph, "", L.SIZE_PAGE_NUMBER)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == "2":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _paragraph(
    container,
    text="",
    size=L.SIZE_BODY,
    *,
    bold=False,
    italic=False,
    align=LEFT,
    before=0,
    after=0,
    line=1.0,
    indent_first=None,
    indent_left=None,
    indent_right=None,
    keep_next=False,
):
    p = container.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(before), Pt(after), line
    if indent_first is not None:
        fmt.first_line_indent = Mm(indent_first)
    if indent_left is not None:
        fmt.left_indent = Mm(indent_left)
    if indent_right is not None:
        fmt.right_indent = Mm(indent_right)
    if keep_next:
        fmt.keep_with_next = True
    if text:
        _run(p, text, size, bold=bold, italic=italic)
    else:
        _set_fonts(_mark_rpr(p), size=size)
    return p


def _mark_rpr(paragraph):
    ppr = paragraph._p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = _insert_ordered(ppr, OxmlElement("w:rPr"), _PPR_SEQ)
    return rpr


def _rule(container, length_mm, column_mm, size=4):
    """A short centred horizontal line: an empty paragraph whose top border spans `length_mm`."""
    side = max((column_mm - length_mm) / 2, 0)
    p = _paragraph(container, "", size, align=CENTER, indent_left=side, indent_right=side)
    p.paragraph_format.line_spacing = Pt(size)
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(k), v)
    borders.append(top)
    _insert_ordered(ppr, borders, _PPR_SEQ)
    return p


# --- tables --------------------------------------------------------------------------------------


def _table(container, widths_mm, rows=1, borders=False, shift_mm=0):
    table = container.add_table(rows=rows, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.LEFT if shift_mm else WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(int(Mm(sum(widths_mm)).twips)))
    if shift_mm:
        indent = OxmlElement("w:tblInd")
        indent.set(qn("w:w"), str(-int(Mm(shift_mm).twips)))
        indent.set(qn("w:type"), "dxa")
        _insert_ordered(tbl_pr, indent, _TBLPR_SEQ)
    _table_borders(tbl_pr, "single" if borders else "nil")
    margins = OxmlElement("w:tblCellMar")
    for side, value in (("left", 57 if borders else 0), ("right", 57 if borders else 0)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(value))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    _insert_ordered(tbl_pr, margins, _TBLPR_SEQ)
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm):
        col.set(qn("w:w"), str(int(Mm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)
    return table


def _table_borders(tbl_pr, value):
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), value)
        if value != "nil":
            el.set(qn("w:sz"), "4")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        borders.append(el)
    _insert_ordered(tbl_pr, borders, _TBLPR_SEQ)


def _cell(cell):
    """An empty cell, ready for _paragraph() calls (python-docx gives each cell one empty paragraph)."""
    for p in list(cell.paragraphs):
        p._p.getparent().remove(p._p)
    return cell


def _finish_cell(cell):
    if not cell.paragraphs:  # a cell must end with a paragraph
        _paragraph(cell, "")


# --- the official header -------------------------------------------------------------------------


def _header(word, doc, summary_lines=()):
    table = _table(word, [L.HEADER_LEFT, L.HEADER_RIGHT], rows=2, shift_mm=L.HEADER_SHIFT)
    left, right = _cell(table.cell(0, 0)), _cell(table.cell(0, 1))
    for line in fit_lines(doc.superior_body.upper(), L.SIZE_SUPERIOR, L.HEADER_LEFT):
        _paragraph(left, line, L.SIZE_SUPERIOR, align=CENTER)
    issuer_lines = fit_lines(doc.issuing_body.upper(), L.SIZE_ISSUER, L.HEADER_LEFT, bold=True)
    for line in issuer_lines:
        _paragraph(left, line, L.SIZE_ISSUER, bold=True, align=CENTER)
    widest = max(text_width_pt(line, L.SIZE_ISSUER, bold=True) for line in issuer_lines)
    _rule(left, L.pt_to_mm(widest) * L.ISSUER_RULE_RATIO, L.HEADER_LEFT)

    _paragraph(right, L.NATIONAL_NAME, L.SIZE_NATIONAL, bold=True, align=CENTER)
    _paragraph(right, L.MOTTO, L.SIZE_MOTTO, bold=True, align=CENTER)
    _rule(right, L.pt_to_mm(text_width_pt(L.MOTTO, L.SIZE_MOTTO, bold=True)), L.HEADER_RIGHT)

    left, right = _cell(table.cell(1, 0)), _cell(table.cell(1, 1))
    if doc.number_line:
        _paragraph(left, doc.number_line, L.SIZE_NUMBER, align=CENTER, before=6)
    for line in summary_lines:
        _paragraph(left, line, L.SIZE_SUMMARY_CV, align=CENTER)
    if doc.date_line:
        _paragraph(right, doc.date_line, L.SIZE_DATE, italic=True, align=CENTER, before=6)
    for row in table.rows:
        for cell in row.cells:
            _finish_cell(cell)
    return table


def _title(word, title, summary_lines, before=18):
    _paragraph(word, title.upper(), L.SIZE_TITLE, bold=True, align=CENTER, before=before, keep_next=True)
    widest = 0
    for line in summary_lines:
        _paragraph(word, line, L.SIZE_TITLE, bold=True, align=CENTER, keep_next=True)
        widest = max(widest, text_width_pt(line, L.SIZE_TITLE, bold=True))
    if summary_lines:
        rule = _rule(word, L.pt_to_mm(widest) * L.TITLE_RULE_RATIO, L.text_width())
        rule.paragraph_format.space_after = Pt(12)


# --- the body and closing ------------------------------------------------------------------------


def _body(word, paragraphs):
    for i, para in enumerate(paragraphs):
        # Headings stay with what follows; the last paragraph with the signature block.
        keep = para.kind == "heading" or i == len(paragraphs) - 1
        _paragraph(
            word,
            para.display_text,
            L.SIZE_BODY,
            bold=para.is_bold,
            italic=para.italic,
            align=JUSTIFY,
            after=L.PARAGRAPH_SPACING,
            line=L.LINE_SPACING,
            indent_first=L.FIRST_LINE_INDENT,
            keep_next=keep,
        )


def _signature(container, capacity, signer_name, align=CENTER):
    for line in capacity:
        _paragraph(container, line.upper(), L.SIZE_SIGNATURE, bold=True, align=align, keep_next=True)
    if signer_name:
        spacer = _paragraph(container, "", L.SIZE_SIGNATURE, align=align, keep_next=True)
        spacer.paragraph_format.space_before = Mm(L.SIGNATURE_SPACE)
        _paragraph(container, signer_name, L.SIZE_SIGNATURE, bold=True, align=align)


def _closing(word, recipient_lines, capacity, signer_name, *, width=None, date_line=""):
    """The closing table: "Nơi nhận" on the left, the signature block on the right (`date_line`
    above it when the document has no header to carry the date)."""
    left_mm = (width or L.text_width()) - L.CLOSING_RIGHT
    table = _table(word, [left_mm, L.CLOSING_RIGHT], rows=1)
    _cant_split(table.rows[0])
    left, right = _cell(table.cell(0, 0)), _cell(table.cell(0, 1))
    if recipient_lines:
        _paragraph(left, L.RECIPIENTS_HEAD, L.SIZE_RECIPIENTS_HEAD, bold=True, italic=True)
        for line in recipient_lines:
            _paragraph(left, line, L.SIZE_RECIPIENTS)
    if date_line:
        _paragraph(right, date_line, L.SIZE_DATE, italic=True, align=CENTER)
    _signature(right, capacity, signer_name)
    _finish_cell(left)
    _finish_cell(right)


def _cant_split(row):
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))


def _official(word, doc):
    _header(word, doc, summary_lines=doc.summary_lines if doc.is_cong_van else ())
    if not doc.is_cong_van:
        _title(word, doc.kind_title, doc.summary_lines)
    if doc.salutation:
        lines = doc.salutation.strip().splitlines()
        _paragraph(
            word,
            lines[0],
            L.SIZE_BODY,
            align=CENTER if len(lines) == 1 else LEFT,
            before=12,
            after=6,
            indent_left=None if len(lines) == 1 else 25,
        )
        for line in lines[1:]:
            _paragraph(word, line, L.SIZE_BODY, indent_left=45)
    else:
        _paragraph(word, "", L.SIZE_BODY)
    _body(word, doc.paragraphs)
    _closing(word, doc.recipient_lines, doc.signing_capacity, doc.signer_name)
    for attachment in doc.attachments:
        _page_break(word)
        _form(word, attachment)


def _page_break(word):
    p = word.add_paragraph()
    _run(p, "", L.SIZE_BODY).add_break(WD_BREAK.PAGE)


def _form(word, form):
    if form.unit_name:
        _paragraph(word, form.unit_name.upper(), L.SIZE_ISSUER, bold=True, align=LEFT, after=6)
    _paragraph(word, form.title.upper(), L.SIZE_TITLE, bold=True, align=CENTER, keep_next=True)
    if form.subtitle:
        _paragraph(word, form.subtitle, L.SIZE_TITLE, bold=True, align=CENTER, after=12, keep_next=True)
    _data_table(word, form.columns, form.rows, L.text_width())
    if form.signature_capacity:
        _closing(word, [], form.signature_capacity, form.signer_name)


def _table_report(word, report):
    width = L.text_width(report.landscape)
    if report.has_header:
        _header(word, report)
    _title(word, report.title, [report.subtitle] if report.subtitle else [], before=12 if report.has_header else 0)
    _data_table(word, report.columns, report.rows, width)
    for note in report.notes:
        _paragraph(word, note, L.SIZE_TABLE, italic=True, before=6)
    if report.signing_capacity or report.recipients:
        _paragraph(word, "", 6)
        _closing(
            word,
            report.recipient_lines,
            report.signing_capacity,
            report.signer_name,
            width=width,
            date_line="" if report.has_header else report.date_line,
        )


# --- data tables ---------------------------------------------------------------------------------


def _data_table(word, columns, rows, total_width):
    widths = L.column_widths(columns, total_width)
    table = _table(word, widths, rows=1, borders=True)
    header = table.rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))  # repeated at the top of every page
    _cant_split(header)
    for cell, column in zip(header.cells, columns):
        cell = _cell(cell)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _paragraph(
            cell, column.title, L.SIZE_TABLE, bold=True, align=CENTER, before=3, after=3 if not column.note else 0
        )
        if column.note:
            _paragraph(cell, column.note, L.SIZE_TABLE_NOTE, italic=True, align=CENTER, after=3)

    prototype = _prototype_row(table, widths, columns)
    tbl = table._tbl
    for values in rows:
        tr = copy.deepcopy(prototype)
        for t, value in zip(list(tr.iter(qn("w:t"))), values):
            _cell_text(t, value)
        tbl.append(tr)
    return table


def _cell_text(t, value):
    """Put `value` into a prototype row's w:t, each line after the first behind a w:br of its own."""
    lines = writable_text(value).split("\n")
    t.text = lines[0]
    for line in lines[1:]:
        br, following = OxmlElement("w:br"), OxmlElement("w:t")
        following.set(qn("xml:space"), "preserve")
        following.text = line
        t.addnext(br)
        br.addnext(following)
        t = following


def _prototype_row(table, widths, columns):
    """A body row with one run per cell, removed from the table: rows are deep copies of it."""
    row = table.add_row()
    _cant_split(row)
    for cell, width, column in zip(row.cells, widths, columns):
        cell.width = Mm(width)
        cell = _cell(cell)
        p = _paragraph(cell, "", L.SIZE_TABLE, align=_ALIGN.get(column.align, LEFT), before=2, after=2)
        run = _run(p, "", L.SIZE_TABLE)
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        run._r.append(t)
    tr = row._tr
    tr.getparent().remove(tr)
    return tr
