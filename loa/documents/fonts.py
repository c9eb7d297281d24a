"""The serif font of official documents: Times New Roman, or Liberation Serif 2 where it is missing.

Debian's old `fonts-liberation` (1.07) also calls itself "Liberation Serif" but lacks ơ, ư and the
letters with two marks (ạ…ỹ); when both packages are installed fontconfig may pick either. So the PDF
renderer names the font files itself (`pdf_font`), after checking that they hold every
Vietnamese letter, and fontconfig is only the last resort.

Liberation Serif has the metrics of Times New Roman, so its advance widths also tell how long a
line of Times New Roman is (`text_width_pt`), which both renderers use to draw the rules under the
issuing body and the motto at the right length.
"""

import functools
import os
import subprocess
from pathlib import Path

from django.conf import settings

STYLES = {
    (False, False): "Regular",
    (True, False): "Bold",
    (False, True): "Italic",
    (True, True): "BoldItalic",
}
FONT_DIRS = (
    "/usr/share/fonts/truetype/liberation2",
    "/usr/share/fonts/liberation2",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/liberation-serif",  # Fedora
    "/usr/local/share/fonts",
)
# Letters the old fonts-liberation lacks: a font without them would leave holes in Vietnamese text.
VIETNAMESE_PROBE = "ăâđêôơưĂÂĐÊÔƠƯạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"


def _font_dirs():
    extra = getattr(settings, "LOA_DOCUMENT_FONT_DIR", "") or os.environ.get("LOA_DOCUMENT_FONT_DIR", "")
    return ([extra] if extra else []) + list(FONT_DIRS)


@functools.cache
def _covers_vietnamese(path):
    from fontTools.ttLib import TTFont

    try:
        cmap = TTFont(path, lazy=True).getBestCmap()
    except Exception:  # noqa: BLE001 - fontTools raises many kinds; an unreadable file is no candidate
        return False
    return all(ord(ch) in cmap for ch in VIETNAMESE_PROBE)


@functools.cache
def serif_files():
    """{"Regular": path, "Bold": …, "Italic": …, "BoldItalic": …} of a complete Liberation Serif, or {}."""
    for directory in _font_dirs():
        files = {style: Path(directory) / f"LiberationSerif-{style}.ttf" for style in STYLES.values()}
        if all(p.is_file() for p in files.values()) and all(_covers_vietnamese(str(p)) for p in files.values()):
            return {style: str(p) for style, p in files.items()}
    return {}


@functools.cache
def times_new_roman_installed():
    """Whether a real Times New Roman is installed (fc-list does not follow fontconfig's aliases)."""
    try:
        out = subprocess.run(
            ["fc-list", ":family=Times New Roman", "family"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "Times New Roman" in out


def pdf_font():
    """(family, @font-face CSS) for WeasyPrint.

    With Times New Roman installed, that font. Otherwise the family "Liberation Serif" is bound by
    @font-face to the checked Liberation Serif 2 files, so that fontconfig never picks version 1.
    """
    if times_new_roman_installed():
        return "Times New Roman", ""
    files = serif_files()
    if not files:
        return "Liberation Serif", ""
    rules = [
        '@font-face {{ font-family: "Liberation Serif"; font-weight: {}; font-style: {}; src: url("{}"); }}'.format(
            "bold" if bold else "normal", "italic" if italic else "normal", Path(files[style]).as_uri()
        )
        for (bold, italic), style in STYLES.items()
    ]
    return "Liberation Serif", "\n".join(rules)


@functools.cache
def _advances(style):
    from fontTools.ttLib import TTFont

    path = serif_files().get(style)
    if not path:
        return None
    font = TTFont(path, lazy=True)
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    units = font["head"].unitsPerEm
    return {code: hmtx[name][0] / units for code, name in cmap.items()}, units


def text_width_pt(text, size, *, bold=False, italic=False):
    """The width in points of one line of `text` in Times New Roman at `size` points."""
    advances = _advances(STYLES[(bold, italic)])
    if advances is None:
        return len(text) * size * (0.6 if bold else 0.5)  # a rough average without the font file
    table, _ = advances
    return sum(table.get(ord(ch), 0.5) for ch in text) * size


def fit_lines(text, size, width_mm, *, bold=False):
    """`text`'s lines ("\n" breaks them where the caller wants), each one too wide for `width_mm`
    broken at the space that best balances its two halves (a header's body written in full, e.g.
    "CÔNG ĐOÀN VIÊN CHỨC TỈNH CAO BẰNG", goes over two lines of like length)."""
    limit = width_mm * 72 / 25.4
    out = []
    for line in (part.strip() for part in text.splitlines()):
        if line:
            out.extend(_balanced(line, size, limit, bold))
    return out


def _balanced(line, size, limit, bold):
    words = line.split()
    if len(words) < 2 or text_width_pt(line, size, bold=bold) <= limit:
        return [line]
    halves = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    first, rest = min(
        halves, key=lambda h: max(text_width_pt(h[0], size, bold=bold), text_width_pt(h[1], size, bold=bold))
    )
    return [*_balanced(first, size, limit, bold), *_balanced(rest, size, limit, bold)]
