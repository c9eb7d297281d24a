"""A table found among the words OCR read on a page (loa/core/ocr.py), by its header's column titles.

Tesseract reads words and their boxes; which words make a cell, a row, a column is decided here,
in the worker, from their positions (plain data sent back by the sandbox; the work is bounded by
the number of words, at most ocr.MAX_WORDS a page):

- **lines**: words whose middles are at the same height;
- **the header**: the band of the page whose words, gathered by column, have the titles a caller's
  `header_fields(cells)` recognises (it returns {column index: field}, or {} when the cells are
  not a header). With the table's rules (found on the page before OCR), a band is the space
  between two horizontal rules and the columns are the spaces between vertical ones; without
  rules (a sheet printed without borders), a band is one to three lines and the columns are the
  gaps that no word crosses;
- **rows**: with rules, each band under the header; without, a line with a number in the "Stt"
  column starts a row (or, with no such column, a line with text in two columns), and the lines
  under it belong to it, until the signature block or a wide gap;
- **cells**: a row's words in each column's span, line by line.

Everything above the header (the unit's name, the title) and under the table (the signature) comes
back as blocks of text lines: a block is cut from its neighbour on the same line by a wide gap, and
takes the lines right under it (the unit's name on two lines is one block).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from statistics import median
from typing import Any

from loa.core.ocr import RULE_RUN, ScanPage, Word
from loa.core.text import fold

# Column spans across the page, left to right: [(x0, x1)].
Columns = list[tuple[float, float]]
# What recognises a table's header: the titles of its columns -> {column index: field}, empty when it is no header.
HeaderFields = Callable[[list[str]], dict[int, str]]

# Characters a table's rules and the page's edges leave around words.
_EDGE_JUNK = "|[]{}_—–=~¦\\‘’“”"
_NUMBER = re.compile(r"^\(?\d{1,3}[.)]?$")
# How far a rule's ends may be from where they were found: rules are found in runs of ocr.RULE_RUN pixels.
RULE_SLACK = RULE_RUN
# A band between two rules taller than this many words is not a row of the form (the page's edge).
MAX_ROW_LINES = 12
# Lines that end a table: the signature block and the place-and-date line (folded).
_SIGNATURE = re.compile(
    r"^(?:tm\b|t/m\b|ban chap hanh|chu tich|pho chu tich|nguoi lap|nguoi bao cao|xac nhan|noi nhan|"
    r"thu truong|ky ten|\(ky|.{0,40}\bngay\s*\.*\s*\d*\s*thang\b)"
)

_PUNCTUATION_ONLY = re.compile(r"^[\W_]+$")
# Marks that mean something on their own: a dash, brackets, what separates two phones.
_KEPT_MARKS = ("-", "(", ")", "/", ";", ",")


@dataclass
class Line:
    words: list  # ocr.Word, left to right
    top: int
    bottom: int

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def left(self) -> int:
        return self.words[0].left

    @property
    def right(self) -> int:
        return max(w.right for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass
class Cell:
    text: str = ""
    confidence: float = 0.0  # 0–100: the words' confidences, weighted by their length
    lines: list = field(default_factory=list)  # the cell's text line by line


@dataclass
class Table:
    fields: dict  # {column index: field}
    columns: list  # [(x0, x1)] in page pixels, left to right
    rows: list  # [{column index: Cell}], top to bottom
    above: list  # blocks of text above the header, each a list of lines
    below: list  # blocks of text under the table
    ruled: bool  # found with the table's rules


def clean_words(words: list[Word]) -> list[Word]:
    """The words without the bits of rules, edges and specks OCR reads as characters."""
    kept = []
    for word in words:
        text = word.text.strip(_EDGE_JUNK)
        if not text or (_PUNCTUATION_ONLY.match(text) and text not in _KEPT_MARKS):
            continue
        if text != word.text:
            word = type(word)(text, word.left, word.top, word.width, word.height, word.conf, word.line)
        kept.append(word)
    return kept


def word_height(words: list[Word]) -> float:
    return median(w.height for w in words) if words else 1


def lines_of(words: list[Word], height: float | None = None) -> list[Line]:
    """Words grouped into lines: a word whose middle is within 0.6 of a word's height of a line's
    middle belongs to it."""
    height = height or word_height(words)
    lines: list[Line] = []
    for word in sorted(words, key=lambda w: w.middle):
        line = lines[-1] if lines else None
        if line is not None and abs(word.middle - line.middle) <= 0.6 * height:
            line.words.append(word)
            line.top, line.bottom = min(line.top, word.top), max(line.bottom, word.bottom)
        else:
            lines.append(Line([word], word.top, word.bottom))
    for line in lines:
        line.words.sort(key=lambda w: w.left)
    return lines


def phrases(line: Line, height: float) -> list[tuple[int, int, str]]:
    """A line cut where a gap wider than a word's height separates two blocks (the unit's name on
    the left and the national motto on the right share the page's first lines): [(x0, x1, text)]."""
    out, current = [], [line.words[0]]
    for word in line.words[1:] + [None]:
        if word is None or word.left - current[-1].right > height:
            out.append((current[0].left, max(w.right for w in current), " ".join(w.text for w in current)))
            current = []
        if word is not None:
            current.append(word)
    return out


