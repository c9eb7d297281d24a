"""Writes to users, roles and tokens: keyword-only, validating, atomic, audited."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loa.accounts import notices, throttle
from loa.accounts.capabilities import Capability, RoleName
from loa.accounts.models import ApiToken, Role, User
from loa.accounts.scope import can, forget, manages_whole_tree
from loa.accounts.selectors import can_manage_user, home_unit
from loa.accounts.tokens import invite_url, reset_url
from loa.audit.log import log_action, snapshot
from loa.core import versions
from loa.core.phones import display_phone, normalize_phone
from loa.core.text import fold
from loa.notifications.outbox import enqueue_email
from loa.units.services import unit_create

if TYPE_CHECKING:
    from loa.notifications.models import Message
    from loa.units.models import Unit

PROFILE_FIELDS = ("full_name", "email", "phone", "language")
AUDITED_FIELDS = ("username", *PROFILE_FIELDS, "is_active")


def _role_snapshot(role: Role) -> dict[str, str]:
    return {"user": role.user.username, "role": role.get_role_display(), "unit": str(role.unit)}


def _check_manageable(by: User, user: User) -> None:
    if not can_manage_user(by, user):
        raise ValidationError(_("You may not manage the user “%(user)s”.") % {"user": user.display_name()})


def _check_unit(by: User, unit: Unit) -> None:
    if not can(by, Capability.MANAGE_USERS, unit):
        raise ValidationError(
            {"unit": _("You may not give roles at “%(unit)s”: it is outside your units.") % {"unit": unit.name}}
        )


def _clean_contact(*, email: str, phone: str, exclude_pk: int | None = None) -> tuple[str, str]:
    errors = {}
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("“%(value)s” is not a valid e-mail address.") % {"value": email}]
        else:
            if User.objects.filter(email__iexact=email).exclude(pk=exclude_pk).exists():  # type: ignore[misc]  # None: nobody
                errors["email"] = [_("Another user already has the e-mail “%(value)s”.") % {"value": email}]
    try:
        phone = normalize_phone(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return email, phone


def _username_from(email: str) -> str:
    base = re.sub(r"[^a-z0-9._-]", "", fold(email.split("@")[0]).replace(" ", ".")) or "user"
    base = base[:140]
    taken = set(User.objects.filter(username__istartswith=base).values_list("username", flat=True))
    taken = {t.lower() for t in taken}
    if base not in taken:
        return base
    n = 2
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


def send_invitation(*, user: User, by: User | None) -> None:
    """Queue the invitation e-mail with a fresh link (earlier links stay valid until a password is set)."""
    with translation.override(user.language):
        subject = _("You are invited to Loa")
    enqueue_email(
        to=user.email,
        subject=subject,
        template="notifications/email/invite",
        context={
            "user": user,
            "by": by,
            "url": invite_url(user),
            "roles": list(user.roles.select_related("unit")),
            "days": max(1, settings.INVITE_MAX_AGE // 86400),
        },
        language=user.language,
    )


@transaction.atomic
def user_invite(
    *, by: User, full_name: str, email: str, phone: str = "", unit: Unit, role: str, username: str = ""
) -> User:
    """Create a user with no password yet, give them a role and e-mail them a link to set one."""
    _check_unit(by, unit)
    full_name = (full_name or "").strip()
    errors = {}
    if not full_name:
        errors["full_name"] = [_("Enter the person's full name.")]
    if not (email or "").strip():
        errors["email"] = [_("Enter an e-mail address: the invitation is sent there.")]
    if role not in RoleName.values:
        errors["role"] = [_("Choose a role.")]
    if errors:
        raise ValidationError(errors)
    email, phone = _clean_contact(email=email, phone=phone)
    username = (username or "").strip() or _username_from(email)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("The username “%(value)s” is taken.") % {"value": username}})
    user = User(username=username, full_name=full_name, email=email, phone=phone)
    user.set_unusable_password()
    user.full_clean(exclude=["password", "language"])
    user.save()
    granted = Role.objects.create(user=user, unit=unit, role=role, granted_by=by)
    log_action(
        "user.invited",
        actor=by,
        obj=user,
        unit=unit,
        after={**snapshot(user, AUDITED_FIELDS), **_role_snapshot(granted)},
    )
    send_invitation(user=user, by=by)
    return user


@transaction.atomic
def invite_resend(*, by: User, user: User) -> User:
    _check_manageable(by, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_invited:
        raise ValidationError(_("“%(user)s” has already set a password.") % {"user": user.display_name()})
    if not user.email:
        raise ValidationError({"email": _("“%(user)s” has no e-mail address.") % {"user": user.display_name()}})
    user.set_unusable_password()  # a new random marker: the earlier link stops working
    user.save(update_fields=["password"])
    log_action("user.invite_resent", actor=by, obj=user, unit=home_unit(user))
    send_invitation(user=user, by=by)
    return user


@transaction.atomic
def invite_accept(*, user: User, password: str) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    log_action("user.invite_accepted", actor=user, obj=user, unit=home_unit(user))
    return user


@transaction.atomic
def user_set_password(*, by: User, user: User, password: str, action: str = "user.password_changed") -> User:
    """Set a password; `action` is user.password_changed or user.password_reset."""
    user = User.objects.select_for_update().get(pk=user.pk)
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    throttle.unlock_user(user.username)  # a new password (by e-mail link, too) lifts any log-in lock
    log_action(action, actor=by, obj=user, unit=home_unit(user))
    notices.account_changed(user=user, by=by, changes=[(gettext_lazy("Your password was changed."), {})])
    return user


def send_password_reset(*, user: User) -> Message | None:
    """Queue the password-reset e-mail; the caller has checked that the user may reset."""
    with translation.override(user.language):
        subject = _("Reset your Loa password")
    return enqueue_email(
        to=user.email,
        subject=subject,
        template="notifications/email/password_reset",
        context={"user": user, "url": reset_url(user), "hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)},
        language=user.language,
    )


@transaction.atomic
def profile_update(
    *, by: User, user: User, full_name: str, email: str, phone: str, language: str, expected_version: int | None = None
) -> User:
    """Change one's details; refused (StaleVersion) if they changed since `expected_version`."""
    user = versions.lock(
        User.objects.all(),
        expected_version,
        pk=user.pk,
        message=_(
            "Your details were changed on another page or device while you were editing them. Nothing was saved: "
            "look at the changes, then apply yours again."
        ),
    )
    before = snapshot(user, PROFILE_FIELDS)
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationError({"full_name": _("Enter your full name.")})
    email, phone = _clean_contact(email=email, phone=phone, exclude_pk=user.pk)
    if language not in dict(User._meta.get_field("language").choices or ()):
        raise ValidationError({"language": _("Choose a language.")})
    user.full_name, user.email, user.phone, user.language = full_name, email, phone, language
    user.save(update_fields=versions.bump(user, list(PROFILE_FIELDS)))
    after = snapshot(user, PROFILE_FIELDS)
    if after != before:
        log_action("user.profile_updated", actor=by, obj=user, unit=home_unit(user), before=before, after=after)
    _notify_contact_change(user=user, by=by, before=before)
    return user


