"""The first run of a new installation (`manage.py loa_init`): the standard unit kinds, the
top-level unit and its first administrator, validated like the pages do, in one transaction.

Safe to run again: what exists is reused and left as it is (a unit's name, a user's password),
and the result says what was done and what was found.
"""

import secrets
from dataclasses import dataclass, field

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from loa.accounts.capabilities import RoleName
from loa.accounts.models import Role, User
from loa.accounts.services import AUDITED_FIELDS, _grant
from loa.audit.log import log_action, snapshot
from loa.core.validators import has_control_characters
from loa.units.kind_services import kinds_ensure
from loa.units.kinds import DEFAULT_ROOT_KIND
from loa.units.models import Unit, UnitKind
from loa.units.services import unit_create

# unit_create's field names → this function's arguments, so that errors name what was given.
CODE_MAX = Unit._meta.get_field("code").max_length
_ROOT_ARGUMENTS = {"code": "root_code", "name": "root_name", "short_name": "root_short_name", "kind": "root_kind"}


@dataclass
class FirstRun:
    root: Unit
    admin: User
    kinds_created: list = field(default_factory=list)
    root_created: bool = False
    admin_created: bool = False
    role_granted: bool = False
    # A password made up here for a new admin: to be shown once, never stored in clear.
    generated_password: str | None = None
    # What was found different from what was given, and left as it is.
    root_name_differs: bool = False
    root_kind_differs: bool = False
    admin_details_differ: list = field(default_factory=list)  # "email", "full_name"
    admin_inactive: bool = False

    @property
    def changed(self):
        return bool(self.kinds_created or self.root_created or self.admin_created or self.role_granted)


def generate_password():
    """24 characters from a cryptographic source (about 143 bits)."""
    return secrets.token_urlsafe(18)


def _text(errors, name, value, *, required=True):
    value = (value or "").strip()
    if has_control_characters(value):
        errors[name] = [_("Remove the invisible control characters (tab, line break…) from this text.")]
    elif required and not value:
        errors[name] = [_("This value is required.")]
    return value


def _check_new_admin(errors, *, username, email, full_name, password):
    if "admin_username" not in errors:
        if len(username) > 150:
            errors["admin_username"] = [_("The username is too long (at most 150 characters).")]
        else:
            try:
                User.username_validator(username)
            except ValidationError as exc:
                errors["admin_username"] = exc.messages
    if "admin_email" not in errors:
        try:
            validate_email(email)
        except ValidationError:
            errors["admin_email"] = [_("“%(value)s” is not a valid e-mail address.") % {"value": email}]
        else:
            if User.objects.filter(email__iexact=email).exists():
                errors["admin_email"] = [_("Another user already has the e-mail “%(value)s”.") % {"value": email}]
    if "admin_name" not in errors and len(full_name) > 150:
        errors["admin_name"] = [_("The name is too long (at most %(max)d characters).") % {"max": 150}]
    if password is not None and "admin_password" not in errors:
        try:
            validate_password(password, User(username=username, email=email, full_name=full_name))
        except ValidationError as exc:
            errors["admin_password"] = exc.messages


@transaction.atomic
def first_run(
    *,
    root_code,
    root_name,
    admin_username,
    admin_email="",
    admin_name="",
    admin_password=None,
    root_kind=DEFAULT_ROOT_KIND,
    root_short_name="",
    allow_another_root=False,
):
    """Create what a new installation needs to be used from its pages; reuse what exists.

    An existing admin needs only the username: e-mail and name are for a new one. Raises ValidationError keyed by argument name (root_code, admin_email, …) and leaves
    nothing behind. A new admin without `admin_password` gets a generated one, returned once.
    """
    errors = {}
    root_code = _text(errors, "root_code", root_code)
    if len(root_code) > CODE_MAX:
        errors["root_code"] = [_("The code is too long (at most %(max)d characters).") % {"max": CODE_MAX}]
    root_name = _text(errors, "root_name", root_name)
    root_short_name = _text(errors, "root_short_name", root_short_name, required=False)
    root_kind = _text(errors, "root_kind", root_kind or DEFAULT_ROOT_KIND)
    admin_username = _text(errors, "admin_username", admin_username)
    if admin_password is not None and has_control_characters(admin_password):
        errors["admin_password"] = [_("Remove the invisible control characters (tab, line break…) from this text.")]
    if admin_password == "":
        admin_password = None
    admin = User.objects.filter(username__iexact=admin_username).first() if admin_username else None
    admin_email = _text(errors, "admin_email", admin_email, required=admin is None)
    admin_name = _text(errors, "admin_name", admin_name, required=admin is None)
    if admin is None:
        _check_new_admin(
            errors, username=admin_username, email=admin_email, full_name=admin_name, password=admin_password
        )

    root = Unit.objects.filter(code=root_code).select_related("kind").first() if root_code else None
    if root is not None and root.parent_id is not None:
        errors["root_code"] = [
            _("The unit “%(code)s” exists but is not a top-level unit: choose another code.") % {"code": root_code}
        ]
    elif root is None and root_code and not allow_another_root:
        other = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
        if other is not None:
            errors["root_code"] = [
                ValidationError(
                    _(
                        "A top-level unit exists already: “%(code)s” %(name)s. Give its code to use it, or allow "
                        "another top-level unit."
                    )
                    % {"code": other.code, "name": other.name},
                    code="another_root",
                )
            ]
    if errors:
        raise ValidationError(errors)

    ensured = kinds_ensure(by=None)
    result = FirstRun(root=root, admin=admin, kinds_created=[k.code for k in ensured.created])

    if root is None:
        kind = ensured.by_code.get(root_kind) or UnitKind.objects.filter(code=root_kind).first()
        if kind is None:
            codes = ", ".join(UnitKind.objects.values_list("code", flat=True))
            raise ValidationError(
                {
                    "root_kind": _("There is no unit kind with the code “%(code)s” (there are: %(codes)s).")
                    % {"code": root_kind, "codes": codes}
                }
            )
        try:
            root = unit_create(
                by=None, parent=None, kind=kind, code=root_code, name=root_name, short_name=root_short_name
            )
        except ValidationError as exc:
            raise ValidationError(
                {_ROOT_ARGUMENTS.get(name, name): messages for name, messages in exc.message_dict.items()}
            ) from None
        result.root, result.root_created = root, True
    else:
        result.root_name_differs = root.name != root_name
        result.root_kind_differs = root.kind.code != root_kind

    if admin is None:
        password = admin_password or generate_password()
        admin = User(username=admin_username, email=admin_email, full_name=admin_name)
        admin.set_password(password)
        admin.full_clean(exclude=["password", "language"])
        admin.save()
        log_action("user.created", actor=None, obj=admin, unit=root, after=snapshot(admin, AUDITED_FIELDS))
        result.admin, result.admin_created = admin, True
        result.generated_password = None if admin_password else password
    else:
        result.admin_inactive = not admin.is_active
        result.admin_details_differ = [
            name
            for name, given, found in (
                ("email", admin_email.lower(), admin.email.lower()),
                ("full_name", admin_name, admin.full_name),
            )
            if given and given != found
        ]
    if not Role.objects.filter(user=admin, unit=root, role=RoleName.ADMIN).exists():
        _grant(by=None, user=admin, unit=root, role=RoleName.ADMIN)
        result.role_granted = True
    return result
