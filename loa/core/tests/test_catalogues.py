"""The Vietnamese catalogue is complete, and one English text has one Vietnamese translation."""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.glob("*/locale/vi/LC_MESSAGES/django.po"))


def test_every_app_with_strings_has_a_catalogue():
    assert len(CATALOGUES) >= 8


def test_every_entry_is_translated_and_none_is_fuzzy():
    missing = []
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            done = any(entry.msgstr_plural.values()) if entry.msgid_plural else entry.msgstr
            if not done or "fuzzy" in entry.flags:
                missing.append(f"{path.parent.parent.parent.parent.name}: {entry.msgid!r}")
    assert not missing, "\n".join(missing)


def test_one_text_has_one_translation_across_apps():
    seen, clashes = {}, []
    for path in CATALOGUES:
        app = path.parents[3].name
        for entry in polib.pofile(str(path)):
            if entry.obsolete or entry.msgid_plural or not entry.msgstr:
                continue
            key = (entry.msgctxt, entry.msgid)
            if key in seen and seen[key][1] != entry.msgstr:
                clashes.append(f"{entry.msgid!r}: {seen[key][0]}={seen[key][1]!r} vs {app}={entry.msgstr!r}")
            seen.setdefault(key, (app, entry.msgstr))
    assert not clashes, "\n".join(clashes)
