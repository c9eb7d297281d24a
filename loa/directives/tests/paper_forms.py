"""Paper Fanpage report forms, printed and photographed by the tests.

A unit fills the letter's form in Word, prints it, signs it and sends a phone photo or a scan. The
tests do the same with Loa's own form (the TableReport that directives.documents gives a unit,
laid out as a PDF by loa.documents.pdf, the layout of the Word file), or with a sheet printed from
Excel without borders, render it with pdftoppm and "photograph" it (loa/core/tests/photos.py).
Nothing binary is committed: every picture is made here.
"""

import datetime
import io

from django.utils.html import escape

from loa.core.tests.photos import grain, pdf_of_images, photograph, rasterise
from loa.documents import samples
from loa.documents.model import TableReport
from loa.documents.pdf import html_to_pdf, render_pdf

UNIT = "Công đoàn cơ sở Trường THPT Thành phố Cao Bằng"
ROW = {
    "name": "Công đoàn cơ sở Trường THPT Thành phố Cao Bằng",
    "url": "https://www.facebook.com/cdcs.thpt.tpcb",
    "admin_name": "Hoàng Thị Ánh Nguyệt",
    "admin_phone": "0912 345 678",
    "note": "Lập ngày 15/4/2021",
}


def form_pdf(rows=(ROW,), *, unit=UNIT, signer="Lương Văn Bình"):
    """The letter's form filled in by `unit`: the address under the Page's name, as Loa's own form
    writes it (directives.documents._page_cells)."""
    cells = [
        [
            f"{number:02d}",
            f"{r['name']}\n{r['url']}" if r.get("url") else r["name"],
            r["admin_name"],
            r["admin_phone"],
            r["note"],
        ]
        for number, r in enumerate(rows, start=1)
    ]
    return render_pdf(
        TableReport(
            title="BIỂU MẪU BÁO CÁO",
            subtitle=samples.FANPAGE_FORM_SUBTITLE,
            columns=samples.fanpage_form_columns(),
            rows=cells,
            superior_body="CÔNG ĐOÀN VIÊN CHỨC TỈNH",
            issuing_body=unit.upper(),
            place="Cao Bằng",
            date=datetime.date(2021, 4, 20),
            signing_capacity=("TM. BAN CHẤP HÀNH", "CHỦ TỊCH"),
            signer_name=signer,
        )
    )


def letter_pdf():
    """The seed letter itself, as a unit might scan it in front of its form."""
    from loa.documents.pdf import write_pdf

    out = io.BytesIO()
    write_pdf(samples.seed_letter(), out)
    return out.getvalue()


def borderless_sheet_pdf(rows=(ROW,), *, unit="CĐCS Trường THPT Thành phố Cao Bằng"):
    """The form typed in Excel in loose words ("TT", "Tên trang", "Người QT", "SĐT") and printed without
    borders, as Excel prints by default."""
    body = "".join(
        f"<tr><td>{number}</td><td>{escape(r['name'])}</td><td>{escape(r['admin_name'])}</td>"
        f"<td>{escape(r['admin_phone'])}</td><td>{escape(r['note'])}</td></tr>"
        for number, r in enumerate(rows, start=1)
    )
    html = f"""<html><head><style>
      @page {{ size: A4; margin: 20mm 15mm; }}
      body {{ font-family: "Liberation Sans"; font-size: 12pt; }}
      table {{ border-collapse: collapse; width: 100%; margin-top: 10mm; }}
      td, th {{ padding: 3mm 2mm; vertical-align: top; text-align: left; }}
      th {{ font-weight: bold; }}
    </style></head><body>
    <p>{escape(unit.upper())}</p>
    <p><b>BÁO CÁO KẾT QUẢ THÀNH LẬP TRANG FANPAGE</b></p>
    <table><tr><th>TT</th><th>Tên trang</th><th>Người QT</th><th>SĐT</th><th>Ghi chú</th></tr>{body}</table>
    <p style="margin-left: 100mm; margin-top: 15mm;"><b>TM. BAN CHẤP HÀNH</b></p>
    </body></html>"""
    return html_to_pdf(html)


def page_of(pdf, *, dpi=200, number=1):
    return rasterise(pdf, dpi=dpi, first=number, last=number)[0]


def phone_photo(pdf=None, **how):
    """A JPEG of the form's page as a phone takes it (see photos.photograph for `how`)."""
    return photograph(page_of(pdf or form_pdf()), **how)


def two_page_scan():
    """A scanner app's PDF: the letter's first page, then the filled form, each a compressed picture."""
    from PIL import Image

    pages = [
        Image.open(io.BytesIO(photograph(page_of(letter_pdf(), dpi=150), angle=0.6, quality=70))),
        Image.open(io.BytesIO(photograph(page_of(form_pdf(), dpi=150), angle=-0.8, quality=70))),
    ]
    return pdf_of_images(pages, dpi=150)


def cat_photo():
    """A photo with no form in it: a fractal in grey, grainy, as a phone's JPEG."""
    import random

    from PIL import Image, ImageChops

    picture = Image.effect_mandelbrot((1600, 1200), (-2.2, -1.2, 1.0, 1.2), 60)
    picture = ImageChops.add(picture, grain(picture.size, 30, random.Random(7)), scale=1, offset=-128)
    out = io.BytesIO()
    picture.convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


def edits(a, b):
    """Levenshtein's distance between two texts: the characters to insert, delete or replace (a wrong
    tone mark is one), as the tests measure how close OCR came."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


def close(read, expected):
    """Close enough for a person to check at a glance: at most two edits, or one in ten characters."""
    return edits(read, expected) <= max(2, len(expected) // 10)
