"""The demo scenario as an ordered list of steps that every area adds to.

A step is a function of one argument, the shared `Context` (units by code, users by username,
kinds by code, the scenario's calendar). An area registers its steps in a module named
`demo_steps.py` inside its app, as a list `STEPS` of (order, name, function); `run()` looks for
that module in every installed app (the app registry), so the demo names no area's steps and no
area imports the demo (`loa/layers.py`: the demo sits at the top, beside the API):

    # loa/directives/demo_steps.py
    def issue_letter(ctx):
        for cycle in ctx.calendar.cycles:  # last year's and this year's (one year with --year)
            if Directive.objects.filter(number=cycle.number).exists():  # skip what exists
                continue
            ... ctx.units["CDVC"], ctx.users["bientap"], cycle.issued_on, cycle.deadline ...

    STEPS = [(400, "the Fanpage letter", issue_letter)]

Order numbers, by convention: 100 kinds, 200 units, 300 users and roles (all here); 400
directives, 450 quotas and articles, 500 fanpages, posts and likes, 900 scoring.
Steps run in one transaction; a step should skip work that is already there, so that running
the command twice does no harm. A step hands things to later steps in `ctx.extra`.

Dates come from `ctx.calendar` (`loa.demo.calendar.DemoCalendar`, with `ctx.calendar.at(day, hour,
minute)` for an aware instant): the demo lives in the present (the letter issued a few days ago,
due in a week, last year complete and frozen), or, with `demo --year 2021`, in the seed's own year.
Never read the clock in a step: the calendar's `today` is the day the demo is loaded for
(`demo --today`), and the same `today` gives the same data.
"""

import random
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from loa.accounts.models import Role, User
from loa.core.phones import normalize_phone
from loa.demo import cao_bang
from loa.demo.calendar import SEED_YEAR, DemoCalendar
from loa.units.kind_services import kinds_ensure
from loa.units.models import Unit, UnitKind
from loa.units.services import unit_create

YEAR = SEED_YEAR


@dataclass(frozen=True)
class Step:
    order: int
    name: str
    func: object


STEPS = []


def step(order, name=None):
    """Register a scenario step; steps run by `order`, then by registration."""

    def register(func):
        label = name or func.__name__
        if not any(s.func is func or (s.order, s.name) == (order, label) for s in STEPS):
            STEPS.append(Step(order, label, func))
            STEPS.sort(key=lambda s: s.order)
        return func

    return register


@dataclass
class Context:
    kinds: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    calendar: DemoCalendar = field(default_factory=lambda: DemoCalendar.build(year=YEAR))
    rng: random.Random = None
    log: object = print
    # Free room for steps to hand things to later steps.
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.rng is None:  # the 2021 replay keeps the generator it always had
            self.rng = random.Random(2021 if not self.calendar.live else f"loa-demo {self.calendar.today.isoformat()}")

    @property
    def year(self):
        """The year of the demo's current work: this year, or the replayed year."""
        return self.calendar.year

    def reload(self):
        self.kinds = {k.code: k for k in UnitKind.objects.all()}
        self.units = {u.code: u for u in Unit.objects.select_related("kind")}
        self.users = {u.username: u for u in User.objects.all()}

    @property
    def grassroots(self):
        """The CĐCS of the scenario, in Vietnamese order."""
        return sorted((u for u in self.units.values() if u.kind.is_grassroots), key=lambda u: u.name_sort)


def discover():
    """Register the `STEPS` of every installed app's `demo_steps` module."""
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "demo_steps"):
            for order, name, func in import_module(f"{config.name}.demo_steps").STEPS:
                step(order, name)(func)


def run(*, log=print, today=None, year=None, options=None):
    """Run every registered step in order, for `today` (default: today's local date), live or, with
    `year`, the letter on the seed's days in that past year; returns the context. `options`: the
    optional steps asked for ({"restructure_2025": True}), in `ctx.extra` for the steps to read."""
    discover()
    ctx = Context(log=log, calendar=DemoCalendar.build(today=today, year=year), extra=dict(options or {}))
    with transaction.atomic():
        ctx.reload()
        for s in STEPS:
            s.func(ctx)
    return ctx