def blocks(words: list[Word], height: float) -> list[list[str]]:
    """The words as blocks of text, top to bottom: each block a list of lines, a line joining the
    block above it when it starts within a line's height under it and overlaps it across."""
    found: list[list[Any]] = []  # [x0, x1, bottom, [texts]]
    for line in lines_of(words, height) if words else []:
        for x0, x1, text in phrases(line, height):
            block = next((b for b in reversed(found) if line.top - b[2] <= height and x0 < b[1] and x1 > b[0]), None)
            if block is None:
                found.append([x0, x1, line.bottom, [text]])
            else:
                block[0], block[1], block[2] = min(block[0], x0), max(block[1], x1), line.bottom
                block[3].append(text)
    return [block[3] for block in found]


def cell_of(words: list[Word], height: float) -> Cell:
    """A Cell of the words in one column of one row, read line by line."""
    if not words:
        return Cell()
    texts = [line.text for line in lines_of(words, height)]
    weight = sum(len(w.text) for w in words)
    confidence = sum(w.conf * len(w.text) for w in words) / weight
    return Cell(" ".join(texts), round(confidence, 1), texts)


def _column_of(word: Word, columns: Columns) -> int:
    """The index of the column whose span holds the word's centre (the nearest one otherwise)."""
    centre = word.left + word.width / 2
    for index, (x0, x1) in enumerate(columns):
        if x0 <= centre < x1:
            return index
    return min(range(len(columns)), key=lambda i: min(abs(centre - columns[i][0]), abs(centre - columns[i][1])))


def _cells(words: list[Word], columns: Columns, height: float) -> dict[int, Cell]:
    by_column: dict[int, list[Word]] = {}
    for word in words:
        by_column.setdefault(_column_of(word, columns), []).append(word)
    return {index: cell_of(found, height) for index, found in by_column.items()}


def _spans(words: list[Word], height: float) -> list[list[int]]:
    """The spans that words cover across the page, split where no word crosses a gap wider than 0.7 of
    a word's height: [[x0, x1]], left to right."""
    spans: list[list[int]] = []
    for word in sorted(words, key=lambda w: w.left):
        if spans and word.left <= spans[-1][1] + 0.7 * height:
            spans[-1][1] = max(spans[-1][1], word.right)
        else:
            spans.append([word.left, word.right])
    return spans


def _gutters(words: list[Word], height: float) -> Columns:
    """Columns as the gaps no word crosses."""
    return _widened(_spans(words, height))


def _widened(spans: Sequence[Sequence[float]]) -> Columns:
    """Spans stretched to meet halfway, so that each word of a row falls in one."""
    columns = []
    for index, (x0, x1) in enumerate(spans):
        left = (spans[index - 1][1] + x0) / 2 if index else float("-inf")
        right = (x1 + spans[index + 1][0]) / 2 if index + 1 < len(spans) else float("inf")
        columns.append((left, right))
    return columns


