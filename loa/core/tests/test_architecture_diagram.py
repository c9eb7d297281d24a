"""docs/architecture.md's map of the apps is the one scripts/architecture_diagram.py draws from the
code today."""

import importlib.util

from django.conf import settings


def _script():
    path = settings.BASE_DIR / "scripts" / "architecture_diagram.py"
    spec = importlib.util.spec_from_file_location("architecture_diagram", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_app_map_in_docs_is_current():
    script = _script()
    text = script.DOC.read_text(encoding="utf-8")
    assert script.updated(text) == text, "docs/architecture.md is out of date: run scripts/architecture_diagram.py"


def test_the_map_names_every_app():
    map_text = _script().render()
    for path in settings.BASE_DIR.glob("loa/*/__init__.py"):
        assert f"`{path.parent.name}`" in map_text
