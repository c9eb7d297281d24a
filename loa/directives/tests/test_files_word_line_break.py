"""The Word export 500: one \\x0b (Word's own line break) in a report note, stored as an import or an
older version would store it, made the task's consolidated docx, the unit's pre-filled form and the
directive's docx answer 500 for everyone until the report was sent again."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from loa.directives import services
from loa.directives.models import Assignment, Directive, Report
from loa.directives.tests.factories import DEADLINE, GOOD_PAGE, fanpage_letter

NOTE = "Đã thành lập\x0bđang chờ duyệt"


@pytest.fixture
def noted(tree, admin, alice):
    directive, task = fanpage_letter(tree, by=admin)
    assignment = Assignment.objects.get(task=task, unit=tree["a"])
    services.report_submit(by=alice, assignment=assignment, data=GOOD_PAGE, at=DEADLINE - timedelta(days=1))
    # Straight to the database, past the door's cleaning and the models' guard.
    Report.objects.filter(assignment=assignment).update(data={**GOOD_PAGE, "note": NOTE})
    Directive.objects.filter(pk=directive.pk).update(
        body="Mỗi Công đoàn cơ sở\x0blập 01 Trang Fanpage\x1f.", signer_name="Ngọc\x0bVăn Phán"
    )
    return directive, task


def _docx(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return Document(io.BytesIO(response.content))


def _note_cell(document):
    return next(c for t in document.tables for r in t.rows for c in r.cells if c.text.startswith("Đã thành lập"))


def test_the_consolidated_docx_opens_with_the_note_on_two_lines(noted, admin, login):
    _, task = noted
    cell = _note_cell(_docx(login(admin), reverse("directives:consolidated", args=[task.pk, "docx"])))
    assert cell.text == "Đã thành lập\nđang chờ duyệt"
    assert cell._tc.findall(".//" + qn("w:br"))


def test_the_units_prefilled_form_opens_with_the_note_on_two_lines(noted, tree, alice, login):
    _, task = noted
    cell = _note_cell(_docx(login(alice), reverse("directives:unit_form", args=[task.pk, tree["a"].pk, "docx"])))
    assert cell.text == "Đã thành lập\nđang chờ duyệt"


def test_the_directives_docx_opens_with_its_line_breaks(noted, admin, login):
    directive, _ = noted
    document = _docx(login(admin), reverse("directives:document", args=[directive.pk, "docx"]))
    texts = [p.text for p in document.paragraphs] + [
        p.text for t in document.tables for r in t.rows for c in r.cells for p in c.paragraphs
    ]
    assert "lập 01 Trang Fanpage." in texts  # the body's \x0b starts a new paragraph, the \x1f is gone
    assert "Ngọc\nVăn Phán" in texts


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_the_consolidated_report_in_other_formats_opens_too(noted, admin, login, fmt):
    _, task = noted
    assert login(admin).get(reverse("directives:consolidated", args=[task.pk, fmt])).status_code == 200


def test_an_outsider_still_gets_404(noted, tree, bob, login):
    _, task = noted
    assert login(bob).get(reverse("directives:unit_form", args=[task.pk, tree["a"].pk, "docx"])).status_code == 404
