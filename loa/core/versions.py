"""Optimistic version checks: every edit carries the version it started from.

A versioned row has a `version` number that every write raises. A page or an API client reads it
with the row and sends it back with the change; the service locks the row (`lock`), compares, and
refuses a change made against an older version with `StaleVersion` instead of silently writing
over what someone else saved in between. The form side (the hidden field, the page that shows the
newer values beside the user's own) is in `loa.core.version_forms`.

`expected_version=None` means "not an edit": an import, a rule applied to many units, the demo.
Pages and the API always send a version (the form field is required; the API answers 428).

An editing session (one open page whose autosave and buttons race each other) may also be named:
a row whose `edit_session` is the caller's was last written by that same page, so the versions in
between were its own saves (see the article editor).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

M = TypeVar("M", bound=models.Model)

# A PositiveIntegerField: a version sent from outside is compared only up to here.
MAX_VERSION = 2_147_483_647
DIGITS = re.compile(r"[0-9]{1,10}")  # ASCII digits only, and no more than MAX_VERSION has
SESSION = re.compile(r"[A-Za-z0-9_-]{1,32}")


def version_field() -> models.PositiveIntegerField[int, int]:
    """The `version` column of a versioned model (1 when created, raised by every write)."""
    # db_default too: rows inserted without Django (an import's COPY) start at 1 as well.
    return models.PositiveIntegerField(
        gettext_lazy("version"),
        default=1,
        db_default=1,
        editable=False,
        help_text=gettext_lazy("Raised by every change; a change made against an older version is refused."),
    )


class StaleVersion(ValidationError):
    """The row changed since the caller read it. `current` is the row as it is now (locked)."""

    def __init__(self, current: Any, message: str | None = None) -> None:
        if message is None:
            message = _(
                "Someone (another user, or you in another window) changed this %(thing)s while you were working "
                "on it: it is now at version %(version)s. Nothing of yours was saved: look at the changes, then "
                "apply yours again."
            ) % {"thing": current._meta.verbose_name, "version": current.version}
        super().__init__(message, code="stale")
        self.current = current


def _out_of_date(current: Any) -> StaleVersion:
    return StaleVersion(
        current,
        _(
            "This page is out of date or incomplete (it does not say which version it started from). "
            "Nothing was saved: look at the current values, then apply your change again."
        ),
    )


def parse(value: object) -> int | None:
    """An expected version as a number, or None when it is missing or not a version at all."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= MAX_VERSION else None
    text = str(value or "").strip()
    if not DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if number <= MAX_VERSION else None


def check(current: Any, expected_version: object, *, session: str | None = None, message: str | None = None) -> None:
    """Refuse (StaleVersion, with `message` if given) unless `current` is still at `expected_version`,
    or was last written by the caller's own editing `session`. `current` may be None (nothing stored
    yet): then 0 is the version expected. expected_version None: not an edit, nothing is checked."""
    if expected_version is None:
        return
    stored = current.version if current is not None else 0
    expected = parse(expected_version)
    if expected == stored:
        return
    if session and current is not None and getattr(current, "edit_session", "") == session:
        return  # the versions in between were this page's own saves (its autosave racing its Send)
    if current is None:
        return  # nothing stored to lose: a row that was expected is gone (nothing can be kept of it)
    raise (_out_of_date(current) if expected is None else StaleVersion(current, message))


def lock(
    queryset: QuerySet[M],
    expected_version: object,
    *,
    session: str | None = None,
    message: str | None = None,
    **lookup: Any,
) -> M:
    """The row of `queryset` matching `lookup`, locked until the transaction ends, after `check`."""
    current = queryset.select_for_update().get(**lookup)
    check(current, expected_version, session=session, message=message)
    return current


def bump(instance: Any, update_fields: Iterable[str] | None = None, *, session: str = "") -> list[str] | None:
    """Raise the version of a row about to be saved (under `lock`), noting which editing session
    wrote it. Returns `update_fields` with the columns this adds (None stays None: a full save)."""
    instance.version += 1
    added = ["version"]
    if hasattr(instance, "edit_session"):
        instance.edit_session = clean_session(session)
        added.append("edit_session")
    return None if update_fields is None else [*update_fields, *added]


def clean_session(value: object) -> str:
    """An editing-session token as sent by a page: short, printable, or nothing."""
    text = str(value or "").strip()
    return text if SESSION.fullmatch(text) else ""


def new_session() -> str:
    """A token naming one open editing page."""
    return secrets.token_urlsafe(12)
