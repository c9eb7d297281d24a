"""The web pages' templates hold no inline code and no inline style (the Content-Security-Policy
would refuse them): behaviours are data attributes that static/loa/loa.js acts on, looks are
classes of static/loa/loa.css. E-mails (their clients need inline styles) and the HTML that
WeasyPrint lays out as PDF are not web pages and are left out."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# HTML turned into PDF by loa.documents.pdf.html_to_pdf, never served as a page.
PDF_TEMPLATES = ("loa/documents/templates/", "loa/fanpages/templates/fanpages/poster.html")

FORBIDDEN = {
    "an inline <script>": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "an event handler attribute": re.compile(r"\son[a-z]+\s*=\s*[\"'{]", re.IGNORECASE),
    "hx-on": re.compile(r"\bhx-on\b", re.IGNORECASE),
    "a javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "a style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "an inline <style>": re.compile(r"<style\b", re.IGNORECASE),
    "htmx's js: values": re.compile(r"hx-va(?:ls|rs)\s*=\s*[\"']\s*(?:js|javascript):", re.IGNORECASE),
}


def web_templates():
    for path in sorted((ROOT / "loa").glob("*/templates/**/*.html")):
        name = path.relative_to(ROOT).as_posix()
        if "/email/" in name or name.startswith(PDF_TEMPLATES):
            continue
        yield name, path.read_text(encoding="utf-8")
    yield "static/loa/errors/413.html", (ROOT / "static/loa/errors/413.html").read_text(encoding="utf-8")


def test_no_web_template_has_inline_code_or_inline_styles():
    templates = list(web_templates())
    assert len(templates) > 80  # every app's pages, not an empty glob
    problems = [
        f"{name}:{text.count(chr(10), 0, match.start()) + 1}: {what}: {match.group(0)[:60]}"
        for name, text in templates
        for what, pattern in FORBIDDEN.items()
        for match in pattern.finditer(text)
    ]
    assert not problems, "\n".join(problems)


def test_the_only_scripts_are_htmx_and_loas_own_files_loaded_deferred_with_htmx_evaluating_nothing():
    base = (ROOT / "loa/core/templates/base.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b[^>]*>", base)
    assert scripts == [
        "<script src=\"{% static 'vendor/htmx.min.js' %}\" defer>",
        "<script src=\"{% static 'loa/loa.js' %}\" defer>",
    ]
    # The offline forms' script comes with their notices, on those pages only.
    status = (ROOT / "loa/core/templates/core/_offline_form_status.html").read_text(encoding="utf-8")
    assert re.findall(r"<script\b[^>]*>", status) == ["<script src=\"{% static 'loa/offline-forms.js' %}\" defer>"]
    assert (
        '"allowEval": false' in base
        and '"allowScriptTags": false' in base
        and '"includeIndicatorStyles": false' in base
    )
    assert base.index('name="htmx-config"') < base.index("vendor/htmx.min.js")  # read when htmx starts


def test_the_checks_catch_what_they_are_for():
    samples = {
        "an inline <script>": "<script>alert(1)</script>",
        "an event handler attribute": '<button onclick="x()">',
        "hx-on": '<input hx-on:keydown="x">',
        "a javascript: URL": '<a href="javascript:void(0)">',
        "a style attribute": '<div style="width:{{ p }}%">',
        "an inline <style>": "<style>p{}</style>",
        "htmx's js: values": "<input hx-vals='js:{a: 1}'>",
    }
    for what, sample in samples.items():
        assert FORBIDDEN[what].search(sample), what
    allowed = (
        '<script src="/static/a.js" defer></script><div class="wrap" data-confirm="Xoá?" data-once '
        'hx-vals=\'{"name": "parent"}\'><p>Điều chỉnh tỷ lệ online = 5</p></div>'
    )
    assert not [what for what, pattern in FORBIDDEN.items() if pattern.search(allowed)]