def _notify_contact_change(*, user: User, by: User, before: dict[str, Any]) -> None:
    """An e-mail to the old address (and the new one) when the e-mail or phone changed."""
    none = gettext_lazy("none")
    changes = []
    if (before["email"] or "").lower() != (user.email or "").lower():
        changes.append(
            (
                gettext_lazy("Your e-mail address was changed from “%(old)s” to “%(new)s”."),
                {"old": before["email"] or none, "new": user.email or none},
            )
        )
    if before["phone"] != user.phone:
        changes.append(
            (
                gettext_lazy("Your phone number was changed from “%(old)s” to “%(new)s”."),
                {"old": display_phone(before["phone"]) or none, "new": display_phone(user.phone) or none},
            )
        )
    notices.account_changed(user=user, by=by, changes=changes, to=[before["email"], user.email])


@transaction.atomic
def role_grant(*, by: User, user: User, unit: Unit, role: str) -> Role:
    _check_unit(by, unit)
    if user.pk != by.pk:
        _check_manageable(by, user)
    if role not in RoleName.values:
        raise ValidationError({"role": _("Choose a role.")})
    existing = Role.objects.filter(user=user, unit=unit, role=role).first()
    if existing:
        raise ValidationError(
            _("“%(user)s” already is %(role)s at “%(unit)s”.")
            % {"user": user.display_name(), "role": existing.get_role_display(), "unit": unit.name}
        )
    granted = _grant(by=by, user=user, unit=unit, role=role)
    notices.account_changed(
        user=user,
        by=by,
        changes=[
            (
                gettext_lazy("You were given the role %(role)s at “%(unit)s”."),
                {"role": granted.get_role_display(), "unit": unit.name},
            )
        ],
    )
    return granted


