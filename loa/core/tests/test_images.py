"""Every picture a user sends is decoded and written again by Loa: what is kept is Loa's own file."""

import io
import re
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from loa.core.images import MAX_SIDE, image_content_type, reencode_image

GPS = {1: "N", 2: (22.0, 40.0, 0.0), 3: "E", 4: (106.0, 15.0, 0.0)}


def picture(fmt="JPEG", size=(400, 300), mode="RGB", color=(200, 30, 30), **save):
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, fmt, **save)
    return out.getvalue()


def phone_photo(size=(300, 200), orientation=None):
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    exif[0x8825] = GPS
    if orientation:
        exif[0x0112] = orientation
    return picture(size=size, exif=exif)


def decoded(result):
    return Image.open(io.BytesIO(result.file.read()))


def test_a_phone_photo_loses_its_gps_position_and_camera():
    original = Image.open(io.BytesIO(phone_photo()))
    assert original.getexif().get_ifd(0x8825)  # the upload does carry a position
    result = reencode_image(SimpleUploadedFile("IMG_0001.JPG", phone_photo()))
    image = decoded(result)
    assert dict(image.getexif()) == {} and "exif" not in image.info
    assert image.format == "JPEG" and result.content_type == "image/jpeg"


def test_a_photo_taken_sideways_is_turned_upright_before_its_orientation_is_dropped():
    # Orientation 6: the camera was turned; viewers rotate the 300×200 pixels to stand 200×300.
    result = reencode_image(SimpleUploadedFile("doc.jpg", phone_photo(size=(300, 200), orientation=6)))
    assert decoded(result).size == (200, 300)
    assert (result.width, result.height) == (200, 300)


def test_a_picture_is_stored_under_a_generated_name_never_the_uploaders():
    result = reencode_image(SimpleUploadedFile("../../x.html", picture("PNG")))
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", result.file.name)


def test_a_big_picture_is_made_no_larger_than_the_cap():
    result = reencode_image(SimpleUploadedFile("big.png", picture("PNG", size=(4000, 1000))))
    assert decoded(result).size == (MAX_SIDE, 400)


def test_a_picture_with_see_through_parts_stays_a_png():
    result = reencode_image(SimpleUploadedFile("logo.png", picture("PNG", mode="RGBA", color=(0, 0, 0, 0))))
    assert result.file.name.endswith(".png") and result.content_type == "image/png"
    assert decoded(result).getpixel((0, 0))[3] == 0


def test_an_opaque_png_screenshot_becomes_a_jpeg():
    result = reencode_image(SimpleUploadedFile("shot.png", picture("PNG", mode="RGBA", color=(10, 20, 30, 255))))
    assert result.file.name.endswith(".jpg")


def test_an_animated_picture_keeps_its_first_frame_only():
    frames = [Image.new("RGB", (60, 40), c) for c in ((255, 0, 0), (0, 0, 255), (0, 255, 0))]
    out = io.BytesIO()
    frames[0].save(out, "PNG", save_all=True, append_images=frames[1:], duration=100, loop=0)
    result = reencode_image(SimpleUploadedFile("anim.png", out.getvalue()))
    image = decoded(result)
    assert getattr(image, "n_frames", 1) == 1
    red, _green, blue = image.convert("RGB").getpixel((30, 20))
    assert red > 200 and blue < 50


def test_html_behind_a_png_signature_is_refused_in_vietnamese():
    with pytest.raises(ValidationError) as caught:
        reencode_image(SimpleUploadedFile("x.html", b"\x89PNG\r\n\x1a\n<script>alert(1)</script>"))
    assert "không đọc được: tệp bị hỏng hoặc không phải tệp JPEG, PNG" in caught.value.messages[0]


def test_a_file_that_is_no_picture_at_all_is_refused_by_its_content():
    with pytest.raises(ValidationError) as caught:
        reencode_image(SimpleUploadedFile("anh.jpg", b"<?php echo 1; ?>" * 10))
    assert "Loa xét nội dung tệp, không xét tên tệp" in caught.value.messages[0]


def test_a_truncated_photo_is_refused_even_after_a_pdf_was_rendered():
    from loa.documents.pdf import render_pdf
    from loa.documents.samples import seed_letter

    render_pdf(seed_letter())  # imports WeasyPrint, which makes Pillow accept truncated files
    whole = phone_photo(size=(600, 400))
    with pytest.raises(ValidationError):
        reencode_image(SimpleUploadedFile("cut.jpg", whole[: len(whole) // 3]))


def png_claiming(width, height):
    """A valid 1×1 PNG whose header claims width × height: a few bytes that would decode to gigabytes."""
    png = io.BytesIO()
    Image.new("L", (1, 1)).save(png, "PNG")
    data = bytearray(png.getvalue())
    data[16:24] = width.to_bytes(4, "big") + height.to_bytes(4, "big")  # IHDR's width and height
    data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")  # and its checksum
    return bytes(data)


@pytest.mark.parametrize("width, height", [(8_000, 8_000), (100_000, 100_000)])
def test_a_picture_claiming_too_many_pixels_is_refused_before_it_is_decoded(width, height):
    # 64 million pixels: Loa's own limit; 10 billion: Pillow's guard (DecompressionBombError) first.
    with pytest.raises(ValidationError) as caught:
        reencode_image(SimpleUploadedFile("bomb.png", png_claiming(width, height)))
    assert "điểm ảnh: quá lớn" in caught.value.messages[0]


def test_a_picture_over_the_size_limit_is_refused_before_it_is_read():
    with pytest.raises(ValidationError) as caught:
        reencode_image(SimpleUploadedFile("big.jpg", phone_photo()), max_bytes=1024)
    assert caught.value.code == "too_big"


def test_only_names_loa_generated_are_known_as_pictures():
    assert image_content_type("likes/2026/" + "a" * 32 + ".png") == "image/png"
    assert image_content_type("articles/photos/1/" + "0" * 32 + ".jpg") == "image/jpeg"
    assert image_content_type("likes/2026/chup.png") is None
    assert image_content_type("likes/2026/" + "a" * 32 + ".html") is None
    assert image_content_type("") is None
