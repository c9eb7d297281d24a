"""The demo for articles: three channels, the topics, quotas from 812/TB-CĐVC for every CĐCS, and
pieces in every state.

`build(ctx)`: ctx is a dict (or an object with those attributes), every key optional:
  by        the admin who set the quotas (default: the first superuser or None)
  editors   users made editors of the three channels (default: users holding the editor role)
  units     the CĐCS queryset (default: every grassroots unit)
  calendar  the demo's calendar (`loa.demo.calendar.DemoCalendar`); without one, the year below
  year      2021 (without a calendar): a year of pieces as the 2021 demo always had them
  seed      for the random choices (default 812)

With a live calendar the pieces follow the days: last year a full year, nearly all decided; this
year as many pieces as the share of the year gone by, decided when they are old enough, and this
week's: pieces waiting in the editors' queue, some returned with a reason (one to canbo1's unit),
drafts. Rows are written in bulk and the rollups rebuilt once, so a large demo tree takes seconds.
"""

import random
from bisect import bisect
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from itertools import accumulate

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from loa.articles import rollups
from loa.articles.content import paragraphs_to_html
from loa.articles.models import Channel, Kind, Publication, Quota, Submission, SubmissionVersion, Topic
from loa.articles.urls_norm import normalize

NOTICE = "812/TB-CĐVC ngày 22/02/2021"
AUTHORS = "Ban Chấp hành CĐCS (dữ liệu mẫu)"
CHANNELS = [
    (
        "Cổng thông tin điện tử Liên đoàn Lao động tỉnh Cao Bằng",
        Channel.ChannelKind.WEB,
        "ldld.caobang.gov.vn",
        "https://ldld.caobang.gov.vn/tin-tuc/{slug}-{n}",
    ),
    (
        "Trang thông tin Công đoàn Viên chức tỉnh Cao Bằng",
        Channel.ChannelKind.WEB,
        "cdvccaobang.vn",
        "https://cdvccaobang.vn/tin-hoat-dong/{slug}-{n}.html",
    ),
    (
        "Fanpage Công đoàn Cao Bằng",
        Channel.ChannelKind.FANPAGE,
        "facebook.com/congdoancaobang",
        "https://www.facebook.com/congdoancaobang/posts/{n}",
    ),
]
TITLES = [
    ("Hội thi nấu ăn chào mừng Ngày Quốc tế Phụ nữ 8/3", "hoi-thi-nau-an"),
    ("Tập huấn nghiệp vụ công tác công đoàn năm 2021", "tap-huan-nghiep-vu"),
    ("Cô giáo vùng cao hơn 20 năm bám bản", "co-giao-vung-cao"),
    ("Mô hình “Mái ấm công đoàn” giúp đoàn viên khó khăn", "mai-am-cong-doan"),
    ("Tuyên truyền Bộ luật Lao động năm 2019", "tuyen-truyen-bo-luat"),
    ("Giải bóng chuyền hơi chào mừng ngày thành lập Công đoàn Việt Nam", "giai-bong-chuyen"),
    ("Thăm hỏi, tặng quà đoàn viên có hoàn cảnh khó khăn dịp Tết", "tham-hoi-tang-qua"),
    ("Sáng kiến cải tiến quy trình tiếp nhận hồ sơ một cửa", "sang-kien-mot-cua"),
]
BODY = (
    "Sáng nay, Công đoàn cơ sở đã tổ chức hoạt động với sự tham gia của đông đảo đoàn viên, công chức, viên chức, người lao động.\n\n"
    "Hoạt động góp phần nâng cao đời sống tinh thần, tăng cường đoàn kết trong cơ quan, đơn vị."
)
# How the 2021 year's pieces end up: (state, share).
STATES = [
    ("published", 62),
    ("accepted", 8),
    ("in_review", 6),
    ("submitted", 6),
    ("returned", 6),
    ("rejected", 4),
    ("draft", 8),
]
RETURN_REASONS = [
    "Đề nghị bổ sung ảnh và tên tác giả.",
    "Tin chưa nêu rõ thời gian, địa điểm của hoạt động; đề nghị bổ sung rồi gửi lại.",
    "Bài còn dài, đề nghị biên tập lại phần mở đầu và chọn ảnh rõ nét hơn.",
]
REJECT_REASON = "Nội dung trùng với tin đã đăng."
# The live demo: how a piece sent `age` days ago stands today, (up to age, [(state, share)]).
BY_AGE = [
    (2, [("submitted", 70), ("in_review", 30)]),
    (7, [("submitted", 25), ("in_review", 25), ("returned", 20), ("accepted", 15), ("published", 15)]),
    (21, [("published", 55), ("accepted", 12), ("returned", 12), ("in_review", 8), ("rejected", 13)]),
    (None, [("published", 86), ("rejected", 6), ("returned", 4), ("accepted", 4)]),
]
DRAFT_SHARE = 0.06
# This week in the live demo: the unit of canbo1, the officer everyone tries first, always has a
# piece returned with a reason, one waiting in the queue and a draft.
OFFICER_UNIT = "CDVC-01"
WEEK_PIECES = [
    # (days ago it was sent, state, title, slug, decided days ago)
    (4, "returned", "Công đoàn cơ sở tổ chức sinh hoạt chuyên đề về văn hóa công sở", "van-hoa-cong-so", 2),
    (1, "submitted", "Thăm hỏi đoàn viên ốm đau, có hoàn cảnh khó khăn", "tham-hoi-doan-vien", None),
    (None, "draft", "Người cán bộ công đoàn tận tụy với đoàn viên", "can-bo-tan-tuy", None),
]


