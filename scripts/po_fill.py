#!/usr/bin/env python
"""Fill a .po catalogue from a Python file defining T = {msgid: msgstr} (plural: a tuple key and a
list; with a context: "context\x04msgid", as gettext itself keys them).

Usage: scripts/po_fill.py loa/<app>/locale/vi/LC_MESSAGES/django.po translations.py
Prints the msgids still untranslated, so a catalogue can be checked for completeness.
"""

import runpy
import sys

import polib


def main(po_path, table_path=None):
    po = polib.pofile(po_path)
    table = runpy.run_path(table_path)["T"] if table_path else {}
    missing = []
    for entry in po:
        msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        key = (msgid, entry.msgid_plural) if entry.msgid_plural else msgid
        if key in table:
            value = table[key]
            if entry.msgid_plural:
                entry.msgstr_plural = {i: v for i, v in enumerate(value if isinstance(value, list) else [value])}
            else:
                entry.msgstr = value
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        translated = any(entry.msgstr_plural.values()) if entry.msgid_plural else entry.msgstr
        if not translated or "fuzzy" in entry.flags:
            missing.append(entry.msgid)
    po.save()
    for msgid in missing:
        print("untranslated:", repr(msgid))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
