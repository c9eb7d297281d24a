"""Photos and scans of paper pages read with Tesseract, in the sandbox.

`read_scan(upload)` takes a JPEG, a PNG or a PDF (a file or bytes) and gives back the words
Tesseract found on each page, with their boxes and confidences, for a caller that knows the
page's layout (loa/directives/form_ocr.py reads the Fanpage report form from them). Everything
runs in a child process of the sandbox (loa/core/sandbox.py: memory, CPU and time limits), which
calls Debian's programs: `pdftoppm` (poppler-utils) renders a PDF's first pages, `tesseract`
(tesseract-ocr, with the Vietnamese data of tesseract-ocr-vie and the orientation data of
tesseract-ocr-osd) reads them. Each page is prepared first:

- decoded by Pillow (JPEG and PNG decoders only, a pixel cap before decoding, EXIF orientation
  applied) or rendered by pdftoppm at a fixed size, whatever size the PDF's page claims;
- made grey, evenly lit (the desk around the paper and the shadows removed), its contrast
  stretched, scaled so that its longer side is about A4 at 280 dpi;
- turned upright: Tesseract's orientation detection (OSD) says whether it is turned by 90°, 180°
  or 270° (a phone held sideways);
- straightened: the small angle (up to 10°) at which its lines of text and the table's rules are
  most horizontal (a projection profile: the rotation whose row sums vary most);
- its table's rules found (long runs of ink across or down the page) and painted white: they are
  sent back, for the caller to see the table's rows and columns, and Tesseract reads the words of a
  table far better without them. Tesseract reads with its automatic layout (page segmentation 3),
  which also gives up quickly on a picture without text (a photo of anything else).

Of a PDF, the first `OCR_MAX_PAGES` pages are rendered; when some show a table's rules, only those
are read (a scan often puts the letter or a cover page before the form), otherwise all of them. A
later page that would overrun the time is left unread (`stopped_early`) rather than losing the
pages read.

Programs the child starts inherit its limits, die with it (PR_SET_PDEATHSIG), run one thread each
and get what is left of the child's time. What the worker receives is plain data: the words of at
most `OCR_MAX_PAGES` pages.
"""

from __future__ import annotations

import ctypes
import io
import os
import resource
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext_noop

from loa.core import sandbox
from loa.core.filekinds import JPEG, PDF, PNG, wanted
from loa.core.readers import open_picture
from loa.core.sandbox import Refused
from loa.core.uploads import open_upload, upload_name

if TYPE_CHECKING:
    from PIL import Image
    from PIL.Image import Image as PILImage

    from loa.core.uploads import Upload

SCANS = (JPEG, PNG, PDF)
# The page as Tesseract reads it: its longer side in pixels (A4 at about 280 dpi).
TARGET_SIDE = 3300
# A picture smaller than this (its longer side) holds no form anyone could read.
MIN_SIDE = 400
# Tesseract's language data: Vietnamese (Latin letters, digits and addresses are part of it).
LANGUAGE = "vie"
# A form holds about 150 words; a page of far more is not one, and is cut there.
MAX_WORDS = 5000
# The seconds the child keeps for itself out of the sandbox's time: sending back, exiting.
_MARGIN_SECONDS = 2.0

NO_OCR = gettext_noop(
    "Loa cannot read photos and scans on this server (Tesseract is not installed). "
    "Enter the values by hand, or ask the administrator to install it."
)
TOO_SMALL = gettext_noop(
    "The picture%(name)s is only %(width)s×%(height)s pixels: too small to read. "
    "Ask the unit for a sharper photo of the whole form."
)
NO_PAGE = gettext_noop(
    "The file%(name)s has no page that could be read: it is damaged or not a PDF. Ask the unit to scan the form again."
)