def _get(ctx, key, default=None):
    if isinstance(ctx, dict):
        return ctx.get(key, default)
    return getattr(ctx, key, default)


def targets(unit):
    """812/TB-CĐVC: 4 news items + 2 articles; larger units (≥ 100 members) 6 + 3; the largest (≥ 300) 8 + 4."""
    if unit.members_count >= 300:
        return 8, 4
    if unit.members_count >= 100:
        return 6, 3
    return 4, 2


def channels(editors=()):
    made = []
    for order, (name, kind, domain, _pattern) in enumerate(CHANNELS, start=1):
        channel, _ = Channel.objects.update_or_create(
            domains=domain, defaults={"name": name, "kind": kind, "order": order}
        )
        if editors:
            channel.editors.add(*editors)
        made.append(channel)
    return made


def _aware(day, rng):
    return timezone.make_aware(datetime.combine(day, time(7 + rng.randrange(10), rng.randrange(60))))


def _pick(rng, table):
    """random.choices(states, weights)[0], drawing exactly as it does."""
    states, cum = [s for s, _w in table], list(accumulate(w for _s, w in table))
    return states[bisect(cum, rng.random() * cum[-1], 0, len(states) - 1)]


class _Plan:
    """What a piece needs besides its row: topics, target channels, publications [(channel, day)]."""

    def __init__(self, chosen, targets, slug, publications=()):
        self.chosen, self.targets, self.slug, self.publications = chosen, targets, slug, list(publications)


