from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.shortcuts import render
from django.utils import timezone

from loa.accounts.capabilities import Capability, RoleName
from loa.accounts.scope import top_units, units_for
from loa.directives.selectors import due_for_units, open_tasks_overview


@login_required
def home(request):
    """One home per role: an officer sees their unit, an overseer sees their part of the tree."""
    user = request.user
    roles = list(user.roles.select_related("unit", "unit__kind").order_by("unit__name_sort"))
    today = timezone.localdate()
    officer_units = [r.unit for r in roles if r.role == RoleName.OFFICER]
    overview = None
    # Anyone with more than an officer's role oversees part of the tree and gets its overview.
    overseer = user.is_superuser or any(r.role != RoleName.OFFICER for r in roles)
    tops = top_units(user, Capability.VIEW) if overseer else []
    if overseer:
        scope = units_for(user, Capability.VIEW)
        overview = scope.aggregate(
            units=Count("id"),
            grassroots=Count("id", filter=Q(kind__is_grassroots=True)),
            active_grassroots=Count(
                "id",
                filter=Q(kind__is_grassroots=True)
                & (Q(active_to__isnull=True) | Q(active_to__gte=today))
                & (Q(active_from__isnull=True) | Q(active_from__lte=today)),
            ),
            members=Sum("members_count", filter=Q(kind__is_grassroots=True)),
        )
    due = due_for_units([u.pk for u in officer_units])
    for unit in officer_units:
        unit.due = [a for a in due if a.unit_id == unit.pk]
    tracked = open_tasks_overview(tops) if overview else []
    return render(
        request,
        "accounts/home.html",
        {"roles": roles, "officer_units": officer_units, "overview": overview, "tops": tops, "today": today,
         "tracked": tracked},
    )
