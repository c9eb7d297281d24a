"""The changes between two versions of a piece, paragraph by paragraph (difflib)."""

import difflib


def paragraphs(text):
    return [p.strip() for p in (text or "").split("\n\n") if p.strip()]


def diff(old, new):
    """[(op, text)] with op in 'same', 'del', 'add'; the title first when it changed."""
    a, b = paragraphs(old), paragraphs(new)
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out += [("same", p) for p in a[i1:i2]]
        else:
            out += [("del", p) for p in a[i1:i2]]
            out += [("add", p) for p in b[j1:j2]]
    return out
