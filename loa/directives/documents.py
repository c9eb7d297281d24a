"""The directive's files: the directive itself, the consolidated Fanpage report, each unit's form."""

import json

from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.accounts import year_tree
from loa.core.phones import display_phones
from loa.directives.models import KIND_TITLES, ReportForm
from loa.directives.selectors import replies
from loa.documents import samples
from loa.documents.model import BULLET, HEADING, OfficialDocument, Paragraph, TableReport
from loa.exports.tabular import Column

FORM_TITLE = "BIỂU MẪU BÁO CÁO"
CONSOLIDATED_TITLE = "BÁO CÁO TỔNG HỢP"
REPORT_KIND = "BC"  # the consolidated report's kind in its number: "12/BC-CĐVC"


def _paragraphs(body):
    """Body text to paragraphs: "1. …" lines are headings, "- …" lines bullets."""
    out = []
    for line in body.splitlines():
        line = line.strip()
        if not line:
            continue
        if line[:2] in ("- ", "+ ", "• "):
            out.append(Paragraph(line[2:].strip(), kind=BULLET))
        elif len(line) < 200 and line.split(".")[0].isdigit() and "." in line[:4]:
            out.append(Paragraph(line, kind=HEADING))
        else:
            out.append(Paragraph(line))
    return out


def directive_document(directive):
    has_fanpage_form = directive.tasks.filter(report_form=ReportForm.FANPAGE).exists()
    salutation = directive.salutation.strip()
    if salutation and not salutation.lower().startswith("kính gửi"):
        salutation = f"Kính gửi: {salutation}"
    return OfficialDocument(
        **_issuer_header(directive),
        number=directive.number,
        date=directive.issued_on,
        kind_title=KIND_TITLES.get(directive.kind),
        summary=directive.summary,
        salutation=salutation,
        paragraphs=_paragraphs(directive.body),
        recipients=[line.rstrip(";.") for line in directive.distribution_lines()],
        signing_capacity=tuple(x for x in (directive.signer_capacity, directive.signer_title) if x),
        signer_name=directive.signer_name,
        attachments=[samples.fanpage_form()] if has_fanpage_form else [],
    )


def _page_cells(data, warn=False):
    """A report's four cells after Stt. With `warn` (the consolidated report, read by staff), a unit with
    no Page yet and a Page without its address are said so; a unit's own form stays as the unit fills it,
    so that it imports back unchanged."""
    if warn and data.get("no_page"):
        return _("No Page yet"), "", "", data.get("note", "")
    name = data.get("name", "")
    if data.get("url"):
        name = f"{name}\n{data['url']}"
    elif warn and name:
        name = f"{name}\n({_('Page address still missing')})"
    phones = display_phones("; ".join(filter(None, [data.get("admin_phone"), data.get("other_phones")])))
    return name, data.get("admin_name", ""), phones, data.get("note", "")


def reported_assignments(user, task, node, tree=year_tree.YEAR):
    """The reports under `node` that `user` may see, in Vietnamese order of the unit names: the units
    under it by the task's year's tree or today's (`selectors.replies`)."""
    return (
        replies(user, task, node, tree)
        .filter(first_reported_at__isnull=False)
        .select_related("report")
        .only("report__data")
        .order_by("unit_sort", "id")
    )


def consolidated_rows(user, task, node, tree=year_tree.YEAR):
    """One row per reporting unit, streamed: [Stt, the unit's official name, Tên Trang, Người quản trị,
    SĐT, Ghi chú]; a Page reported without its address says so (softly) in its row.

    The reports' JSON comes as text and is decoded here: Django's JSON field converter per row cost
    more than the rest of the row (0.85 of 2.2 s for a national report)."""
    qs = (
        reported_assignments(user, task, node, tree)
        .annotate(report_json=Cast("report__data", TextField()))
        .values_list("unit__name", "report_json", "unit__fanpage__url")
    )
    loads = json.loads
    for number, (unit_name, text, registered_url) in enumerate(qs.iterator(chunk_size=5000), start=1):
        data = (loads(text) if text else None) or {}
        if registered_url and not data.get("url") and not data.get("no_page"):
            # Reported from the official form (no address column); the address was added to the
            # unit's Page afterwards (fanpages.services.set_page_address), as tracking shows it.
            data = {**data, "url": registered_url}
        yield [f"{number:02d}", unit_name, *_page_cells(data, warn=True)]


def consolidated_columns():
    """The spreadsheet's columns: the same as the Word and PDF report's."""
    return _sheet_columns(samples.consolidated_report_columns())


