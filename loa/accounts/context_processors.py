from loa.accounts.capabilities import Capability
from loa.accounts.scope import can_anywhere


def navigation(request):
    """What the menu shows: only the areas the user may reach."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav": {
            "units": can_anywhere(user, Capability.VIEW),
            "manage_units": can_anywhere(user, Capability.MANAGE_UNITS),
            "users": can_anywhere(user, Capability.MANAGE_USERS),
            "audit": can_anywhere(user, Capability.VIEW_AUDIT),
        }
    }