@transaction.atomic
def build(ctx=None):
    from loa.accounts.capabilities import RoleName
    from loa.accounts.models import User
    from loa.units.models import Unit

    ctx = ctx or {}
    calendar = _get(ctx, "calendar")
    by = _get(ctx, "by") or User.objects.filter(is_superuser=True).first()
    editors = _get(ctx, "editors")
    if editors is None:
        editors = list(User.objects.filter(roles__role=RoleName.EDITOR).distinct())
    units = list(_get(ctx, "units") or Unit.objects.filter(kind__is_grassroots=True))
    chans = channels(editors)
    topics = list(Topic.objects.all())
    editor = editors[0] if editors else by

    # A second run replaces the first run's pieces (recognised by their author line) instead of adding more.
    Submission.objects.filter(unit__in=units, authors=AUTHORS).delete()
    if calendar is not None and calendar.live:
        years = [c.year for c in calendar.cycles]
        for cycle in calendar.cycles:
            _quotas(
                cycle.year, [u for u in units if _active(u, cycle.first_day, date(cycle.year, 12, 31))], cycle.notice
            )
        pieces, plans = [], []
        for cycle in calendar.cycles:
            rng = random.Random(f"{_get(ctx, 'seed', 812)} {cycle.seed}")
            _live_year(cycle, units, rng, topics, chans, by, pieces, plans)
            if cycle.live:
                _this_week(cycle, units, rng, topics, chans, by, pieces, plans)
    else:
        year = calendar.year if calendar is not None else _get(ctx, "year", 2021)
        today = calendar.today if calendar is not None else timezone.localdate()
        years = [year]
        notice = NOTICE.replace("2021", str(year))
        _quotas(year, units, notice)
        rng = random.Random(_get(ctx, "seed", 812))
        pieces, plans = _replay_year(year, today, units, rng, topics, chans, by)
    publications = _write(pieces, plans, chans, by, editor)
    for year in years:
        rollups.rebuild(year)
    return {
        "channels": len(chans),
        "quotas": Quota.objects.filter(year__in=years, unit__in=units).count(),
        "submissions": len(pieces),
        "publications": publications,
    }


def _quotas(year, units, notice):
    Quota.objects.filter(year=year, unit__in=units).delete()
    Quota.objects.bulk_create(
        [
            Quota(year=year, unit=u, kind=kind, target=t, notice=notice)
            for u in units
            for kind, t in zip((Kind.NEWS, Kind.ARTICLE), targets(u))
        ],
        batch_size=2000,
    )


def _active(unit, start, end):
    return (unit.active_from is None or unit.active_from <= end) and (unit.active_to is None or unit.active_to >= start)


def _piece(unit, *, kind, title, state, by, chosen, sent_at, reason=""):
    in_depth_ids = {t.pk for t in chosen if t.in_depth}
    exemplary_ids = {t.pk for t in chosen if t.exemplary}
    return Submission(
        unit=unit,
        unit_path=unit.path,
        kind=kind,
        title=title,
        body=paragraphs_to_html(BODY),
        body_text=BODY,
        authors=AUTHORS,
        state=state,
        version=3,
        created_by=by,
        in_depth=bool(in_depth_ids),
        exemplary=bool(exemplary_ids),
        reason=reason,
        submitted_at=sent_at,
    )


def _replay_year(year, today, units, rng, topics, chans, by):
    """A year of pieces as the 2021 demo always had them: the same draws in the same order."""
    pieces, plan = [], []
    year_start, last_day = date(year, 1, 4), min(date(year, 12, 20), today - timedelta(days=1))
    span = max(1, (last_day - year_start).days)
    for unit in units:
        news, articles = targets(unit)
        count = rng.randint(max(1, news + articles - 3), news + articles + 3)  # some short of it, some beyond
        for _ in range(count):
            title, slug = rng.choice(TITLES)
            kind = Kind.NEWS if rng.random() < 0.65 else Kind.ARTICLE
            state = _pick(rng, STATES)
            chosen = rng.sample(topics, rng.randint(0, 2)) if topics else []
            sent_on = year_start + timedelta(days=rng.randrange(span))
            reason = {"returned": RETURN_REASONS[0], "rejected": REJECT_REASON}.get(state, "")
            pieces.append(
                _piece(
                    unit,
                    kind=kind,
                    title=title,
                    state=state,
                    by=by,
                    chosen=chosen,
                    reason=reason,
                    sent_at=None if state == "draft" else _aware(sent_on, rng),
                )
            )
            plan.append((chosen, sent_on, slug))
    plans = []
    for s, (chosen, sent_on, slug) in zip(pieces, plan):
        targets_ = rng.sample(chans, rng.randint(1, 3))
        p = _Plan(chosen, targets_, slug)
        if s.state == "published":
            day = min(last_day, sent_on + timedelta(days=rng.randint(1, 10)))
            p.publications = [
                (c, day) for c in targets_[: rng.randint(1, len(targets_))]
            ]  # some on several channels: counted once
            s.counted_year = year
        s.created_at = s.updated_at = s.submitted_at or _aware(sent_on, random.Random(s.title))
        plans.append(p)
    return pieces, plans


