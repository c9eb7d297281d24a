"""Every audit action Loa writes reads as Vietnamese words on the audit page and a unit's history:
no event code ("fanpage.likes.declared"), no raw field key, no "False"."""

import ast
import pathlib
import re

import pytest
from django.urls import reverse
from django.utils import translation

from loa.audit import labels
from loa.fanpages.likes import declare_likes

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOTTED = re.compile(r"^[a-z_]+(?:\.[a-z_]+)+$")


def _called(node):
    return getattr(node.func, "id", None) or getattr(node.func, "attr", None)


def _constants(node):
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _computed(name, function, modules):
    """The strings a variable passed as the action can hold: what the function assigns to it, or, for
    a parameter, its default and what every call of the function in Loa passes."""
    found = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            found |= _constants(node.value)
    arguments = function.args
    if name in [a.arg for a in arguments.args + arguments.kwonlyargs]:
        found |= set().union(*(_constants(d) for d in arguments.defaults + [d for d in arguments.kw_defaults if d]))
        calls = (
            n for module in modules for n in ast.walk(module) if isinstance(n, ast.Call) and _called(n) == function.name
        )
        for call in calls:
            found |= set().union(set(), *(_constants(a) for a in [*call.args, *(k.value for k in call.keywords)]))
    return found


def written_actions():
    """{action: file} every action passed to log_action (or written as an AuditEntry) in Loa's code,
    computed ones (a conditional, a variable, a parameter) included."""
    found = {}
    sources = [p for p in ROOT.rglob("*.py") if not {"tests", "migrations"} & set(p.parts)]
    modules = {path: ast.parse(path.read_text(encoding="utf-8")) for path in sources}
    for path, module in modules.items():
        functions = [n for n in ast.walk(module) if isinstance(n, ast.FunctionDef)]
        for function in functions:
            calls = [n for n in ast.walk(function) if isinstance(n, ast.Call)]
            for call in calls:
                if _called(call) == "log_action" and call.args:
                    first = call.args[0]
                    names = (
                        _computed(first.id, function, modules.values())
                        if isinstance(first, ast.Name)
                        else _constants(first)
                    )
                elif _called(call) == "AuditEntry":
                    names = {
                        k.value.value for k in call.keywords if k.arg == "action" and isinstance(k.value, ast.Constant)
                    }
                else:
                    continue
                for name in filter(DOTTED.match, names):
                    found.setdefault(name, str(path.relative_to(ROOT)))
    return found


def test_the_scan_sees_the_actions_it_must_label():
    actions = written_actions()
    # A guard on the scan itself: computed actions (a conditional, a variable) are found too.
    assert {
        "article.resubmitted",
        "directive.report.resubmitted",
        "fanpage.changed",
        "user.password_changed",
        "user.password_reset",
        "article.returned",
    } <= set(actions)
    assert len(actions) > 60


def test_every_action_loa_writes_has_a_vietnamese_label():
    missing = {a: where for a, where in written_actions().items() if a not in labels.ACTIONS}
    assert missing == {}


@pytest.fixture
def declared(tree, alice):
    declare_likes(by=alice, unit=tree["a"], count=40)
    return declare_likes(by=alice, unit=tree["a"], count=52)


def test_a_likes_declaration_reads_in_words_on_the_audit_page(login, admin, declared):
    page = login(admin).get(reverse("audit:list") + "?action=fanpage.").content.decode()
    assert "Khai báo số lượt thích Fanpage tỉnh" in page
    assert "fanpage.likes.declared" not in page
    assert "40 → 52" in page
    assert "False" not in page and "True" not in page and "Screenshot" not in page


def test_a_units_history_uses_the_same_words(login, admin, tree, declared):
    page = login(admin).get(reverse("units:detail", args=[tree["a"].pk])).content.decode()
    history = page[page.index('id="history"') :]
    assert "Khai báo số lượt thích Fanpage tỉnh" in history
    assert "fanpage.likes.declared" not in history and "False" not in history


def test_a_report_state_shows_its_label_not_its_code():
    with translation.override("vi"):
        shown = labels.show_value(
            "on_time", field="state", action="directive.report.submitted", object_type="directives.task"
        )
    assert shown == "Đúng hạn"


@pytest.mark.parametrize(
    ("value", "field", "expected"),
    [
        (None, "", "—"),
        ("", "", "—"),
        (True, "", "có"),
        (False, "x", "không"),
        ("2026-12-07", "day", "07/12/2026"),
        ("+84912345678", "phone", "0912 345 678"),
    ],
)
def test_values_read_as_people_write_them(value, field, expected):
    with translation.override("vi"):
        assert labels.show_value(value, field=field) == expected
