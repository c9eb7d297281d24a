"""/api/v1/me: who the caller is, and what their roles let them do where."""

from ninja import Router, Schema

from loa.accounts.capabilities import ROLE_CAPABILITIES, Capability, RoleName
from loa.api.errors import answers

router = Router(tags=["me"])


class RoleUnit(Schema):
    id: int
    code: str
    name: str


class RoleOut(Schema):
    role: str
    role_name: str
    unit: RoleUnit
    capabilities: list[str]


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    phone: str
    is_superuser: bool
    roles: list[RoleOut]


@router.get("", response=answers(MeOut), summary="The caller and their roles")
def me(request):
    """A role covers its unit and everything below it. A superuser has every capability everywhere."""
    user = request.user
    roles = [
        {
            "role": r.role,
            "role_name": str(RoleName(r.role).label) if r.role in RoleName.values else r.role,
            "unit": r.unit,
            "capabilities": [c.value for c in Capability if c in ROLE_CAPABILITIES.get(r.role, ())],
        }
        for r in user.roles.select_related("unit").order_by("unit__name_sort", "role")
    ]
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.display_name(),
        "email": user.email,
        "phone": user.phone,
        "is_superuser": user.is_superuser,
        "roles": roles,
    }
