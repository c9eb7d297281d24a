"""How a file leaves Loa: through a view that fetched and authorised it first, with safe headers.

Nothing under MEDIA_ROOT is served directly (no /media/ route, none in nginx): a file kept by Loa
reaches a browser only through the view of its kind, which checks the same capability as the page
that links it and answers 404 to anyone else. Those views answer with `serve_file` (or
`serve_image`); downloads Loa builds on the fly (documents, exports, posters) use
`download_headers`. Every such answer carries:

- a Content-Type from what Loa knows of the file (the kind it found in the bytes on upload, a
  picture it wrote itself), never the uploader's claimed type or file name;
- X-Content-Type-Options: nosniff, so that no browser guesses another type (HTML) from the bytes;
- Content-Disposition: attachment, except for a picture Loa re-encoded itself (shown in the
  page), with the Vietnamese name (RFC 6266 filename*) and an ASCII stand-in for old clients;
- Cache-Control: private: no shared cache keeps a file that needs a permission;
- for a kept file, Content-Security-Policy: sandbox, so that nothing in it runs if opened alone.

The bytes: with settings.FILES_X_ACCEL_PREFIX set and a file on this machine's disk, nginx sends
them (X-Accel-Redirect to an `internal` location, deploy/nginx/loa.conf) and gunicorn's worker is
free at once; otherwise (development, or a storage elsewhere such as S3) Django streams them from
the file's storage.
"""

from __future__ import annotations

import os
import re
import unicodedata
import uuid
from typing import TypeVar
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, Storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control

from loa.core.images import image_content_type
from loa.core.text import fold

R = TypeVar("R", bound=HttpResponseBase)

UNKNOWN = "application/octet-stream"
# A kept file opened on its own in a tab runs nothing and loads nothing, whatever a browser makes
# of it. (Only kept files: Chrome shows no PDF under `sandbox`, and Loa's own documents open inline.)
SANDBOX = "default-src 'none'; sandbox"


def generated_name(extension: str) -> str:
    """A stored file's name: random, with the extension of the kind Loa found, never the uploader's."""
    return f"{uuid.uuid4().hex}.{extension}"


def ascii_filename(name: str) -> str:
    """An ASCII stand-in for a Vietnamese file name, for clients that ignore filename*:
    "Công văn số 05-CĐVC" -> "Cong van so 05-CDVC"."""
    chars = []
    for ch in unicodedata.normalize("NFC", name):
        plain = " " if ch.isspace() else fold(ch)
        chars.append(plain.upper() if ch.isupper() else plain)
    text = re.sub(r"[^A-Za-z0-9 ._-]+", "", "".join(chars))
    return re.sub(r"\s+", " ", text).strip() or "document"


def content_disposition(name: str, *, as_attachment: bool = True) -> str:
    """Both an ASCII filename= (old clients) and the Vietnamese filename*= (RFC 6266 / 5987)."""
    name = name.replace("/", "-").replace("\\", "-")  # a name, never a path
    kind = "attachment" if as_attachment else "inline"
    return f"{kind}; filename=\"{ascii_filename(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def download_headers(response: R, *, filename: str, as_attachment: bool = True) -> R:
    """The headers every file Loa sends carries (see the module's text); returns `response`."""
    response["Content-Disposition"] = content_disposition(filename, as_attachment=as_attachment)
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True)
    return response


def serve_file(
    request: HttpRequest, field_file: FieldFile, *, filename: str, as_attachment: bool = True, content_type: str
) -> HttpResponseBase:
    """The answer that sends a stored file (a FieldFile) already authorised by the calling view.

    `content_type` is Loa's own knowledge of the file; a missing file is a 404.
    """
    name = field_file.name if field_file else None
    if not name:
        raise Http404
    storage = field_file.storage
    try:
        accel = _accel_redirect(storage, name)
        if accel is not None:
            if not storage.exists(name):
                raise Http404
            response: HttpResponseBase = HttpResponse(content_type=content_type)
            response["X-Accel-Redirect"] = accel
        else:
            response = FileResponse(storage.open(name, "rb"), content_type=content_type)
    except (FileNotFoundError, SuspiciousFileOperation):
        raise Http404 from None
    response["Content-Security-Policy"] = SANDBOX
    return download_headers(response, filename=filename, as_attachment=as_attachment)


def serve_image(request: HttpRequest, field_file: FieldFile, *, filename_stem: str) -> HttpResponseBase:
    """A stored picture: shown in the page when Loa wrote it itself (loa.core.images), else
    downloaded as unknown bytes (a file kept from before pictures were re-encoded)."""
    name = field_file.name if field_file else None
    if not name:
        raise Http404
    content_type = image_content_type(name)
    if content_type is None:
        return serve_file(request, field_file, filename=f"{filename_stem}.bin", content_type=UNKNOWN)
    extension = name.rsplit(".", 1)[-1]
    return serve_file(
        request, field_file, filename=f"{filename_stem}.{extension}", as_attachment=False, content_type=content_type
    )


def _accel_redirect(storage: Storage, name: str) -> str | None:
    """nginx's internal address of a file under MEDIA_ROOT, or None when Django must send it."""
    prefix = settings.FILES_X_ACCEL_PREFIX
    if not prefix or not isinstance(storage, FileSystemStorage):
        return None  # not on this machine's disk (S3 and the like): streamed through Django
    relative = os.path.relpath(storage.path(name), os.path.abspath(settings.MEDIA_ROOT))
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return None  # a storage of its own outside MEDIA_ROOT, which nginx does not reach
    return prefix + quote(relative.replace(os.sep, "/"))
