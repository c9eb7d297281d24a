"""Readable names for audit actions, fields and values: the one place the audit log is put into words
(the audit page, a unit's change history). A test checks every action Loa writes has a label here."""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from loa.core.phones import display_phone

EMPTY = "—"

ACTIONS = {
    "unit.created": _("Unit created"),
    "unit.updated": _("Unit changed"),
    "unit.moved": _("Unit moved"),
    "unit.deactivated": _("Unit closed"),
    "unit.reactivated": _("Unit reopened"),
    "unit.imported": _("Unit imported from a list"),
    "unit.code_taken": _("Unit took the code given in an imported list"),
    "unit.merged": _("Units merged into this unit"),
    "unit.merged_into": _("Unit merged into another"),
    "unit.split": _("Unit split"),
    "unit.split_from": _("Unit took part of a split unit"),
    "unit.restructuring.checked": _("Restructuring table checked"),
    "unit.restructuring.applied": _("Restructuring table applied"),
    "import.mapping.remembered": _("Column titles of an import remembered"),
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
    "integrations.zalo.authorised": _("Zalo Official Account connected"),
    "notifications.message.retried": _("Message sent again"),
    "directive.created": _("Directive drafted"),
    "directive.updated": _("Directive changed"),
    "directive.recipients_set": _("Directive recipients chosen"),
    "directive.task.added": _("Task added to a directive"),
    "directive.task.updated": _("Directive task changed"),
    "directive.assignment.carried_over": _("Open task carried over to the merged unit"),
    "directive.attachment.added": _("File attached to a directive"),
    "directive.issued": _("Directive issued"),
    "directive.report.submitted": _("Report filed"),
    "directive.report.resubmitted": _("Report filed again"),
    "directive.report.returned": _("Report returned for correction"),
    "directive.forms_uploaded": _("Returned forms uploaded"),
    "directive.forms_imported": _("Returned forms recorded"),
    "directive.form_reading_confirmed": _("Values read from a photo or scan confirmed"),
    "directive.form_reading_unconfirmed": _("Confirmation of values read from a photo or scan withdrawn"),
    "article.submissions_carried_over": _("Open articles carried over to the merged unit"),
    "article.created": _("Article drafted"),
    "article.docx_imported": _("Article read from a Word file"),
    "article.photo_added": _("Photo added to an article"),
    "article.photo_removed": _("Photo removed from an article"),
    "article.submitted": _("Article sent for review"),
    "article.resubmitted": _("Article sent again for review"),
    "article.review_started": _("Article review started"),
    "article.commented": _("Article commented"),
    "article.returned": _("Article returned for correction"),
    "article.rejected": _("Article refused"),
    "article.accepted": _("Article accepted"),
    "article.published": _("Article published"),
    "article.claim_created": _("Publication claimed"),
    "article.claim_accepted": _("Publication claim accepted"),
    "article.claim_refused": _("Publication claim refused"),
    "article.quota_set": _("Article quota set"),
    "article.channel_saved": _("Publication channel saved"),
    "fanpage.registered": _("Fanpage registered"),
    "fanpage.changed": _("Fanpage changed"),
    "fanpage.address.set": _("Fanpage address added"),
    "fanpage.carried_over": _("Fanpage carried over to the merged unit"),
    "fanpage.post.logged": _("Post recorded"),
    "fanpage.posts.imported": _("Posts imported"),
    "fanpage.followers.recorded": _("Followers recorded"),
    "fanpage.likes.declared": _("Likes of the province Fanpage declared"),
    "fanpage.token.set": _("Fanpage connected to Facebook"),
    "fanpage.token.needs_renewal": _("Fanpage connection needs renewing"),
    "scoring.rubric.created": _("Scoring rubric created"),
    "scoring.rubric.changed": _("Scoring rubric changed"),
    "sharing.item.created": _("Item to share created"),
    "sharing.item.updated": _("Item to share changed"),
    "sharing.item.retired": _("Item to share retired"),
    "sharing.shared": _("Item shared"),
    "sharing.feed.created": _("Official site's feed added"),
    "sharing.feed.paused": _("Official site's feed paused"),
    "sharing.feed.resumed": _("Official site's feed read again"),
    "sharing.entry.approved": _("Feed entry approved as an item to share"),
    "sharing.entry.dismissed": _("Feed entry dismissed"),
    "scoring.criterion.saved": _("Criterion saved"),
    "scoring.criterion.deleted": _("Criterion deleted"),
    "scoring.level.saved": _("Classification level saved"),
    "scoring.level.deleted": _("Classification level deleted"),
    "scoring.adjustment.made": _("Score adjusted by hand"),
    "scoring.year.frozen": _("Year's scores frozen"),
    "scoring.year.unfrozen": _("Year's scores unfrozen"),
    "directive.task.reminded": _("Units reminded now"),
}

