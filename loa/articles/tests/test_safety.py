"""No script reaches a page; uploads are judged by content; photos lose their location; a URL is credited once."""

import io
from datetime import date
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from loa.articles import services
from loa.articles.tests.factories import channels, jpeg_bytes, published, sent

EVIL = (
    '<p>Bài hay</p><script>alert("x")</script><img src=x onerror="alert(1)">'
    '<a href="javascript:alert(2)" onclick="alert(3)">bấm</a><svg onload="alert(4)"></svg><iframe src="//evil"></iframe>'
)


class _Live(HTMLParser):
    """Collects what a browser would run: script elements and on* attributes, javascript: links."""

    def __init__(self):
        super().__init__()
        self.found = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        # Loa's own pages draw SVG (the logo, charts); an injected <svg onload> is caught below.
        if tag in ("script", "iframe"):
            self.in_script = tag == "script"
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag}[{name}]")

    def handle_data(self, data):
        if self.in_script and "alert" in data:
            self.found.append("alert in script")

    def handle_endtag(self, tag):
        self.in_script = False


def live_parts(html):
    parser = _Live()
    parser.feed(html)
    # the page's own scripts (htmx) are allowed; nothing that came from the piece
    return [f for f in parser.found if f != "script"] + (
        ["script-alert"] if 'alert("x")' in html and "<script>alert" in html else []
    )


@pytest.fixture
def chans(editor):
    return channels(editor)


def test_a_script_in_a_piece_never_reaches_a_page(tree, alice, editor, admin, chans, login):
    s = sent(tree["a"], alice, chans, title='<script>alert("t")</script>Tiêu đề', body=EVIL)
    assert (
        "<script" not in s.body and "onerror" not in s.body and "javascript:" not in s.body and "<iframe" not in s.body
    )
    s = services.submission_return(
        submission=s, by=editor, reason='<img src=x onerror="alert(5)">', expected_version=s.version
    )
    services.submission_comment(submission=s, by=editor, text="<script>alert('c')</script>")
    s = services.submission_update(by=alice, submission=s, expected_version=s.version, body=EVIL + "<p>thêm</p>")
    s = services.submission_submit(by=alice, submission=s, expected_version=s.version)
    services.submission_publish(
        submission=s,
        by=editor,
        channel=chans[0],
        url="https://ldld.caobang.gov.vn/a?x=<script>",
        published_on=date(2021, 5, 1),
        expected_version=s.version,
    )
    pages = [
        (alice, reverse("articles:detail", args=[s.pk]) + "?v=2"),
        (alice, reverse("articles:index")),
        (editor, reverse("articles:queue") + "?status=published"),
        (alice, reverse("articles:unit_progress", args=[tree["a"].pk]) + "?year=2021"),
        (admin, reverse("articles:progress") + "?year=2021"),
    ]
    for user, url in pages:
        html = login(user).get(url).content.decode()
        assert live_parts(html) == [], url
        assert "<script>alert" not in html and 'onerror="alert' not in html, url


def test_an_edit_page_shows_the_text_as_text(tree, alice, chans, login):
    s = services.submission_create(by=alice, unit=tree["a"], title="x", body=EVIL, channels=chans)
    html = login(alice).get(reverse("articles:edit", args=[s.pk])).content.decode()
    assert live_parts(html) == []


def test_a_photo_is_resized_and_loses_its_gps_and_camera_data(tree, alice, chans):
    s = services.submission_create(by=alice, unit=tree["a"], title="x", channels=chans)
    photo = services.submission_add_photo(
        by=alice, submission=s, upload=SimpleUploadedFile("IMG_0001.JPG", jpeg_bytes())
    )
    with Image.open(photo.image.path) as image:
        assert max(image.size) == 1600
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info


def test_a_file_that_is_not_really_an_image_is_refused(tree, alice, chans, login):
    s = services.submission_create(by=alice, unit=tree["a"], title="x", channels=chans)
    with pytest.raises(ValidationError):
        services.submission_add_photo(
            by=alice, submission=s, upload=SimpleUploadedFile("anh.jpg", b"<?php echo 1; ?>" * 10)
        )
    with pytest.raises(ValidationError):  # starts like a JPEG, is not one
        services.submission_add_photo(
            by=alice, submission=s, upload=SimpleUploadedFile("anh.jpg", b"\xff\xd8\xff" + b"0" * 500)
        )
    response = login(alice).post(
        reverse("articles:photo_add", args=[s.pk]), {"photo": SimpleUploadedFile("a.png", b"GIF89a....")}, follow=True
    )
    assert "không phải" in response.content.decode().lower() or "not a" in response.content.decode().lower()
    assert s.photos.count() == 0


