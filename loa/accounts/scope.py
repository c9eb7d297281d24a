"""Who may see and change what, by the unit tree.

Every view and API endpoint goes through these helpers. Objects outside the user's units
answer 404, so that an outsider learns nothing about them (healthchecks' habit).
"""

from functools import reduce
from operator import or_

from django.db.models import Q
from django.http import Http404

from loa.accounts.capabilities import ROLE_CAPABILITIES, Capability


def role_paths(user, capability):
    """Paths of the units at which `user` holds a role granting `capability` (cached per user object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cache = user.__dict__.setdefault("_loa_scope", {})
    if capability not in cache:
        if user.is_superuser:
            cache[capability] = ["/"]
        else:
            if "_roles" not in cache:
                # One query for every capability asked during the request.
                from loa.accounts.models import Role

                rows = Role.objects.filter(user_id=user.pk).values_list("role", "unit__path")
                cache["_roles"] = list(rows)
            paths = sorted({path for role, path in cache["_roles"] if capability in ROLE_CAPABILITIES.get(role, ())})
            # Drop paths covered by another one: fewer OR terms in every query.
            kept = []
            for path in paths:
                if not any(path.startswith(k) for k in kept):
                    kept.append(path)
            cache[capability] = kept
    return cache[capability]


def forget(user):
    user.__dict__.pop("_loa_scope", None)


def path_q(user, capability, field="path"):
    """A Q that keeps rows whose unit path lies under one of the user's roles; empty if none."""
    paths = role_paths(user, capability)
    if not paths:
        return Q(pk__in=[])
    if "/" in paths:
        return Q()
    return reduce(or_, (Q(**{f"{field}__startswith": p}) for p in paths))


def can(user, capability, unit):
    return any(unit.path.startswith(p) or p == "/" for p in role_paths(user, capability))


def can_anywhere(user, capability):
    return bool(role_paths(user, capability))


def units_for(user, capability=Capability.VIEW):
    from loa.units.models import Unit

    return Unit.objects.filter(path_q(user, capability))


def get_unit_or_404(user, capability, **lookup):
    """Fetch a unit and authorise in one step: a unit the user may not reach does not exist, nor
    does one asked for by a value that is no id (`?unit=abc` from a query string)."""
    from loa.units.models import Unit

    try:
        unit = Unit.objects.select_related("kind", "parent").filter(**lookup).first()
    except (TypeError, ValueError):
        raise Http404 from None
    if unit is None or not can(user, capability, unit):
        raise Http404
    return unit


def top_units(user, capability=Capability.VIEW):
    """The highest units the user's roles reach: where their tree browsing starts."""
    from loa.units.models import Unit

    paths = role_paths(user, capability)
    if "/" in paths:
        return list(Unit.objects.filter(parent__isnull=True).select_related("kind"))
    ids = [int(p.strip("/").split("/")[-1]) for p in paths]
    return list(Unit.objects.filter(id__in=ids).select_related("kind"))


def manages_whole_tree(user):
    """Whether the user's MANAGE_UNITS roles cover every top-level unit: a superuser, or an
    admin at each root (at the only root, on a provincial instance). Such a user may create
    top-level units and manage the unit kinds, which the whole tree shares."""
    paths = role_paths(user, Capability.MANAGE_UNITS)
    if "/" in paths:
        return True
    root_paths = [p for p in paths if p.count("/") == 2]  # "/7/": a role held at a root
    if not root_paths:
        return False
    cache = user.__dict__.setdefault("_loa_scope", {})
    if "_whole_tree" not in cache:
        from loa.units.models import Unit

        cache["_whole_tree"] = not Unit.objects.filter(parent__isnull=True).exclude(path__in=root_paths).exists()
    return cache["_whole_tree"]


def require_whole_tree(user):
    if not manages_whole_tree(user):
        raise Http404
