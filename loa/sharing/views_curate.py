"""The curators' pages: an upper unit's items to share (list, create, edit, retire), an item made
from a Loa publication in one tap, and an item's image.

Who curates: the holders of REVIEW_ARTICLES (editors and admins) at the unit or above, for a unit
that is not a CĐCS. Anyone else gets 404, as for every page of Loa.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loa.accounts.capabilities import Capability
from loa.accounts.scope import can, get_unit_or_404, role_paths, top_units
from loa.articles import selectors as articles
from loa.core.files import serve_image
from loa.core.forms import add_service_errors, flash_errors
from loa.core.version_forms import conflict_status
from loa.core.versions import StaleVersion, parse
from loa.sharing import public, services
from loa.sharing.forms_curate import ItemForm
from loa.sharing.models import Item
from loa.units.forms import picked_unit
from loa.units.models import Unit

CURATE = Capability.REVIEW_ARTICLES  # editors and admins
PER_PAGE = 30
SHOWS = ("active", "upcoming", "pending", "retired")


def may_curate(user: Any, unit: Unit) -> bool:
    """Whether `user` curates the items of `unit`: an editor or admin there or above, and the unit
    is an upper unit (a CĐCS shares, it does not curate)."""
    return not unit.kind.is_grassroots and can(user, CURATE, unit)


def _curated_unit(user: Any, pk: object) -> Unit:
    unit = get_unit_or_404(user, CURATE, pk=pk)
    if unit.kind.is_grassroots:
        raise Http404
    return unit


def _curated_item(user: Any, pk: int) -> Item:
    item = Item.objects.select_related("unit__kind").filter(pk=pk).first()
    if item is None or not may_curate(user, item.unit):
        raise Http404
    return item


def _show_q(show: str, today: Any) -> Q:
    active = Q(status=Item.Status.ACTIVE)
    return {
        "active": active & Q(starts_on__lte=today, ends_on__gte=today),
        "upcoming": active & Q(starts_on__gt=today),
        "pending": Q(status=Item.Status.PENDING),
        "retired": Q(status=Item.Status.RETIRED) | (active & Q(ends_on__lt=today)),
    }[show]


@login_required
def curate_home(request: HttpRequest) -> HttpResponse:
    """/sharing/curate/: the items of the unit picked (`?unit=`), else of the user's first upper unit."""
    _form, unit = picked_unit(request.GET, user=request.user, purpose="view", label=_("Unit"))
    if unit is None:
        units = [u for u in top_units(request.user, CURATE) if not u.kind.is_grassroots]
        if not units:
            raise Http404
        unit = min(units, key=lambda u: (u.path.count("/"), u.name_sort, u.pk))
    return redirect("sharing:curate_list", _curated_unit(request.user, unit.pk).pk)


