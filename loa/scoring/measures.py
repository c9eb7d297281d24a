"""The measures a criterion can read: each one computes its raw reading for ALL the scored units of a
year with one grouped query over the other areas' rollups, never their raw rows per unit.

A reading is a pair (amount, base): posting days of the days in the period, pieces counted of the
quota, members who Liked of the members; base is None for a plain count or a state ("on_time",
"late", "missing", "exempt") and 0 when there is nothing to measure against (no quota).

To add a measure: write a function `compute(run) -> {unit_id: (amount, base)}` and register it with
`@measure(key, label, ...)`. `run` is a `Run`: the year, the units' queryset and a cache shared by
the measures of one run (so the article rollups are read once for five measures).
"""

from dataclasses import dataclass, field
from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

COUNT, STATE, FLAG = "count", "state", "flag"


@dataclass
class Run:
    year: int
    units: object  # a Unit queryset: the scored units
    today: date | None = None
    cache: dict = field(default_factory=dict)

    def cached(self, key, fn):
        if key not in self.cache:
            self.cache[key] = fn()
        return self.cache[key]


@dataclass(frozen=True)
class Measure:
    key: str
    label: object
    compute: object
    kind: str = COUNT  # COUNT: amount is a number; STATE: timeliness; FLAG: yes/no
    default: tuple = (0, None)  # the reading of a unit the query found nothing for
    amount_label: object = ""  # what the what-if form asks for
    no_base: str = "zero"  # points when base is 0: "zero" or "full" (nothing was asked of the unit)
    gap: object = None  # n -> "thêm 2 bài" (COUNT) or () -> "gửi báo cáo" (STATE/FLAG)
    evidence: object = None  # (unit, year) -> [(label, url)]
    # What a criterion that lost points lacks, for the ranking's reason (loa.scoring.reasons):
    # (reading, needed) -> "thiếu 3 bài", "chưa báo cáo Fanpage", or None when the reading shows no
    # lack; `needed` is how much more of a COUNT would give the criterion all it can give (else 0).
    lack: object = None
    credit: object = None  # reading -> "2 bài chuyên sâu": what a bonus criterion earned the unit


REGISTRY = {}


def measure(key, label, **kwargs):
    def register(fn):
        REGISTRY[key] = Measure(key=key, label=label, compute=fn, **kwargs)
        return fn

    return register


def choices():
    return [("", _("none (entered by hand)"))] + [(m.key, m.label) for m in REGISTRY.values()]


def get(key):
    return REGISTRY.get(key)


def _lack_of(phrase):
    """A COUNT measure's `lack`: `phrase` (ngettext_lazy counted by "n") with how many more are needed."""
    return lambda reading, needed: str(phrase % {"n": needed}) if needed else None


def _credit_of(phrase):
    """A bonus measure's `credit`: `phrase` (ngettext_lazy counted by "n") with the reading's amount."""
    return lambda reading: str(phrase % {"n": reading[0]}) if reading[0] else None


# --- Directives: the Fanpage report ------------------------------------------------------------


def _report_state(run):
    """The worst state of the unit's Fanpage reports of the year; exempt when none was expected of it."""
    from loa.directives.selectors import fanpage_report_rows

    rank = {"exempt": 0, "on_time": 1, "late": 2, "missing": 3}
    out = {}
    for unit_id, expected, reported, on_time in fanpage_report_rows(run.units, run.year):
        state = "exempt" if not expected else "missing" if not reported else "on_time" if on_time else "late"
        if rank[state] > rank[out.get(unit_id, ("exempt",))[0]]:
            out[unit_id] = (state, None)
        else:
            out.setdefault(unit_id, (state, None))
    return out


def _report_evidence(unit, year):
    from loa.directives.selectors import fanpage_report_task_ids

    return [
        (_("The Fanpage report"), reverse("directives:assignment", args=[task_id, unit.pk]))
        for task_id in fanpage_report_task_ids(unit, year)
    ]


REPORT_LACKS = {"missing": _("Fanpage report not sent"), "late": _("Fanpage report late")}

