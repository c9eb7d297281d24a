"""The layers of Loa, lowest first: the one map of which app may import which.

An app may import apps of its own layer and of the layers below it, never one above, not even
inside a function; inside a layer the apps' imports form no cycle, and where a layer says so
(`peers_through`: the domain areas) an app reaches a peer only through the peer's selectors and
services. Tests and migrations may import anything. `loa/core/tests/test_layers.py` checks every
import under `loa/` against this map, and `scripts/architecture_diagram.py` draws it, with the
imports found, into `docs/architecture.md`.

The modules directly under `loa/` (settings, root URLs, Celery, WSGI) assemble the project and sit
above every layer.

Why this order (it differs from the first sketch, core < units < accounts < infrastructure): the
unit tree and the people write the audit log, send through the outbox, and run their list imports
as background jobs, so the infrastructure apps sit below them.

One rule crosses the layers, by kind of module rather than by app: an app's pages (its `views*`,
`forms` and `urls` modules, see `PAGE_MODULES`) show part of the tree to one user, so they may ask
the tree and the people who may see what (`SCOPE_APPS`: units and accounts), whatever their app's
layer: the audit log's, the jobs' and the outbox's pages check permissions and offer the unit picker.
Nothing else reaches up. Where a lower app's own code needs an answer from above (the unit import asks
who manages which units), it declares the question and the app above plugs its answer in at start-up
(`loa/units/managers.py`, answered in `loa/accounts/apps.py`).
"""

import ast
from dataclasses import dataclass
from pathlib import Path

LOA = Path(__file__).resolve().parent


@dataclass(frozen=True)
class App:
    name: str
    owns: str
    offers: str


@dataclass(frozen=True)
class Layer:
    name: str
    apps: tuple
    about: str
    # When set, an app reaches a peer of its layer only through these modules of the peer.
    peers_through: tuple = ()


LAYERS = (
    Layer(
        "core",
        (
            App(
                "core",
                "nothing of the domain: the base template, the favicon, manifest and service worker",
                "Vietnamese text keys (`text`), phones, upload checks (`uploads`, `filekinds`), the sandbox "
                "that parses uploads (`sandbox`, `safezip`, `readers`), OCR (`ocr`, `ocr_tables`), re-encoded "
                "pictures (`images`), where kept files live (`storage`, `storage_down`), serving kept files (`files`), "
                "the client's address (`client_ip`), "
                "control characters (`controls`), number ranges (`numbers`, `forms`, `fields`), versions "
                "(`versions`, `version_forms`), the models' guard (`guards`), the Content-Security-Policy "
                "(`security_headers`), the web app (`pwa`)",
            ),
            App(
                "formats",
                "Django's date and number formats for vi and en (`FORMAT_MODULE_PATH`)",
                "nothing to import: Django reads it by name",
            ),
        ),
        "what every app stands on; imports no other app",
    ),
    Layer(
        "infrastructure",
        (
            App(
                "audit",
                "the audit log (`AuditEntry`) and its page",
                "`log.log_action`, `log.snapshot`, the action labels, `selectors.last_change` (registered "
                "with core's conflict panel)",
            ),
            App(
                "integrations",
                "the Facebook Graph and Zalo clients, their tokens (encrypted), local stand-ins for tests",
                "`facebook`, `zalo`, `crypto`",
            ),
            App(
                "notifications",
                "the outbox (`Message`), delivery by channel (e-mail, Zalo), its page",
                "`outbox.enqueue_email`, `reminders` (who is reached how), `send_outbox`",
            ),
            App(
                "jobs",
                "background jobs with progress (`Job`), their input files, their page",
                "`registry`, `services.enqueue`, `imports.enqueue_import`, `run_jobs`",
            ),
            App(
                "exports",
                "nothing stored",
                "`tabular`: the one exporter, rows in, xlsx or csv out",
            ),
            App(
                "imports",
                "the column mappings chosen by hand and remembered (`ColumnMapping`)",
                "columns with aliases, the header found under titles, cell parsers, `ImportProblem`",
            ),
            App(
                "documents",
                "nothing stored: official documents (Decree 30/2020 layout)",
                "the document model, docx and pdf writers, fonts, download answers",
            ),
            App(
                "ops",
                "the health check (`/healthz`) and the backups with their restore",
                "nothing to the apps: commands and one page for monitors",
            ),
        ),
        "services every area uses; no notion of units or people but the pages' permission checks",
    ),
    Layer(
        "units",
        (
            App(
                "units",
                "the unit tree (`Unit`, `UnitKind`), where each unit stood over time (`UnitPlacement`), its search "
                "rows, its history and list import",
                "`services` and `kind_services`, `kinds`, the unit picker (`forms.UnitChoiceField`), search, "
                "`path_copies` (stored copies of paths kept in step by a move), `managers` (answered by accounts), "
                "`selectors` (the tree as of a day: `parent_on`, `path_on`, `subtree_on`)",
            ),
        ),
        "the union tree: data, not code",
    ),
    Layer(
        "accounts",
        (
            App(
                "accounts",
                "users, roles held at units, API tokens, two-factor sign-in, log-in throttling",
                "`capabilities`, `scope` (`can`, `path_q`, `get_unit_or_404`), `selectors` (`unit_officers`), "
                "`services`",
            ),
        ),
        "people and what they may do where",
    ),
    Layer(
        "domain",
        (
            App(
                "fanpages",
                "the register of each CĐCS's Page, posts per day, followers, Like declarations, posters",
                "`services` (`register_page`, `clean_page_data`, the `posts_synced` signal), `lookup`, `compliance`",
            ),
            App(
                "directives",
                "directives, tasks, recipients' assignments, reports, rollups, reminders, returned forms",
                "`selectors`, `services`, `deadlines`",
            ),
            App(
                "articles",
                "channels, quotas, submissions with versions and photos, publications, credit claims",
                "`selectors`, `services`, `rollups`",
            ),
            App(
                "scoring",
                "rubrics, criteria, levels, scores, adjustments: the annual classification",
                "`selectors`, `services`, `engine`",
            ),
            App(
                "sharing",
                "official information to share every day: items, shares, tracked links, share tallies",
                "`selectors`, `services`, `tally`, `links` (`share_url`, `share_urls`)",
            ),
        ),
        "the areas of the work; a peer is read through its selectors and written through its services",
        peers_through=("selectors", "services"),
    ),
    Layer(
        "pages",
        (
            App(
                "todo",
                "nothing stored: the home page and each person's to-do list",
                "`lists.todo_for` (read by the API's `/me/todo`)",
            ),
        ),
        "pages that combine the areas; no area imports them",
    ),
    Layer(
        "top",
        (
            App(
                "api",
                "`/api/v1/` (django-ninja), one router per area",
                "nothing: nothing imports it",
            ),
            App(
                "demo",
                "the Cao Bằng demo scenario, its calendar, the synthetic national tree",
                "`scenario` runs the `STEPS` of every app's `demo_steps.py`, found through the app registry",
            ),
        ),
        "the entry points that use every area; nothing imports them",
    ),
)

