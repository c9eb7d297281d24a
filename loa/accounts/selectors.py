"""Reads for the user pages: which users an admin may manage, fetched and authorised in one step."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404

from loa.accounts.capabilities import Capability, RoleName
from loa.accounts.models import Role, User
from loa.accounts.scope import path_q, role_paths

if TYPE_CHECKING:
    from loa.units.models import Unit


def _is_root_path(path: str) -> bool:
    return path == "/" or path.strip("/").count("/") == 0


def is_root_level(user: User, capability: Capability) -> bool:
    """Whether the user holds the capability at a root of the tree (or is a superuser)."""
    return any(_is_root_path(p) for p in role_paths(user, capability))


def manageable_users(by: User) -> QuerySet[User]:
    """Users all of whose roles lie inside `by`'s MANAGE_USERS units.

    Users with no role at all belong to nobody's units: only root-level admins manage them.
    Superusers are managed only by superusers.
    """
    paths = role_paths(by, Capability.MANAGE_USERS)
    if not paths:
        return User.objects.none()
    if by.is_superuser:
        return User.objects.all()
    inside = path_q(by, Capability.MANAGE_USERS, field="unit__path")
    outside = Role.objects.filter(user=OuterRef("pk")).exclude(inside)
    qs = User.objects.filter(is_superuser=False).filter(~Exists(outside))
    if not is_root_level(by, Capability.MANAGE_USERS):
        qs = qs.filter(Exists(Role.objects.filter(user=OuterRef("pk"))))
    return qs


def can_manage_user(by: User, user: User) -> bool:
    return manageable_users(by).filter(pk=user.pk).exists()


def roles_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "roles", queryset=Role.objects.select_related("unit", "unit__kind").order_by("unit__name_sort", "role")
    )


def get_user_or_404(by: User, pk: int) -> User:
    user = manageable_users(by).filter(pk=pk).prefetch_related(roles_prefetch()).first()
    if user is None:
        raise Http404
    return user


def home_unit(user: User) -> Unit | None:
    """The lowest unit above all of the user's roles: where entries about the user belong."""
    from loa.units.models import Unit

    # Not user.roles: on a user from get_user_or_404 that is the prefetched queryset (with
    # unit__kind selected), which cannot be narrowed to the unit's path.
    paths = [r.unit.path for r in Role.objects.filter(user_id=user.pk).select_related("unit").only("unit__path")]
    if not paths:
        return None
    parts = [p.strip("/").split("/") for p in paths]
    common = []
    for segment in zip(*parts):
        if len(set(segment)) != 1:
            break
        common.append(segment[0])
    if not common:
        return None
    return Unit.objects.filter(pk=int(common[-1])).first()


def unit_officers(unit_ids: Collection[int]) -> dict[int, list[User]]:
    """{unit_id: [users]} for the active officers holding a role exactly at those units."""
    officers: dict[int, list[User]] = {}
    for user in (
        User.objects.filter(is_active=True, roles__role=RoleName.OFFICER, roles__unit_id__in=unit_ids)
        .prefetch_related("roles")
        .distinct()
        .order_by("full_name", "pk")
    ):
        for role in user.roles.all():
            if role.role == RoleName.OFFICER and role.unit_id in unit_ids:
                officers.setdefault(role.unit_id, []).append(user)
    return officers
