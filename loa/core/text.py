"""Vietnamese text: accent-insensitive search keys and alphabetical sort keys.

Both are stored in columns beside the text they come from, so that search and ordering are the
same on SQLite and PostgreSQL and can use an index.

The sort key mirrors ICU's `vi` collation (checked against PostgreSQL's "vi-VN-x-icu"):
letters are compared first (a < ă < â, d < đ, e < ê, o < ô < ơ, u < ư), then tones
(none < huyền < hỏi < ngã < sắc < nặng), then case (lower before upper). Spaces sort before
punctuation, punctuation before digits, digits before letters. Python's sorted(), pyuca and
unidecode all get some of this wrong.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from typing import TypeVar

Weights = tuple[str, str, str]
V = TypeVar("V")

_COMBINING_TONES = {
    "\u0300": 1,  # huyền (grave)
    "\u0309": 2,  # hỏi (hook above)
    "\u0303": 3,  # ngã (tilde)
    "\u0301": 4,  # sắc (acute)
    "\u0323": 5,  # nặng (dot below)
}
# Marks that make a different letter rather than a tone.
_LETTER_MARKS = {"\u0306": "\u0306", "\u0302": "\u0302", "\u031b": "\u031b"}

_LETTERS = [
    "a",
    "a\u0306",
    "a\u0302",
    "b",
    "c",
    "d",
    "đ",
    "e",
    "e\u0302",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "o\u0302",
    "o\u031b",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "u\u031b",
    "v",
    "w",
    "x",
    "y",
    "z",
]
# Punctuation and symbols in ICU's order (read off "vi-VN-x-icu"): typographic quotes and dashes
# among them ("Ea H’leo", "Hội thi – 2021") sort as punctuation, before digits and letters.
_PUNCTUATION = "_-\u2010\u2011\u2013\u2014,;:!?.\u2026\u00b7'\u2018\u2019\"\u201c\u201d\u00ab\u00bb()[]{}\u00a7\u00b6@*/\\&#%\u2022\u2032\u2033`^\u00b0\u00a9\u00ae+\u00b1\u00f7\u00d7<=>|~$\u00a3\u00a5\u20ac"
# Those added when the list grew past ASCII: stored keys of names holding them were computed again
# (migrations units/0006, directives/0006, accounts/0004).
PUNCTUATION_ADDED_2026 = "\u2010\u2011\u2013\u2014\u2026\u00b7\u2018\u2019\u201c\u201d\u00ab\u00bb\u00a7\u00b6\u2022\u2032\u2033\u00b0\u00a9\u00ae\u00b1\u00f7\u00d7\u00a3\u00a5\u20ac"
_PRIMARY = {" ": 1}
for _i, _ch in enumerate(_PUNCTUATION):
    _PRIMARY[_ch] = 0x10 + _i
for _i in range(10):
    _PRIMARY[str(_i)] = 0x100 + _i
for _i, _letter in enumerate(_LETTERS):
    _PRIMARY[_letter] = 0x200 + _i
_OTHER_BASE = 0x1000  # any other character: after Latin letters, in code point order


def _letters(text: str) -> Iterator[tuple[str, int, bool]]:
    """Yield (base letter incl. its letter marks, tone, is_upper) for each character of text."""
    if text.isascii():  # nothing to compose or decompose (codes, numbers)
        for ch in text:
            yield ch.lower(), 0, ch.isupper()
        return
    for ch in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", ch)
        base = decomposed[0]
        upper = base.isupper() or ch in "Đ"
        base = base.lower()
        if ch in "đĐ":
            base = "đ"
        tone = 0
        for mark in decomposed[1:]:
            if mark in _COMBINING_TONES:
                tone = _COMBINING_TONES[mark]
            elif mark in _LETTER_MARKS:
                base += mark
            # other marks (rare outside Vietnamese) are ignored
        yield base, tone, upper


class _WordCache(dict[str, V]):
    """word -> compute(word), for words of letters only, emptied when it grows past `size` entries.

    Names repeat their words, so most lookups hit; numbers and codes are often unique and would only
    fill it. A dict whose misses call __missing__, so that map(cache.__getitem__, words) looks known
    words up from C, without a Python call per word (an import of 130,000 units looks up 3 million).
    """

    def __init__(self, compute: Callable[[str], V], size: int = 100_000) -> None:
        super().__init__()
        self.compute, self.size = compute, size

    def __missing__(self, word: str) -> V:
        value = self.compute(word)
        if word.isalpha():
            if len(self) >= self.size:
                self.clear()
            self[word] = value
        return value


def _weights(word: str) -> Weights:
    """(primary, secondary, tertiary) weights of a word, character by character."""
    primary, secondary, tertiary = [], [], []
    for base, tone, upper in _letters(word):
        weight = _PRIMARY.get(base)
        if weight is None:
            weight = min(_OTHER_BASE + ord(base[0]), 0xFFFF)
        primary.append(f"{weight:04x}")
        secondary.append(str(tone))
        tertiary.append("1" if upper else "0")
    return "".join(primary), "".join(secondary), "".join(tertiary)


# _weights of each ASCII character as str.translate tables: an ASCII word (a number, a code) then takes two
# translate calls instead of a Python loop over its characters. No tone on ASCII: the secondary level is zeros.
_ASCII_PRIMARY = {code: _weights(chr(code))[0] for code in range(128)}
_ASCII_TERTIARY = {code: _weights(chr(code))[2] for code in range(128)}


def _ascii_weights_of(word: str) -> Weights:
    return word.translate(_ASCII_PRIMARY), "0" * len(word), word.translate(_ASCII_TERTIARY)


def _word_weights(word: str) -> Weights:
    return _ascii_weights_of(word) if word.isascii() else _weights(word)


_WEIGHTS = _WordCache(_word_weights)


def sort_key(text: str) -> str:
    """A string that sorts, byte by byte, as ICU's Vietnamese collation sorts `text`.

    Three levels as in ICU: primary (letters), secondary (tones), tertiary (case), each a run
    of fixed-width hex weights, separated by a weight lower than any other.
    Weights are computed per word and cached (names repeat their words: an import of 130,000
    units would otherwise spend most of its time here); a space weighs 0001 / 0 / 0.
    """
    words = (text or "").split()  # runs of whitespace are one space; none at either end
    if not words:
        return "00000"  # three empty levels and the two separators between them
    primary, secondary, tertiary = zip(*map(_WEIGHTS.__getitem__, words))
    return "0001".join(primary) + "0000" + "0".join(secondary) + "0" + "0".join(tertiary)


def _fold_word(word: str) -> str:
    if word.isascii():  # codes, numbers, e-mail addresses: no Unicode work
        return word.lower()
    word = unicodedata.normalize("NFD", word.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in word if not unicodedata.combining(ch)).lower()


_FOLDED = _WordCache(_fold_word)


def fold(text: str) -> str:
    """Lower-case text without tones or letter marks: "Công đoàn Trường" -> "cong doan truong".

    Plain NFD stripping leaves "đ", so it is mapped by hand. Folded word by word, with a cache
    (names repeat their words; an import of 130,000 units folds 260,000 texts); the same result
    as folding the whole text, as no mark or case change crosses a space.
    """
    if not text:
        return ""
    folded = list(map(_FOLDED.__getitem__, text.split()))
    if "" in folded:  # a word of marks only
        folded = [word for word in folded if word]
    return " ".join(folded)


def search_terms(query: str) -> list[str]:
    """The folded words of a search box entry; every word must match."""
    return [word for word in fold(query).split(" ") if word]
