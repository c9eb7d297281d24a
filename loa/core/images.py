"""Pictures people send are decoded and written again by Loa, never kept as sent.

A file that starts like a PNG may go on with HTML and script; a phone photo carries its GPS
position and camera in EXIF. `reencode_image` has the upload decoded in the sandbox (the first
frame of an animated or multi-picture file, turned upright by its EXIF orientation, made no larger
than `max_side`: loa.core.readers.decode_image) and writes a new JPEG, or a PNG when the picture has transparent parts, without any
metadata, under a random name (`<32 hex digits>.jpg|png`). Whatever does not decode as a JPEG or
PNG picture is refused with a Vietnamese message.

Only names of that shape are served as pictures (`image_content_type`): anything else under a
picture field is downloaded as unknown bytes (loa.core.files.serve_image).
"""

from __future__ import annotations

import io
import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

if TYPE_CHECKING:
    from django.db import models
    from PIL.Image import Image as PILImage

    from loa.core.uploads import Upload

# The longest side Loa keeps: enough for a web page, a report or reading a phone screenshot.
MAX_SIDE = 1600
JPEG_QUALITY = 85
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png"}
_GENERATED = re.compile(r"^[0-9a-f]{32}\.(jpg|png)$")


@dataclass
class Picture:
    """A re-encoded picture: the file to store (its name generated), its type and size."""

    file: ContentFile
    content_type: str
    width: int
    height: int


def reencode_image(upload: Upload, *, max_bytes: int | None = None, max_side: int = MAX_SIDE) -> Picture:
    """Decode `upload` and write it again (see the module's text); a ValidationError if it is not a picture.

    The decoding, the hostile part, runs in the sandbox (loa.core.readers.decode_image: JPEG and PNG
    decoders only, a pixel cap before decoding, first frame, upright, at most `max_side`); only its
    pixels come back, and the new file is written here."""
    from loa.core.readers import decode_image

    try:
        image = decode_image(upload, max_side=max_side, max_bytes=max_bytes).image()
    finally:
        if hasattr(upload, "seek"):
            upload.seek(0)
    image, extension = _flattened(image)
    out = io.BytesIO()
    # A fresh save without exif=, icc_profile= or pnginfo= writes no metadata at all.
    if extension == "png":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return Picture(
        file=ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{extension}"),
        content_type=CONTENT_TYPES[extension],
        width=image.width,
        height=image.height,
    )


def _flattened(image: PILImage) -> tuple[PILImage, str]:
    """(image, "png") when some pixel is see-through (a JPEG would lose it), else (RGB or grey image, "jpg")."""
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        if rgba.getchannel("A").getextrema()[0] < 255:  # type: ignore[operator]  # one band: (least, most)
            return rgba, "png"
        image = rgba
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    return image, "jpg"


def image_content_type(name: str) -> str | None:
    """The type of a picture Loa wrote itself, known from the name it gave it; None for any other file."""
    match = _GENERATED.match((name or "").rsplit("/", 1)[-1])
    return CONTENT_TYPES[match.group(1)] if match else None


def reencode_kept(instance: models.Model, field_name: str, *, max_bytes: int | None = None) -> bool:
    """Re-encode a picture stored before Loa re-encoded uploads (a data migration's work).

    Whatever its name, the kept file is decoded and written again beside the old one under a
    generated name; the row is saved, then the old file deleted (an interruption leaves at worst a
    spare file, never a row without its file). A file that does not decode is kept, moved to a
    generated `.bin` name, which is only ever downloaded as unknown bytes. Returns whether the row
    changed; a row without a file, or whose file is missing, is left alone. Storage API only, so
    that it works on any storage.
    """
    field_file = getattr(instance, field_name)
    storage, old = field_file.storage, field_file.name
    if not old:
        return False
    try:
        with storage.open(old, "rb") as kept:
            try:
                content = reencode_image(kept, max_bytes=max_bytes).file
            except ValidationError:
                kept.seek(0)
                content = ContentFile(kept.read(), name=f"{uuid.uuid4().hex}.bin")
    except FileNotFoundError:
        return False
    directory = old.rsplit("/", 1)[0] + "/" if "/" in old else ""
    field_file.name = storage.save(directory + content.name, content)  # type: ignore[operator]  # both are named
    instance.save(update_fields=[field_name])
    storage.delete(old)
    return True
