from loa.accounts import session_scope
from loa.accounts.capabilities import Capability
from loa.accounts.scope import can_anywhere


def navigation(request):
    """What the menu shows: only the areas the user may reach."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not session_scope.is_full(request):
        # A one-tap session (or one owing its two-factor set-up) reaches almost nothing: no menu.
        return {"limited_session": True}
    return {
        "nav": {
            "units": can_anywhere(user, Capability.VIEW),
            "manage_units": can_anywhere(user, Capability.MANAGE_UNITS),
            "users": can_anywhere(user, Capability.MANAGE_USERS),
            "audit": can_anywhere(user, Capability.VIEW_AUDIT),
            # Editors and admins curate the items to share (loa/sharing).
            "curate": can_anywhere(user, Capability.REVIEW_ARTICLES),
        }
    }
