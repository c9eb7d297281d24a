"""The directive's files: the directive itself, the consolidated Fanpage report, each unit's form."""

from django.utils import timezone
from django.utils.translation import gettext as _

from loa.accounts.capabilities import Capability
from loa.accounts.scope import path_q
from loa.core.phones import display_phones
from loa.directives.models import KIND_TITLES, Assignment, ReportForm
from loa.documents import samples
from loa.documents.model import BULLET, HEADING, OfficialDocument, Paragraph, TableReport
from loa.exports.tabular import Column

FORM_TITLE = "BIỂU MẪU BÁO CÁO"
CONSOLIDATED_TITLE = "BÁO CÁO TỔNG HỢP"
FORM_HEADERS = ["Stt", "Tên Trang Fanpage", "Người quản trị", "Số điện thoại người quản trị", "Ghi chú"]


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
        superior_body=(directive.superior_body or "").upper(),
        issuing_body=(directive.issuing_unit.short_name or directive.issuing_unit.name).upper(),
        number=directive.number,
        place=directive.place,
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


def reported_assignments(user, task, node):
    """The reports under `node` that `user` may see, in Vietnamese order of the unit names."""
    return (
        Assignment.objects.filter(task=task, unit_path__startswith=node.path, first_reported_at__isnull=False)
        .filter(path_q(user, Capability.VIEW, field="unit_path"))
        .select_related("report")
        .only("report__data")
        .order_by("unit_sort", "id")
    )


def consolidated_rows(user, task, node):
    """One row per reporting unit, streamed: [Stt, Tên Trang, Người quản trị, SĐT, Ghi chú]."""
    qs = reported_assignments(user, task, node).values_list("report__data", flat=True)
    for number, data in enumerate(qs.iterator(chunk_size=5000), start=1):
        yield [f"{number:02d}", *_page_cells(data or {}, warn=True)]


def consolidated_columns():
    return [Column(str(i), header) for i, header in enumerate(FORM_HEADERS)]


def consolidated_title_lines(task, node):
    return [CONSOLIDATED_TITLE, samples.FANPAGE_FORM_SUBTITLE, f"{node.name} — {task.directive.number}",
            timezone.localtime().strftime("Số liệu đến %H:%M ngày %d/%m/%Y")]


def _issuer_header(directive):
    return {
        "superior_body": (directive.superior_body or "").upper(),
        "issuing_body": (directive.issuing_unit.short_name or directive.issuing_unit.name).upper(),
        "place": directive.place,
    }


def consolidated_document(user, task, node):
    directive = task.directive
    symbol = directive.number.split("/", 1)[-1] if "/" in directive.number else ""
    return TableReport(
        title=CONSOLIDATED_TITLE,
        subtitle=samples.FANPAGE_FORM_SUBTITLE,
        columns=samples.fanpage_form_columns(),
        rows=list(consolidated_rows(user, task, node)),
        number=f"/BC-{symbol.split('-', 1)[-1]}" if "-" in symbol else "",
        date=timezone.localdate(),
        notes=[f"{node.name} — {directive.number}"],
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
        superior_body=(assignment.task.directive.issuing_unit.short_name or assignment.task.directive.issuing_unit.name).upper(),
        issuing_body=unit.name.upper(),
        place=assignment.task.directive.place,
        date=timezone.localdate(),
        signing_capacity=("TM. BAN CHẤP HÀNH",),
        filename=f"Biểu mẫu báo cáo Trang Fanpage - {unit.short_name or unit.name}",
    )
