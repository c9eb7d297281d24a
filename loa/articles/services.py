"""Every write to articles: keyword-only, atomic, validated, audited.

Workflow transitions lock the submission row and compare `expected_version` (the version the
user's page was showing): when two editors act at once, the second is told the submission changed
instead of overwriting the first silently.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.articles import notices, rollups
from loa.articles.content import body_from_input, read_docx
from loa.articles.models import (
    Channel,
    Comment,
    CreditClaim,
    Kind,
    Photo,
    Publication,
    Quota,
    Submission,
    SubmissionVersion,
)
from loa.articles.urls_norm import channel_for, clean_url, normalize
from loa.audit.log import log_action, snapshot
from loa.core import versions
from loa.core.images import reencode_image
from loa.core.readers import read_table
from loa.core.uploads import XLSX
from loa.imports import cells
from loa.imports.cells import CellError
from loa.imports.columns import Column, Columns, find_header
from loa.imports.problems import ImportProblem
from loa.units.models import Unit

if TYPE_CHECKING:
    from django.core.files import File

    from loa.accounts.models import User
    from loa.articles.models import Topic
    from loa.core.uploads import Upload

S = Submission.State
AUDITED = ("state", "version", "kind", "title", "reason", "counted_year")
MAX_PHOTOS = 20


def _lock(submission: Submission, expected_version: int | None, session: str | None = None) -> Submission:
    """The submission, locked; refused (StaleVersion) if it changed since `expected_version`, unless
    every change since was the same editing page's own save (`session`: its autosave racing its
    Send). None: not checked (a photo, a Word file, a claim: they add, they do not overwrite)."""
    return versions.lock(Submission.objects.select_related("unit"), expected_version, session=session, pk=submission.pk)


def _require_state(submission: Submission, allowed: Collection[str], message: str) -> None:
    if submission.state not in allowed:
        raise ValidationError(message % {"state": submission.get_state_display()}, code="wrong_state")


def _save(submission: Submission, fields: Iterable[str], session: str = "") -> None:
    """Write the fields with a new version; `session` names the editing page that wrote it (any other
    write forgets it, so that the page's older version is stale again)."""
    submission.save(update_fields=versions.bump(submission, [*fields, "updated_at"], session=session))


def _set_topics(submission: Submission, topics: Collection[Topic]) -> None:
    submission.topics.set(topics)
    submission.in_depth = any(t.in_depth for t in topics)
    submission.exemplary = any(t.exemplary for t in topics)


def _check_text(title: str, kind: str) -> None:
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the piece a title.")})
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose news item or article.")})


# --- Writing ---------------------------------------------------------------------------------


def _created_by_page(by: User, unit: Unit, session: str) -> Submission | None:
    """The piece that the editing page `session` already created, if any. The unit's row is locked
    first, so that two taps of one page are served one after the other."""
    if not session:
        return None
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    return Submission.objects.filter(unit=unit, created_by=by, edit_session=session).first()


@transaction.atomic
def submission_start(
    *, by: User, unit: Unit, session: str, photo: File | None = None, caption: str = "", **fields: Any
) -> tuple[Submission, bool]:
    """The new-piece page's first save: the piece and its photo, together or not at all. Answers
    (piece, created): a second tap of the same page gets the piece the first one made, untouched."""
    earlier = _created_by_page(by, unit, session)
    if earlier is not None:
        return earlier, False
    submission = submission_create(by=by, unit=unit, session=session, **fields)
    if photo is not None:
        submission_add_photo(by=by, submission=submission, upload=photo, caption=caption, session=session)
        submission.refresh_from_db()
    return submission, True


@transaction.atomic
def submission_create(
    *,
    by: User,
    unit: Unit,
    kind: str = Kind.NEWS,
    title: str = "",
    body: str = "",
    authors: str = "",
    topics: Iterable[Topic] = (),
    channels: Iterable[Channel] = (),
    session: str = "",
) -> Submission:
    """A new draft, with a title or some text (an empty one is refused: nothing is stored for a tap
    that wrote nothing). `session` names the page that creates it: a second save from that same page
    (a double tap, a retry) finds the piece the first one created instead of writing another."""
    html, text = body_from_input(body)
    title = (title or "").strip()[:300]
    if not title and not text:
        raise ValidationError({"title": _("Write a title or some text before saving.")})
    earlier = _created_by_page(by, unit, session)
    if earlier is not None:
        return earlier
    submission = Submission.objects.create(
        unit=unit,
        unit_path=unit.path,
        kind=kind if kind in Kind.values else Kind.NEWS,
        title=title,
        body=html,
        body_text=text,
        authors=(authors or "").strip()[:300],
        created_by=by,
        edit_session=session,
    )
    _set_topics(submission, list(topics))
    submission.channels.set(channels)
    submission.save(update_fields=["in_depth", "exemplary"])
    log_action("article.created", actor=by, obj=submission, unit=unit, after=snapshot(submission, AUDITED))
    return submission


@transaction.atomic
def submission_update(
    *,
    by: User,
    submission: Submission,
    expected_version: int | None,
    title: str | None = None,
    body: str | None = None,
    kind: str | None = None,
    authors: str | None = None,
    topics: Iterable[Topic] | None = None,
    channels: Iterable[Channel] | None = None,
    session: str = "",
) -> Submission:
    """Change a draft or a returned piece (the autosave calls this too). Fields left None stay.

    Refused (StaleVersion) when the piece changed since `expected_version`, even by the same person
    on another page (a phone and a PC): only the same editing page's own saves are no conflict."""
    submission = _lock(submission, expected_version, session=session)
    _require_state(submission, (S.DRAFT, S.RETURNED), _("A piece that is %(state)s cannot be edited."))
    submission.edited_by = by
    fields = ["edited_by"]
    if title is not None:
        submission.title = title.strip()[:300]
        fields.append("title")
    if body is not None:
        submission.body, submission.body_text = body_from_input(body)
        fields += ["body", "body_text"]
    if kind is not None and kind in Kind.values:
        submission.kind = kind
        fields.append("kind")
    if authors is not None:
        submission.authors = authors.strip()[:300]
        fields.append("authors")
    if topics is not None:
        _set_topics(submission, list(topics))
        fields += ["in_depth", "exemplary"]
    if channels is not None:
        submission.channels.set(channels)
    _save(submission, fields, session=session)
    return submission


@transaction.atomic
def submission_add_photo(
    *, by: User, submission: Submission, upload: File, caption: str = "", session: str = ""
) -> Photo:
    submission = _lock(submission, None)
    _require_state(submission, (S.DRAFT, S.RETURNED), _("Photos cannot be added to a piece that is %(state)s."))
    if submission.photos.count() >= MAX_PHOTOS:
        raise ValidationError(_("A piece has at most %(n)s photos.") % {"n": MAX_PHOTOS})
    photo = Photo(submission=submission, caption=(caption or "").strip()[:300])
    picture = reencode_image(upload)
    photo.image.save(picture.file.name, picture.file, save=False)
    photo.save()
    _save(submission, [], session=session)  # the page that adds it keeps its own version current
    log_action("article.photo_added", actor=by, obj=submission, unit=submission.unit, note=upload.name)
    return photo


@transaction.atomic
def submission_remove_photo(*, by: User, photo: Photo) -> None:
    submission = _lock(photo.submission, None)
    _require_state(submission, (S.DRAFT, S.RETURNED), _("Photos cannot be removed from a piece that is %(state)s."))
    photo.image.delete(save=False)
    photo.delete()
    _save(submission, [])
    log_action("article.photo_removed", actor=by, obj=submission, unit=submission.unit)


def submission_import_docx(
    *, by: User, submission: Submission, upload: File, expected_version: int | None = None
) -> tuple[Submission, int]:
    """Take a Word file apart: its text replaces the piece's text, its pictures become photos."""
    title, html, images = read_docx(upload)  # in the sandbox: a file it cannot read is a ValidationError
    with transaction.atomic():
        submission = submission_update(
            by=by,
            submission=submission,
            expected_version=expected_version,
            body=html,
            title=title if title and not submission.title.strip() else None,
        )
        skipped = 0
        for image in images[:MAX_PHOTOS]:
            try:
                submission_add_photo(by=by, submission=submission, upload=image)
            except ValidationError:
                skipped += 1  # e.g. a drawing in a format we do not keep
        log_action("article.docx_imported", actor=by, obj=submission, unit=submission.unit, note=upload.name)
    submission.refresh_from_db()
    return submission, len(images) - skipped


@transaction.atomic
def submission_submit(
    *, by: User, submission: Submission, expected_version: int | None, session: str = ""
) -> Submission:
    submission = _lock(submission, expected_version, session=session)  # the page's own autosave is no conflict
    _require_state(submission, (S.DRAFT, S.RETURNED), _("A piece that is %(state)s cannot be sent."))
    _check_text(submission.title, submission.kind)
    if not submission.body_text.strip():
        raise ValidationError({"body": _("Write the text of the piece (or upload a Word file) before sending it.")})
    if not submission.channels.exists():
        raise ValidationError({"channels": _("Choose at least one channel to publish on.")})
    before = snapshot(submission, AUDITED)
    number = submission.versions.count() + 1
    SubmissionVersion.objects.create(
        submission=submission,
        number=number,
        title=submission.title,
        body=submission.body,
        body_text=submission.body_text,
        by=by,
    )
    resubmitted = submission.state == S.RETURNED
    submission.state = S.SUBMITTED
    submission.submitted_at = timezone.now()
    _save(submission, ["state", "submitted_at"], session=session)  # the page's late autosave is told it was sent
    _log_change("article.resubmitted" if resubmitted else "article.submitted", by, submission, before)
    return submission


# --- Review ----------------------------------------------------------------------------------


def _log_change(action: str, by: User | None, submission: Submission, before: dict[str, Any], note: str = "") -> None:
    """The audit entry of a change to a piece: its audited fields `before` and now."""
    log_action(
        action,
        actor=by,
        obj=submission,
        unit=submission.unit,
        before=before,
        after=snapshot(submission, AUDITED),
        note=note,
    )


def _required_reason(reason: str | None, missing: str) -> str:
    """The reason given, trimmed; `missing` (the message) when there is none."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": missing})
    return reason


def _decide(submission: Submission, by: User, expected_version: int | None, state: S, reason: str = "") -> Submission:
    """Return, accept or reject (`state`) a piece that is sent or in review, and tell its unit."""
    submission = _lock(submission, expected_version)
    refused, notify = {
        S.RETURNED: (_("A piece that is %(state)s cannot be returned."), notices.returned),
        S.ACCEPTED: (_("A piece that is %(state)s cannot be accepted."), notices.accepted),
        S.REJECTED: (_("A piece that is %(state)s cannot be rejected."), notices.rejected),
    }[state]
    _require_state(submission, (S.SUBMITTED, S.IN_REVIEW), refused)
    before = snapshot(submission, AUDITED)
    counted_before = rollups.counts(submission)
    submission.state = state
    submission.reason = reason
    submission.decided_at = timezone.now()
    fields = ["state", "reason", "decided_at"]
    if state == S.ACCEPTED and settings.ARTICLES_COUNT_ACCEPTED and submission.counted_year is None:
        submission.counted_year = timezone.localdate().year
        fields.append("counted_year")
    _save(submission, fields)
    rollups.apply_submission(submission, counted_before)
    # The actions are written out in the call itself, where the audit labels' check looks for them.
    _log_change(
        {S.RETURNED: "article.returned", S.ACCEPTED: "article.accepted", S.REJECTED: "article.rejected"}[state],
        by,
        submission,
        before,
        reason,
    )
    notify(submission)
    return submission


@transaction.atomic
def submission_start_review(*, submission: Submission, by: User, expected_version: int | None) -> Submission:
    submission = _lock(submission, expected_version)
    _require_state(
        submission, (S.SUBMITTED,), _("Only a piece just sent can be taken for review; this one is %(state)s.")
    )
    before = snapshot(submission, AUDITED)
    submission.state = S.IN_REVIEW
    _save(submission, ["state"])
    _log_change("article.review_started", by, submission, before)
    return submission


@transaction.atomic
def submission_return(*, submission: Submission, by: User, reason: str, expected_version: int | None) -> Submission:
    reason = _required_reason(reason, _("Say why the piece is returned: the unit reads it to fix the piece."))
    return _decide(submission, by, expected_version, S.RETURNED, reason)


@transaction.atomic
def submission_accept(*, submission: Submission, by: User, expected_version: int | None) -> Submission:
    return _decide(submission, by, expected_version, S.ACCEPTED)


@transaction.atomic
def submission_reject(*, submission: Submission, by: User, reason: str, expected_version: int | None) -> Submission:
    reason = _required_reason(reason, _("Say why the piece is rejected."))
    return _decide(submission, by, expected_version, S.REJECTED, reason)


def _duplicate(url: str) -> ValidationError:
    return ValidationError(
        {
            "url": ValidationError(
                _("The address %(url)s is already credited to a piece.") % {"url": url}, code="duplicate_url"
            )
        }
    )


def _publication_key(url: str, channel: Channel) -> str:
    channel_for(url, [channel])  # raises unless the address is on this channel's domain
    key = normalize(url)
    if (
        Publication.objects.filter(url_key=key).exists()
        or CreditClaim.objects.filter(url_key=key, state=CreditClaim.State.PENDING).exists()
    ):
        raise _duplicate(url.strip())
    return key


@transaction.atomic
def submission_publish(
    *, submission: Submission, by: User, channel: Channel, url: str, published_on: date, expected_version: int | None
) -> Publication:
    """Record a publication on one channel. The first one makes the piece count (once, whatever
    the number of channels); later ones are listed with it."""
    submission = _lock(submission, expected_version)
    _require_state(
        submission,
        (S.SUBMITTED, S.IN_REVIEW, S.ACCEPTED, S.PUBLISHED),
        _("A piece that is %(state)s cannot be published."),
    )
    if published_on is None:
        raise ValidationError({"published_on": _("Give the date it was published.")})
    if published_on > timezone.localdate():
        raise ValidationError({"published_on": _("The date of publication cannot be in the future.")})
    if submission.publications.filter(channel=channel).exists():
        raise ValidationError(
            {"channel": _("This piece is already recorded as published on %(channel)s.") % {"channel": channel}}
        )
    try:
        key = _publication_key(url, channel)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise ValidationError({"url": exc.messages}) from None
        raise
    before = snapshot(submission, AUDITED)
    counted_before = rollups.counts(submission)
    try:
        with transaction.atomic():
            publication = Publication.objects.create(
                submission=submission,
                channel=channel,
                unit_path=submission.unit_path,
                url=clean_url(url),
                url_key=key,
                published_on=published_on,
                by=by,
            )
    except IntegrityError:
        raise _duplicate(url.strip()) from None
    fields = []
    if submission.state != S.PUBLISHED:
        submission.state = S.PUBLISHED
        submission.decided_at = submission.decided_at or timezone.now()
        fields += ["state", "decided_at"]
    if submission.counted_year is None:
        submission.counted_year = published_on.year
        fields.append("counted_year")
    _save(submission, fields)
    rollups.apply_submission(submission, counted_before)
    _log_change("article.published", by, submission, before, f"{channel}: {publication.url}")
    notices.published(submission, publication)
    return publication


@transaction.atomic
def submission_comment(*, submission: Submission, by: User, text: str) -> Comment:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the comment first.")})
    comment = Comment.objects.create(submission=submission, author=by, text=text[:5000])
    log_action("article.commented", actor=by, obj=submission, unit=submission.unit, note=text[:200])
    return comment


# --- Credit by link --------------------------------------------------------------------------


@transaction.atomic
def claim_create(
    *, by: User, unit: Unit, url: str, kind: str, title: str, published_on: date, topics: Iterable[Topic] = ()
) -> CreditClaim:
    channels = list(Channel.objects.filter(is_active=True))
    try:
        channel = channel_for(url, channels)
        key = normalize(url)
    except ValidationError as exc:
        raise ValidationError({"url": exc.messages}) from None
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the title of the published piece.")})
    if published_on is None or published_on > timezone.localdate():
        raise ValidationError({"published_on": _("Give the date it was published (not in the future).")})
    if (
        Publication.objects.filter(url_key=key).exists()
        or CreditClaim.objects.filter(url_key=key).exclude(state=CreditClaim.State.REFUSED).exists()
    ):
        raise _duplicate(url.strip())
    try:
        with transaction.atomic():
            claim = CreditClaim.objects.create(
                unit=unit,
                unit_path=unit.path,
                channel=channel,
                url=clean_url(url),
                url_key=key,
                kind=kind if kind in Kind.values else Kind.NEWS,
                title=title.strip()[:300],
                published_on=published_on,
                by=by,
            )
    except IntegrityError:
        raise _duplicate(url.strip()) from None
    claim.topics.set(topics)
    log_action("article.claim_created", actor=by, obj=claim, unit=unit, note=claim.url)
    return claim


@transaction.atomic
def claim_accept(*, by: User, claim: CreditClaim) -> CreditClaim:
    claim = CreditClaim.objects.select_for_update().select_related("unit", "channel").get(pk=claim.pk)
    if claim.state != CreditClaim.State.PENDING:
        raise ValidationError(_("This claim was already decided."), code="stale")
    topics = list(claim.topics.all())
    submission = Submission.objects.create(
        unit=claim.unit,
        unit_path=claim.unit.path,
        kind=claim.kind,
        title=claim.title,
        created_by=claim.by,
        state=S.ACCEPTED,
        submitted_at=claim.created_at,
    )
    _set_topics(submission, topics)
    submission.save(update_fields=["in_depth", "exemplary"])
    submission.channels.set([claim.channel])
    claim.state = CreditClaim.State.ACCEPTED  # frees the address for the publication below
    claim.decided_by, claim.decided_at, claim.submission = by, timezone.now(), submission
    claim.save(update_fields=["state", "decided_by", "decided_at", "submission"])
    submission_publish(
        submission=submission,
        by=by,
        channel=claim.channel,
        url=claim.url,
        published_on=claim.published_on,
        expected_version=None,
    )
    submission.refresh_from_db()
    log_action("article.claim_accepted", actor=by, obj=claim, unit=claim.unit, note=claim.url)
    return claim


@transaction.atomic
def claim_refuse(*, by: User, claim: CreditClaim, reason: str) -> CreditClaim:
    reason = _required_reason(reason, _("Say why the claim is refused."))
    claim = CreditClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.state != CreditClaim.State.PENDING:
        raise ValidationError(_("This claim was already decided."), code="stale")
    claim.state, claim.reason, claim.decided_by, claim.decided_at = (
        CreditClaim.State.REFUSED,
        reason,
        by,
        timezone.now(),
    )
    claim.save(update_fields=["state", "reason", "decided_by", "decided_at"])
    log_action("article.claim_refused", actor=by, obj=claim, unit=claim.unit, note=reason)
    notices.claim_refused(claim)
    return claim


# --- Quotas ----------------------------------------------------------------------------------


def _prorate(unit: Unit, year: int, target: int) -> tuple[int, bool]:
    """(target, prorated): a unit active for part of the year is expected for that part, rounded."""
    from datetime import date

    start, end = date(year, 1, 1), date(year, 12, 31)
    first = max(start, unit.active_from or start)
    last = min(end, unit.active_to or end)
    if first > last:
        return 0, True
    days = (last - first).days + 1
    full = (end - start).days + 1
    if days >= full:
        return target, False
    return (2 * target * days + full) // (2 * full), True  # rounded to the nearest whole piece


@transaction.atomic
def quota_set(
    *,
    by: User,
    unit: Unit,
    year: int,
    kind: str,
    target: int,
    notice: str = "",
    note: str = "",
    prorate: bool = False,
    expected_version: int | None = None,
) -> Quota:
    """Set one unit's quota of a kind for a year. `expected_version`: the quota's version the page
    showed, 0 for "none set yet" (StaleVersion if it is not so any more); None for a rule or a file
    that sets many quotas at once."""
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose news item or article.")})
    if target is None or int(target) < 0:
        raise ValidationError({"target": _("The target is a whole number, 0 or more.")})
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("The year is not valid.")})
    target, prorated = _prorate(unit, int(year), int(target)) if prorate else (int(target), False)
    quota = Quota.objects.select_for_update().filter(unit=unit, year=year, kind=kind).first()
    versions.check(quota, expected_version)
    before = snapshot(quota, ("target", "notice", "prorated")) if quota else None
    if quota is None:
        quota = Quota(unit=unit, year=year, kind=kind)
    quota.target, quota.notice, quota.prorated = target, (notice or "").strip()[:160], prorated
    if note:
        quota.note = note.strip()[:255]
    after = snapshot(quota, ("target", "notice", "prorated"))
    if quota.pk is None:
        try:
            with transaction.atomic():
                quota.save()
        except IntegrityError:  # another page set it at the same moment: theirs is the newer
            raise versions.StaleVersion(Quota.objects.get(unit=unit, year=year, kind=kind)) from None
    elif after != before:
        versions.bump(quota)
        quota.save()
    else:
        quota.save(update_fields=["note", "updated_at"])
    if after != before:
        rollups.change(unit_path=unit.path, year=int(year), kind=kind, target=target)
        log_action("article.quota_set", actor=by, obj=quota, unit=unit, before=before, after=after)
    return quota


def quotas_by_rule(
    *,
    by: User,
    units: QuerySet[Unit],
    year: int,
    notice: str,
    news: int,
    articles: int,
    large_members: int | None = None,
    large_news: int | None = None,
    large_articles: int | None = None,
    prorate: bool = True,
) -> int:
    """Set every given unit's quota by one rule: the base targets, or bigger ones for units with at
    least `large_members` members. Returns the number of units set."""
    count = 0
    with transaction.atomic():
        for unit in units.iterator(chunk_size=2000):
            big = large_members is not None and unit.members_count >= large_members
            for kind, base, large in ((Kind.NEWS, news, large_news), (Kind.ARTICLE, articles, large_articles)):
                target = large if big and large is not None else base
                if target is not None:
                    quota_set(by=by, unit=unit, year=year, kind=kind, target=target, notice=notice, prorate=prorate)
            count += 1
    return count


QUOTA_MAX_ROWS = 250_000  # every unit of the country and more


def quota_rows(upload: Upload, *, name: str | None = None) -> list[tuple[int, list[Any]]]:
    """(row number, cells) of a quota sheet (a file or bytes), header included, read in the sandbox."""
    with read_table(upload, kinds=(XLSX,), max_rows=QUOTA_MAX_ROWS, name=name) as table:
        return list(enumerate(table, start=1))


QUOTA_COLUMNS = Columns(
    "articles.quotas",
    [
        Column("code", "Mã đơn vị", ("Mã", "Mã CĐCS", "Mã số", "Đơn vị"), required=True),
        Column("news", "Tin", ("Tin bài", "Số tin", "Chỉ tiêu tin", "News items", "News")),
        Column("articles", "Bài", ("Số bài", "Bài viết", "Chỉ tiêu bài", "Articles")),
    ],
)
QUOTA_POSITIONS = {0: "code", 1: "news", 2: "articles"}  # a sheet whose titles say nothing Loa knows


def quotas_import(
    *,
    by: User,
    upload: Upload,
    year: int,
    notice: str,
    allowed_units: QuerySet[Unit],
    prorate: bool = True,
    rows: list[tuple[int, list[Any]]] | None = None,
    name: str | None = None,
) -> int:
    """Quotas from an xlsx with the columns: unit code, news items, articles (under a header row, found
    below any title; titles Loa does not know are read as these three columns in this order);
    `rows`: the sheet's rows already read (quota_rows).

    Every row is checked before anything is written; the errors name the row."""
    rows = quota_rows(upload, name=name) if rows is None else rows
    header = find_header(rows, QUOTA_COLUMNS)
    if header is None or header.missing:
        start, mapping = (header.position + 1 if header else 1), QUOTA_POSITIONS
    else:
        start, mapping = header.position + 1, header.mapping
    column = {field: index for index, field in mapping.items()}
    parsed, errors = [], []
    for number, row in rows[start:]:
        if not row or all(v in (None, "") for v in row):
            continue
        code = cells.text(row[column["code"]] if column["code"] < len(row) else "")
        values = []
        for field, label in (("news", _("News items")), ("articles", _("Articles"))):
            index = column.get(field)
            try:
                values.append(
                    cells.whole_number(
                        row[index] if index is not None and index < len(row) else "", empty=None, maximum=None
                    )
                )
            except CellError as exc:
                errors.append(str(ImportProblem(exc.reason, row=number, column=label)))
        parsed.append((number, code, values))
    if not parsed and not errors:
        raise ValidationError(_("The file has no quota rows under its header (unit code, news items, articles)."))
    codes = {row[1] for row in parsed}
    units = {u.code: u for u in allowed_units.filter(code__in=codes)}
    for number, code, _values in parsed:
        if code not in units:
            errors.append(
                _("Row %(row)s: there is no unit with the code “%(code)s” among yours.") % {"row": number, "code": code}
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for _number, code, (news, articles) in parsed:
            for kind, target in ((Kind.NEWS, news), (Kind.ARTICLE, articles)):
                if target is not None:
                    quota_set(
                        by=by, unit=units[code], year=year, kind=kind, target=target, notice=notice, prorate=prorate
                    )
    return len(parsed)


@transaction.atomic
def channel_save(
    *, by: User, channel: Channel | None = None, editors: Iterable[User] | None = None, **fields: Any
) -> Channel:
    """Create a publication channel (`channel` None) or change one; `editors`, when given, replaces
    its editors. The fields are a validated form's (name, kind, domains, is_active, order)."""
    channel = channel or Channel()
    for name, value in fields.items():
        setattr(channel, name, value)
    channel.save()
    if editors is not None:
        channel.editors.set(editors)
    log_action("article.channel_saved", actor=by, obj=channel, note=channel.domains)
    return channel