# The modules of an app that are its pages, and the apps every page may ask who may see what.
PAGE_MODULES = ("views", "forms", "urls")
SCOPE_APPS = ("units", "accounts")


def is_page_module(module):
    """True for an app's pages: loa.<app>.views, views_<anything>, forms, urls."""
    name = module.split(".")[-1]
    return name in PAGE_MODULES or name.startswith("views_")


def allowed(module, target):
    """An import the order would refuse but the pages' rule allows (see the module's text)."""
    return is_page_module(module) and target in SCOPE_APPS


def layer_of():
    """{app: index of its layer}."""
    return {app.name: i for i, layer in enumerate(LAYERS) for app in layer.apps}


def python_files(root=LOA):
    """Every .py under `loa/` but tests and migrations, as (path, dotted module name)."""
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if "tests" in parts or "migrations" in parts or parts[-1].startswith("test_") or parts[-1] == "conftest":
            continue
        yield path, ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path, module):
    """The dotted names `path` imports, anywhere in it (inside functions too), relative ones resolved."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    # Imports under `if TYPE_CHECKING:` name types for the type checker (a lower layer's function
    # taking a User) and never run: they are no dependency at run time, so the layers leave them out.
    type_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and _is_type_checking(node.test)
        for statement in node.body
        for inner in ast.walk(statement)
    }
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            name = ".".join(base + ([node.module] if node.module else []))
            # `from loa import units` and `from . import views` name modules in their aliases.
            yield from (f"{name}.{alias.name}" for alias in node.names)


def _is_type_checking(test):
    """`TYPE_CHECKING` or `typing.TYPE_CHECKING`."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def app_of(module, root=LOA):
    """The app a dotted module name belongs to ("loa.units.services" -> "units"), or None."""
    parts = module.split(".")
    if parts[0] != "loa" or len(parts) < 2 or not (root / parts[1] / "__init__.py").exists():
        return None
    return parts[1]


def named_imports(root=LOA):
    """[(importing module, its app or None for the project's own modules, imported app, imported
    name)] between apps."""
    found = set()
    for path, module in python_files(root):
        source = app_of(module, root)
        for name in imported_modules(path, module):
            target = app_of(name, root)
            if target is not None and target != source:
                found.add((module, source, target, name))
    return sorted(found)


def imports(root=LOA):
    """[(importing module, its app or None for the project's own modules, imported app)] between apps."""
    return sorted({(module, source, target) for module, source, target, _name in named_imports(root)})