measure(
    "fanpage_report",
    _("Fanpage reported on time"),
    kind=STATE,
    default=("missing", None),
    gap=lambda: _("send the Fanpage report"),
    evidence=_report_evidence,
    lack=lambda reading, needed: REPORT_LACKS.get(reading[0]),
)(_report_state)


# --- Fanpages: registration, posting days, Likes --------------------------------------------------


def _calendar_evidence(unit, year):
    return [(_("The posting calendar"), reverse("fanpages:unit", args=[unit.pk]) + f"?year={year}")]


@measure(
    "fanpage_registered",
    _("Fanpage registered"),
    kind=FLAG,
    default=(False, None),
    gap=lambda: _("register the unit's Fanpage"),
    evidence=_calendar_evidence,
    lack=lambda reading, needed: None if reading[0] else _("no Fanpage registered"),
)
def fanpage_registered(run):
    from loa.fanpages.selectors import units_with_a_page

    return {unit_id: (True, None) for unit_id in units_with_a_page(run.units, run.year)}


def _days_without_post(reading, needed):
    amount, base = reading
    silent = (base or 0) - amount
    return (
        ngettext("%(n)s day without a post", "%(n)s days without a post", silent) % {"n": silent}
        if silent > 0
        else None
    )


@measure(
    "posting_days",
    _("Posting-day rate"),
    amount_label=_("Posting days"),
    gap=lambda n: ngettext("%(n)s more posting day", "%(n)s more posting days", n) % {"n": n},
    evidence=_calendar_evidence,
    lack=_days_without_post,
)
def posting_days(run):
    from loa.fanpages.selectors import posting_figures

    return posting_figures(run.units, year=run.year, today=run.today)


def _members(run):
    return run.cached("members", lambda: dict(run.units.values_list("id", "members_count")))


@measure(
    "like_rate",
    _("Members' Like rate"),
    amount_label=_("Members who Liked the provincial Page"),
    gap=lambda n: (
        ngettext("%(n)s more member Liking the provincial Page", "%(n)s more members Liking the provincial Page", n)
        % {"n": n}
    ),
    lack=_lack_of(ngettext_lazy("%(n)s member Like short", "%(n)s member Likes short", "n")),
    evidence=lambda unit, year: [
        (_("The Like declarations"), reverse("fanpages:unit", args=[unit.pk]) + f"?year={year}")
    ],
)
def like_rate(run):
    from loa.fanpages.selectors import latest_like_counts

    members = _members(run)
    latest = latest_like_counts(run.units, run.year)
    return {unit_id: (min(latest.get(unit_id, 0), m), m) for unit_id, m in members.items()}


# --- Articles: quotas, pieces beyond the quota, in-depth and exemplary pieces ----------------------


def _article_rows(run):
    """{unit_id: {kind: (counted, target, in_depth, exemplary)}} from the articles' rollups (own_*)."""
    from loa.articles.selectors import own_rollup_rows

    def load():
        out = {}
        for unit_id, kind, counted, target, in_depth, exemplary in own_rollup_rows(run.units, run.year):
            out.setdefault(unit_id, {})[kind] = (counted, target, in_depth, exemplary)
        return out

    return run.cached("articles", load)


def _articles_evidence(unit, year):
    return [(_("The counted pieces"), reverse("articles:unit_progress", args=[unit.pk]) + f"?year={year}&show=counted")]


def _quota_measure(kind, label, amount_label, gap, lack):
    """Registers `<kind>_quota`, the completion of a unit's quota of `kind` (news or article); `gap` and
    `lack` are ngettext_lazy phrases counted by "n"."""

    @measure(
        f"{kind}_quota",
        label,
        amount_label=amount_label,
        default=(0, 0),
        no_base="full",
        gap=lambda n: str(gap % {"n": n}),
        evidence=_articles_evidence,
        lack=_lack_of(lack),
    )
    def compute(run):
        return {u: (k[kind][0], k[kind][1]) for u, k in _article_rows(run).items() if kind in k}