def test_a_file_that_is_not_really_a_docx_is_refused(tree, alice, chans):
    s = services.submission_create(by=alice, unit=tree["a"], title="x", channels=chans)
    with pytest.raises(ValidationError):
        services.submission_import_docx(
            by=alice, submission=s, upload=SimpleUploadedFile("bai.docx", b"%PDF-1.4 not word")
        )


def test_a_docx_gives_its_text_and_its_pictures(tree, alice, chans):
    import docx

    document = docx.Document()
    document.add_heading("Gương người tốt ở trường", level=1)
    document.add_paragraph("Cô giáo Hoàng Thị Mai đã giúp đỡ học sinh nghèo.")
    document.add_paragraph("<script>alert(1)</script> vẫn chỉ là chữ.")
    picture = io.BytesIO(jpeg_bytes((800, 600)))
    document.add_picture(picture)
    out = io.BytesIO()
    document.save(out)
    s = services.submission_create(by=alice, unit=tree["a"], body="Sẽ thay bằng tệp Word.", channels=chans)
    s, photos = services.submission_import_docx(
        by=alice, submission=s, upload=SimpleUploadedFile("bai.docx", out.getvalue())
    )
    assert s.title == "Gương người tốt ở trường"
    assert "Hoàng Thị Mai" in s.body_text and "<script>" not in s.body
    assert photos == 1 and s.photos.count() == 1


@pytest.mark.parametrize(
    "again",
    [
        "https://cdvccaobang.vn/tin-tuc/hoi-thi-2021",
        "http://cdvccaobang.vn/tin-tuc/hoi-thi-2021",
        "https://www.cdvccaobang.vn/tin-tuc/hoi-thi-2021/",
        "https://CDVCCAOBANG.vn/tin-tuc/hoi-thi-2021?utm_source=zalo&utm_medium=share#top",
        "cdvccaobang.vn/tin-tuc/hoi-thi-2021?fbclid=abc",
    ],
)
def test_a_url_credited_twice_is_refused(again, tree, alice, bob, editor, chans):
    published(tree["a"], alice, editor, [chans[1]], url="https://cdvccaobang.vn/tin-tuc/hoi-thi-2021")
    with pytest.raises(ValidationError) as exc:
        services.claim_create(
            by=bob, unit=tree["b"], url=again, kind="news", title="Của tôi", published_on=date(2021, 3, 1)
        )
    assert exc.value.error_dict["url"][0].code == "duplicate_url"
    s = sent(tree["b"], bob, chans)
    with pytest.raises(ValidationError):
        services.submission_publish(
            submission=s,
            by=editor,
            channel=chans[1],
            url=again,
            published_on=date(2021, 3, 2),
            expected_version=s.version,
        )


def test_a_claim_is_refused_off_the_channels_and_credited_once(tree, alice, bob, editor, chans):
    with pytest.raises(ValidationError):
        services.claim_create(
            by=alice,
            unit=tree["a"],
            url="https://baocaobang.vn/tin/1",
            kind="news",
            title="x",
            published_on=date(2021, 3, 1),
        )
    claim = services.claim_create(
        by=alice,
        unit=tree["a"],
        url="https://m.facebook.com/congdoancaobang/posts/55?mibextid=x",
        kind="news",
        title="Bài trên Fanpage",
        published_on=date(2021, 3, 1),
    )
    with pytest.raises(ValidationError):  # the same address while the first claim waits
        services.claim_create(
            by=bob,
            unit=tree["b"],
            url="https://www.facebook.com/congdoancaobang/posts/55",
            kind="news",
            title="y",
            published_on=date(2021, 3, 1),
        )
    claim = services.claim_accept(by=editor, claim=claim)
    assert claim.submission.state == "published" and claim.submission.counted_year == 2021
    assert claim.submission.publications.get().channel == chans[2]
