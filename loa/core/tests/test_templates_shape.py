"""Templates stay readable and their repeated pieces stay in one place (docs/frontend.md): no line
over 200 characters, no inline style but in e-mails and the documents laid out as PDF, and the
figure and bar markup only in the components of core/templates/core/components/."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
MAX_LINE = 200
COMPONENTS = "loa/core/templates/core/components/"
# Mail clients ignore stylesheets; WeasyPrint lays the documents out with computed mm widths.
INLINE_STYLE_ALLOWED = ("/email/", "loa/documents/templates/")

INLINE_STYLE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
COMPONENT_MARKUP = {
    "a figure (core/components/stat.html)": re.compile(r"""class=["']stat\b"""),
    "a bar (core/components/progress.html)": re.compile(r"<(?:progress|meter)\b", re.IGNORECASE),
}


def templates():
    paths = sorted((ROOT / "loa").glob("*/templates/**/*.html")) + sorted((ROOT / "static/loa").glob("**/*.html"))
    for path in paths:
        yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def long_lines(name, text):
    return [
        f"{name}:{n}: {len(line)} characters" for n, line in enumerate(text.splitlines(), 1) if len(line) > MAX_LINE
    ]


def inline_styles(name, text):
    if any(part in name for part in INLINE_STYLE_ALLOWED):
        return []
    return [f"{name}:{text.count(chr(10), 0, m.start()) + 1}: style=" for m in INLINE_STYLE.finditer(text)]


def component_markup(name, text):
    if name.startswith(COMPONENTS):
        return []
    return [
        f"{name}:{text.count(chr(10), 0, m.start()) + 1}: {what} written by hand"
        for what, pattern in COMPONENT_MARKUP.items()
        for m in pattern.finditer(text)
    ]


def test_no_template_line_is_over_200_characters():
    found = list(templates())
    assert len(found) > 100  # every app's templates, not an empty glob
    problems = [problem for name, text in found for problem in long_lines(name, text)]
    assert not problems, "\n".join(problems)


def test_only_e_mails_and_documents_have_inline_styles():
    problems = [problem for name, text in templates() for problem in inline_styles(name, text)]
    assert not problems, "\n".join(problems)


def test_figures_and_bars_are_drawn_by_their_components_only():
    problems = [problem for name, text in templates() for problem in component_markup(name, text)]
    assert not problems, "\n".join(problems)
    components = {path.name for path in (ROOT / COMPONENTS).glob("*.html")}
    assert {"stat.html", "stat_tile.html", "progress.html", "pager.html"} <= components


def test_the_checks_catch_what_they_are_for():
    assert long_lines("a.html", "<p>\n" + "x" * 201 + "\n</p>") == ["a.html:2: 201 characters"]
    assert not long_lines("a.html", "x" * 200)
    assert inline_styles("loa/x/templates/x/a.html", '<div style="width:5%">')
    assert not inline_styles("loa/notifications/templates/notifications/email/a.html", '<p style="color:red">')
    assert not inline_styles("loa/x/templates/x/a.html", '<div data-style="x">')
    for sample in ('<div class="stat">5</div>', '<div class="stat small">5</div>', '<progress max="3">', "<meter>"):
        assert component_markup("loa/x/templates/x/a.html", sample), sample
        assert not component_markup(COMPONENTS + "stat.html", sample), sample
    assert not component_markup("loa/x/templates/x/a.html", '<div class="status"><span class="stats">')