def _state_by_age(rng, age):
    for limit, table in BY_AGE:
        if limit is None or age <= limit:
            return _pick(rng, table)
    raise AssertionError


def _live_piece(cycle, unit, rng, topics, chans, by, *, sent_on, state=None, title=None, slug=None, decided_ago=None):
    """One piece of the live demo, sent on `sent_on` (None: a draft never sent), standing today in
    `state` (default: drawn by its age) with its decision, publications and times."""
    today = cycle.today
    if title is None:
        title, slug = rng.choice(TITLES)
        title = title.replace("2021", str((sent_on or today).year))
    kind = Kind.NEWS if rng.random() < 0.65 else Kind.ARTICLE
    chosen = rng.sample(topics, rng.randint(0, 2)) if topics else []
    targets_ = rng.sample(chans, rng.randint(1, 3))
    if sent_on is None:
        state = "draft"
    elif state is None:
        state = "draft" if rng.random() < DRAFT_SHARE else _state_by_age(rng, (today - sent_on).days)
    sent_at = None if state == "draft" else _aware(sent_on, rng)
    reason = {"returned": rng.choice(RETURN_REASONS), "rejected": REJECT_REASON}.get(state, "")
    s = _piece(unit, kind=kind, title=title, state=state, by=by, chosen=chosen, sent_at=sent_at, reason=reason)
    p = _Plan(chosen, targets_, slug)
    if state == "draft":
        started = (sent_on or today) - timedelta(days=rng.randint(1, 6))
        s.created_at = _aware(started, rng)
        s.updated_at = _aware(min(started + timedelta(days=rng.randint(0, 3)), cycle.last_day), rng)
        s.updated_at = max(s.updated_at, s.created_at)
        return s, p
    s.created_at = sent_at - timedelta(days=rng.randint(0, 3), hours=rng.randint(0, 5))
    s.updated_at = sent_at
    if state in ("returned", "accepted", "rejected", "published"):
        # Editors decide within a week; never today (the demo may be loaded at any hour).
        if decided_ago is None:
            decided_on = sent_on + timedelta(days=rng.randint(1, 7))
        else:
            decided_on = today - timedelta(days=decided_ago)
        decided_on = max(sent_on, min(decided_on, today - timedelta(days=1)))
        s.decided_at = s.updated_at = max(sent_at + timedelta(hours=2), _aware(decided_on, rng))
        if state == "published":
            day = min(decided_on + timedelta(days=rng.randint(0, 2)), cycle.today - timedelta(days=1))
            p.publications = [(c, day) for c in targets_[: rng.randint(1, len(targets_))]]
            s.counted_year = day.year
        elif state == "accepted" and settings.ARTICLES_COUNT_ACCEPTED:
            s.counted_year = decided_on.year
    return s, p


def _live_year(cycle, units, rng, topics, chans, by, pieces, plans):
    """The year's pieces, as many as the share of the year gone by: sent on days spread over it
    (last year 4 January to 20 December), each standing today as its age makes likely."""
    if cycle.live:
        start, end = cycle.first_day, cycle.last_day
    else:
        start, end = date(cycle.year, 1, 4), min(date(cycle.year, 12, 20), cycle.last_day)
    if end < start:
        return
    days = (end - start).days + 1
    for unit in units:
        news, articles = targets(unit)
        full = rng.randint(max(1, news + articles - 3), news + articles + 3)  # some short of it, some beyond
        share = full * (cycle.elapsed_share if cycle.live else 1)
        count = int(share) + (rng.random() < share - int(share))
        for _ in range(count):
            sent_on = start + timedelta(days=rng.randrange(days))
            if not _active(unit, sent_on, sent_on):
                continue
            s, p = _live_piece(cycle, unit, rng, topics, chans, by, sent_on=sent_on)
            pieces.append(s)
            plans.append(p)