# --- The built-in steps: the tree and the people -------------------------------------------


@step(100, "unit kinds")
def create_kinds(ctx):
    """The standard kinds (`loa.units.kinds`), as `manage.py loa_init` creates them."""
    ctx.kinds.update(kinds_ensure(by=None).by_code)


def _person(rng):
    sex = rng.choice("mf")
    return " ".join(
        [
            rng.choice(cao_bang.FAMILY_NAMES),
            rng.choice(cao_bang.MIDDLE_NAMES[sex]),
            rng.choice(cao_bang.GIVEN_NAMES[sex]),
        ]
    )


def _mobile(rng):
    return rng.choice(cao_bang.MOBILE_PREFIXES) + "".join(str(rng.randrange(10)) for _ in range(7))


def _add_unit(ctx, parent, kind, code, name, **fields):
    if code in ctx.units:
        return ctx.units[code]
    unit = unit_create(by=None, parent=parent, kind=ctx.kinds[kind], code=code, name=name, **fields)
    ctx.units[code] = unit
    return unit


@step(200, "the Cao Bằng unit tree")
def create_units(ctx):
    rng = random.Random(2021)  # its own generator: the same contacts whatever ran before
    p = dict(cao_bang.PROVINCE)
    province = _add_unit(ctx, None, p.pop("kind"), p.pop("code"), p.pop("name"), **p)
    for code, kind, name, short, address, phone in cao_bang.UPPERS:
        _add_unit(
            ctx,
            province,
            kind,
            code,
            name,
            short_name=short,
            address=address,
            phone=phone,
            contact_name=_person(rng),
        )
    spans = ctx.calendar.spans(cao_bang.ACTIVE_SPANS)
    for code, parent, name, short, members, staff, address in cao_bang.GRASSROOTS:
        active_from, active_to = spans.get(code, (None, None))
        _add_unit(
            ctx,
            ctx.units[parent],
            "cdcs",
            code,
            f"Công đoàn cơ sở {name}",
            short_name=f"CĐCS {short}",
            members_count=members,
            staff_count=staff,
            address=address,
            contact_name=_person(rng),
            phone=_mobile(rng),
            active_from=active_from,
            active_to=active_to,
        )
    for code, parent, name, short, members, staff in cao_bang.SECTIONS:
        parent_unit = ctx.units[parent]
        _add_unit(
            ctx,
            parent_unit,
            "cd-bo-phan",
            code,
            name,
            short_name=short,
            members_count=members,
            staff_count=staff,
            address=parent_unit.address,
            contact_name=_person(rng),
            phone=_mobile(rng),
        )


def demo_logins():
    """(username, full name, role, unit code, phone, e-mail) of every demo login, in order."""
    logins = list(cao_bang.STAFF_LOGINS)
    for i, (full_name, unit_code) in enumerate(cao_bang.OFFICERS, start=1):
        rng = random.Random(f"canbo{i}")
        logins.append((f"canbo{i}", full_name, "officer", unit_code, _mobile(rng), f"canbo{i}.{unit_code.lower()}"))
    return logins


@step(300, "demo logins and their roles")
def create_users(ctx):
    password = make_password(settings.DEMO_PASSWORD)  # hashed once: Argon2 is slow on purpose
    for username, full_name, role, unit_code, phone, mail in demo_logins():
        user = ctx.users.get(username)
        if user is None:
            family, _, given = full_name.rpartition(" ")
            user = User.objects.create(
                username=username,
                full_name=full_name,
                first_name=given,
                last_name=family,
                phone=normalize_phone(phone),
                email=f"{mail}@example.com",
                password=password,
            )
            ctx.users[username] = user
        Role.objects.get_or_create(user=user, unit=ctx.units[unit_code], role=role)
