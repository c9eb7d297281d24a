"""The one to-do list of a person: what the home page shows and `GET /api/v1/me/todo` answers.

A section per role the person holds (an officer's per unit they report for), each ordered by
urgency. It reads the domain apps' selectors and rollups; no domain app imports it. A bounded
number of queries whatever the number of units: about six for an officer, four for an editor,
three for an administrator, a dozen for a leader.
"""

from django.utils import timezone

from loa.accounts.capabilities import RoleName
from loa.todo import admin, editor, leader, officer


def roles_of(user):
    """The user's roles with their units, in Vietnamese order of the units: one query."""
    return list(user.roles.select_related("unit", "unit__kind").order_by("unit__name_sort", "unit_id", "role"))


def todo_for(user, *, roles=None, now=None):
    """[Section] of `user`: their officer units' first, then the editor's, the administrator's and
    the leader's sections, as their roles give them."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    roles = roles_of(user) if roles is None else roles
    held = {r.role for r in roles}
    sections = []
    officer_units = _units(roles, RoleName.OFFICER)
    if officer_units:
        sections += officer.sections(user, officer_units, today=today, now=now)
    if RoleName.EDITOR in held:
        sections.append(editor.section(user, now=now))
    if RoleName.ADMIN in held or user.is_superuser:
        sections.append(admin.section(user, now=now))
    if RoleName.LEADER in held:
        sections.append(leader.section(user, _units(roles, RoleName.LEADER), today=today))
    return [s.ordered() for s in sections]


def _units(roles, name):
    units, seen = [], set()
    for role in roles:
        if role.role == name and role.unit_id not in seen:
            seen.add(role.unit_id)
            units.append(role.unit)
    return units