def _grant(*, by: User | None, user: User, unit: Unit, role: str, note: str = "") -> Role:
    """Give a role, checked by the caller; by=None is the system (manage.py loa_init)."""
    granted = Role.objects.create(user=user, unit=unit, role=role, granted_by=by if getattr(by, "pk", None) else None)
    forget(user)
    log_action("role.granted", actor=by, obj=user, unit=unit, after=_role_snapshot(granted), note=note)
    return granted


@transaction.atomic
def top_unit_create(*, by: User, **fields: Any) -> Unit:
    """A top-level unit, by an administrator of the whole tree.

    Unless a superuser, its creator is made admin at it in the same step: their roles covered
    every top-level unit and still do, so they keep managing the whole tree (and the unit kinds)
    and can open the unit they made.
    """
    if not manages_whole_tree(by):
        raise ValidationError(
            {"parent": _("Choose the parent unit: only an administrator of the whole tree creates top-level units.")}
        )
    unit = unit_create(by=by, parent=None, **fields)
    if not by.is_superuser:
        _grant(
            by=by,
            user=by,
            unit=unit,
            role=RoleName.ADMIN,
            note=_("Administrator of the whole tree: also of the new top-level unit."),
        )
    return unit


@transaction.atomic
def role_revoke(*, by: User, role: Role) -> None:
    role = Role.objects.select_related("user", "unit").select_for_update(of=("self",)).get(pk=role.pk)
    _check_unit(by, role.unit)
    user = role.user
    if user.pk == by.pk:
        if (
            role.role == RoleName.ADMIN
            and not Role.objects.filter(user=by, role=RoleName.ADMIN).exclude(pk=role.pk).exists()
        ):
            raise ValidationError(_("You cannot remove your own last admin role. Ask another admin."))
    else:
        _check_manageable(by, user)
    before = _role_snapshot(role)
    role.delete()
    forget(user)
    log_action("role.revoked", actor=by, obj=user, unit=role.unit, before=before)
    notices.account_changed(
        user=user,
        by=by,
        changes=[
            (
                gettext_lazy("Your role %(role)s at “%(unit)s” was removed."),
                {"role": role.get_role_display(), "unit": role.unit.name},
            )
        ],
    )


def _set_active(by: User, user: User, active: bool, action: str, note: str = "") -> User:
    _check_manageable(by, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    log_action(
        action,
        actor=by,
        obj=user,
        unit=home_unit(user),
        before={"is_active": not active},
        after={"is_active": active},
        note=note,
    )
    return user


@transaction.atomic
def user_deactivate(*, by: User, user: User, reason: str = "") -> User:
    if user.pk == by.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    return _set_active(by, user, False, "user.deactivated", note=reason)


@transaction.atomic
def user_reactivate(*, by: User, user: User) -> User:
    return _set_active(by, user, True, "user.reactivated")


@transaction.atomic
def user_login_unlock(*, by: User | None, user: User) -> float | None:
    """Lift every log-in lock on the user's name, from any address (by=None: `manage.py login_unlock`).

    Returns when the latest lock would have ended, or None when none held (nothing is audited then).
    """
    if by is not None and user.pk != by.pk:
        _check_manageable(by, user)
    until = throttle.unlock_user(user.username)
    if until is not None:
        log_action(
            "user.login_unlocked",
            actor=by,
            obj=user,
            unit=home_unit(user),
            before={"locked_until": throttle.until_display(until)},
            after={"locked_until": None},
        )
    return until


@transaction.atomic
def api_token_create(*, by: User | None, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns (token, raw): the raw token is shown once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the program that will use it.")})
    if len(name) > 80:
        raise ValidationError({"name": _("The name is too long (at most 80 characters).")})
    token, raw = ApiToken.issue(user=user, name=name)
    log_action("api_token.created", actor=by, obj=user, unit=home_unit(user), after={"token": str(token)})
    notices.account_changed(
        user=user,
        by=by,
        changes=[
            (
                gettext_lazy("An API token “%(name)s” was issued: a program holding it can use Loa in your name."),
                {"name": name},
            )
        ],
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, by: User, token: ApiToken) -> None:
    user = token.user
    before = {"token": str(token)}
    token.delete()
    log_action("api_token.revoked", actor=by, obj=user, unit=home_unit(user), before=before)
