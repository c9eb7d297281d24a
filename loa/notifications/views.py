from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loa.accounts.capabilities import Capability
from loa.accounts.scope import path_q, role_paths
from loa.notifications.models import Message
from loa.notifications.services import message_retry

PAGE_SIZE = 50
CAPABILITY = Capability.MANAGE_UNITS
STATUS_BADGES = {"queued": "info", "sending": "info", "sent": "ok", "held": "warn", "failed": "bad"}


def visible_messages(user):
    """The outbox messages an admin may see: by the message's unit; messages without a unit
    (sent to a person, not for a unit) only to admins at a top unit. Nobody else: 404."""
    paths = role_paths(user, CAPABILITY)
    if not paths:
        raise Http404
    if "/" in paths:
        return Message.objects.all()
    q = path_q(user, CAPABILITY, field="unit__path")
    if any(p.count("/") == 2 for p in paths):  # "/7/": a role at a top unit of the tree
        q |= Q(unit__isnull=True)
    return Message.objects.filter(q)


@login_required
def message_list(request):
    visible = visible_messages(request.user)
    status = request.GET.get("status", "")
    channel = request.GET.get("channel", "")
    q = request.GET.get("q", "").strip()
    qs = visible
    if channel in Message.Channel.values:
        qs = qs.filter(channel=channel)
    else:
        channel = ""
    if q:
        qs = qs.filter(Q(recipient__icontains=q) | Q(subject__icontains=q))
    # Counts per status for the filter links: one grouped query over the other filters.
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    if status in Message.Status.values:
        qs = qs.filter(status=status)
    else:
        status = ""
    page = Paginator(qs.select_related("unit"), PAGE_SIZE).get_page(request.GET.get("page"))
    for message in page:
        message.badge = STATUS_BADGES.get(message.status, "")
    context = {
        "page": page,
        "status": status,
        "channel": channel,
        "q": q,
        "statuses": [(value, label, counts.get(value, 0)) for value, label in Message.Status.choices],
        "total": sum(counts.values()),
        "channels": Message.Channel.choices,
        "query": request.GET.urlencode(),
    }
    template = "notifications/message_list.html#results" if request.htmx else "notifications/message_list.html"
    return render(request, template, context)


@login_required
@require_POST
def message_retry_view(request, pk):
    message = visible_messages(request.user).filter(pk=pk).first()
    if message is None:
        raise Http404
    try:
        message_retry(by=request.user, message=message)
    except ValidationError as exc:
        flash.error(request, " ".join(exc.messages))
    else:
        flash.success(request, _("Message to %(recipient)s is queued again.") % {"recipient": message.recipient})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) or not back.startswith("/"):
        back = reverse("notifications:list")
    return redirect(back)
