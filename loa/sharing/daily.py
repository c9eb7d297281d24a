"""Today's list for each unit: the morning run, the link in its message, and marking an item shared.

The morning run (`morning_run`, `manage.py send_share_digests`, Celery beat at 06:30) works out, for
every unit at once, the items active today in its audience, grouped by curating unit and audience
(the active items are few, the units many: one pass over the units, never a query per unit); it sets
`Item.asked_on` on an item's first listing and counts the new items asked of each unit in one
`tally.record_asked`; then it queues ONE message per officer and day (Zalo or e-mail by the
reminders' rule, `queue_to_officers`) listing the unit's items not shared yet, with one link. Each
message has a dedupe key (day, unit, officer): a second run sends nothing. A lease (`RunLease`)
keeps two runs from working at once.

The link (`link_token`) is signed, expires after LINK_DAYS, names one officer and one unit, and
grants only today's page of that unit and marking its items shared: it signs nobody in. It stops
working when the officer is deactivated, loses the unit, or changes the password.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from loa.accounts.capabilities import Capability
from loa.accounts.models import Role, RoleName, User
from loa.accounts.scope import can
from loa.core.controls import strip_controls
from loa.core.site import absolute_url
from loa.fanpages import services as fanpages
from loa.notifications import zalo_messages
from loa.notifications.outbox import queued_keys
from loa.notifications.reminders import queue_to_officers
from loa.sharing import links, selectors, services, tally
from loa.sharing.models import Item, RunLease, Share
from loa.units.models import Unit

if TYPE_CHECKING:
    from collections.abc import Sequence

SALT = "loa.sharing.daily"
LINK_DAYS = 3  # a link opens the unit's list for three days (a long weekend's items included)
LEASE_NAME = "sharing.morning-run"
LEASE_SECONDS = 600
CHUNK = 2000
TEMPLATE = "notifications/email/share_digest"
MAX_LINK = 500  # the post link's field (Share.post_url)
SHARER = "https://www.facebook.com/sharer/sharer.php?u="


# --- What is shared ------------------------------------------------------------------------------


def facebook_share_url(url: str) -> str:
    """Facebook's share dialog for a unit's link of an item (no API needed)."""
    return SHARER + quote(url, safe="")


def share_text(item: Item, url: str) -> str:
    """What "Sao chép nội dung" copies: the title, the text, the link."""
    parts = [item.title, item.text.strip(), url]
    return "\n\n".join(p for p in parts if p)


# --- The link in the morning message ---------------------------------------------------------------


class LinkProblem(Exception):
    """Why a link cannot be used: 'tampered' (damaged, or not this officer's any more) or 'expired'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _fingerprint(user_id: int, password: str) -> str:
    """Changes when the officer's password does: a new password ends every link given before."""
    return salted_hmac(SALT, f"{user_id}:{password}").hexdigest()[:16]


def link_token(user: User, unit: Unit) -> str:
    return signing.dumps({"u": user.pk, "n": unit.pk, "k": _fingerprint(user.pk, user.password)}, salt=SALT)


def link_for(user: User, unit: Unit) -> str:
    return absolute_url(reverse("sharing:link", args=[link_token(user, unit)]))


def read_link(token: str) -> tuple[User, Unit]:
    """The officer and unit a token names, still valid: signed, within LINK_DAYS, the officer active,
    still reporting for the unit, and with the same password. Raises LinkProblem."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=timedelta(days=LINK_DAYS))
    except signing.SignatureExpired:
        raise LinkProblem("expired") from None
    except signing.BadSignature:
        raise LinkProblem("tampered") from None
    if not isinstance(payload, dict):
        raise LinkProblem("tampered")
    user = User.objects.filter(pk=payload.get("u"), is_active=True).first()
    unit = Unit.objects.filter(pk=payload.get("n")).first()
    if user is None or unit is None:
        raise LinkProblem("tampered")
    if not constant_time_compare(str(payload.get("k", "")), _fingerprint(user.pk, user.password)):
        raise LinkProblem("tampered")
    if not can(user, Capability.REPORT_FOR_UNIT, unit):
        raise LinkProblem("tampered")
    return user, unit


# --- Today's page ----------------------------------------------------------------------------------


@dataclass
class Row:
    item: Item
    share: Share | None
    url: str
    facebook: str
    text: str
    new: bool  # first asked today


def today_rows(unit: Unit, day: date | None = None) -> list[Row]:
    """The unit's list for `day`: every item active in its audience (shared ones marked), each with its tracked link: a few queries, whatever the number of items."""
    day = day or timezone.localdate()
    rows = []
    items = selectors.items_for(unit, day)
    # Each item's tracked link for this unit (`/s/<code>`): the readers its share brings are counted.
    urls = links.share_urls([item.pk for item in items], [unit])
    for item in items:
        url = urls[(item.pk, unit.pk)]
        rows.append(
            Row(
                item=item,
                share=item.shared,  # type: ignore[attr-defined]
                url=url,
                facebook=facebook_share_url(url),
                text=share_text(item, url),
                new=item.asked_on in (None, day),
            )
        )
    return rows


def officer_units(user: User, limit: int = 10) -> list[Unit]:
    """The units where `user` holds an officer's (or admin's) role itself: the units whose list
    /sharing/today/ shows them."""
    roles = Role.objects.filter(user=user, role__in=[RoleName.OFFICER, RoleName.ADMIN]).select_related("unit")
    units = sorted({r.unit for r in roles}, key=lambda u: (u.path.count("/"), u.name))
    return [u for u in units if can(user, Capability.REPORT_FOR_UNIT, u)][:limit]


# --- "Đã chia sẻ" ----------------------------------------------------------------------------------


def clean_post_link(raw: str) -> str:
    text = strip_controls(raw or "").replace("\n", " ").replace("\t", " ").strip()
    if len(text) > MAX_LINK:
        raise ValidationError(
            _("The link is too long (at most %(max)s characters): copy the post's own link.") % {"max": MAX_LINK},
            code="too_long",
        )
    return text


def mark_shared(*, by: User | None, item: Item, unit: Unit, post_link: str = "", day: date | None = None) -> Share:
    """An officer's "Đã chia sẻ" for `item` and `unit`, with the post's link or without (declared).
    A link is checked as for posts (a real post, the unit's Page, not used for another item) and
    recorded as a post of the Page, so that its day counts as a posting day (once). Raises
    ValidationError with the reason in Vietnamese; nothing is written then."""
    day = day or timezone.localdate()
    if not any(i.pk == item.pk for i in selectors.items_for(unit, day)):
        raise ValidationError(_("This item is not on the unit's list today."), code="not_listed")
    if Share.objects.filter(item=item, unit=unit).exists():
        raise ValidationError(_("This unit has already shared this item."), code="already_shared")
    link = clean_post_link(post_link)
    if not link:
        return services.share_record(by=by, item=item, unit=unit, kind=Share.Kind.DECLARED)
    fanpage, key, url = fanpages.check_post_link(unit=unit, link=link)
    if Share.objects.filter(unit=unit, post_key=key).exists():
        raise ValidationError(
            _("This post is already recorded for another item: paste the link of the post that shares this one."),
            code="post_used",
        )
    at = timezone.now()
    with transaction.atomic():
        post, _new = fanpages.record_post_link(by=by, fanpage=fanpage, key=key, link=url, at=at)
        return services.share_record(
            by=by, item=item, unit=unit, kind=Share.Kind.LINK, post_url=url, post_key=key, post_id=post.pk, at=at
        )


def shared_message(share: Share) -> str:
    if share.kind == Share.Kind.DECLARED:
        said = _("Marked shared (declared, without the post's link).")
    else:
        said = _("Shared: the post is counted for the unit's Page today.")
    if not share.on_time:
        from django.conf import settings

        said += " " + _("It counts as shared, but not on time (more than %(days)s days after it was asked).") % {
            "days": settings.SHARING_ON_TIME_DAYS
        }
    return said


# --- The lease -------------------------------------------------------------------------------------


def take_lease(name: str = LEASE_NAME, seconds: int = LEASE_SECONDS) -> str | None:
    """This run's token, or None while another run holds a lease that has not run out."""
    RunLease.objects.get_or_create(name=name)
    token = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
    now = timezone.now()
    free = Q(token="") | Q(expires_at__isnull=True) | Q(expires_at__lt=now)
    taken = RunLease.objects.filter(free, name=name).update(token=token, expires_at=now + timedelta(seconds=seconds))
    return token if taken else None


def renew_lease(token: str, name: str = LEASE_NAME, seconds: int = LEASE_SECONDS) -> bool:
    expires = timezone.now() + timedelta(seconds=seconds)
    return RunLease.objects.filter(name=name, token=token).update(expires_at=expires) == 1


def give_back_lease(token: str, report: dict[str, Any], name: str = LEASE_NAME) -> None:
    RunLease.objects.filter(name=name, token=token).update(
        token="", expires_at=None, last_finished_at=timezone.now(), last_report=report
    )


# --- The morning run -------------------------------------------------------------------------------


@dataclass
class RunReport:
    day: date
    items: int = 0
    units: int = 0  # units asked at least one item
    newly_asked: int = 0  # (unit, item) pairs asked for the first time
    officers: int = 0  # officers with something to share today
    queued: dict[str, int] = field(default_factory=dict)
    busy: bool = False  # another run held the lease

    def as_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "items": self.items,
            "units": self.units,
            "newly_asked": self.newly_asked,
            "officers": self.officers,
            "queued": self.queued,
        }


