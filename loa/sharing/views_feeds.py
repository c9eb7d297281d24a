"""The feeds pages (/sharing/feeds/): an upper unit's admins add, list and pause the official sites'
feeds it reads (MANAGE_UNITS at the unit); its editors and admins approve or dismiss the new entries
(REVIEW_ARTICLES, the capability of the articles' review: editors and admins). Anything outside the
user's units answers 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loa.accounts.capabilities import Capability
from loa.accounts.scope import can, can_anywhere, get_unit_or_404, path_q, top_units
from loa.core.forms import add_service_errors, flash_errors
from loa.sharing import feeds
from loa.sharing.forms_feeds import ApproveForm, FeedForm
from loa.sharing.models import Feed, FeedEntry

PER_PAGE = 50


@login_required
def feed_list(request):
    if not can_anywhere(request.user, Capability.MANAGE_UNITS):
        raise Http404
    rows = (
        Feed.objects.filter(path_q(request.user, Capability.MANAGE_UNITS, field="unit__path"))
        .select_related("unit")
        .annotate(waiting=Count("entries", filter=Q(entries__status=FeedEntry.Status.PENDING)))
        .order_by("unit__name_sort", "name", "pk")
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    units = [u for u in top_units(request.user, Capability.MANAGE_UNITS) if not u.kind.is_grassroots]
    return render(request, "sharing/feeds_list.html", {"page": page, "feeds": page.object_list, "units": units})


def _upper_unit_or_404(request, unit_id):
    unit = get_unit_or_404(request.user, Capability.MANAGE_UNITS, pk=unit_id)
    if unit.kind.is_grassroots:  # items are curated by upper units only
        raise Http404
    return unit


@login_required
def feed_create(request, unit_id):
    unit = _upper_unit_or_404(request, unit_id)
    form = FeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            feed = feeds.feed_create(by=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Feed “%(name)s” added: it is read within the hour.") % {"name": feed.name})
            return redirect("sharing:feeds")
    return render(request, "sharing/feeds_form.html", {"form": form, "unit": unit})


@login_required
@require_POST
def feed_toggle(request, pk):
    feed = get_object_or_404(Feed.objects.select_related("unit"), pk=pk)
    if not can(request.user, Capability.MANAGE_UNITS, feed.unit):
        raise Http404
    active = request.POST.get("active")
    if active not in ("0", "1"):
        raise Http404
    feeds.feed_set_active(by=request.user, feed=feed, active=active == "1")
    if feed.active:
        messages.success(request, _("Feed “%(name)s” is read again.") % {"name": feed.name})
    else:
        messages.success(
            request,
            _("Feed “%(name)s” is paused: it is no longer read; its waiting entries stay.") % {"name": feed.name},
        )
    return redirect("sharing:feeds")


@login_required
def entry_list(request):
    if not can_anywhere(request.user, Capability.REVIEW_ARTICLES):
        raise Http404
    rows = (
        FeedEntry.objects.filter(
            path_q(request.user, Capability.REVIEW_ARTICLES, field="feed__unit__path"),
            status=FeedEntry.Status.PENDING,
        )
        .select_related("feed", "feed__unit")
        .order_by("-fetched_at", "-id")
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "sharing/feeds_entries.html", {"page": page, "entries": page.object_list})


def _entry_or_404(request, pk):
    entry = get_object_or_404(FeedEntry.objects.select_related("feed", "feed__unit"), pk=pk)
    if not can(request.user, Capability.REVIEW_ARTICLES, entry.feed.unit):
        raise Http404
    return entry


@login_required
def entry_approve(request, pk):
    entry = _entry_or_404(request, pk)
    if entry.status != FeedEntry.Status.PENDING:
        messages.info(request, _("This entry has already been approved or dismissed."))
        return redirect("sharing:feed_entries")
    starts_on, ends_on = feeds.default_days()
    initial = {
        "title": entry.title,
        "text": entry.summary,
        "url": entry.link,
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    form = ApproveForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = feeds.entry_approve(by=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%(title)s” is now an item to share.") % {"title": item.title})
            return redirect("sharing:feed_entries")
    return render(request, "sharing/feeds_approve.html", {"form": form, "entry": entry})


@login_required
@require_POST
def entry_dismiss(request, pk):
    entry = _entry_or_404(request, pk)
    try:
        feeds.entry_dismiss(by=request.user, entry=entry)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Entry “%(title)s” dismissed.") % {"title": entry.title})
    return redirect("sharing:feed_entries")