@dataclass(frozen=True)
class Word:
    """A word as Tesseract read it: its box in the page's pixels, its confidence (0–100) and the
    line Tesseract put it in (block, paragraph, line)."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float
    line: tuple

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    @property
    def middle(self) -> float:
        return self.top + self.height / 2


@dataclass
class ScanPage:
    number: int
    width: int
    height: int
    turned: int  # degrees the picture was turned to stand upright: 0, 90, 180 or 270
    skew: float  # degrees it was then straightened by
    seconds: float  # the time its reading took in the child
    cpu_seconds: float  # the CPU time it took, the child's and Tesseract's
    words: list = field(default_factory=list)
    # The table's rules Loa found and removed before Tesseract read the page, in the same pixels as the
    # words: {"rows": [[y, x0, x1]], "columns": [[x, y0, y1]]}.
    rules: dict = field(default_factory=dict)


@dataclass
class Scan:
    kind: str  # jpeg, png or pdf
    pages: list  # ScanPage, at most OCR_MAX_PAGES
    page_count: int  # the file's pages (a PDF may have more than were read)
    stopped_early: bool = False  # the time ran out before every page wanted was read
    skipped: list = field(default_factory=list)  # numbers of pages not read: without a table, beside pages with one


def read_scan(
    upload: Upload, *, name: str | None = None, max_pages: int | None = None, max_bytes: int | None = None
) -> Scan:
    """The words on the pages of a photo or scan (JPEG, PNG or PDF; a file or bytes), read in the sandbox.

    Raises ValidationError in Vietnamese for a file that is not such a picture or PDF, too big, too
    small, damaged, or too long to read."""
    data, kind = open_upload(upload, SCANS, max_bytes=max_bytes, name=name)
    limits = sandbox.Limits.from_settings()
    max_pages = max_pages or settings.OCR_MAX_PAGES
    scan = Scan(kind=kind, pages=[], page_count=1)
    with sandbox.stream(
        _scan,
        data,
        kind,
        max_pages=max_pages,
        budget=limits.timeout_seconds - _MARGIN_SECONDS,
        name=upload_name(upload, name),
        kind=wanted(SCANS),
        limits=limits,
    ) as items:
        for item in items:
            if "page_count" in item:
                scan.page_count = item["page_count"]
            elif "stopped" in item:
                scan.stopped_early = True
            elif "skipped" in item:
                scan.skipped = item["skipped"]
            else:
                words = [Word(*w[:6], line=tuple(w[6])) for w in item.pop("words")]  # type: ignore[misc]  # w[:6]: 6 values
                scan.pages.append(ScanPage(**item, words=words))
    return scan


# --- The child's side: these run in the sandbox only ------------------------------------------------


class _Clock:
    """The child's own deadline, shared by the programs it starts."""

    def __init__(self, budget: float) -> None:
        self.ends = time.monotonic() + budget

    def left(self) -> float:
        return max(self.ends - time.monotonic(), 0.0)


def _die_with_parent() -> None:
    """In a program the child starts, before it runs: be killed when the child dies (the sandbox
    kills the child at its time limit; the program must not go on alone)."""
    ctypes.CDLL(None, use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL


def _run(command: list[str], data: bytes | None, clock: _Clock) -> subprocess.CompletedProcess[bytes]:
    """A program's output for `data` on its input; Refused too_complex when the time runs out."""
    left = clock.left()
    if left <= 0:
        raise Refused("too_complex", sandbox.TOO_COMPLEX)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "OMP_THREAD_LIMIT": "1", "LC_ALL": "C"}
    try:
        done = subprocess.run(
            command, input=data, capture_output=True, timeout=left, env=env, preexec_fn=_die_with_parent, check=False
        )
    except subprocess.TimeoutExpired:
        raise Refused("too_complex", sandbox.TOO_COMPLEX) from None
    return done


def _scan(data: bytes, kind: str, *, max_pages: int, budget: float) -> Iterator[dict[str, Any]]:
    """Yields {"page_count": n}, then one dict per page read, then {"stopped": True} if the time ran out."""
    if not shutil.which("tesseract"):
        raise Refused("no_ocr", NO_OCR)
    clock = _Clock(budget)
    if kind == PDF:
        count = _pdf_page_count(data, clock)
        yield {"page_count": count}
        pages = [(number, _prepared(_pdf_page(data, number, clock))) for number in range(1, min(count, max_pages) + 1)]
        # A scan often puts the letter or a cover page before the form: pages with a table's rules are read
        # first, and alone when there are any (a form printed without borders is read when none has rules).
        ruled = [(number, page) for number, page in pages if _has_table(page)]
        if ruled and len(ruled) < len(pages):
            read = {number for number, _page in ruled}
            yield {"skipped": [number for number, _page in pages if number not in read]}
        for index, (number, page) in enumerate(ruled or pages):
            try:
                yield _read_page(page, number, clock)
            except Refused as exc:
                if exc.code != "too_complex" or index == 0:
                    raise
                yield {"stopped": True}  # the pages read are worth more than a refusal for the rest
                return
    else:
        yield {"page_count": 1}
        yield _read_page(_prepared(_picture(data)), 1, clock)