class _Audience:
    """The items sharing one curating unit and one audience: a unit is in all of them or in none."""

    def __init__(self, item: Item) -> None:
        self.path = item.unit_path
        self.kinds = frozenset(k.pk for k in item.audience_kinds.all())
        self.units = frozenset(u.pk for u in item.audience_units.all())
        self.items: list[Item] = []

    @property
    def key(self) -> tuple[str, frozenset[int], frozenset[int]]:
        return (self.path, self.kinds, self.units)

    def holds(self, pk: int, path: str, kind_id: int) -> bool:
        if not path.startswith(self.path):
            return False
        if not self.kinds and not self.units:
            return True
        return kind_id in self.kinds or pk in self.units


def _audiences(items: Iterable[Item]) -> list[_Audience]:
    groups: dict[tuple[str, frozenset[int], frozenset[int]], _Audience] = {}
    for item in items:
        audience = _Audience(item)
        groups.setdefault(audience.key, audience).items.append(item)
    return list(groups.values())


def _tops(paths: Iterable[str]) -> list[str]:
    """The paths not under another one of them (the subtrees to read)."""
    tops: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(t) for t in tops):
            tops.append(path)
    return tops


def units_asked(items: Sequence[Item], day: date) -> dict[int, tuple[str, str, list[Item]]]:
    """{unit id: (path, name, [items asked of it today])} for every unit active on `day` in some
    item's audience: one query over the units, the audiences checked in memory."""
    audiences = _audiences(items)
    if not audiences:
        return {}
    under = Q()
    for top in _tops(a.path for a in audiences):
        under |= Q(path__startswith=top)
    found: dict[int, tuple[str, str, list[Item]]] = {}
    rows = Unit.objects.active_on(day).filter(under).values_list("pk", "path", "kind_id", "name")
    for pk, path, kind_id, name in rows.iterator(chunk_size=5000):
        mine = [i for a in audiences if a.holds(pk, path, kind_id) for i in a.items]
        if mine:
            mine.sort(key=lambda i: (i.starts_on, i.pk), reverse=True)
            found[pk] = (path, name, mine)
    return found


