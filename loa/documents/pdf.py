"""PDF rendering of an OfficialDocument or a TableReport: an HTML template and CSS through WeasyPrint.

The page (A4, margins, page number centred in the top margin from page 2 on) is CSS @page; the
font is Times New Roman when installed, otherwise the Liberation Serif 2 files named by
`loa.documents.fonts` (never the incomplete Liberation Serif 1). Table rows are written as one
escaped HTML string, not through the template engine, so that large reports stay quick.

`html_to_pdf` is the one way HTML becomes a PDF in Loa (documents and the Fanpage posters): it
passes the page through `writable_text` first, so no control character that reached the database
ends up in the file. A table cell's lines (\x0b included) become <br> before that.
"""

import io
import logging

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe

from loa.core.controls import writable_text
from loa.documents import layout as L
from loa.documents.fonts import fit_lines, pdf_font, text_width_pt
from loa.documents.model import OfficialDocument, TableReport

_ALIGN_CLASS = {"center": ' class="center"', "right": ' class="right"'}


def render_html(doc):
    """The HTML that WeasyPrint lays out (also handy to look at in a browser)."""
    landscape = getattr(doc, "landscape", False)
    family, font_faces = pdf_font()
    context = {
        "L": L,
        "font_family": family,
        "orientation": "landscape" if landscape else "portrait",
        "font_faces": font_faces,
        "closing_left_mm": L.text_width(landscape) - L.CLOSING_RIGHT,
        "header_width": L.HEADER_LEFT + L.HEADER_RIGHT,
    }
    context["css"] = render_to_string("documents/document.css", context)
    if isinstance(doc, OfficialDocument):
        context.update(_official_context(doc))
    elif isinstance(doc, TableReport):
        context.update(_report_context(doc))
    else:
        raise TypeError(f"Cannot render {type(doc).__name__} to pdf")
    return render_to_string("documents/document.html", context)


def render_pdf(doc):
    """The PDF file of `doc`, as bytes."""
    out = io.BytesIO()
    write_pdf(doc, out)
    return out.getvalue()


def write_pdf(doc, stream):
    html_to_pdf(render_html(doc), stream)


def html_to_pdf(html, stream=None):
    """Lay out `html` with WeasyPrint into `stream` (the PDF's bytes are returned when it is None)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    # WeasyPrint logs every unsupported CSS property and font fallback at WARNING; keep ours quiet.
    for name in ("weasyprint", "weasyprint.progress"):
        logging.getLogger(name).setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    fonts = FontConfiguration()
    return HTML(string=writable_text(html), base_url=".").write_pdf(stream, font_config=fonts)


def _header_context(doc):
    issuer_lines = fit_lines(doc.issuing_body.upper(), L.SIZE_ISSUER, L.HEADER_LEFT, bold=True)
    widest = max((text_width_pt(line, L.SIZE_ISSUER, bold=True) for line in issuer_lines), default=0)
    return {
        "superior_lines": fit_lines(doc.superior_body.upper(), L.SIZE_SUPERIOR, L.HEADER_LEFT),
        "issuer_lines": issuer_lines,
        "issuer_rule_mm": _mm(L.pt_to_mm(widest) * L.ISSUER_RULE_RATIO),
        "motto_rule_mm": _mm(L.pt_to_mm(text_width_pt(L.MOTTO, L.SIZE_MOTTO, bold=True))),
    }


def _title_rule(lines):
    widest = max((text_width_pt(line, L.SIZE_TITLE, bold=True) for line in lines), default=0)
    return _mm(L.pt_to_mm(widest) * L.TITLE_RULE_RATIO) if widest else ""


def _official_context(doc):
    salutation = [line.strip() for line in doc.salutation.strip().splitlines() if line.strip()]
    width = L.text_width()
    return {
        "title": doc.filename_stem(),
        "official": doc,
        "cv_summary_lines": doc.summary_lines if doc.is_cong_van else (),
        "title_rule_mm": "" if doc.is_cong_van else _title_rule(doc.summary_lines),
        "salutation_lines": salutation,
        "attachments": [
            (form, _widths(form.columns, width), _rows_html(form.rows, form.columns)) for form in doc.attachments
        ],
        **_header_context(doc),
    }


def _report_context(report):
    width = L.text_width(report.landscape)
    context = {
        "title": report.filename_stem(),
        "report": report,
        "report_widths": _widths(report.columns, width),
        "report_rows_html": _rows_html(report.rows, report.columns),
        "title_rule_mm": _title_rule([report.subtitle or report.title]),
        # Without the official header, the place and date go above the signature.
        "report_date_line": "" if report.has_header else report.date_line,
    }
    if report.has_header:
        context.update(_header_context(report))
    return context


def _widths(columns, total):
    return [_mm(w) for w in L.column_widths(columns, total)]


def _mm(value):
    return f"{value:.2f}"


def _rows_html(rows, columns):
    classes = [_ALIGN_CLASS.get(c.align, "") for c in columns]
    parts = []
    for row in rows:
        cells = "".join(
            f"<td{cls}>{escape(writable_text(value)).replace(chr(10), '<br>')}</td>" for cls, value in zip(classes, row)
        )
        parts.append(f"<tr>{cells}</tr>")
    return mark_safe("\n".join(parts))
