"""Readable names for audit actions and fields. Unknown ones show as recorded."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "unit.created": _("Unit created"),
    "unit.updated": _("Unit changed"),
    "unit.moved": _("Unit moved"),
    "unit.deactivated": _("Unit closed"),
    "unit.reactivated": _("Unit reopened"),
    "unit_kind.created": _("Unit kind added"),
    "unit_kind.updated": _("Unit kind changed"),
    "unit_kind.reordered": _("Unit kinds reordered"),
    "unit_kind.retired": _("Unit kind retired"),
    "unit_kind.restored": _("Unit kind offered again"),
    "unit_kind.deleted": _("Unit kind deleted"),
    "user.created": _("User created"),
    "user.invited": _("User invited"),
    "user.invite_resent": _("Invitation sent again"),
    "user.invite_accepted": _("Invitation accepted"),
    "user.profile_updated": _("Details changed"),
    "user.password_changed": _("Password changed"),
    "user.password_reset": _("Password reset by e-mail"),
    "user.deactivated": _("User deactivated"),
    "user.reactivated": _("User reactivated"),
    "user.login_unlocked": _("Log-in unlocked"),
    "user.two_factor_enabled": _("Two-factor sign-in turned on"),
    "user.two_factor_disabled": _("Two-factor sign-in turned off"),
    "user.two_factor_reset": _("Two-factor sign-in reset"),
    "login.address_unlocked": _("Log-in unlocked for an address"),
    "role.granted": _("Role given"),
    "role.revoked": _("Role removed"),
    "api_token.created": _("API token created"),
    "api_token.revoked": _("API token revoked"),
    "directive.form_reading_confirmed": _("Values read from a photo or scan confirmed"),
    "directive.form_reading_unconfirmed": _("Confirmation of values read from a photo or scan withdrawn"),
    "directive.task.reminded": _("Units reminded now"),
}

# The prefixes offered in the filter; any other prefix can be typed.
PREFIXES = {
    "unit.": _("Units"),
    "unit_kind.": _("Unit kinds"),
    "user.": _("Users"),
    "role.": _("Roles"),
    "api_token.": _("API tokens"),
}

FIELDS = {
    "code": _("Code"),
    "name": _("Name"),
    "short_name": _("Short name"),
    "kind": _("Kind"),
    "parent": _("Parent unit"),
    "members_count": _("Members"),
    "staff_count": _("Staff (CCVCLĐ)"),
    "address": _("Address"),
    "contact_name": _("Contact person"),
    "phone": _("Phone"),
    "email": _("E-mail"),
    "active_from": _("Active from"),
    "active_to": _("Active to"),
    "is_grassroots": _("Grassroots union (CĐCS)"),
    "order": _("Order"),
    "retired_on": _("Retired on"),
    "username": _("Username"),
    "full_name": _("Full name"),
    "language": _("Language"),
    "is_active": _("Can log in"),
    "user": _("User"),
    "role": _("Role"),
    "unit": _("Unit"),
    "token": _("Token"),
    "locked_until": _("Locked out of log-in until"),
}


def action_label(action):
    return ACTIONS.get(action, action)


def field_label(field):
    return FIELDS.get(field, field)
