"""Setting the quotas (one by one, by a rule, from Excel) and the channels."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from loa.accounts.capabilities import Capability
from loa.accounts.scope import can_anywhere, path_q, units_for
from loa.articles import services
from loa.articles.access import require_channels_manager
from loa.articles.forms import ChannelForm, QuotaForm, QuotaImportForm, QuotaRuleForm
from loa.articles.jobs import QUOTAS_IMPORT
from loa.articles.models import Channel, Quota
from loa.articles.views_progress import _year
from loa.core.forms import add_service_errors
from loa.core.text import search_terms
from loa.core.version_forms import conflict_status
from loa.exports.tabular import Column, export_response
from loa.jobs.imports import enqueue_import, runs_inline


def _require_manager(user):
    if not can_anywhere(user, Capability.MANAGE_UNITS):
        raise Http404


def _quotas(request, year):
    qs = Quota.objects.filter(path_q(request.user, Capability.MANAGE_UNITS, field="unit__path"), year=year)
    for term in search_terms(request.GET.get("q", "")):
        qs = qs.filter(unit__search_text__contains=term)
    return qs.select_related("unit").order_by("unit__name_sort", "kind")


def _quota_form(request, year):
    """The one-quota form: blank (version 0, "none set yet"), or filled with the quota that the
    list's "Change" link names (?unit=CODE&kind=news), with its version."""
    if request.method == "POST":
        return QuotaForm(request.POST, version=0)  # the version itself comes from the page
    quota = None
    if request.GET.get("unit") and request.GET.get("kind"):
        quota = _quotas(request, year).filter(unit__code=request.GET["unit"], kind=request.GET["kind"]).first()
    if quota is None:
        return QuotaForm(initial={"prorate": False}, version=0)
    return QuotaForm(
        initial={
            "unit": quota.unit.code,
            "kind": quota.kind,
            "target": quota.target,
            "notice": quota.notice,
            "prorate": False,
        },
        version=quota.version,
    )


@login_required
def quotas(request):
    _require_manager(request.user)
    year = _year(request)
    form = _quota_form(request, year)
    if request.method == "POST" and form.is_valid():
        unit = units_for(request.user, Capability.MANAGE_UNITS).filter(code=form.cleaned_data["unit"].strip()).first()
        if unit is None:
            form.add_error(
                "unit",
                _("There is no unit with the code “%(code)s” among yours.") % {"code": form.cleaned_data["unit"]},
            )
        else:
            try:
                services.quota_set(
                    by=request.user,
                    unit=unit,
                    year=year,
                    kind=form.cleaned_data["kind"],
                    target=form.cleaned_data["target"],
                    notice=form.cleaned_data["notice"],
                    prorate=form.cleaned_data["prorate"],
                    expected_version=form.expected_version,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Quota saved for %(unit)s.") % {"unit": unit})
                return redirect(f"{request.path}?year={year}")
    page = Paginator(_quotas(request, year), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "articles/quotas.html",
        {
            "year": year,
            "page": page,
            "form": form,
            "q": request.GET.get("q", ""),
            "rule_form": QuotaRuleForm(),
            "import_form": QuotaImportForm(),
        },
        status=conflict_status(form),
    )


@login_required
def quotas_export(request, fmt):
    _require_manager(request.user)
    year = _year(request)
    columns = [
        Column("code", _("Unit code")),
        Column("unit", _("Unit")),
        Column("kind", _("Kind")),
        Column("target", _("Target")),
        Column("notice", _("Notice")),
        Column("prorated", _("Pro-rated")),
    ]
    rows = (
        {
            "code": q.unit.code,
            "unit": q.unit.name,
            "kind": q.get_kind_display(),
            "target": q.target,
            "notice": q.notice,
            "prorated": q.prorated,
        }
        for q in _quotas(request, year).iterator(chunk_size=2000)
    )
    return export_response(fmt, _("Quotas %(year)s") % {"year": year}, columns, rows)


@login_required
def quotas_rule(request):
    _require_manager(request.user)
    year = _year(request)
    form = QuotaRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        rule = dict(form.cleaned_data)
        units = units_for(request.user, Capability.MANAGE_UNITS).filter(kind=rule.pop("unit_kind"))
        n = services.quotas_by_rule(by=request.user, units=units, year=year, **rule)
        messages.success(request, _("Quotas set for %(n)s units.") % {"n": n})
        return redirect(f"{reverse('articles:quotas')}?year={year}")
    return render(request, "articles/quota_rule.html", {"form": form, "year": year})


@login_required
def quotas_import(request):
    _require_manager(request.user)
    year = _year(request)
    form = QuotaImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload, notice, prorate = form.cleaned_data["file"], form.cleaned_data["notice"], form.cleaned_data["prorate"]
        try:
            rows = services.quota_rows(upload)  # in the sandbox: a bad file is refused here, in the request
            if not runs_inline(len(rows)):
                job = enqueue_import(
                    QUOTAS_IMPORT, upload=upload, by=request.user, unit=None, year=year, notice=notice, prorate=prorate
                )
                return redirect("jobs:detail", job.pk)
            n = services.quotas_import(
                by=request.user,
                upload=upload,
                year=year,
                notice=notice,
                prorate=prorate,
                rows=rows,
                allowed_units=units_for(request.user, Capability.MANAGE_UNITS),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Quotas read for %(n)s units.") % {"n": n})
            return redirect(f"{reverse('articles:quotas')}?year={year}")
    return render(request, "articles/quota_import.html", {"form": form, "year": year})


@login_required
def channels(request):
    require_channels_manager(request.user)
    return render(request, "articles/channels.html", {"channels": Channel.objects.prefetch_related("editors")})


@login_required
def channel_edit(request, pk=None):
    require_channels_manager(request.user)
    channel = get_object_or_404(Channel, pk=pk) if pk else None
    form = ChannelForm(request.POST or None, instance=channel)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        channel = services.channel_save(by=request.user, channel=channel, editors=fields.pop("editors"), **fields)
        messages.success(request, _("Channel saved."))
        return redirect("articles:channels")
    return render(request, "articles/channel_form.html", {"form": form, "channel": channel})
