"""The Fanpage form's header as OCR reads it: which column is which.

OCR misreads letters ("Người quảntj", "Số điện nHậ,") and the phone's title holds the
administrator's ("Số điện thoại người quản trị"), so a title is not found by exact words as in a
spreadsheet (returned_forms.header_fields). Here each column's header text, folded
(`loa.core.text.fold`), is scored against each field's usual titles: the share of a title found in
it, in runs of two letters or more close together (a short title like "Stt", "SĐT", "Link" must be
a whole word). The columns are then given fields in the form's order (Stt, Tên Trang Fanpage,
[Địa chỉ], Người quản trị, Số điện thoại, Ghi chú), the assignment with the highest total score:
"Người quản trị" then "Số điện thoại người quản trị" is the administrator then the phone, not the
phone's title taken for the administrator's. A column with text and no title readable takes the
field its place in the order leaves for it.

`form_header(cells)` gives {column index: field}, or {} when the cells are not the form's header
(fewer than three of its titles, or two without the Page's name).
"""

import re
from difflib import SequenceMatcher
from itertools import pairwise

from loa.core.text import fold

# The official form's columns, left to right; Loa's own form may add the address after the name.
ORDERS = (
    ("stt", "name", "admin_name", "admin_phone", "note"),
    ("stt", "name", "url", "admin_name", "admin_phone", "note"),
)
# Each field's titles as units write them, folded.
TITLES = {
    "stt": ("stt", "tt", "so tt", "so thu tu"),
    "name": ("ten trang fanpage", "ten trang", "ten fanpage", "ten page"),
    "url": ("dia chi trang", "dia chi", "link", "url", "duong dan"),
    "admin_name": ("nguoi quan tri", "nguoi qt", "quan tri vien", "qtv", "admin", "nguoi phu trach"),
    "admin_phone": ("so dien thoai nguoi quan tri", "so dien thoai", "dien thoai", "sdt", "so dt", "dt"),
    "note": ("ghi chu", "note"),
}
# The share of a title that must be found in a column's text for the column to be taken for it.
FOUND = 0.65
_WORDS = re.compile(r"[a-z0-9]+")


def title_score(text, field):
    """How much of one of the field's titles the header text holds (0–1; 0 below FOUND)."""
    folded = " ".join(_WORDS.findall(fold(text)))
    best = 0.0
    for title in TITLES[field]:
        if len(title) <= 4:
            score = 1.0 if f" {title} " in f" {folded} " else 0.0
        else:
            score = _found_share(title, folded)
        best = max(best, score)
    return best if best >= FOUND else 0.0


def _found_share(title, text):
    """The share of `title` found in `text` in runs of at least two characters, within a stretch of
    the text not much longer than the title (scattered letters of a long text do not count)."""
    blocks = [b for b in SequenceMatcher(None, title, text, autojunk=False).get_matching_blocks() if b.size >= 2]
    if not blocks:
        return 0.0
    span = blocks[-1].b + blocks[-1].size - blocks[0].b
    if span > 1.6 * len(title):
        return 0.0
    return sum(b.size for b in blocks) / len(title)


def form_header(cells):
    """{column index: field} for the header cells of the form's table, or {}."""
    scores = [{field: title_score(text, field) for field in TITLES} if text.strip() else {} for text in cells]
    best = {}
    for order in ORDERS:
        found = _aligned(scores, order)
        if sum(scores[i][f] for i, f in found.items()) > sum(scores[i][f] for i, f in best.items()):
            best = found
    fields = set(best.values()) - {"stt"}
    if len(fields) < 3 and not (len(fields) == 2 and "name" in fields):
        return {}
    return _by_order(best, [i for i, text in enumerate(cells) if text.strip()])


def _aligned(scores, order):
    """The columns' fields in `order`, left to right, with the highest total score (each column one
    field at most, each field one column at most): a small dynamic programme."""
    columns, places = len(scores), len(order)
    total = [[0.0] * (places + 1) for _ in range(columns + 1)]
    for i in range(columns - 1, -1, -1):
        for j in range(places - 1, -1, -1):
            take = scores[i].get(order[j], 0.0)
            total[i][j] = max(total[i + 1][j], total[i][j + 1], take + total[i + 1][j + 1] if take else 0.0)
    found, i, j = {}, 0, 0
    while i < columns and j < places:
        take = scores[i].get(order[j], 0.0)
        if take and total[i][j] == take + total[i + 1][j + 1]:
            found[i] = order[j]
            i, j = i + 1, j + 1
        elif total[i][j] == total[i + 1][j]:
            i += 1
        else:
            j += 1
    return found


def _by_order(found, filled):
    """Columns with text but no title read take the field the form's order puts there, when the
    titles read around them leave exactly as many fields between them as there are such columns."""
    order = next(o for o in ORDERS if all(f in o for f in found.values()))
    result = dict(found)
    anchors = (
        [(-1, -1)] + [(i, order.index(found[i])) for i in sorted(found)] + [(max(filled, default=0) + 1, len(order))]
    )
    for (left, left_place), (right, right_place) in pairwise(anchors):
        between = [i for i in filled if left < i < right and i not in found]
        missing = [f for f in order[left_place + 1 : right_place] if f not in found.values()]
        if between and len(between) == len(missing):
            result.update(zip(between, missing))
    return result
