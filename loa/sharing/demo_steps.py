"""Demo: official information to share, living in the present. The province's union and the Public
Employees' union curate a few items active this week; each was asked of the grassroots unions under
its curator on its first morning; some units shared them (declared, or with a post link), some not yet, some late,
and the shared links brought a few readers. The figures pages, the API and this year's rubric (F3,
the share rate) read them."""

from datetime import timedelta

from loa.sharing import services, tally
from loa.sharing.models import ClickDay, Item, Share, ShareLink

ITEMS = [
    # (curating unit, days before today it started, days it lasts, title, link, text)
    (
        "LDLD-CB",
        6,
        10,
        "Nghị quyết Đại hội XIII Công đoàn Việt Nam: những điểm mới",
        "https://congdoancaobang.vn/tin-tuc/nghi-quyet-dai-hoi-xiii-nhung-diem-moi",
        "Những điểm mới trong Nghị quyết Đại hội XIII Công đoàn Việt Nam mà đoàn viên cần biết.",
    ),
    (
        "LDLD-CB",
        4,
        7,
        "Luật Công đoàn 2024 có hiệu lực: quyền của đoàn viên",
        "https://congdoancaobang.vn/phap-luat/luat-cong-doan-2024-quyen-cua-doan-vien",
        "Luật Công đoàn (sửa đổi) năm 2024: những quyền mới của đoàn viên, người lao động.",
    ),
    (
        "CDVC",
        2,
        7,
        "Công đoàn Viên chức tỉnh phát động Tháng công nhân",
        "https://congdoanvienchuc.caobang.gov.vn/hoat-dong/phat-dong-thang-cong-nhan",
        "Công đoàn Viên chức tỉnh phát động Tháng công nhân, Tháng an toàn, vệ sinh lao động.",
    ),
    (
        "CDVC",
        0,
        5,
        "Chính sách mới về bảo hiểm xã hội từ ngày 01/7",
        "https://congdoanvienchuc.caobang.gov.vn/chinh-sach/bao-hiem-xa-hoi-tu-01-7",
        "Những chính sách mới về bảo hiểm xã hội người lao động cần biết.",
    ),
]


def sharing(ctx):
    if Item.objects.exists():
        return
    today, rng, at = ctx.calendar.today, ctx.rng, ctx.calendar.at
    editor = ctx.users.get("bientap")
    for code, before, lasts, title, url, text in ITEMS:
        # Asked of every active grassroots union under the curating unit (the whole subtree).
        units = [u for u in ctx.grassroots if u.path.startswith(ctx.units[code].path) and u.active_to is None]
        starts_on = today - timedelta(days=before)
        item = services.item_create(
            by=editor,
            unit=ctx.units[code],
            title=title,
            url=url,
            text=text,
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=lasts - 1),
        )
        # What the morning run of its first day did: it asked the units.
        Item.objects.filter(pk=item.pk).update(asked_on=starts_on)
        item.asked_on = starts_on
        tally.record_asked(starts_on, {u.path: 1 for u in units})
        clicks = {}
        for i, unit in enumerate(units):
            roll = rng.random()
            if roll < 0.3 or (before == 0 and roll < 0.7):
                continue  # not shared (yet)
            delay = min(rng.choice([0, 0, 0, 1, 1, 2, 3, 5]), before)
            shared_at = at(starts_on + timedelta(days=delay), rng.randrange(7, 21), rng.randrange(60))
            with_link = roll > 0.55
            services.share_record(
                by=None,
                item=item,
                unit=unit,
                kind=Share.Kind.LINK if with_link else Share.Kind.DECLARED,
                post_url=f"https://www.facebook.com/{unit.code.lower()}/posts/{item.pk}{i:03d}" if with_link else "",
                at=shared_at,
            )
            link = ShareLink.objects.create(
                item=item, unit=unit, code=f"d{item.pk:x}{unit.pk:x}{rng.randrange(4096):03x}"
            )
            for day in range(delay, before + 1):
                n = rng.choice([0, 0, 1, 2, 3, 5, 8]) if day < before or before == 0 else rng.choice([0, 1, 2])
                if n and starts_on + timedelta(days=day) < today:
                    ClickDay.objects.create(link=link, day=starts_on + timedelta(days=day), clicks=n)
                    clicks[(unit.path, starts_on + timedelta(days=day))] = n
        tally.record_clicks(clicks)


# (order, name, step): read by `loa.demo.scenario.discover`; this module imports nothing of the demo's.
# After the logins (300), before the classification (900) whose rubric reads the share rate.
STEPS = [(600, "official information to share this week: items, shares, clicks", sharing)]
