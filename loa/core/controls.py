"""Control characters out of every text Loa takes in and writes out.

C0 control characters other than tab and newline have no place in a unit's name, a report note or
an article: they come from copy-pasting (Word's vertical tab \\x0b is its manual line break), from
broken spreadsheets, or from someone probing. They break documents (python-docx and openpyxl refuse
them, so one \\x0b in a note made every Word export of its task answer 500) and PostgreSQL refuses
NUL outright. So they are removed at the door, from every form field, query string and JSON body
(`InputCleaningMiddleware`), and again when a file is written (`strip_controls`), for text that
reached the database by another way (an import, an older version of Loa).
"""

import json
import re

from django.http import QueryDict

# C0 except \t and \n; a lone \r becomes \n and \r\n becomes \n (browsers send textareas with CRLF).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CR = re.compile(r"\r\n?")


def strip_controls(text: str) -> str:
    """`text` without control characters other than tab and newline (line ends made \\n)."""
    if not isinstance(text, str):
        return text
    if "\r" in text:
        text = _CR.sub("\n", text)
    return _CONTROLS.sub("", text)


def has_controls(text: str) -> bool:
    return bool(_CONTROLS.search(text)) or "\r" in text


def _clean_json(value):
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list):
        return [_clean_json(v) for v in value]
    if isinstance(value, dict):
        return {strip_controls(k): _clean_json(v) for k, v in value.items()}
    return value


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

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The URL's own parts too (a short link's code): the view gets the same dict.
        for key, value in view_kwargs.items():
            if isinstance(value, str) and has_controls(value):
                view_kwargs[key] = strip_controls(value)
        clean = _clean_querydict(request.GET)
        if clean is not None:
            request.GET = clean
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            content_type = request.content_type or ""
            if content_type == "application/json":
                self._clean_json_body(request)
            elif content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
                clean = _clean_querydict(request.POST)
                if clean is not None:
                    request.POST = clean
                for upload in request.FILES.values():
                    upload.name = strip_controls(upload.name)

    @staticmethod
    def _clean_json_body(request):
        try:
            body = request.body
            if not has_controls(body.decode("utf-8")) and b"\\u00" not in body:
                return
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return  # not JSON after all: the API answers it with its own 400
        request._body = json.dumps(_clean_json(data), ensure_ascii=False).encode("utf-8")
