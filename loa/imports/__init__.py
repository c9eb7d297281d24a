"""The layer every import in Loa stands on, above the sandboxed readers (loa/core/readers.py).

- `columns`: the columns an importer declares (with aliases) and the header row found under titles;
- `cells`: a cell turned into text, a whole number, a date or a moment, with a Vietnamese reason
  when it cannot be;
- `problems`: `ImportProblem`, one problem of a file (file, sheet, row, column, reason);
- `sheets`: a sheet read in the sandbox with its header found and its rows numbered as Excel does;
- `mappings`: the column mappings people chose by hand, remembered for the next file.

How to add an importer: docs/imports.md.
"""
