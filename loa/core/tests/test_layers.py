"""The layers of `loa/layers.py` hold: no app imports an app of a higher layer, not even inside a
function, and the apps of one layer import each other without a cycle."""

from graphlib import CycleError, TopologicalSorter

from loa import layers


def _upward_imports():
    rank = layers.layer_of()
    return {
        (module, target)
        for module, source, target in layers.imports()
        if source is not None and rank[target] > rank[source] and not layers.allowed(module, target)
    }


def test_every_app_under_loa_is_in_exactly_one_layer():
    packages = sorted(path.parent.name for path in layers.LOA.glob("*/__init__.py"))
    mapped = [app.name for layer in layers.LAYERS for app in layer.apps]
    assert sorted(mapped) == packages


def test_no_app_imports_an_app_of_a_higher_layer():
    upward = sorted(_upward_imports())
    assert not upward, "imports from a lower layer to a higher one (loa/layers.py): " + ", ".join(
        f"{module} imports {target}" for module, target in upward
    )


def test_only_pages_may_ask_the_tree_and_the_people_from_below():
    assert layers.allowed("loa.audit.views", "accounts") and layers.allowed("loa.units.views_kinds", "accounts")
    assert layers.allowed("loa.audit.forms", "units")
    assert not layers.allowed("loa.units.importing", "accounts")  # code, not a page: it asks managers
    assert not layers.allowed("loa.audit.views", "directives")  # a page may not reach an area above
    assert not layers.allowed("loa.units.reviews", "accounts")  # "views" must be the module's name


def test_the_apps_of_a_layer_import_each_other_without_a_cycle():
    rank = layers.layer_of()
    for i, layer in enumerate(layers.LAYERS):
        graph = {app.name: set() for app in layer.apps}
        for _module, source, target in layers.imports():
            if source is not None and rank[source] == rank[target] == i:
                graph[source].add(target)
        try:
            TopologicalSorter(graph).prepare()
        except CycleError as exc:
            raise AssertionError(f"a cycle in the layer {layer.name}: {' -> '.join(exc.args[1])}") from None


def test_an_area_reaches_a_peer_area_only_through_its_selectors_and_services():
    rank = layers.layer_of()
    wrong = []
    for module, source, target, name in layers.named_imports():
        layer = layers.LAYERS[rank[target]]
        if source is None or rank[source] != rank[target] or not layer.peers_through:
            continue
        if (name.split(".") + [""])[2] not in layer.peers_through:  # loa.<app>.<module>
            wrong.append(f"{module} imports {name}")
    assert not wrong, "read a peer through its selectors, write through its services: " + ", ".join(wrong)


def test_the_walk_sees_imports_inside_functions_and_relative_ones_and_skips_tests(tmp_path):
    root = tmp_path / "loa"
    for app in ("low", "high", "other"):
        (root / app / "tests").mkdir(parents=True)
        (root / app / "__init__.py").write_text("")
    (root / "low" / "reads.py").write_text("def f():\n    from ..high import views\n")
    (root / "low" / "absolute.py").write_text("import loa.other.models\nfrom loa import high\n")
    (root / "low" / "tests" / "test_it.py").write_text("from loa.other import anything\n")
    (root / "low" / "own.py").write_text("from . import reads\nfrom loa.low import absolute\n")
    (root / "low" / "typed.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from loa.high.models import User\n"
    )
    assert layers.imports(root) == [
        ("loa.low.absolute", "low", "high"),
        ("loa.low.absolute", "low", "other"),
        ("loa.low.reads", "low", "high"),
    ]
