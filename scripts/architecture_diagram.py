#!/usr/bin/env python
"""Write the map of Loa's apps into docs/architecture.md, between its two markers: every app with
its layer and what it owns and offers (from `loa/layers.py`), and a Mermaid diagram of the imports
between the apps as the code has them today.

Usage: scripts/architecture_diagram.py           rewrite the map
       scripts/architecture_diagram.py --check   exit 1 when the map is out of date
`loa/core/tests/test_architecture_diagram.py` runs the check with the test suite.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
BEGIN = "<!-- app map: begin (scripts/architecture_diagram.py writes this part; do not edit it) -->"
END = "<!-- app map: end -->"

sys.path.insert(0, str(ROOT))

from loa import layers


def render():
    """The text between the markers."""
    rank = layers.layer_of()
    lines = [
        "| layer | app | owns | offers |",
        "|---|---|---|---|",
    ]
    for layer in layers.LAYERS:
        for app in layer.apps:
            lines.append(f"| {layer.name} | `{app.name}` | {app.owns} | {app.offers} |")
    lines += ["", "The layers, lowest first:", ""]
    lines += [f"{i}. **{layer.name}**: {layer.about}." for i, layer in enumerate(layers.LAYERS, start=1)]
    lines += [
        "",
        "Across the layers, an app's pages (`"
        + "`, `".join(layers.PAGE_MODULES)
        + "`, `views_*`) may ask "
        + " and ".join(f"`{app}`" for app in layers.SCOPE_APPS)
        + " who may see what; nothing else imports upward.",
    ]
    lines += [
        "",
        (
            "Who imports whom, from the code (an arrow from the importer; the imports of the core layer, "
            "which every app makes, are left out; a dotted arrow is a page asking who may see what):"
        ),
        "",
        "```mermaid",
        "flowchart TB",
    ]
    for layer in reversed(layers.LAYERS):
        lines.append(f'    subgraph {layer.name}_layer["{layer.name}"]')
        lines += [f"        {app.name}" for app in layer.apps]
        lines.append("    end")
    found = [(module, source, target) for module, source, target in layers.imports() if source is not None]
    edges = sorted({(source, target) for _module, source, target in found})
    # An edge upward exists only because pages ask who may see what (the test refuses any other).
    leaks = {(source, target) for source, target in edges if rank[target] > rank[source]}
    for source, target in edges:
        if rank[target] == 0:
            continue
        arrow = "-.->" if (source, target) in leaks else "-->"
        lines.append(f"    {source} {arrow} {target}")
    lines.append("```")
    return "\n".join(lines) + "\n"


def updated(text):
    """`text` (the document) with a fresh map between the markers."""
    head, begin, rest = text.partition(BEGIN)
    _old, end, tail = rest.partition(END)
    if not begin or not end:
        raise SystemExit(f"{DOC}: the markers are missing:\n{BEGIN}\n{END}")
    return f"{head}{BEGIN}\n{render()}{END}{tail}"


def main(argv):
    text = DOC.read_text(encoding="utf-8")
    fresh = updated(text)
    if "--check" in argv:
        if fresh != text:
            print(f"{DOC.relative_to(ROOT)} is out of date: run scripts/architecture_diagram.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
