"""Which unit sent a returned form: by its code, its registered Page, its name in the file, the file's
name, or the slug of the Page's address.

Names are compared folded (no accents, lower case) with the usual abbreviations written out
("CĐCS" = "Công đoàn cơ sở", "TP" = "thành phố", "BV" = "bệnh viện"), and without the leading
"Công đoàn cơ sở" that every recipient shares. Only the task's recipients are candidates. When a
file names two units, the longer name wins if it contains the shorter one ("Trường THPT Thành phố
Cao Bằng" over "Trường THPT Cao Bằng" is not a containment, so that stays ambiguous).
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from loa.core.facebook import page_key, page_slug, page_url
from loa.core.text import fold

_ABBREVIATIONS = {
    "cdcs": "cong doan co so",
    "cd": "cong doan",
    "tp": "thanh pho",
    "bv": "benh vien",
    "bvdk": "benh vien da khoa",
    "dk": "da khoa",
    "ttyt": "trung tam y te",
    "ubnd": "uy ban nhan dan",
}
_PREFIXES = ("cong doan co so ", "cong doan ")
_WORDS = re.compile(r"[a-z0-9]+")


def words(text):
    """Folded words with abbreviations written out: "CĐCS Trường THPT TP. Cao Bằng" ->
    "cong doan co so truong thpt thanh pho cao bang"."""
    out = []
    for word in _WORDS.findall(fold(text).replace("_", " ")):
        out.append(_ABBREVIATIONS.get(word, word))
    return " ".join(out)


def core_name(name):
    """A unit's name without the "Công đoàn cơ sở" every recipient shares."""
    text = words(name)
    for prefix in _PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix) + 3:
            return text[len(prefix) :]
    return text


def _contains(haystack, needle):
    return bool(needle) and f" {needle} " in f" {haystack} "


@dataclass
class Match:
    unit: object = None
    method: str = "none"  # code, page, content, file_name, slug, ambiguous, none
    candidates: list = field(default_factory=list)
    evidence: str = ""

    def as_json(self):
        return {"method": self.method, "candidates": [u.pk for u in self.candidates], "evidence": self.evidence}


# Words a file name often leaves out ("BC mam non Hoa An.docx" for "Trường Mầm non Hòa An").
_FILE_NAME_OPTIONAL = {"truong", "cong", "doan", "co", "so"}


def _loose(name):
    return " ".join(w for w in name.split() if w not in _FILE_NAME_OPTIONAL)


def _named(units, text, loose=False):
    """The units whose core name appears in text, dropping a name contained in a longer one found."""

    def key(name):
        return _loose(core_name(name)) if loose else core_name(name)

    found = [u for u in units if _contains(text, key(u.name)) or (u.short_name and _contains(text, key(u.short_name)))]
    keep = []
    for unit in found:
        mine = key(unit.name)
        if any(other is not unit and mine != key(other.name) and _contains(key(other.name), mine) for other in found):
            continue
        keep.append(unit)
    return keep


def _code_hits(units, raw_text):
    text = raw_text.upper()
    hits = []
    for unit in units:
        code = (unit.code or "").upper()
        if len(code) >= 3 and re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text):
            hits.append(unit)
    return hits


def _similar(units, text, limit=3):
    """Closest units by shared words, for the admin to pick from when nothing matched."""
    have = set(text.split())
    scored = []
    for unit in units:
        mine = set(core_name(unit.name).split())
        if mine:
            score = len(mine & have) / len(mine)
            if score >= 0.5:
                scored.append((score, unit))
    scored.sort(key=lambda pair: (-pair[0], pair[1].name_sort))
    return [unit for _, unit in scored[:limit]]


# Written out for matching, written short again for an address's slug ("cdcs.thpt.tpcaobang").
_SHORT_AGAIN = [
    ("benh vien da khoa", "bvdk"),
    ("trung tam y te", "ttyt"),
    ("thanh pho", "tp"),
    ("benh vien", "bv"),
    ("uy ban nhan dan", "ubnd"),
]


def _squashed_names(unit):
    """A unit's core name without spaces, long and short ("thptthanhphocaobang", "thpttpcaobang")."""
    name = _loose(core_name(unit.name))
    short = name
    for long_form, abbreviation in _SHORT_AGAIN:
        short = short.replace(long_form, abbreviation)
    return {v.replace(" ", "") for v in (name, short) if len(v.replace(" ", "")) >= 6}


def _slug_hits(units, urls):
    """The units whose name is spelled in a Page address's slug (facebook.com/cdcs.thpt.tpcaobang)."""
    slugs = [words(page_slug(url)).replace(" ", "") for url in urls]
    slugs = [s for s in slugs if s]
    if not slugs:
        return []
    found = [
        (u, max(len(n) for n in names if any(n in s for s in slugs)))
        for u in units
        if (names := _squashed_names(u)) and any(n in s for n in names for s in slugs)
    ]
    if not found:
        return []
    longest = max(length for _, length in found)
    return [u for u, length in found if length == longest]


def _page_hits(units, pages, urls, page_names):
    """Recipients whose registered Page the file names: by its address, else by its exact name."""
    if not pages:
        return []
    keys = {page_key(url_of(u)) for u in urls if url_of(u)}
    by_key = [u for u in units if u.pk in pages and pages[u.pk].url_key and pages[u.pk].url_key in keys]
    if by_key:
        return by_key
    names = {words(n) for n in page_names if n}
    return [u for u in units if u.pk in pages and words(pages[u.pk].name) in names]


def url_of(raw):
    try:
        return page_url(raw)
    except ValidationError:
        return ""


def match_unit(*, lines, file_name, recipients, urls=(), pages=None, page_names=()):
    """Match a parsed file to one of the recipients: by a code written in it, by the unit's registered
    Page (its address, or its name in the table), by the unit's name in its text (the unit's line above
    the table, the Page's name), by the file's name, then by the Page address's slug. `pages`:
    {unit id: Fanpage} of the recipients that have one."""
    units = list(recipients)
    raw = "\n".join(lines)
    codes = _code_hits(units, raw + "\n" + (file_name or ""))
    if len(codes) == 1:
        return Match(codes[0], "code", codes, codes[0].code)
    registered = _page_hits(units, pages, urls, page_names)
    if len(registered) == 1:
        return Match(registered[0], "page", registered, pages[registered[0].pk].name)
    content = " | ".join(words(line) for line in lines)
    stem = words(re.sub(r"\.[A-Za-z0-9]{2,5}$", "", file_name or ""))
    in_content = _named(units, content)
    in_name = _named(units, stem, loose=True)
    if len(in_content) == 1:
        return Match(in_content[0], "content", in_content, in_content[0].name)
    if len(in_content) > 1:
        narrowed = [u for u in in_content if u in in_name]
        if len(narrowed) == 1:
            return Match(narrowed[0], "file_name", narrowed, file_name)
        return Match(None, "ambiguous", in_content)
    if len(in_name) == 1:
        return Match(in_name[0], "file_name", in_name, file_name)
    if len(in_name) > 1:
        return Match(None, "ambiguous", in_name)
    by_slug = _slug_hits(units, urls)
    if len(by_slug) == 1:
        return Match(by_slug[0], "slug", by_slug, by_slug[0].name)
    for several in (codes, registered, by_slug):
        if len(several) > 1:
            return Match(None, "ambiguous", several)
    return Match(None, "none", _similar(units, content + " " + stem))
