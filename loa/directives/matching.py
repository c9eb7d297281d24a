"""Which unit sent a returned form: by its code, by its name in the file, or by the file's name.

Names are compared folded (no accents, lower case) with the usual abbreviations written out
("CĐCS" = "Công đoàn cơ sở", "TP" = "thành phố", "BV" = "bệnh viện"), and without the leading
"Công đoàn cơ sở" that every recipient shares. Only the task's recipients are candidates. When a
file names two units, the longer name wins if it contains the shorter one ("Trường THPT Thành phố
Cao Bằng" over "Trường THPT Cao Bằng" is not a containment, so that stays ambiguous).
"""

import re
from dataclasses import dataclass, field

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
            return text[len(prefix):]
    return text


def _contains(haystack, needle):
    return bool(needle) and f" {needle} " in f" {haystack} "


@dataclass
class Match:
    unit: object = None
    method: str = "none"  # code, content, file_name, ambiguous, none
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


def match_unit(*, lines, file_name, recipients):
    """Match a parsed file (its text lines and its name) to one of the recipients."""
    units = list(recipients)
    raw = "\n".join(lines)
    codes = _code_hits(units, raw + "\n" + (file_name or ""))
    if len(codes) == 1:
        return Match(codes[0], "code", codes, codes[0].code)
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
    if len(codes) > 1:
        return Match(None, "ambiguous", codes)
    return Match(None, "none", _similar(units, content + " " + stem))
