"""Today's list of items to share, on a phone.

Two doors to one page: the link of the morning message (`link_page`, no sign-in: the signed token
names the officer and the unit and opens only this page and its "Đã chia sẻ"), and /sharing/today/
for a signed-in officer (the units where they hold a role).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from loa.accounts.capabilities import Capability
from loa.accounts.scope import get_unit_or_404
from loa.core.controls import strip_controls
from loa.sharing import daily
from loa.sharing.models import Item

PROBLEM_STATUS = {"expired": 410, "tampered": 404}


def _page(request, *, units, action, by_link=None, errors=None, status=200):
    """units: [(unit, rows)]; action(unit, item) -> the form's address."""
    errors = errors or {}
    blocks = []
    for unit, rows in units:
        for row in rows:
            row.action = action(unit, row.item)
            row.error, row.typed = errors.get((unit.pk, row.item.pk), ("", ""))
        blocks.append({"unit": unit, "rows": rows, "left": sum(1 for r in rows if r.share is None)})
    problem = next(iter(errors.values()))[0] if errors else ""
    context = {"blocks": blocks, "by_link": by_link, "today": timezone.localdate(), "problem": problem}
    return render(request, "sharing/daily_today.html", context, status=status)


MAX_ID = 2**63 - 1  # a larger number in the address is no row (and PostgreSQL would refuse it)


def _item_or_404(item_id):
    item = Item.objects.filter(pk=item_id).first() if item_id <= MAX_ID else None
    if item is None:
        raise Http404
    return item


def _mark(request, *, user, unit, item):
    """Mark `item` shared for `unit`: (the message, None) or (None, the reason, the link typed)."""
    post_link = request.POST.get("post_link", "")
    if len(post_link) > 10 * daily.MAX_LINK:
        post_link = post_link[: daily.MAX_LINK + 1]  # too long either way: say so, keep nothing huge
    try:
        share = daily.mark_shared(by=user, item=item, unit=unit, post_link=post_link)
    except ValidationError as exc:
        return None, " ".join(exc.messages), strip_controls(post_link)[: daily.MAX_LINK]
    return daily.shared_message(share), None, ""


# --- The message's link ---------------------------------------------------------------------------


def _from_link(request, token):
    try:
        return daily.read_link(token), None
    except daily.LinkProblem as problem:
        response = render(
            request,
            "sharing/daily_link_problem.html",
            {"reason": problem.reason, "days": daily.LINK_DAYS},
            status=PROBLEM_STATUS[problem.reason],
        )
        return None, response


def _link_action(token):
    return lambda unit, item: reverse("sharing:link_mark", args=[token, item.pk])


def link_page(request, token):
    found, problem = _from_link(request, token)
    if problem:
        return problem
    user, unit = found
    return _page(request, units=[(unit, daily.today_rows(unit))], action=_link_action(token), by_link=user)


@require_POST
def link_mark(request, token, item_id):
    found, problem = _from_link(request, token)
    if problem:
        return problem
    user, unit = found
    item = _item_or_404(item_id)
    said, error, typed = _mark(request, user=user, unit=unit, item=item)
    if error is None:
        messages.success(request, said)
        return redirect("sharing:link", token)
    return _page(
        request,
        units=[(unit, daily.today_rows(unit))],
        action=_link_action(token),
        by_link=user,
        errors={(unit.pk, item.pk): (error, typed)},
        status=400,
    )


# --- Signed in ------------------------------------------------------------------------------------


def _today_action(unit, item):
    return reverse("sharing:today_mark", args=[unit.pk, item.pk])


@login_required
def today(request):
    units = [(u, daily.today_rows(u)) for u in daily.officer_units(request.user)]
    return _page(request, units=units, action=_today_action)


@login_required
@require_POST
def today_mark(request, unit_id, item_id):
    if unit_id > MAX_ID:
        raise Http404
    unit = get_unit_or_404(request.user, Capability.REPORT_FOR_UNIT, pk=unit_id)
    item = _item_or_404(item_id)
    said, error, typed = _mark(request, user=request.user, unit=unit, item=item)
    if error is None:
        messages.success(request, said)
        return redirect("sharing:today")
    units = [(u, daily.today_rows(u)) for u in daily.officer_units(request.user)]
    if all(u.pk != unit.pk for u, _rows in units):
        units.append((unit, daily.today_rows(unit)))
    return _page(request, units=units, action=_today_action, errors={(unit.pk, item.pk): (error, typed)}, status=400)