def _officers(unit_ids: set[int]) -> dict[int, list[User]]:
    """{unit id: [active officers holding a role at it]}, in one query (users built from its rows)."""
    officers: dict[int, list[User]] = defaultdict(list)
    seen: dict[int, User] = {}
    rows = Role.objects.filter(role=RoleName.OFFICER, user__is_active=True).values_list(
        "unit_id", "user_id", "user__username", "user__full_name", "user__email", "user__phone", "user__password"
    )
    for unit_id, user_id, username, full_name, email, phone, password in rows.iterator(chunk_size=5000):
        if unit_id not in unit_ids:
            continue
        user = seen.get(user_id)
        if user is None:
            user = seen[user_id] = User(
                pk=user_id,
                username=username,
                full_name=full_name,
                email=email,
                phone=phone,
                password=password,
                is_active=True,
            )
        officers[unit_id].append(user)
    for users in officers.values():
        users.sort(key=lambda u: (u.full_name, u.pk))
    return officers


def _subject(unit_name: str, count: int) -> str:
    return _("Today's %(count)s items to share — %(unit)s") % {"count": count, "unit": unit_name}


class _Blank:
    """A stand-in rendered into a message's text once, then replaced by each officer's own value."""

    def __init__(self, mark: str) -> None:
        self.mark = mark

    def __str__(self) -> str:
        return self.mark

    def display_name(self) -> str:
        return self.mark


NAME = "\x00name\x00"


def _unit_mark(n: int) -> str:
    return f"\x00unit{n}\x00"


def _link_mark(n: int) -> str:
    return f"\x00link{n}\x00"


