"""Named capabilities and the roles that grant them.

A role is held at a unit and grants its capabilities over that unit and everything below it.
Pages and the API check the same names.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Capability(models.TextChoices):
    VIEW = "view", _("View")
    REPORT_FOR_UNIT = "report_for_unit", _("Report for the unit")
    REVIEW_ARTICLES = "review_articles", _("Review articles")
    ISSUE_DIRECTIVES = "issue_directives", _("Issue directives")
    MANAGE_UNITS = "manage_units", _("Manage units")
    MANAGE_USERS = "manage_users", _("Manage users and roles")
    VIEW_AUDIT = "view_audit", _("View the audit log")


class RoleName(models.TextChoices):
    ADMIN = "admin", _("Province admin")
    EDITOR = "editor", _("Editor")
    OFFICER = "officer", _("Unit officer")
    LEADER = "leader", _("Leader (read only)")


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    RoleName.ADMIN: frozenset(Capability),
    RoleName.EDITOR: frozenset({Capability.VIEW, Capability.REVIEW_ARTICLES}),
    RoleName.OFFICER: frozenset({Capability.VIEW, Capability.REPORT_FOR_UNIT}),
    RoleName.LEADER: frozenset({Capability.VIEW}),
}


def roles_granting(capability):
    return [role for role, caps in ROLE_CAPABILITIES.items() if capability in caps]