# The prefixes offered in the filter; any other prefix can be typed.
PREFIXES = {
    "unit.": _("Units"),
    "unit_kind.": _("Unit kinds"),
    "user.": _("Users"),
    "role.": _("Roles"),
    "api_token.": _("API tokens"),
    "directive.": _("Directives and reports"),
    "article.": _("News and articles"),
    "fanpage.": _("Fanpages"),
    "scoring.": _("Scoring"),
    "notifications.": _("Messages"),
    "import.": _("Imports"),
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
    # Keys written by services beside model fields.
    "count": _("Count"),
    "day": _("Day"),
    "screenshot": _("Screenshot attached"),
    "followers": _("Followers"),
    "link": _("Link"),
    "source": _("Source"),
    "state": _("State"),
    "version": _("Version"),
    "file": _("File"),
    "files": _("Files"),
    "batch": _("Upload batch"),
    "size": _("Size (bytes)"),
    "rows": _("Rows"),
    "created": _("Units created"),
    "updated": _("Units updated"),
    "new": _("New"),
    "added": _("Units added"),
    "removed": _("Units removed"),
    "recipients": _("Recipient units"),
    "tasks": _("Number of tasks"),
    "task": _("Task"),
    "values": _("Values"),
    "page_id": _("Facebook Page ID"),
    "note": _("Note"),
    "year": _("Year"),
    "units": _("Units"),
    "criterion": _("Criterion"),
    "mode": _("Mode"),
    "points": _("Points"),
    "url": _("Page address"),
    "admin_name": _("Page administrator"),
    "admin_phone": _("Administrator's phone"),
    "recorded": _("Recorded"),
    "skipped": _("Skipped"),
}

# Values whose stored code means something only through a model's choices, by action prefix, for
# entries whose object is not the model that holds the field (a report is logged on its task).
_CHOICES_BY_ACTION = {("directive.report.", "state"): ("directives.Assignment", "state")}


def action_label(action):
    return ACTIONS.get(action, action)


def _model_field(object_type, name):
    """The model field `name` of the entry's object (object_type "app.model"), or None."""
    try:
        return apps.get_model(object_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None


def field_label(field, object_type=""):
    """A field's label: Loa's own words first, then the model's verbose name, else as recorded."""
    if field in FIELDS:
        return FIELDS[field]
    model_field = _model_field(object_type, field) if object_type else None
    if model_field is not None and hasattr(model_field, "verbose_name"):
        return capfirst(model_field.verbose_name)
    return field


def _choices_field(action, object_type, field):
    for (prefix, name), (model, model_name) in _CHOICES_BY_ACTION.items():
        if name == field and action.startswith(prefix):
            return _model_field(model, model_name)
    return _model_field(object_type, field) if object_type else None


def show_value(value, *, field="", action="", object_type=""):
    """A recorded value as people read it: — for nothing, có/không, dates as d/m/Y, phones spaced,
    choice codes by their label."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if field == "phone" and isinstance(value, str):
        return display_phone(value)
    if isinstance(value, str):
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            day = parse_date(value)
            if day:
                return date_format(day, "d/m/Y")
        model_field = _choices_field(action, object_type, field)
        if model_field is not None and getattr(model_field, "choices", None):
            return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, dict):
        return "; ".join(f"{field_label(k)}: {show_value(v, field=k)}" for k, v in value.items() if v not in (None, ""))
    return str(value)


def readable_changes(entry):
    """[(field label, before, after)] of an entry, the unchanged-looking ones left out."""
    rows = []
    for name, before, after in entry.changes():
        shown = [show_value(v, field=name, action=entry.action, object_type=entry.object_type) for v in (before, after)]
        if shown[0] != shown[1]:
            rows.append((field_label(name, entry.object_type), *shown))
    return rows