def _has_table(page: PILImage) -> bool:
    """Whether the page shows a table's rules: two long ones across it (or down it, turned sideways)."""
    _clean, rules = _rules(page)
    across = [r for r in rules["rows"] if r[2] - r[1] >= page.width / 3]
    down = [r for r in rules["columns"] if r[2] - r[1] >= page.height / 3]
    return len(across) >= 2 or len(down) >= 2


def _pdf_page_count(data: bytes, clock: _Clock) -> int:
    done = _run(["pdfinfo", "-"], data, clock)
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("Pages:") and line.split()[-1].isdigit():
            count = int(line.split()[-1])
            if count > 0:
                return count
    raise Refused("unreadable", NO_PAGE)


def _pdf_page(data: bytes, number: int, clock: _Clock) -> PILImage:
    """Page `number` of a PDF rendered by pdftoppm, its longer side TARGET_SIDE pixels, whatever size
    the page claims (so a page of 5 metres costs what an A4 costs)."""
    from PIL import Image

    done = _run(
        ["pdftoppm", "-f", str(number), "-l", str(number), "-gray", "-png", "-scale-to", str(TARGET_SIDE), "-"],
        data,
        clock,
    )
    if done.returncode != 0 or not done.stdout:
        raise Refused("unreadable", NO_PAGE)
    return Image.open(io.BytesIO(done.stdout), formats=["PNG"])


def _picture(data: bytes) -> PILImage:
    from PIL import ImageOps

    image = open_picture(data)
    width, height = image.size
    if max(width, height) < MIN_SIDE:
        raise Refused("too_small", TOO_SMALL, width=width, height=height)
    if image.format == "JPEG":
        image.draft("L", (TARGET_SIDE, TARGET_SIDE))  # decode a big photo at a fraction of its size
    return ImageOps.exif_transpose(image)


def _read_page(page: PILImage, number: int, clock: _Clock) -> dict[str, Any]:
    """A prepared page turned upright, straightened, its rules found and removed, then read."""
    started, used = time.monotonic(), _cpu_seconds()
    turned = _orientation(page, clock)
    if turned:
        page = page.rotate(-turned, expand=True)  # PIL turns counter-clockwise; OSD says clockwise
    skew = _skew(page)
    if skew:
        page = page.rotate(skew, resample=_bicubic(), expand=True, fillcolor=255)
    clean, rules = _rules(page)
    words = _words(clean, clock)
    return {
        "number": number,
        "width": page.width,
        "height": page.height,
        "turned": turned,
        "skew": skew,
        "seconds": round(time.monotonic() - started, 2),
        "cpu_seconds": round(_cpu_seconds() - used, 2),
        "words": words[:MAX_WORDS],
        "rules": rules,
    }


def _cpu_seconds() -> float:
    """CPU time of this child and of the programs it ran (Tesseract)."""
    own, programs = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + programs.ru_utime + programs.ru_stime


def _bicubic() -> Image.Resampling:
    from PIL import Image

    return Image.Resampling.BICUBIC


def _prepared(image: PILImage) -> PILImage:
    """Grey, evenly lit, contrast stretched, longer side TARGET_SIDE (a small photo is enlarged up to 3 times)."""
    from PIL import ImageOps

    grey = image.convert("L")
    scale = min(TARGET_SIDE / max(grey.size), 3.0)
    if abs(scale - 1) > 0.05:
        grey = grey.resize((round(grey.width * scale), round(grey.height * scale)), _bicubic())
    return ImageOps.autocontrast(_evenly_lit(grey), cutoff=0.5)