def _header_of(cells: dict[int, Cell], header_fields: HeaderFields) -> dict[int, str]:
    texts = [cells[i].text if i in cells else "" for i in range(max(cells, default=-1) + 1)]
    return header_fields(texts)


# --- With the table's rules ------------------------------------------------------------------------


def _rows_of_rules(rules: dict[str, list[list[int]]], page_width: int) -> list[list[int]]:
    """The horizontal rules long enough to be a table's (a third of the page), top to bottom, those
    within a few pixels of each other taken once."""
    rows = sorted((r for r in rules.get("rows", []) if r[2] - r[1] >= page_width / 3), key=lambda r: r[0])
    merged: list[list[int]] = []
    for rule in rows:
        if merged and rule[0] - merged[-1][0] < 12 and _overlap(rule[1:], merged[-1][1:]) > 0:
            continue
        merged.append(rule)
    return merged


def _overlap(a: Sequence[float], b: Sequence[float]) -> float:
    """How much of the shorter of two spans the other covers (0–1)."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    return max(shared, 0) / max(min(a[1] - a[0], b[1] - b[0]), 1)


def _columns_between(
    rules: dict[str, list[list[int]]], top: float, bottom: float, span: Sequence[float]
) -> Columns | None:
    """Column spans from the vertical rules crossing the band from top to bottom (the outer ones open,
    for words beyond a border the scan lost), or None when fewer than three rules cross it."""
    reach = 2 * RULE_SLACK
    xs = sorted(
        r[0]
        for r in rules.get("columns", [])
        if r[1] < bottom - 0.25 * (bottom - top)
        and r[2] > top + 0.25 * (bottom - top)
        and span[0] - reach <= r[0] <= span[1] + reach
    )
    merged: list[int] = []
    for x in xs:
        if merged and x - merged[-1] < 20:
            continue
        merged.append(x)
    if len(merged) < 3:
        return None
    return [(float("-inf"), merged[0])] + list(pairwise(merged)) + [(merged[-1], float("inf"))]


def _band_words(words: list[Word], top: float, bottom: float, span: Sequence[float], height: float) -> list[Word]:
    reach = RULE_SLACK + height
    return [w for w in words if top < w.middle < bottom and span[0] - reach < w.left + w.width / 2 < span[1] + reach]


def _ruled_table(page: ScanPage, words: list[Word], height: float, header_fields: HeaderFields) -> Table | None:
    rows = _rows_of_rules(page.rules, page.width)
    for index in range(len(rows) - 1):
        top, bottom = rows[index], rows[index + 1]
        if _overlap(top[1:], bottom[1:]) < 0.6 or bottom[0] - top[0] < height:
            continue
        span = (max(top[1], bottom[1]), min(top[2], bottom[2]))
        band = _band_words(words, top[0], bottom[0], span, height)
        if not band:
            continue
        columns = _columns_between(page.rules, top[0], bottom[0], span) or _gutters(band, height)
        fields = _header_of(_cells(band, columns, height), header_fields)
        if not fields:
            continue
        body, last = [], bottom
        for below in rows[index + 2 :]:
            inside = _band_words(words, last[0], below[0], span, height)
            if (
                _overlap(span, below[1:]) < 0.6
                or below[0] - last[0] > MAX_ROW_LINES * height
                or (inside and _SIGNATURE.match(fold(lines_of(inside, height)[0].text)))
            ):
                break
            if inside:
                # The band's own rules where it has as many (a photo taken at an angle narrows the page
                # towards its top), else the header's.
                own = _columns_between(page.rules, last[0], below[0], span)
                body.append(_cells(inside, own if own and len(own) == len(columns) else columns, height))
            last = below
        above = [w for w in words if w.bottom <= top[0]]
        under = [w for w in words if w.top >= last[0]]
        return Table(fields, columns, _filled(body), blocks(above, height), blocks(under, height), ruled=True)
    return None


# --- Without rules -----------------------------------------------------------------------------------


def _unruled_table(lines: list[Line], height: float, header_fields: HeaderFields) -> Table | None:
    best = None
    for start in range(len(lines)):
        for size in (1, 2, 3):
            window = lines[start : start + size]
            if len(window) < size or window[-1].top - window[0].bottom > 3 * height:
                break
            words = [w for line in window for w in line.words]
            columns = _gutters(words, height)
            fields = _header_of(_cells(words, columns, height), header_fields)
            if fields:
                score = (len(set(fields.values())), len(columns), -size)
                if best is None or score > best[0]:
                    best = (score, start, size, columns, fields)
    if best is None:
        return None
    _score, start, size, columns, fields = best
    header = [w for line in lines[start : start + size] for w in line.words]
    body, under = _body_lines(lines, start + size, height)
    # The header's titles are narrower than their columns (a left-aligned name runs under the next
    # title's gap): the columns are the gaps that neither titles nor data cross, when they keep the titles.
    wider = _titled(_spans(header + [w for line in body for w in line.words], height), header)
    if set(_header_of(_cells(header, wider, height), header_fields).values()) == set(fields.values()):
        columns = wider
        fields = _header_of(_cells(header, wider, height), header_fields)
    rows = _rows_of_lines(body, columns, fields, height)
    cells = [_cells([w for line in row for w in line.words], columns, height) for row in rows]
    return Table(
        fields,
        columns,
        _filled(cells),
        blocks([w for line in lines[:start] for w in line.words], height),
        blocks([w for line in under for w in line.words], height),
        ruled=False,
    )


def _titled(spans: Sequence[Sequence[float]], header: list[Word]) -> Columns:
    """Columns from spans, a span under no title joined to the one on its left (a left-aligned cell's
    text runs on past its title's gap; the second of two phones on a line)."""
    merged: list[list[float]] = []
    for span in spans:
        titled = any(span[0] <= w.left + w.width / 2 <= span[1] for w in header)
        if merged and not titled:
            merged[-1][1] = span[1]
        else:
            merged.append(list(span))
    return _widened(merged)


def _body_lines(lines: list[Line], first: int, height: float) -> tuple[list[Line], list[Line]]:
    """(the lines under the header down to the signature block or a wide gap, the lines from there)."""
    for index in range(first, len(lines)):
        gap = lines[index].top - lines[index - 1].bottom
        if _SIGNATURE.match(fold(lines[index].text)) or gap > 3 * height:
            return lines[first:index], lines[index:]
    return lines[first:], []


def _rows_of_lines(lines: list[Line], columns: Columns, fields: dict[int, str], height: float) -> list[list[Line]]:
    """Lines grouped into rows: a number in the "Stt" column starts a row; without that column, a gap
    wider than a row's own line spacing does."""
    stt = next((i for i, f in fields.items() if f == "stt"), None)
    rows: list[list[Line]] = []
    previous: Line | None = None
    for line in lines:
        if stt is not None:
            cells = _cells(line.words, columns, height)
            starts = stt in cells and bool(_NUMBER.match(cells[stt].text))
        else:
            starts = (not rows and not _PARENTHESES.search(line.text)) or (
                previous is not None and line.top - previous.bottom > 0.6 * height
            )
        if starts:
            rows.append([line])
        elif rows:
            rows[-1].append(line)
        # else: a line before the first row carries on the header's titles
        previous = line
    return rows


_PARENTHESES = re.compile(r"^\(|\)$")
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")


def _filled(rows: list[dict[int, Cell]]) -> list[dict[int, Cell]]:
    """The rows without the "(1) (2) (3)…" row some forms put under the header."""
    return [row for row in rows if not all(_COLUMN_NUMBER.match(cell.text) for cell in row.values() if cell.text)]


def find_table(page: ScanPage, header_fields: HeaderFields) -> Table | None:
    """The first table on `page` (an ocr.ScanPage) whose header `header_fields` recognises, or None."""
    words = clean_words(page.words)
    if not words:
        return None
    height = word_height(words)
    table = _ruled_table(page, words, height, header_fields)
    if table is None:
        table = _unruled_table(lines_of(words, height), height, header_fields)
    return table


def page_blocks(page: ScanPage) -> list[list[str]]:
    """The page's text as blocks (see `blocks`), top to bottom."""
    words = clean_words(page.words)
    return blocks(words, word_height(words))
