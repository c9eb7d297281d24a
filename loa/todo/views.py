"""The home page: the person's to-do list, and for those who oversee part of the tree its figures."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.shortcuts import render
from django.utils import timezone

from loa.accounts.capabilities import Capability, RoleName
from loa.accounts.scope import top_units, units_for
from loa.directives.selectors import open_tasks_overview
from loa.todo.lists import roles_of, todo_for


@login_required
def home(request):
    """One list per person (loa.todo.lists); anyone with more than an officer's role also gets the
    overview of their part of the tree and the reports being collected there."""
    user = request.user
    roles = roles_of(user)
    today = timezone.localdate()
    overview, tops, tracked = None, [], []
    if user.is_superuser or any(r.role != RoleName.OFFICER for r in roles):
        tops = top_units(user, Capability.VIEW)
        overview = units_for(user, Capability.VIEW).aggregate(
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
        tracked = open_tasks_overview(tops)
    context = {
        "roles": roles,
        "sections": todo_for(user, roles=roles),
        "overview": overview,
        "tops": tops,
        "tracked": tracked,
    }
    return render(request, "todo/home.html", context)