class _Digests:
    """The messages of one morning, one per officer: the text of a list of items is rendered once
    (the items are few, the officers many) and each officer's name, units and links put in; the
    link's address is built once. An officer of several units gets one message with a list per unit."""

    def __init__(self, day: date) -> None:
        from django.template.loader import render_to_string

        self.day = day
        self.texts: dict[tuple[tuple[int, ...], ...], str] = {}
        self._render = render_to_string
        self.prefix = absolute_url(reverse("sharing:link", args=["TOKEN"])).removesuffix("TOKEN/")

    def text(self, lists: list[list[Item]]) -> str:
        key = tuple(tuple(i.pk for i in items) for items in lists)
        if key not in self.texts:
            units = [
                {
                    "name": _unit_mark(n),
                    "items": items,
                    "new": [i for i in items if i.asked_on == self.day],
                    "link": _link_mark(n),
                }
                for n, items in enumerate(lists)
            ]
            context = {"user": _Blank(NAME), "units": units, "day": self.day, "days": LINK_DAYS}
            with translation.override("vi"):
                self.texts[key] = self._render(f"{TEMPLATE}.txt", context)
        return self.texts[key]

    def key(self, user: User) -> str:
        return f"share-digest:{self.day.isoformat()}:{user.pk}"

    def letter(self, *, user: User, lists: list[tuple[Unit, list[Item]]]) -> dict[str, Any]:
        links = [f"{self.prefix}{link_token(user, unit)}/" for unit, _items in lists]
        body = self.text([items for _unit, items in lists]).replace(NAME, user.display_name())
        for n, (unit, _items) in enumerate(lists):
            body = body.replace(_unit_mark(n), unit.name).replace(_link_mark(n), links[n])
        count = sum(len(items) for _unit, items in lists)
        first = lists[0][0]
        names = ", ".join(unit.name for unit, _items in lists)
        task = _("Share today's official information (%(count)s items)") % {"count": count}
        zalo_unit = first if len(lists) == 1 else Unit(pk=first.pk, path=first.path, name=names)
        return {
            "user": user,
            "unit": first,
            "dedupe_key": self.key(user),
            "subject": _subject(names, count),
            "template": TEMPLATE,
            "context": {},
            "body": body,
            # The approved ZNS template carries one link: the first unit's list (the e-mail has each).
            "zalo_data": zalo_messages.work_data(
                user=user, unit=zalo_unit, task=task, deadline=self.day, link=links[0]
            ),
        }


def morning_run(*, day: date | None = None, say: Callable[[str], None] | None = None, chunk: int = CHUNK) -> RunReport:
    """Ask today's items of every unit and queue each officer's message; safe to run again (it then
    asks and sends nothing new). `report.busy` when another run holds the lease."""
    day = day or timezone.localdate()
    report = RunReport(day=day)
    token = take_lease()
    if token is None:
        report.busy = True
        return report
    try:
        with translation.override("vi"):  # the messages' language, whoever starts the run
            _run(day, report, token, say or (lambda _text: None), chunk)
    finally:
        give_back_lease(token, report.as_dict())
    return report


def _run(day: date, report: RunReport, token: str, say: Callable[[str], None], chunk: int) -> None:
    items = list(selectors.active_items(day))
    report.items = len(items)
    asked = units_asked(items, day)
    report.units = len(asked)
    say(f"{len(items)} active items, {len(asked)} units asked")

    # First listing: the item's asked_on, and each unit's new items in the tallies, at once.
    new_ids = {i.pk for i in items if i.asked_on is None}
    with transaction.atomic():
        fresh = set(
            Item.objects.select_for_update().filter(pk__in=new_ids, asked_on__isnull=True).values_list("pk", flat=True)
        )
        if fresh:
            counts = {path: n for path, _name, mine in asked.values() if (n := sum(i.pk in fresh for i in mine))}
            report.newly_asked = sum(counts.values())
            Item.objects.filter(pk__in=fresh).update(asked_on=day)
            tally.record_asked(day, counts)
    for item in items:
        if item.pk in fresh:
            item.asked_on = day
    say(f"{report.newly_asked} new asks recorded")

    shared: set[tuple[int, int]] = set(
        Share.objects.filter(item__in=[i.pk for i in items]).values_list("item_id", "unit_id").iterator(chunk_size=5000)
    )
    officers = _officers(set(asked))
    digests = _Digests(day)
    say(f"{len(shared)} shares, officers of {len(officers)} units read")
    # One message per officer: the lists of every unit they are an officer of.
    lists: dict[int, tuple[User, list[tuple[Unit, list[Item]]]]] = {}
    for unit_id, (path, name, mine) in asked.items():
        people = officers.get(unit_id)
        if not people:
            continue
        pending = [i for i in mine if (i.pk, unit_id) not in shared]
        if not pending:
            continue
        unit = Unit(pk=unit_id, path=path, name=name)
        for user in people:
            lists.setdefault(user.pk, (user, []))[1].append((unit, pending))
    report.officers = len(lists)
    todo = list(lists.values())
    for start in range(0, len(todo), chunk):
        part = todo[start : start + chunk]
        # Messages a run of the same day already queued are not built again.
        queued = queued_keys(digests.key(user) for user, _lists in part)
        letters = [digests.letter(user=u, lists=ls) for u, ls in part if digests.key(u) not in queued]
        for channel, n in queue_to_officers(letters).items():
            report.queued[channel] = report.queued.get(channel, 0) + n
        renew_lease(token)
    say(f"{report.officers} officers, queued {report.queued}")
