"""The audit log page: who changed what, when, before and after, within the reader's units."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from loa.accounts.capabilities import Capability
from loa.accounts.scope import can_anywhere, path_q
from loa.accounts.selectors import is_root_level
from loa.audit import labels
from loa.audit.models import AuditEntry
from loa.core.paging import query_without_page
from loa.core.text import search_terms
from loa.units.forms import picked_unit

PAGE_SIZE = 50


def visible_entries(user):
    """Entries under the user's VIEW_AUDIT units; entries with no unit only for the tree's top."""
    visible = path_q(user, Capability.VIEW_AUDIT, field="unit_path")
    if is_root_level(user, Capability.VIEW_AUDIT):
        visible |= Q(unit_path="")
    return AuditEntry.objects.filter(visible)


def _date(value):
    value = (value or "").strip()
    if not value:
        return None
    try:
        return parse_date(value) or datetime.datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        return None


def _row(entry):
    entry.label = labels.action_label(entry.action)
    entry.readable_changes = labels.readable_changes(entry)
    return entry


@login_required
def audit_list(request):
    user = request.user
    if not can_anywhere(user, Capability.VIEW_AUDIT):
        raise Http404
    qs = visible_entries(user)
    f = {k: request.GET.get(k, "").strip() for k in ("action", "actor", "from", "to", "q")}
    if f["action"]:
        qs = qs.filter(action__startswith=f["action"])
    for term in search_terms(f["actor"]):
        qs = qs.filter(actor__search_text__contains=term)
    unit_filter, unit = picked_unit(request.GET, user=user, purpose="audit", label=_("Unit (and below)"))
    if unit:
        qs = qs.filter(unit_path__startswith=unit.path)
    date_from, date_to = _date(f["from"]), _date(f["to"])
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    for term in search_terms(f["q"]):
        qs = qs.filter(search_text__contains=term)
    qs = qs.select_related("actor", "unit")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [_row(e) for e in page]
    context = {
        "page": page,
        "entries": entries,
        "f": f,
        "unit_filter": unit_filter,
        "date_from": date_from,
        "date_to": date_to,
        "prefixes": labels.PREFIXES.items(),
        "filters": query_without_page(request),
        "custom_action": f["action"] if f["action"] and f["action"] not in labels.PREFIXES else "",
    }
    template = "audit/audit_list.html#results" if request.htmx else "audit/audit_list.html"
    return render(request, template, context)
