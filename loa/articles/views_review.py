"""Editors: the queue, decisions on a piece, publications, comments, claims by link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loa.accounts.capabilities import Capability
from loa.accounts.scope import can, get_unit_or_404, path_q, units_for
from loa.articles import queue as review_queue
from loa.articles import services
from loa.articles.access import get_claim, get_submission, is_reviewer
from loa.articles.forms import ClaimForm, PublishForm
from loa.articles.models import Channel, CreditClaim
from loa.core.forms import flash_errors


@login_required
def queue(request):
    """Pieces waiting for the editors of the user's channels (or of every channel), oldest sent
    first, found by a word of their title or their unit's name or code."""
    if not is_reviewer(request.user):
        raise Http404
    mine = review_queue.editor_channels(request.user)
    channel_id = request.GET.get("channel", review_queue.default_channel(mine))
    status = request.GET.get("status", review_queue.WAITING)
    if status not in review_queue.STATES:
        status = review_queue.WAITING
    q = request.GET.get("q", "").strip()
    qs = review_queue.queue(request.user, status=status, channel=channel_id, q=q, mine=mine)
    qs = qs.select_related("unit").prefetch_related("channels", "publications__channel")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "articles/queue.html",
        {
            "page": page,
            "status": status,
            "channel_id": channel_id,
            "mine": mine,
            "q": q,
            "channels": Channel.objects.filter(is_active=True),
            "pending_claims": review_queue.pending_claims(request.user).count(),
            "waiting": status == review_queue.WAITING,
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def review(request, pk):
    """One decision on a piece: take it, return it, accept it or reject it."""
    submission = get_submission(request.user, pk, Capability.REVIEW_ARTICLES)
    action = request.POST.get("action")
    common = {"submission": submission, "by": request.user, "expected_version": request.POST.get("version", "")}
    reason = request.POST.get("reason", "")
    done = {
        "start": (services.submission_start_review, {}, _("You are reviewing this piece.")),
        "return": (services.submission_return, {"reason": reason}, _("Returned to the unit with your reason.")),
        "accept": (services.submission_accept, {}, _("Accepted. Record where it is published when it is.")),
        "reject": (services.submission_reject, {"reason": reason}, _("Rejected; the unit was told why.")),
    }
    if action not in done:
        raise Http404
    service, extra, message = done[action]
    try:
        service(**common, **extra)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, message)
    return redirect("articles:detail", pk)


@login_required
@require_POST
def publish(request, pk):
    submission = get_submission(request.user, pk, Capability.REVIEW_ARTICLES)
    form = PublishForm(request.POST)
    if not form.is_valid():
        for field, errs in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for e in errs:
                messages.error(request, f"{label}: {e}")
        return redirect("articles:detail", pk)
    try:
        services.submission_publish(
            submission=submission,
            by=request.user,
            channel=form.cleaned_data["channel"],
            url=form.cleaned_data["url"],
            published_on=form.cleaned_data["published_on"],
            expected_version=request.POST.get("version", ""),
        )
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Publication on %(channel)s recorded.") % {"channel": form.cleaned_data["channel"]})
    return redirect("articles:detail", pk)


@login_required
@require_POST
def comment(request, pk):
    submission = get_submission(request.user, pk, Capability.VIEW)
    if not (
        can(request.user, Capability.REVIEW_ARTICLES, submission.unit)
        or can(request.user, Capability.REPORT_FOR_UNIT, submission.unit)
    ):
        raise Http404
    try:
        services.submission_comment(submission=submission, by=request.user, text=request.POST.get("text", ""))
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("articles:detail", pk)


@login_required
def claims(request):
    """Editors: claims waiting in their units. Officers: their units' claims."""
    reviewer = is_reviewer(request.user)
    scope = path_q(
        request.user, Capability.REVIEW_ARTICLES if reviewer else Capability.REPORT_FOR_UNIT, field="unit_path"
    )
    if not reviewer and not units_for(request.user, Capability.REPORT_FOR_UNIT).exists():
        raise Http404
    state = request.GET.get("state", CreditClaim.State.PENDING if reviewer else "")
    qs = CreditClaim.objects.filter(scope).select_related("unit", "channel", "by")
    if state in CreditClaim.State.values:
        qs = qs.filter(state=state)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "articles/claims.html",
        {"page": page, "reviewer": reviewer, "state": state, "states": CreditClaim.State.choices},
    )


@login_required
def claim_new(request, unit_id):
    unit = get_unit_or_404(request.user, Capability.REPORT_FOR_UNIT, pk=unit_id)
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_create(by=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            for field, errs in exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
                for e in errs:
                    form.add_error(field if field in form.fields else None, e)
        else:
            messages.success(request, _("Your claim was sent to the editors."))
            return redirect("articles:claims")
    return render(
        request,
        "articles/claim_new.html",
        {"unit": unit, "form": form, "channels": Channel.objects.filter(is_active=True)},
    )


@login_required
@require_POST
def claim_decide(request, pk):
    claim = get_claim(request.user, pk, Capability.REVIEW_ARTICLES)
    try:
        if request.POST.get("action") == "accept":
            services.claim_accept(by=request.user, claim=claim)
            messages.success(request, _("Credited to %(unit)s.") % {"unit": claim.unit})
        else:
            services.claim_refuse(by=request.user, claim=claim, reason=request.POST.get("reason", ""))
            messages.success(request, _("Claim refused; the unit was told why."))
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("articles:claims")