def _this_week(cycle, units, rng, topics, chans, by, pieces, plans):
    """This week's work: a third of the units sent a piece in the last six days (waiting for the
    editors, or already returned or accepted), some have a draft going; canbo1's unit has all three."""
    today = cycle.today

    def add(unit, **piece):
        s, p = _live_piece(cycle, unit, rng, topics, chans, by, **piece)
        pieces.append(s)
        plans.append(p)

    for unit in units:
        if not _active(unit, today, today):
            continue
        if unit.code == OFFICER_UNIT:
            for ago, state, title, slug, decided_ago in WEEK_PIECES:
                sent_on = today - timedelta(days=ago) if ago else None
                add(unit, sent_on=sent_on, state=state, title=title, slug=slug, decided_ago=decided_ago)
            continue
        if rng.random() < 0.35:
            ago = rng.randint(1, 6)
            state = _pick(rng, BY_AGE[0][1]) if ago <= 3 else _pick(rng, BY_AGE[1][1][:3])
            add(
                unit,
                sent_on=today - timedelta(days=ago),
                state=state,
                decided_ago=rng.randint(1, ago - 1) if ago > 1 else None,
            )
        if rng.random() < 0.15:
            add(unit, sent_on=None)


@contextmanager
def _own_times(*models):
    """Let bulk_create keep the demo's own created_at / updated_at instead of stamping the moment of
    the run (auto_now, auto_now_add): a piece sent in March says March. The demo's process only."""
    fields = [
        (f, f.auto_now, f.auto_now_add)
        for m in models
        for f in m._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    try:
        for f, _now, _add in fields:
            f.auto_now = f.auto_now_add = False
        yield
    finally:
        for f, now, add in fields:
            f.auto_now, f.auto_now_add = now, add


def _write(pieces, plans, chans, by, editor):
    """The pieces and everything hanging on them, in bulk; returns the number of publications."""
    with _own_times(Submission, SubmissionVersion, Publication):
        return _write_rows(pieces, plans, chans, by, editor)


def _write_rows(pieces, plans, chans, by, editor):
    for piece in pieces:
        piece.refresh_derived()  # bulk_create calls no save(): the search column is set here
    Submission.objects.bulk_create(pieces, batch_size=2000)  # ids come back on PostgreSQL and SQLite
    through_topics, through_channels, versions, publications = [], [], [], []
    pattern = {c.pk: CHANNELS[i][3] for i, c in enumerate(chans)}
    for s, p in zip(pieces, plans):
        through_topics += [Submission.topics.through(submission_id=s.pk, topic_id=t.pk) for t in p.chosen]
        through_channels += [Submission.channels.through(submission_id=s.pk, channel_id=c.pk) for c in p.targets]
        if s.state != "draft":
            versions.append(
                SubmissionVersion(
                    submission=s,
                    number=1,
                    title=s.title,
                    body=s.body,
                    body_text=s.body_text,
                    by=by,
                    created_at=s.submitted_at,
                )
            )
        for i, (c, day) in enumerate(p.publications):
            url = pattern[c.pk].format(slug=p.slug, n=s.pk * 10 + i)
            publications.append(
                Publication(
                    submission=s,
                    channel=c,
                    unit_path=s.unit_path,
                    url=url,
                    url_key=normalize(url),
                    published_on=day,
                    by=editor,
                    created_at=_aware_noon(day),
                )
            )
    Submission.topics.through.objects.bulk_create(through_topics, batch_size=5000)
    Submission.channels.through.objects.bulk_create(through_channels, batch_size=5000)
    SubmissionVersion.objects.bulk_create(versions, batch_size=2000)
    Publication.objects.bulk_create(publications, batch_size=2000)
    return len(publications)


def _aware_noon(day):
    return timezone.make_aware(datetime.combine(day, time(12)))
