"""HTTP responses that download a rendered document."""

from django.http import Http404, HttpResponse

from loa.core.controls import writable_line
from loa.core.files import download_headers

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def render(doc, fmt):
    """The file of `doc` in `fmt` ("docx" or "pdf"), as bytes."""
    if fmt == "docx":
        from loa.documents.docx import render_docx

        return render_docx(doc)
    if fmt == "pdf":
        from loa.documents.pdf import render_pdf

        return render_pdf(doc)
    raise ValueError(f"Unknown document format {fmt!r}")


def filename(doc, fmt):
    """ "Công văn số 45-CĐVC ngày 05-04-2021.pdf": the document's own name, no path separators."""
    stem = writable_line(doc.filename_stem()).replace("/", "-").replace("\\", "-").replace('"', "").strip()
    return f"{stem or 'document'}.{fmt}"


def document_response(doc, fmt, *, inline=False):
    """An HttpResponse with `doc` rendered as "docx" or "pdf"; an unknown format answers 404."""
    if fmt not in CONTENT_TYPES:
        raise Http404(f"Unknown document format {fmt!r}")
    response = HttpResponse(render(doc, fmt), content_type=CONTENT_TYPES[fmt])
    return download_headers(response, filename=filename(doc, fmt), as_attachment=not inline)
