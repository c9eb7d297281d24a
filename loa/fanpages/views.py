"""Fanpage activity pages: the province table, a unit's page (posting calendar, Likes, poster), silent
Pages, the provincial Page's followers with the reconciliation, and the public short link."""

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from loa.accounts import year_tree
from loa.accounts.capabilities import Capability
from loa.accounts.scope import can, get_unit_or_404, role_paths, units_for
from loa.core.files import download_headers, serve_image
from loa.core.forms import add_service_errors
from loa.core.numbers import model_number_field
from loa.core.years import latest_year, requested_year
from loa.exports.tabular import Column, export_response
from loa.fanpages import compliance, imports, jobs, likes, posters, posts, retention, sync
from loa.fanpages import followers as follower_data
from loa.fanpages.heatmap import heat_map_svg
from loa.fanpages.models import CampaignLink, Fanpage, FollowerSnapshot, GraphLink, LikeDeclaration, PostingYear
from loa.fanpages.remind import remind_silent
from loa.jobs.imports import enqueue_import, runs_inline


class PostForm(forms.Form):
    link = forms.CharField(
        label=gettext_lazy("Link of the post"),
        max_length=500,
        widget=forms.URLInput(
            attrs={"placeholder": "https://www.facebook.com/…", "inputmode": "url", "autocomplete": "off"}
        ),
    )
    day = forms.DateField(
        label=gettext_lazy("Posted on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class LikesForm(forms.Form):
    count = model_number_field(
        LikeDeclaration,
        "count",
        label=gettext_lazy("Members who have Liked the provincial Page"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    day = forms.DateField(label=gettext_lazy("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    screenshot = forms.FileField(
        label=gettext_lazy("Screenshot (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )


class TokenForm(forms.Form):
    page_id = forms.RegexField(
        label=gettext_lazy("Facebook Page id"),
        regex=r"^\d{5,30}$",
        max_length=30,
        error_messages={
            "invalid": gettext_lazy("The Page id is a number, e.g. 723701000827665 (Page → About → Page transparency).")
        },
    )
    token = forms.CharField(
        label=gettext_lazy("Page access token"), widget=forms.PasswordInput(render_value=False), max_length=1000
    )


class SnapshotForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    followers = model_number_field(FollowerSnapshot, "followers", label=gettext_lazy("Followers"))


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (csv or xlsx)"))


def _year(request):
    return requested_year(request, latest_with_data=latest_year(PostingYear.objects.all()))


def _days(request, default=compliance.SILENT_DAYS):
    try:
        return max(1, min(366, int(request.GET.get("days") or default)))
    except ValueError:
        return default


def _with_bars(groups):
    """[(group, its compliance bar or "")]: the bar (core/components/progress.html) rendered once per
    percentage, at most 101 times, not once per row of a 3,000-row national table."""
    bars = {}
    rows = []
    for g in groups:
        percent = g.percent
        if percent is not None and percent not in bars:
            bars[percent] = render_to_string("core/components/progress.html", {"value": percent, "meter": True})
        rows.append((g, bars.get(percent, "")))
    return rows


@login_required
def index(request):
    """The province table by upper unit. An officer of a single CĐCS goes straight to its page."""
    if not can_view_any(request.user):
        raise Http404
    year, today = _year(request), timezone.localdate()
    days = _days(request)
    reach = units_for(request.user, Capability.VIEW)
    if reach.count() <= 2:
        own = reach.filter(kind__is_grassroots=True).first()
        if own and reach.count() == 1:
            return redirect("fanpages:unit", own.pk)
    tree = year_tree.tree_choice(request.GET.get("tree"))
    groups = compliance.upper_unit_compliance(
        user=request.user, capability=Capability.VIEW, year=year, today=today, silent_days=days, tree=tree
    )
    if request.GET.get("format"):
        columns = [
            Column("upper", _("Upper union")),
            Column("units", _("Units")),
            Column("with_page", _("With a Page")),
            Column("posting_days", _("Posting days")),
            Column("period_days", _("Days in the period")),
            Column("percent", _("Compliance (%)")),
            Column("silent", _("Silent for %(n)s days or more") % {"n": days}),
        ]
        rows = (
            {
                "upper": g.unit.name if g.unit else "",
                "units": g.units,
                "with_page": g.with_page,
                "posting_days": g.posting_days,
                "period_days": g.period_days,
                "percent": g.percent,
                "silent": g.silent,
            }
            for g in groups
        )
        title = _("Fanpage posting %(year)s") % {"year": year}
        lines = [title, year_tree.tree_line(year, tree)]
        return export_response(request.GET["format"], title, columns, rows, title_lines=lines)
    total = compliance.GroupCompliance(None)
    for g in groups:
        total.units += g.units
        total.with_page += g.with_page
        total.posting_days += g.posting_days
        total.period_days += g.period_days
        total.silent += g.silent
    root = next(iter(units_for(request.user, Capability.VIEW).filter(parent__isnull=True)), None)
    return render(
        request,
        "fanpages/index.html",
        {
            "groups": groups,
            "rows": _with_bars(groups),
            "total": total,
            "year": year,
            "days": days,
            "tree": tree,
            "years": range(today.year, today.year - 5, -1),
            "root": root,
        },
    )


def can_view_any(user):
    return bool(role_paths(user, Capability.VIEW))


@login_required
def unit_detail(request, unit_id):
    unit = get_unit_or_404(request.user, Capability.VIEW, pk=unit_id)
    year, today = _year(request), timezone.localdate()
    fanpage = Fanpage.objects.filter(unit=unit).select_related("graph").first()
    items = compliance.unit_compliance(
        user=request.user, capability=Capability.VIEW, year=year, today=today, extra_q=Q(pk=unit.pk)
    )
    item = items[0] if items else None
    heat = compliance.heat_map(fanpage, year)
    declaration = likes.latest_declarations([unit.pk]).get(unit.pk)
    link = CampaignLink.objects.filter(unit=unit).first()
    may_report = can(request.user, Capability.REPORT_FOR_UNIT, unit)
    context = {
        "unit": unit,
        "fanpage": fanpage,
        "year": year,
        "item": item,
        "today": today,
        "heat_map": mark_safe(
            heat_map_svg(heat, year, start=item.start if item else None, end=item.end if item else None)
        ),
        "declaration": declaration,
        "rate": likes.like_rate(declaration, unit.members_count),
        "link": link,
        "may_report": may_report,
        "post_form": PostForm(),
        "likes_form": LikesForm(),
        "upload_form": UploadForm(),
        "graph": getattr(fanpage, "graph", None) if fanpage else None,
        "provincial": follower_data.provincial_page(unit),
        "history": LikeDeclaration.objects.filter(unit=unit)[:5],
        "posted_today": bool(heat.get(today)),
        "days_kept": retention.days_kept(year, today),
    }
    if request.htmx and request.GET.get("part") == "calendar":
        return render(request, "fanpages/unit.html#calendar", context)
    return render(request, "fanpages/unit.html", context)


def _write_and_say(request, form, write):
    """With a valid form, `write(cleaned_data)` and show the message it answers; otherwise, or when the
    service refuses, show why nothing was written."""
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return
    try:
        said = write(form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, said)


@login_required
@require_POST
def log_post(request, unit_id):
    unit = get_unit_or_404(request.user, Capability.REPORT_FOR_UNIT, pk=unit_id)
    fanpage = Fanpage.objects.filter(unit=unit).first()

    def write(data):
        day = posts.log_post(by=request.user, fanpage=fanpage, link=data["link"], posted_on=data["day"])
        return _("Counted: a post on %(day)s.") % {"day": day.strftime("%d/%m/%Y")}

    if fanpage is None:
        messages.error(request, _("Register the unit's Fanpage first (the Fanpage report)."))
    else:
        _write_and_say(request, PostForm(request.POST), write)
    return redirect("fanpages:unit", unit.pk)


@login_required
@require_POST
def declare_likes(request, unit_id):
    unit = get_unit_or_404(request.user, Capability.REPORT_FOR_UNIT, pk=unit_id)

    def write(data):
        likes.declare_likes(by=request.user, unit=unit, **data)
        return _("Declared: %(count)s of %(members)s members have Liked the provincial Page.") % {
            "count": data["count"],
            "members": unit.members_count,
        }

    _write_and_say(request, LikesForm(request.POST, request.FILES), write)
    return redirect("fanpages:unit", unit.pk)


@login_required
@require_POST
def import_posts(request, unit_id):
    unit = get_unit_or_404(request.user, Capability.REPORT_FOR_UNIT, pk=unit_id)
    fanpage = Fanpage.objects.filter(unit=unit).first()
    form = UploadForm(request.POST, request.FILES)
    if fanpage is None:
        messages.error(request, _("Register the unit's Fanpage first (the Fanpage report)."))
    elif form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = imports.read_rows(upload)  # in the sandbox: a bad file is refused here, in the request
            if not runs_inline(len(rows)):
                job = enqueue_import(jobs.POSTS_IMPORT, upload=upload, by=request.user, unit=unit, fanpage=fanpage.pk)
                return redirect("jobs:detail", job.pk)
            new, read, errors = imports.import_posts(by=request.user, fanpage=fanpage, upload=upload, rows=rows)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if errors:
                messages.error(request, _("Nothing was imported: ") + " ".join(errors[:10]))
            else:
                messages.success(request, _("%(read)s posts read, %(new)s new.") % {"read": read, "new": new})
    return redirect("fanpages:unit", unit.pk)


@login_required
def token(request, unit_id):
    unit = get_unit_or_404(request.user, Capability.REPORT_FOR_UNIT, pk=unit_id)
    fanpage = Fanpage.objects.filter(unit=unit).first()
    if fanpage is None:
        raise Http404
    graph = GraphLink.objects.filter(fanpage=fanpage).first()
    form = TokenForm(request.POST or None, initial={"page_id": graph.page_id if graph else ""})
    if request.method == "POST" and form.is_valid():
        sync.set_token(
            by=request.user, fanpage=fanpage, page_id=form.cleaned_data["page_id"], token=form.cleaned_data["token"]
        )
        messages.success(request, _("Saved. Loa will read the Page's posts at the next sync."))
        return redirect("fanpages:unit", unit.pk)
    return render(request, "fanpages/token.html", {"unit": unit, "fanpage": fanpage, "graph": graph, "form": form})


@login_required
def poster(request, unit_id):
    unit = get_unit_or_404(request.user, Capability.VIEW, pk=unit_id)
    page = follower_data.provincial_page(unit)
    if page is None:
        raise Http404
    pdf = posters.poster_pdf(unit=unit, page=page)
    return download_headers(
        HttpResponse(pdf, content_type="application/pdf"),
        as_attachment=False,
        filename=f"Áp phích Like — {unit.short_name or unit.name}.pdf",
    )


@login_required
def likes_screenshot(request, unit_id, declaration_id):
    """A Like declaration's screenshot, to whoever may see the unit's page that links it."""
    unit = get_unit_or_404(request.user, Capability.VIEW, pk=unit_id)
    declaration = get_object_or_404(LikeDeclaration, pk=declaration_id, unit=unit)
    stem = _("Likes screenshot %(unit)s %(day)s") % {
        "unit": unit.short_name or unit.name,
        "day": f"{declaration.day:%d-%m-%Y}",
    }
    return serve_image(request, declaration.screenshot, filename_stem=stem)


def short_link(request, code):
    """Public: /l/<code> → the provincial Page. Counts one scan per address per 30 minutes; keeps no personal data."""
    ip = request.META.get("REMOTE_ADDR", "")
    if not posters.allow_request(ip):
        return HttpResponse(
            _("Too many requests. Try again later."), status=429, content_type="text/plain; charset=utf-8"
        )
    link = get_object_or_404(CampaignLink.objects.select_related("unit"), code=code)
    page = follower_data.provincial_page(link.unit)
    if page is None:
        raise Http404
    posters.count_scan(link, ip)
    return HttpResponseRedirect(page.url)


@login_required
def silent(request):
    if not can_view_any(request.user):
        raise Http404
    today, days = timezone.localdate(), _days(request)
    found = compliance.silent_pages(user=request.user, capability=Capability.VIEW, today=today, days=days)
    may_remind = bool(role_paths(request.user, Capability.MANAGE_UNITS))
    if request.method == "POST":
        if not may_remind:
            raise Http404
        queued = remind_silent(user=request.user, days=days, today=today)
        messages.success(request, _("%(n)s reminders queued in the outbox.") % {"n": queued})
        return redirect(f"{request.path}?days={days}")
    if request.GET.get("format"):
        columns = [
            Column("unit", _("Unit")),
            Column("last", _("Last post")),
            Column("silent", _("Days without a post")),
        ]
        rows = ({"unit": item.name, "last": item.last_post_day, "silent": s} for s, item in found)
        return export_response(request.GET["format"], _("Silent Fanpages"), columns, rows)
    return render(request, "fanpages/silent.html", {"found": found, "days": days, "may_remind": may_remind})


@login_required
def followers(request, unit_id):
    """The provincial Page of this (root) unit: snapshots, growth chart, every unit's Like rate, reconciliation."""
    unit = get_unit_or_404(request.user, Capability.VIEW, pk=unit_id)
    page = Fanpage.objects.filter(unit=unit).first()
    if page is None:
        raise Http404
    year, today = _year(request), timezone.localdate()
    start, end = date(year, 1, 1), min(date(year, 12, 31), today)
    may_manage = can(request.user, Capability.MANAGE_UNITS, unit)
    form = SnapshotForm(request.POST or None, initial={"day": today})
    if request.method == "POST" and "file" in request.FILES:
        if not may_manage:
            raise Http404
        upload = request.FILES["file"]
        try:
            rows = imports.read_rows(upload)  # in the sandbox: a bad file is refused here, in the request
            if not runs_inline(len(rows)):
                job = enqueue_import(jobs.FOLLOWERS_IMPORT, upload=upload, by=request.user, unit=unit, fanpage=page.pk)
                return redirect("jobs:detail", job.pk)
            count, errors = follower_data.import_snapshots(by=request.user, fanpage=page, upload=upload, rows=rows)
        except ValidationError as exc:
            count, errors = 0, exc.messages
        for error in errors:
            messages.error(request, error)
        if count:
            messages.success(request, _("%(n)s follower counts imported.") % {"n": count})
        return redirect(f"{request.path}?year={year}")
    if request.method == "POST":
        if not may_manage:
            raise Http404
        if form.is_valid():
            try:
                follower_data.record_snapshot(
                    by=request.user,
                    fanpage=page,
                    day=form.cleaned_data["day"],
                    followers=form.cleaned_data["followers"],
                    source=FollowerSnapshot.Source.HAND,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(f"{request.path}?year={year}")
    points = follower_data.series(page, start, end)
    units = (
        units_for(request.user, Capability.VIEW)
        .filter(kind__is_grassroots=True, path__startswith=unit.path)
        .vi_ordered()
    )
    unit_rows = list(units.values("id", "name", "members_count"))
    latest = likes.latest_declarations([u["id"] for u in unit_rows])
    scans = dict(CampaignLink.objects.filter(unit_id__in=[u["id"] for u in unit_rows]).values_list("unit_id", "scans"))
    for row in unit_rows:
        row["declaration"] = latest.get(row["id"])
        row["rate"] = likes.like_rate(row["declaration"], row["members_count"])
        row["scans"] = scans.get(row["id"], 0)
    periods = likes.reconcile(fanpage=page, units=units, start=start, end=end)
    if request.GET.get("format"):
        columns = [
            Column("unit", _("Unit")),
            Column("members", _("Members")),
            Column("declared", _("Declared Likes")),
            Column("day", _("Declared on")),
            Column("rate", _("Like rate (%)")),
            Column("scans", _("Poster scans")),
        ]
        rows = (
            {
                "unit": r["name"],
                "members": r["members_count"],
                "declared": r["declaration"].count if r["declaration"] else None,
                "day": r["declaration"].day if r["declaration"] else None,
                "rate": round(100 * r["rate"]) if r["rate"] is not None else None,
                "scans": r["scans"],
            }
            for r in unit_rows
        )
        return export_response(request.GET["format"], _("Likes of the provincial Page"), columns, rows)
    return render(
        request,
        "fanpages/followers.html",
        {
            "unit": unit,
            "page": page,
            "year": year,
            "form": form,
            "may_manage": may_manage,
            "chart": mark_safe(follower_data.growth_svg(points)),
            "points": points[-10:][::-1],
            "units": unit_rows,
            "periods": periods,
            "flagged": [p for p in periods if p.flagged_claims],
            "declared_total": sum(r["declaration"].count for r in unit_rows if r["declaration"]),
            "members_total": sum(r["members_count"] for r in unit_rows),
        },
    )
