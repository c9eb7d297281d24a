"""The 2021 scenario for articles: three channels, the topics, quotas from 812/TB-CĐVC for every
CĐCS, and a year of pieces in every state.

`build(ctx)`: ctx is a dict (or an object with those attributes), every key optional:
  by      the admin who set the quotas (default: the first superuser or None)
  editors users made editors of the three channels (default: users holding the editor role)
  units   the CĐCS queryset (default: every grassroots unit)
  year    2021
  seed    for the random choices (default 812)
Rows are written in bulk and the rollups rebuilt once, so a large demo tree takes seconds.
"""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from loa.articles import rollups
from loa.articles.content import paragraphs_to_html
from loa.articles.models import Channel, Kind, Publication, Quota, Submission, SubmissionVersion, Topic
from loa.articles.urls_norm import normalize

NOTICE = "812/TB-CĐVC ngày 22/02/2021"
AUTHORS = "Ban Chấp hành CĐCS (dữ liệu mẫu)"
CHANNELS = [
    ("Cổng thông tin điện tử Liên đoàn Lao động tỉnh Cao Bằng", Channel.ChannelKind.WEB, "ldld.caobang.gov.vn", "https://ldld.caobang.gov.vn/tin-tuc/{slug}-{n}"),
    ("Trang thông tin Công đoàn Viên chức tỉnh Cao Bằng", Channel.ChannelKind.WEB, "cdvccaobang.vn", "https://cdvccaobang.vn/tin-hoat-dong/{slug}-{n}.html"),
    ("Fanpage Công đoàn Cao Bằng", Channel.ChannelKind.FANPAGE, "facebook.com/congdoancaobang", "https://www.facebook.com/congdoancaobang/posts/{n}"),
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
BODY = ("Sáng nay, Công đoàn cơ sở đã tổ chức hoạt động với sự tham gia của đông đảo đoàn viên, công chức, viên chức, người lao động.\n\n"
        "Hoạt động góp phần nâng cao đời sống tinh thần, tăng cường đoàn kết trong cơ quan, đơn vị.")
# How the year's pieces end up: (state, share).
STATES = [("published", 62), ("accepted", 8), ("in_review", 6), ("submitted", 6), ("returned", 6), ("rejected", 4), ("draft", 8)]


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
        channel, _ = Channel.objects.update_or_create(domains=domain, defaults={"name": name, "kind": kind, "order": order})
        if editors:
            channel.editors.add(*editors)
        made.append(channel)
    return made


def _aware(day, rng):
    return timezone.make_aware(datetime.combine(day, time(7 + rng.randrange(10), rng.randrange(60))))


@transaction.atomic
def build(ctx=None):
    from loa.accounts.capabilities import RoleName
    from loa.accounts.models import User
    from loa.units.models import Unit

    ctx = ctx or {}
    year = _get(ctx, "year", 2021)
    rng = random.Random(_get(ctx, "seed", 812))
    by = _get(ctx, "by") or User.objects.filter(is_superuser=True).first()
    editors = _get(ctx, "editors")
    if editors is None:
        editors = list(User.objects.filter(roles__role=RoleName.EDITOR).distinct())
    units = list(_get(ctx, "units") or Unit.objects.filter(kind__is_grassroots=True))
    chans = channels(editors)
    topics = list(Topic.objects.all())
    in_depth_ids = {t.pk for t in topics if t.in_depth}
    exemplary_ids = {t.pk for t in topics if t.exemplary}

    Quota.objects.filter(year=year, unit__in=units).delete()
    # A second run replaces the first run's pieces (recognised by their author line) instead of adding more.
    Submission.objects.filter(unit__in=units, authors=AUTHORS).delete()
    Quota.objects.bulk_create([
        Quota(year=year, unit=u, kind=kind, target=t, notice=NOTICE)
        for u in units for kind, t in zip((Kind.NEWS, Kind.ARTICLE), targets(u))
    ], batch_size=2000)

    pieces, plan = [], []
    year_start, last_day = date(year, 1, 4), min(date(year, 12, 20), timezone.localdate() - timedelta(days=1))
    span = max(1, (last_day - year_start).days)
    for unit in units:
        news, articles = targets(unit)
        count = rng.randint(max(1, news + articles - 3), news + articles + 3)  # some short of it, some beyond
        for _ in range(count):
            title, slug = rng.choice(TITLES)
            kind = Kind.NEWS if rng.random() < 0.65 else Kind.ARTICLE
            state = rng.choices([s for s, _w in STATES], [w for _s, w in STATES])[0]
            chosen = rng.sample(topics, rng.randint(0, 2)) if topics else []
            sent_on = year_start + timedelta(days=rng.randrange(span))
            s = Submission(
                unit=unit, unit_path=unit.path, kind=kind, title=title, body=paragraphs_to_html(BODY), body_text=BODY,
                authors=AUTHORS, state=state, version=3, created_by=by,
                in_depth=any(t.pk in in_depth_ids for t in chosen), exemplary=any(t.pk in exemplary_ids for t in chosen),
                reason={"returned": "Đề nghị bổ sung ảnh và tên tác giả.", "rejected": "Nội dung trùng với tin đã đăng."}.get(state, ""),
                submitted_at=None if state == "draft" else _aware(sent_on, rng),
            )
            pieces.append(s)
            plan.append((chosen, sent_on, slug))
    Submission.objects.bulk_create(pieces, batch_size=2000)  # ids come back on PostgreSQL and SQLite

    through_topics, through_channels, versions, publications = [], [], [], []
    for s, (chosen, sent_on, slug) in zip(pieces, plan):
        through_topics += [Submission.topics.through(submission_id=s.pk, topic_id=t.pk) for t in chosen]
        targets_ = rng.sample(chans, rng.randint(1, 3))
        through_channels += [Submission.channels.through(submission_id=s.pk, channel_id=c.pk) for c in targets_]
        if s.state != "draft":
            versions.append(SubmissionVersion(submission=s, number=1, title=s.title, body=s.body, body_text=s.body_text, by=by))
        if s.state == "published":
            day = min(last_day, sent_on + timedelta(days=rng.randint(1, 10)))
            for i, c in enumerate(targets_[: rng.randint(1, len(targets_))]):  # some on several channels: counted once
                n = s.pk * 10 + i
                url = CHANNELS[[x.pk for x in chans].index(c.pk)][3].format(slug=slug, n=n)
                publications.append(Publication(submission=s, channel=c, unit_path=s.unit_path, url=url,
                                                url_key=normalize(url), published_on=day, by=editors[0] if editors else by))
            s.counted_year = year
    Submission.topics.through.objects.bulk_create(through_topics, batch_size=5000)
    Submission.channels.through.objects.bulk_create(through_channels, batch_size=5000)
    SubmissionVersion.objects.bulk_create(versions, batch_size=2000)
    Publication.objects.bulk_create(publications, batch_size=2000)
    Submission.objects.bulk_update([s for s in pieces if s.counted_year], ["counted_year"], batch_size=2000)
    rollups.rebuild(year)
    return {"channels": len(chans), "quotas": 2 * len(units), "submissions": len(pieces), "publications": len(publications)}