def unit_form_columns():
    """The unit's form as a sheet: the five columns of the official form, as on its Word file."""
    return _sheet_columns(samples.fanpage_form_columns())


def _sheet_columns(columns):
    return [Column(str(i), c.title) for i, c in enumerate(columns)]


def consolidated_title_lines(task, node, tree=year_tree.YEAR):
    return [
        CONSOLIDATED_TITLE,
        samples.FANPAGE_FORM_SUBTITLE,
        f"{node.name} — {task.directive.number}",
        timezone.localtime().strftime("Số liệu đến %H:%M ngày %d/%m/%Y"),
        year_tree.tree_line(task.year, tree),
    ]


def _issuer_header(directive):
    """The header's bodies: the issuing unit by its full name (Decree 30 writes the body's name in
    full; the renderers wrap it over two lines), the same on the directive and on its reports."""
    return {
        "superior_body": (directive.superior_body or "").upper(),
        "issuing_body": directive.issuing_unit.name.upper(),
        "place": directive.place,
    }


def issuer_symbol(directive):
    """The issuer's abbreviation in the directive's number: "CĐVC" of "45/CV-CĐVC" ("" if none)."""
    tail = directive.number.split("/", 1)[1] if "/" in directive.number else ""
    return tail.split("-", 1)[-1].strip()


def consolidated_number(directive, entered=""):
    """The report's number: "12/BC-CĐVC" from the 12 entered (or the whole number as entered), else
    "/BC-CĐVC" with a gap that the clerk fills in when registering it."""
    entered = (entered or "").strip()
    if "/" in entered:
        return entered
    symbol = issuer_symbol(directive)
    tail = f"/{REPORT_KIND}-{symbol}" if symbol else f"/{REPORT_KIND}"
    return f"{entered}{tail}"


def consolidated_recipients(directive):
    """Where the report goes: the union above the issuer, for its information, and the file copy."""
    parent = directive.issuing_unit.parent
    lines = [f"{parent.name} (để báo cáo)"] if parent else []
    symbol = issuer_symbol(directive)
    return [*lines, f"Lưu: VT, {symbol}" if symbol else "Lưu: VT"]


def consolidated_document(user, task, node, *, tree=year_tree.YEAR, number="", recipients=None):
    directive = task.directive
    return TableReport(
        title=CONSOLIDATED_TITLE,
        subtitle=samples.FANPAGE_FORM_SUBTITLE,
        columns=samples.consolidated_report_columns(),
        rows=list(consolidated_rows(user, task, node, tree)),
        number=consolidated_number(directive, number),
        date=timezone.localdate(),
        notes=[f"{node.name} — {directive.number}", year_tree.tree_line(task.year, tree)],
        recipients=recipients if recipients is not None else consolidated_recipients(directive),
        signing_capacity=tuple(x for x in (directive.signer_capacity, directive.signer_title) if x),
        signer_name=directive.signer_name,
        filename=f"Báo cáo tổng hợp Trang Fanpage - {node.short_name or node.name}",
        **_issuer_header(directive),
    )


def unit_form_row(assignment):
    """The one row of a unit's form, filled with what Loa knows: its report, else its registered Page."""
    report = getattr(assignment, "report", None)
    data = report.data if report else {}
    if not data:
        page = getattr(assignment.unit, "fanpage", None)
        if page:
            data = page.report_data()
    return ["01", *_page_cells(data)] if data else ["01", "", "", "", ""]


def unit_form_title_lines(assignment):
    """Above the table of the unit's xlsx form: the unit's line (what the import matches it by), the title."""
    return [assignment.unit.name.upper(), FORM_TITLE, samples.FANPAGE_FORM_SUBTITLE]


def unit_form_document(assignment):
    """The seed's form as the unit would send it back, filled with what Loa knows."""
    row = unit_form_row(assignment)
    unit = assignment.unit
    return TableReport(
        title=FORM_TITLE,
        subtitle=samples.FANPAGE_FORM_SUBTITLE,
        columns=samples.fanpage_form_columns(),
        rows=[row],
        superior_body=assignment.task.directive.issuing_unit.name.upper(),
        issuing_body=unit.name.upper(),
        place=assignment.task.directive.place,
        date=timezone.localdate(),
        signing_capacity=("TM. BAN CHẤP HÀNH",),
        filename=f"Biểu mẫu báo cáo Trang Fanpage - {unit.short_name or unit.name}",
    )