@login_required
def item_list(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit's items, by state, with how many units shared each so far: a constant number of
    queries whatever the number of items or units."""
    unit = _curated_unit(request.user, unit_id)
    show = request.GET.get("show", "active")
    if show not in SHOWS:
        show = "active"
    today = timezone.localdate()
    own = Item.objects.filter(unit=unit)
    counts = own.aggregate(**{name: Count("pk", filter=_show_q(name, today)) for name in SHOWS})
    rows = (
        own.filter(_show_q(show, today))
        .annotate(share_count=Count("shares"))
        .prefetch_related("audience_kinds", "audience_units")
        .order_by("-starts_on", "-id")
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    picker, _unit = picked_unit({"unit": unit.pk}, user=request.user, purpose="view", label=_("Another unit"))
    return render(
        request,
        "sharing/curate_list.html",
        {
            "unit": unit,
            "show": show,
            "counts": counts,
            "page": page,
            "picker": picker,
            "today": today,
            "public_key": public.public_key(unit),
        },
    )


def _duplicate_message(existing: Item, user: Any, text: str) -> str:
    if may_curate(user, existing.unit):
        return format_html(
            '{} <a href="{}">{}</a>', text, reverse("sharing:curate_edit", args=[existing.pk]), _("Open it")
        )
    return format_html("{} {}", text, _("(curated by %(unit)s)") % {"unit": existing.unit.name})


@login_required
def item_create(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _curated_unit(request.user, unit_id)
    today = timezone.localdate()
    initial = {"starts_on": today, "ends_on": today + timedelta(days=settings.SHARING_ITEM_DAYS - 1)}
    form = ItemForm(request.POST or None, request.FILES or None, user=request.user, unit=unit, initial=initial)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        try:
            services.item_create(by=request.user, unit=unit, **form.item_values())
        except services.DuplicateItem as exc:
            duplicate = exc.existing
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="image")  # a refused picture names no field
        else:
            messages.success(request, _("Item created: the units of its audience will be asked to share it."))
            return redirect("sharing:curate_list", unit.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "sharing/curate_form.html",
        {"form": form, "unit": unit, "item": None, "duplicate": duplicate},
        status=status,
    )


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _curated_item(request.user, pk)
    unit = item.unit
    if item.status == Item.Status.RETIRED:
        return render(request, "sharing/curate_form.html", {"form": None, "unit": unit, "item": item})
    form = ItemForm(request.POST or None, request.FILES or None, instance=item, user=request.user, unit=unit)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(
                by=request.user, item=item, expected_version=form.expected_version, **form.item_values()
            )
        except services.DuplicateItem as exc:
            duplicate = exc.existing
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="image")
        else:
            messages.success(request, _("Item saved."))
            return redirect("sharing:curate_list", unit.pk)
    status = conflict_status(form, 400 if form.is_bound and form.errors else 200)
    return render(
        request,
        "sharing/curate_form.html",
        {"form": form, "unit": unit, "item": item, "duplicate": duplicate},
        status=status,
    )


@login_required
@require_POST
def item_retire(request: HttpRequest, pk: int) -> HttpResponse:
    item = _curated_item(request.user, pk)
    version = parse(request.POST.get("version"))
    try:
        services.item_retire(by=request.user, item=item, expected_version=version if version is not None else -1)
    except StaleVersion:
        messages.error(
            request,
            _(
                "Someone changed this item while you were looking at it: it was not retired. "
                "Look at it as it is now, then retire it again if you still want to."
            ),
        )
        return redirect("sharing:curate_edit", item.pk)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("sharing:curate_edit", item.pk)
    messages.success(request, _("Item retired: it is no longer asked (its shares and figures stay)."))
    return redirect("sharing:curate_list", item.unit_id)


def _curating_unit_for(user: Any, unit: Unit) -> Unit | None:
    """The highest unit above (or at) `unit` where `user` curates: the item is asked of its whole
    subtree, as a publication on a provincial channel speaks to the whole province."""
    paths = [p for p in role_paths(user, CURATE) if p == "/" or unit.path.startswith(p)]
    if not paths:
        return None
    if "/" in paths:
        top_id: object = unit.path.strip("/").split("/")[0]
    else:
        top_id = min(paths, key=len).strip("/").split("/")[-1]
    top = Unit.objects.select_related("kind").filter(pk=top_id).first()
    if top is None or top.kind.is_grassroots:
        return None
    return top


@login_required
@require_POST
def item_from_publication(request: HttpRequest, pk: int) -> HttpResponse:
    """One tap on a publication of a Loa piece: an item prefilled from it (title, link, from today for
    SHARING_ITEM_DAYS days, today included), then its page to finish it. A publication becomes an item once."""
    publication = articles.publication(pk)
    if publication is None or not can(request.user, CURATE, publication.submission.unit):
        raise Http404
    unit = _curating_unit_for(request.user, publication.submission.unit)
    if unit is None:
        raise Http404
    today = timezone.localdate()
    title = " ".join((publication.submission.title or "").split())[:200] or publication.url[:200]
    try:
        item = services.item_create(
            by=request.user,
            unit=unit,
            title=title,
            text=title,
            url=publication.url,
            starts_on=today,
            ends_on=today + timedelta(days=settings.SHARING_ITEM_DAYS - 1),
            source=Item.Source.PUBLICATION,
            publication=publication,
        )
    except services.DuplicateItem as exc:
        messages.info(request, _duplicate_message(exc.existing, request.user, exc.messages[0]))
        if may_curate(request.user, exc.existing.unit):
            return redirect("sharing:curate_edit", exc.existing.pk)
        return redirect("articles:detail", publication.submission_id)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("articles:detail", publication.submission_id)
    messages.success(request, _("Item made from the publication: check it, then save."))
    return redirect("sharing:curate_edit", item.pk)


def item_image(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An item's image: public once the item is being shared (the public feed links it); before
    (upcoming, waiting for approval) and after (retired) only to those who curate it."""
    item = Item.objects.select_related("unit__kind").filter(pk=pk).first()
    if item is None or not item.image:
        raise Http404
    public = item.status == Item.Status.ACTIVE and item.starts_on <= timezone.localdate()
    if not public and not may_curate(request.user, item.unit):
        raise Http404
    return serve_image(request, item.image, filename_stem=f"item-{item.pk}")
