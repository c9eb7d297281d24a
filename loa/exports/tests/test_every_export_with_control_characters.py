"""Every export and document of Loa, with every control character in every text it shows.

The text is written straight to the database (QuerySet.update, past the door's cleaning and the
models' guard), as an import, raw SQL or an older version would have left it. Every download then
answers 200 and its file opens back (openpyxl, python-docx, pdftotext) with the text present minus
the controls; in Word, \\x0b (Word's own line break) is a real line break.
"""

import csv
import io
import re
import subprocess
from datetime import timedelta
from decimal import Decimal

import docx
import openpyxl
import pytest
from django.db import connection
from docx.oxml.ns import qn

from loa.articles.models import Quota
from loa.articles.services import quota_set
from loa.directives import services as directive_services
from loa.directives.models import Assignment, Directive, Report, Task
from loa.directives.tests.factories import DEADLINE, GOOD_PAGE, fanpage_letter
from loa.fanpages.models import Fanpage
from loa.scoring import examples
from loa.scoring import services as scoring_services
from loa.scoring.engine import score_year
from loa.scoring.models import Adjustment, Criterion, Level, Rubric
from loa.sharing import services as sharing_services
from loa.sharing import tally
from loa.sharing.models import Item, Share
from loa.units.models import Unit, UnitKind

END = "hết"  # every hostile text ends so: "<label><controls> hết"
# Every C0 character (PostgreSQL cannot store NUL: there it is left out), DEL and what XML refuses.
CONTROLS = "".join(map(chr, range(32))) + "\x7f\ufffe\uffff"
ALLOWED = {"\t", "\n", "\r", "\x0c"}  # what a text extractor itself writes (pdftotext ends pages with \x0c)


def hostile(label):
    controls = CONTROLS.replace("\x00", "") if connection.vendor == "postgresql" else CONTROLS
    return f"{label}{controls} {END}"


@pytest.fixture
def everything(tree, admin, alice):
    """A year of data whose every shown text holds every control character."""
    a, upper, province = tree["a"], tree["upper"], tree["province"]
    directive, task = fanpage_letter(tree, by=admin)
    directive_services.report_submit(
        by=alice, assignment=Assignment.objects.get(task=task, unit=a), data=GOOD_PAGE, at=DEADLINE - timedelta(days=1)
    )
    assert Fanpage.objects.filter(unit=a).exists()  # the report registered A's Page
    Fanpage.objects.create(
        unit=province,
        name="Trang",
        url="https://www.facebook.com/congdoancaobang",
        url_key="facebook.com/congdoancaobang",
        admin_name="Quản trị",
        admin_phone="+84912345678",
    )
    quota_set(by=admin, unit=a, year=2021, kind="news", target=4, notice="812/TB-CĐVC")
    rubric = examples.letter_2021(by=admin, unit=province, year=2021)
    scoring_services.adjust(
        by=admin, rubric=rubric, unit=a, criterion=rubric.criteria.get(code="F2"), points=Decimal(5), reason="Lý do"
    )

    # Straight to the database.
    Unit.objects.filter(pk=a.pk).update(
        name=hostile("ĐơnVịA"),
        short_name=hostile("TênTắtA"),
        address=hostile("ĐịaChỉA"),
        contact_name=hostile("LiênHệA"),
    )
    Unit.objects.filter(pk=upper.pk).update(name=hostile("CấpTrên"), short_name=hostile("CĐVC"))
    Unit.objects.filter(pk=province.pk).update(name=hostile("TỉnhĐoàn"), address=hostile("Phố, Cao Bằng"))
    UnitKind.objects.filter(code="cdcs").update(name=hostile("LoạiCĐCS"))
    Directive.objects.filter(pk=directive.pk).update(
        summary=hostile("TríchYếu"),
        body=hostile("NộiDung"),
        salutation=hostile("KínhGửi"),
        place=hostile("NơiBan"),
        distribution=hostile("NơiNhận"),
        signer_name=hostile("NgườiKý"),
        superior_body=hostile("CấpTrênBan"),
    )
    Task.objects.filter(pk=task.pk).update(title=hostile("NhiệmVụ"))
    Report.objects.filter(assignment__task=task).update(
        data={**GOOD_PAGE, "name": hostile("TênTrang"), "admin_name": hostile("QuảnTrị"), "note": hostile("GhiChú")}
    )
    Fanpage.objects.filter(unit=a).update(name=hostile("TrangA"))
    Fanpage.objects.filter(unit=province).update(name=hostile("TrangTỉnh"))
    Quota.objects.filter(unit=a).update(notice=hostile("ThôngBáo"))
    Rubric.objects.filter(pk=rubric.pk).update(name=hostile("BộTiêuChí"))
    Criterion.objects.filter(rubric=rubric, code="F2").update(name=hostile("TiêuChíF2"))
    Level.objects.filter(rubric=rubric).update(name=hostile("MứcXếpLoại"))
    score_year(rubric)  # the stored level names come from the hostile ones
    Adjustment.objects.filter(rubric=rubric).update(reason=hostile("LýDo"))
    item = _shared_item(province, a)
    Item.objects.filter(pk=item.pk).update(title=hostile("TinChiaSẻ"))
    return {"directive": directive, "task": task, "a": a, "province": province, "item": item}


