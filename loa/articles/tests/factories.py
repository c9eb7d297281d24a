"""Channels, quotas and pieces for the articles tests."""

import io
from datetime import date

from PIL import Image

from loa.articles import services
from loa.articles.models import Channel, Topic

CHANNELS = [
    ("Cổng thông tin LĐLĐ tỉnh", "web", "ldld.caobang.gov.vn"),
    ("Trang Công đoàn Viên chức tỉnh", "web", "cdvccaobang.vn"),
    ("Fanpage Công đoàn Cao Bằng", "fanpage", "facebook.com/congdoancaobang"),
]


def channels(editor=None):
    made = []
    for order, (name, kind, domain) in enumerate(CHANNELS):
        channel = Channel.objects.create(name=name, kind=kind, domains=domain, order=order)
        if editor is not None:
            channel.editors.add(editor)
        made.append(channel)
    return made


def topic(code):
    return Topic.objects.get(code=code)


def jpeg_bytes(size=(2400, 1800), gps=True):
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    if gps:
        exif[0x8825] = {1: "N", 2: (22.0, 40.0, 0.0), 3: "E", 4: (106.0, 15.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def piece(unit, by, chans, *, title="Hội thi nấu ăn ngày 8/3", body="Đoạn một.\n\nĐoạn hai.", kind="news", topics=()):
    s = services.submission_create(by=by, unit=unit, kind=kind, title=title, body=body, topics=topics, channels=chans)
    return s


def sent(unit, by, chans, **kw):
    s = piece(unit, by, chans, **kw)
    return services.submission_submit(by=by, submission=s, expected_version=s.version)


def published(unit, by, editor, chans, *, url=None, on=date(2021, 3, 10), **kw):
    s = sent(unit, by, chans, **kw)
    services.submission_publish(
        submission=s,
        by=editor,
        channel=chans[0],
        url=url or f"https://ldld.caobang.gov.vn/tin/{s.pk}",
        published_on=on,
        expected_version=s.version,
    )
    s.refresh_from_db()
    return s