_quota_measure(
    "news",
    _("News item quota completion"),
    _("News items counted"),
    ngettext_lazy("%(n)s more news item", "%(n)s more news items", "n"),
    ngettext_lazy("%(n)s news item short", "%(n)s news items short", "n"),
)
_quota_measure(
    "article",
    _("Article quota completion"),
    _("Articles counted"),
    ngettext_lazy("%(n)s more article", "%(n)s more articles", "n"),
    ngettext_lazy("%(n)s article short", "%(n)s articles short", "n"),
)


@measure(
    "over_quota",
    _("Pieces beyond the quota"),
    amount_label=_("Pieces beyond the quota"),
    gap=lambda n: ngettext("%(n)s more piece beyond the quota", "%(n)s more pieces beyond the quota", n) % {"n": n},
    evidence=_articles_evidence,
    credit=_credit_of(ngettext_lazy("%(n)s piece beyond the quota", "%(n)s pieces beyond the quota", "n")),
)
def over_quota(run):
    from loa.articles.selectors import contribution

    known = {}  # (counted, target) -> pieces beyond the quota: a few hundred pairs among 250,000 rows

    def over(c, t, d, e):
        if (c, t) not in known:
            known[c, t] = contribution({"target": t, "counted": c, "in_depth": d, "exemplary": e})["over"]
        return known[c, t]

    return {unit_id: (sum(over(*v) for v in kinds.values()), None) for unit_id, kinds in _article_rows(run).items()}


def _pieces_measure(key, label, position, gap, credit):
    """Registers `key`, how many of a unit's pieces (of both kinds) are of a sort: `position` in the
    rollup's (counted, target, in_depth, exemplary); `gap` and `credit` are ngettext_lazy phrases
    counted by "n"."""

    @measure(
        key,
        label,
        amount_label=label,
        gap=lambda n: str(gap % {"n": n}),
        evidence=_articles_evidence,
        credit=_credit_of(credit),
    )
    def compute(run):
        return {u: (sum(v[position] for v in k.values()), None) for u, k in _article_rows(run).items()}


_pieces_measure(
    "in_depth",
    _("In-depth articles"),
    2,
    ngettext_lazy("%(n)s more in-depth article", "%(n)s more in-depth articles", "n"),
    ngettext_lazy("%(n)s in-depth article", "%(n)s in-depth articles", "n"),
)
_pieces_measure(
    "exemplary",
    _("Exemplary pieces"),
    3,
    ngettext_lazy("%(n)s more exemplary piece", "%(n)s more exemplary pieces", "n"),
    ngettext_lazy("%(n)s exemplary piece", "%(n)s exemplary pieces", "n"),
)


# --- Sharing: official information shared on time, and the readers the shares brought -------------


def _share_rows(run):
    """{unit_id: (asked, shared on time, clicks)} of the year, from the sharing tallies (one query)."""
    from loa.sharing.selectors import year_figures

    return run.cached("sharing", lambda: year_figures(run.units, run.year))


def _sharing_evidence(unit, year):
    return [(_("The unit's sharing figures"), reverse("sharing:figures_unit", args=[unit.pk]) + f"?year={year}")]


@measure(
    "share_rate",
    _("Official information shared on time"),
    amount_label=_("Items shared on time"),
    default=(0, 0),
    no_base="full",  # nothing was asked of the unit that year
    gap=lambda n: ngettext("%(n)s more item shared on time", "%(n)s more items shared on time", n) % {"n": n},
    evidence=_sharing_evidence,
    lack=_lack_of(ngettext_lazy("%(n)s item not shared on time", "%(n)s items not shared on time", "n")),
)
def share_rate(run):
    return {unit_id: (min(on_time, asked), asked) for unit_id, (asked, on_time, _c) in _share_rows(run).items()}


@measure(
    "share_clicks",
    _("Readers the unit's shares brought"),
    amount_label=_("Clicks on the unit's shared links"),
    gap=lambda n: ngettext("%(n)s more click", "%(n)s more clicks", n) % {"n": n},
    evidence=_sharing_evidence,
    credit=_credit_of(ngettext_lazy("%(n)s click on its shares", "%(n)s clicks on its shares", "n")),
)
def share_clicks(run):
    return {unit_id: (clicks, None) for unit_id, (_a, _o, clicks) in _share_rows(run).items()}
