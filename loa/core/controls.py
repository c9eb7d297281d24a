"""Control characters out of every text Loa takes in and writes out.

C0 control characters other than tab and newline have no place in a unit's name, a report note or
an article: they come from copy-pasting (Word's vertical tab \\x0b is its manual line break), from
broken spreadsheets, or from someone probing. They break documents (python-docx and openpyxl refuse
them, so one \\x0b in a note made every Word export of its task answer 500) and PostgreSQL refuses
NUL outright. So they are removed at the door, from every form field, query string and JSON body
(`InputCleaningMiddleware`), before a model is saved (`loa.core.guards`), and again when a file is
written (`writable_text`), for text that reached the database by another way (a bulk import, raw
SQL, an older version of Loa).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, QueryDict

# C0 except \t and \n; a lone \r becomes \n and \r\n becomes \n (browsers send textareas with CRLF).
# Lone surrogates too (a JSON body may carry "\ud800"): no database can encode them as UTF-8.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_CR = re.compile(r"\r\n?")
# What a file must not hold: XML 1.0 (docx, xlsx) refuses C0 but tab and line ends, lone surrogates,
# U+FFFE and U+FFFF; DEL and the C1 controls print as nothing anyone meant. \x0b is not here: it is
# Word's manual line break, and becomes one.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"\r\n?|\x0b")
_WHITESPACE_RUN = re.compile(r"\s+")
# A JSON escape that decodes to a control character (\u0000…\u001f) or a surrogate (\ud800…\udfff).
_ESCAPED_CONTROL = re.compile(rb"\\u00[01]|\\u[dD][89a-fA-F]")


def strip_controls(text: str) -> str:
    """`text` without control characters other than tab and newline (line ends made \\n)."""
    if not isinstance(text, str):
        return text
    if "\r" in text:
        text = _CR.sub("\n", text)
    return _CONTROLS.sub("", text)


def has_controls(text: str) -> bool:
    return bool(_CONTROLS.search(text)) or "\r" in text


def strip_controls_in(value: Any) -> Any:
    """A JSON-like value (dicts, lists, strings, numbers) with `strip_controls` applied to every string."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list):
        return [strip_controls_in(v) for v in value]
    if isinstance(value, dict):
        return {strip_controls(k): strip_controls_in(v) for k, v in value.items()}
    return value


def has_controls_in(value: Any) -> bool:
    """Whether a JSON-like value holds a string `strip_controls` would change (read only: no copy)."""
    if isinstance(value, str):
        return has_controls(value)
    if isinstance(value, list):
        return any(has_controls_in(v) for v in value)
    if isinstance(value, dict):
        return any(has_controls(k) or has_controls_in(v) for k, v in value.items())
    return False


def writable_text(text: str) -> str:
    """`text` as a Word, Excel, PDF or csv file may hold it: \x0b and line ends become \n (the writers
    make \n a line break), tab stays, every other control character and what XML refuses is removed."""
    if not isinstance(text, str):
        return text
    if "\r" in text or "\x0b" in text:
        text = _LINE_BREAKS.sub("\n", text)
    return _UNWRITABLE.sub("", text) if _UNWRITABLE.search(text) else text


def writable_line(text: str) -> str:
    """`writable_text` on one line, for a file name or a sheet title: every run of whitespace (line
    breaks, tabs) is one space. A line break in a header line would make Django refuse the response."""
    return _WHITESPACE_RUN.sub(" ", writable_text(str(text))).strip()


def _clean_querydict(data: QueryDict) -> QueryDict | None:
    """A cleaned copy of `data`, or None when nothing in it needed cleaning."""
    if not any(has_controls(k) or any(has_controls(v) for v in data.getlist(k)) for k in data):
        return None
    clean = QueryDict(mutable=True, encoding=data.encoding)
    for key in data:
        clean.setlist(strip_controls(key), [strip_controls(v) for v in data.getlist(key)])
    clean._mutable = False
    return clean


class InputCleaningMiddleware:
    """Removes control characters from the URL's parts, the query string, form fields, uploaded file
    names and JSON bodies before any view (or the API) reads them. Placed after CsrfViewMiddleware: its
    process_view runs once CSRF has parsed the form, so no upload handler is fixed early."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        # The URL's own parts too (a short link's code): the view gets the same dict.
        for key, value in view_kwargs.items():
            if isinstance(value, str) and has_controls(value):
                view_kwargs[key] = strip_controls(value)
        clean = _clean_querydict(request.GET)
        if clean is not None:
            request.GET = clean  # type: ignore[assignment]  # Django lets a middleware replace it; the stubs say read-only
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            content_type = request.content_type or ""
            if content_type == "application/json":
                self._clean_json_body(request)
            elif content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
                clean = _clean_querydict(request.POST)
                if clean is not None:
                    request.POST = clean  # type: ignore[assignment]  # as GET above
                for upload in request.FILES.values():
                    if isinstance(upload, UploadedFile) and upload.name:  # always, but the stubs allow lists
                        upload.name = strip_controls(upload.name)

    @staticmethod
    def _clean_json_body(request: HttpRequest) -> None:
        try:
            body = request.body
            if not has_controls(body.decode("utf-8")) and not _ESCAPED_CONTROL.search(body):
                return
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return  # not JSON after all: the API answers it with its own 400
        request._body = json.dumps(strip_controls_in(data), ensure_ascii=False).encode("utf-8")