def _evenly_lit(grey: PILImage) -> PILImage:
    """The page without its shadows and the desk around it: each pixel's darkness below the paper's
    brightness around it. The paper's brightness is the brightest nearby pixel of a copy 8 times
    smaller (text is gone at that size), blurred and enlarged again."""
    from PIL import Image, ImageChops, ImageFilter, ImageOps

    small = grey.resize((max(grey.width // 8, 1), max(grey.height // 8, 1)), Image.Resampling.BOX)
    paper = small.filter(ImageFilter.MaxFilter(7)).filter(ImageFilter.GaussianBlur(3))
    paper = paper.resize(grey.size, Image.Resampling.BILINEAR)
    return ImageOps.invert(ImageChops.subtract(paper, grey))


def _png(image: PILImage) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()


def _orientation(page: PILImage, clock: _Clock) -> int:
    """Degrees (clockwise) the page is turned, by Tesseract's OSD; 0 when it is unsure or finds too
    little text."""
    small = page.copy()
    small.thumbnail((2000, 2000))
    done = _run(["tesseract", "stdin", "stdout", "--psm", "0", "-l", "osd"], _png(small), clock)
    found = {}
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        key, _sep, value = line.partition(":")
        found[key.strip()] = value.strip()
    try:
        rotate, confidence = int(found.get("Rotate", "0")), float(found.get("Orientation confidence", "0"))
    except ValueError:
        return 0
    return rotate if rotate in (90, 180, 270) and confidence >= 1.5 else 0


def _ink(page: PILImage, side: int = 1200) -> PILImage:
    """A small black-and-white copy of the page, ink white on black."""
    small = page.copy()
    small.thumbnail((side, side))
    threshold = _otsu(small)
    return small.point(lambda v: 255 if v <= threshold else 0)


def _otsu(image: PILImage) -> int:
    """The grey level that best splits the picture's pixels into ink and paper (Otsu's method)."""
    histogram = image.histogram()
    total = sum(histogram)
    weighted = sum(i * h for i, h in enumerate(histogram))
    best, threshold, below, below_weighted = -1.0, 128, 0, 0
    for level in range(256):
        below += histogram[level]
        below_weighted += level * histogram[level]
        above = total - below
        if below == 0 or above == 0:
            continue
        spread = below * above * (below_weighted / below - (weighted - below_weighted) / above) ** 2
        if spread > best:
            best, threshold = spread, level
    return threshold


# Rules: ink that fills most of RULE_RUN pixels in a row (a horizontal rule) or a column (a vertical one)…
RULE_RUN = 60
# …for at least this many runs in a row: a letter's stroke, a word's underline, are shorter.
RULE_MIN_RUNS = 3


def _rules(page: PILImage) -> tuple[PILImage, dict[str, list[list[int]]]]:
    """The table's rules, found and painted white (Tesseract reads a table's words much better
    without them): (page without its rules, {"rows": [[y, x0, x1]], "columns": [[x, y0, y1]]})."""
    from PIL import Image, ImageChops

    threshold = _otsu(page)
    ink = page.point(lambda v: 255 if v <= threshold else 0)
    width, height = ink.size
    # A pixel per run of each row, of each column. A row of letters may be inked over most of a run, a
    # column of them hardly ever (letters are shorter than a run).
    across = ink.resize((max(width // RULE_RUN, 1), height), Image.Resampling.BOX).point(_full(215))
    down = ink.resize((width, max(height // RULE_RUN, 1)), Image.Resampling.BOX).point(_full(160))
    across, rows = _long_runs(across)
    down, columns = _long_runs(down.transpose(Image.Transpose.TRANSPOSE))
    down = down.transpose(Image.Transpose.TRANSPOSE)
    # Painted two pixels wider on each side than found (the grey edges of a rule are not ink), and a run
    # longer at each end (where a rule meets a border, its last run is not full).
    across, down = _thicker(across, 1, 2), _thicker(down, 2, 1)
    rules = ImageChops.lighter(*(m.resize((width, height), Image.Resampling.NEAREST) for m in (across, down)))
    return ImageChops.lighter(page, rules), {"rows": rows, "columns": columns}


def _full(threshold: int) -> Callable[[int], int]:
    return lambda value: 255 if value >= threshold else 0


def _thicker(mask: PILImage, dx: int, dy: int) -> PILImage:
    """The mask widened by dx of its pixels left and right, then by dy up and down."""
    from PIL import ImageChops

    for shifts in ([(step, 0) for step in range(1, dx + 1)], [(0, step) for step in range(1, dy + 1)]):
        base = mask
        for x, y in shifts:
            mask = ImageChops.lighter(
                mask, ImageChops.lighter(ImageChops.offset(base, x, y), ImageChops.offset(base, -x, -y))
            )
    return mask


def _long_runs(mask: PILImage) -> tuple[PILImage, list[list[int]]]:
    """(the mask with only its runs of at least RULE_MIN_RUNS pixels, [[position, start, end]] of those
    runs in page pixels). The mask has a row per line of pixels and a pixel per run. Neighbouring lines
    of pixels that hold the same rule (a thick or slightly slanted one) make one rule, at their middle."""
    from PIL import Image

    width, height = mask.size
    data = mask.tobytes()
    kept = bytearray(len(data))
    found = []
    for line in range(height):
        row = data[line * width : (line + 1) * width]
        start = row.find(255)
        while start >= 0:
            end = row.find(0, start)
            end = width if end < 0 else end
            if end - start >= RULE_MIN_RUNS:
                kept[line * width + start : line * width + end] = row[start:end]
                found.append((line, start * RULE_RUN, end * RULE_RUN))
            start = row.find(255, end)
    done: list[list[int]] = []  # [first line, last line, start, end]
    open_rules: list[list[int]] = []
    for line, start, end in found:
        still: list[list[int]] = []
        for rule in open_rules:
            (still if line - rule[1] <= 4 else done).append(rule)
        open_rules = still
        for rule in open_rules:
            if start < rule[3] and end > rule[2]:
                rule[1], rule[2], rule[3] = line, min(rule[2], start), max(rule[3], end)
                break
        else:
            open_rules.append([line, line, start, end])
    rules = [[(first + last) // 2, start, end] for first, last, start, end in done + open_rules]
    return Image.frombytes("L", mask.size, bytes(kept)), rules


def _profile_score(ink: PILImage, angle: float) -> float:
    """How much the row sums of the ink turned by `angle` vary: highest when lines are level."""
    from PIL import Image, ImageStat

    turned = ink.rotate(angle, resample=Image.Resampling.NEAREST, expand=False, fillcolor=0)
    rows = turned.resize((1, turned.height), Image.Resampling.BOX)
    return ImageStat.Stat(rows).var[0]


def _skew(page: PILImage, limit: float = 10.0) -> float:
    """The angle (degrees, counter-clockwise) that makes the page's lines level: every whole degree
    within ±limit, then tenths around the best; 0 when no angle does better than none (a blank page)."""
    ink = _ink(page)
    level = _profile_score(ink, 0)
    coarse = max(range(-int(limit), int(limit) + 1), key=lambda a: _profile_score(ink, a))
    fine = max((coarse + t / 10 for t in range(-9, 10)), key=lambda a: _profile_score(ink, a))
    if abs(fine) < 0.2 or _profile_score(ink, fine) <= level * 1.02:
        return 0.0
    return round(fine, 1)


def _words(page: PILImage, clock: _Clock) -> list[list[Any]]:
    """Tesseract's words (TSV output) as [text, left, top, width, height, confidence, [block, paragraph, line]]."""
    done = _run(
        ["tesseract", "stdin", "stdout", "-l", LANGUAGE, "--psm", "3", "--dpi", "300", "tsv"], _png(page), clock
    )
    if done.returncode != 0:
        raise Refused("unreadable", sandbox.UNREADABLE_ANY)
    words = []
    for line in done.stdout.decode("utf-8", "replace").splitlines()[1:]:
        cells = line.split("\t")
        if len(cells) != 12 or cells[0] != "5":
            continue
        text = cells[11].strip()
        if not text:
            continue
        try:
            block, paragraph, line_number, left, top, width, height = (int(c) for c in (*cells[2:5], *cells[6:10]))
            conf = max(float(cells[10]), 0.0)
        except ValueError:
            continue
        words.append([text, left, top, width, height, round(conf, 1), [block, paragraph, line_number]])
    return words