def _shared_item(province, a):
    """An item the province asked of A in 2021, shared by A: the sharing figures have rows."""
    day = DEADLINE.date()
    item = sharing_services.item_create(
        by=None, unit=province, title="Tin", url="https://congdoancaobang.vn/tin/1", starts_on=day, ends_on=day
    )
    Item.objects.filter(pk=item.pk).update(asked_on=day)
    tally.record_asked(day, {a.path: 1})
    sharing_services.share_record(by=None, item=item, unit=a, kind=Share.Kind.DECLARED, at=DEADLINE)
    return item


def downloads(d):
    """(url, kind, labels that must be in the file) for every export and document endpoint."""
    a, province, task, directive = d["a"].pk, d["province"].pk, d["task"].pk, d["directive"].pk
    tables = [
        (f"/units/export.{f}", f, ["ĐơnVịA", "TênTắtA", "ĐịaChỉA", "LiênHệA", "LoạiCĐCS", "CấpTrên"])
        for f in ("xlsx", "csv")
    ]
    tables += [("/units/import/template.xlsx", "xlsx", ["LoạiCĐCS"])]
    tables += [(f"/articles/progress.{f}?year=2021", f, ["CấpTrên", "TỉnhĐoàn"]) for f in ("xlsx", "csv")]
    tables += [(f"/articles/quotas.{f}?year=2021", f, ["ĐơnVịA", "ThôngBáo"]) for f in ("xlsx", "csv")]
    tables += [(f"/directives/tasks/{task}/tracking.{f}", f, ["ĐơnVịA", "CấpTrên"]) for f in ("xlsx", "csv")]
    tables += [(f"/fanpages/?format={f}", f, ["CấpTrên"]) for f in ("xlsx", "csv")]
    tables += [(f"/fanpages/silent/?days=1&format={f}", f, ["ĐơnVịA"]) for f in ("xlsx", "csv")]
    tables += [(f"/fanpages/unit/{province}/followers/?format={f}", f, ["ĐơnVịA"]) for f in ("xlsx", "csv")]
    tables += [(f"/scoring/2021/ranking.{f}", f, ["ĐơnVịA", "TiêuChíF2", "MứcXếpLoại"]) for f in ("xlsx", "csv")]
    tables += [(f"/sharing/figures/export.{f}?year=2021", f, ["CấpTrên", "TỉnhĐoàn"]) for f in ("xlsx", "csv")]
    item = d["item"].pk
    tables += [(f"/sharing/figures/item/{item}/export.xlsx", "xlsx", ["TinChiaSẻ", "ĐơnVịA"])]
    tables += [(f"/sharing/figures/item/{item}/export.csv", "csv", ["ĐơnVịA"])]  # a CSV has no title lines
    report = ["TênTrang", "QuảnTrị", "GhiChú"]
    documents = [
        (
            f"/directives/{directive}/document.{f}",
            f,
            [
                "TríchYếu",
                "NộiDung",
                "KínhGửi",
                "NơiBan",
                "NơiNhận",
                "NgườiKý",
                "CấpTrênBan",
                "CấpTrên",
            ],  # the body in full
        )
        for f in ("docx", "pdf")
    ]
    documents += [(f"/directives/tasks/{task}/consolidated.xlsx", "xlsx", [*report, "CấpTrên"])]
    documents += [
        (f"/directives/tasks/{task}/consolidated.{f}", f, [*report, "CấpTrên", "NgườiKý"]) for f in ("docx", "pdf")
    ]
    documents += [(f"/directives/tasks/{task}/units/{a}/form.{f}", f, [*report, "ĐơnVịA"]) for f in ("docx", "pdf")]
    documents += [(f"/fanpages/unit/{a}/poster.pdf", "pdf", ["TrangTỉnh"])]
    documents += [
        (f"/scoring/2021/announcement.{f}", f, ["TỉnhĐoàn", "BộTiêuChí", "MứcXếpLoại", "ĐơnVịA"])
        for f in ("docx", "pdf")
    ]
    documents += [(f"/scoring/2021/units/{a}/sheet.pdf", "pdf", ["ĐơnVịA", "TiêuChíF2", "LýDo", "TỉnhĐoàn"])]
    return tables + documents


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def _text(kind, content, tmp_path):
    if kind == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(content))
        return "\n".join(
            str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v
        )
    if kind == "csv":
        return "\n".join("\n".join(row) for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    if kind == "docx":
        document = docx.Document(io.BytesIO(content))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    path = tmp_path / "file.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True, timeout=120
    ).stdout


def test_every_export_and_document_opens_with_the_text_minus_the_controls(everything, admin, login, tmp_path):
    client = login(admin)
    for url, kind, labels in downloads(everything):
        response = client.get(url)
        assert response.status_code == 200, url
        text = _text(kind, _body(response), tmp_path)
        stray = {
            ch for ch in text if (ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F or ch in "\ufffe\uffff") and ch not in ALLOWED
        }
        assert not stray, (url, stray)
        for label in labels:
            # The label, then only what is left of the controls (tab, line breaks), then the end; a list
            # made of the lines ("Nơi nhận:") puts its "- …;" between them.
            assert re.search(rf"{label}[\s;.-]*{END}", text, re.IGNORECASE), (url, label)


def test_in_word_the_vertical_tab_of_a_report_note_is_a_line_break(everything, admin, login):
    response = login(admin).get(f"/directives/tasks/{everything['task'].pk}/consolidated.docx")
    document = docx.Document(io.BytesIO(response.content))
    note = next(c for t in document.tables for r in t.rows for c in r.cells if c.text.startswith("GhiChú"))
    assert note.text == "GhiChú\t\n\n\n " + END  # tab kept; \n, \x0b and \r each a line break (w:br)
    assert len(note._tc.findall(".//" + qn("w:br"))) == 3
