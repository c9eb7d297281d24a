"""A leader's list: this year's scores by level, the lagging units with what holds each back, the
quota progress of the unions they lead, and the Pages that stopped posting. A dozen queries whatever
the number of units: the scores are read grouped, the few lagging units shown are scored again from
their stored readings (no query), the silent Pages counted in SQL."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from loa.accounts.capabilities import Capability
from loa.articles.models import Kind, Rollup
from loa.fanpages.compliance import SILENT_DAYS, annotated_units
from loa.scoring import access, engine, ranking
from loa.scoring.models import Rubric
from loa.scoring.reasons import Reasons
from loa.scoring.rules import points_text
from loa.todo.items import LEADER, Item, Section

SHOWN = 3


def section(user, units, *, today):
    year = today.year
    items = []
    rubric = Rubric.objects.select_related("unit").filter(year=year).first()
    if rubric is not None and access.may_see_rubric(user, rubric):
        items += _scores(user, rubric)
    items += _quotas(units, year)
    silent = _silent_pages(user, today)
    if silent:
        items.append(silent)
    return Section(
        role=LEADER,
        title=_("The year %(year)s at a glance") % {"year": year},
        empty=_("No figures for this year yet."),
        items=items,
    )


def _scores(user, rubric):
    book = engine.Book(rubric)
    scores = ranking.scores(user, rubric.year)
    dist, total = ranking.distribution(scores, book)
    if not total:
        return []
    ranking_url = reverse("scoring:ranking", args=[rubric.year])
    state = _("frozen") if rubric.frozen else _("running")
    items = [
        Item(
            kind="levels",
            title=_("Classification %(year)s (%(state)s)") % {"year": rubric.year, "state": state},
            detail=" · ".join(f"{row.name}: {row.n}" for row in dist if row.n),
            url=ranking_url,
            action=_("See the ranking"),
            count=total,
            tone="info",
        )
    ]
    # The ranking's "lagging" view, by its own definition (loa.scoring.ranking).
    lagging = ranking.by_level(scores, book, ranking.LAGGING)
    count = lagging.count()
    if not count:
        return items
    lowest = book.levels[-1].name if len(book.levels) > 1 else _("Unclassified")
    items.append(
        Item(
            kind="lagging",
            title=ngettext("%(n)s unit lags behind", "%(n)s units lag behind", count) % {"n": count},
            detail=_("At “%(level)s” or not classified, lowest score first.") % {"level": lowest},
            url=ranking_url + "?level=lagging&sort=total",
            action=_("See them, lowest first"),
            count=count,
            tone="warn",
        )
    )
    shown = list(lagging.select_related("unit").order_by("total", "unit_sort", "id")[:SHOWN])
    # The ranking's own reason sentence (loa.scoring.reasons), read off the stored rows.
    explain = Reasons(book)
    for score in shown:
        result = engine.stored_result(book, score)
        reason = explain.of_score(score) if not rubric.frozen else ""
        items.append(
            Item(
                kind="lagging_unit",
                title=score.unit.name,
                detail=reason or (score.level_name or _("Unclassified")),
                when=_("%(points)s points") % {"points": points_text(result.total)},
                url=reverse("scoring:unit", args=[rubric.year, score.unit_id]),
                action=_("See the score"),
                tone="warn",
            )
        )
    return items


def _quotas(units, year):
    rows = {}
    for row in Rollup.objects.filter(unit__in=units, year=year).select_related("unit"):
        rows.setdefault(row.unit, {})[row.kind] = row
    items = []
    for unit, kinds in sorted(rows.items(), key=lambda pair: pair[0].name_sort):
        parts = [
            _quota_words(kind, kinds[kind])
            for kind in (Kind.NEWS, Kind.ARTICLE)
            if kind in kinds and kinds[kind].target
        ]
        if not parts:
            continue
        items.append(
            Item(
                kind="quota_progress",
                title=_("Quotas %(year)s: %(unit)s") % {"year": year, "unit": unit.short_name or unit.name},
                detail=" · ".join(parts),
                url=reverse("articles:progress") + f"?unit={unit.pk}&year={year}",
                action=_("See progress by unit"),
                tone="info",
            )
        )
    return items


def _quota_words(kind, row):
    """ "Tin: 120/300, 29/43 đơn vị đạt": each kind's units counted once (a unit has a quota of each kind)."""
    values = {"counted": row.counted, "target": row.target, "met": row.met, "units": row.with_quota}
    if kind == Kind.NEWS:
        return _("news items %(counted)s/%(target)s, %(met)s/%(units)s units met it") % values
    return _("articles %(counted)s/%(target)s, %(met)s/%(units)s units met it") % values


def _silent_pages(user, today):
    units = annotated_units(user=user, capability=Capability.VIEW, year=today.year, today=today)
    if units is None:
        return None
    silent = units.filter(c_silent__gte=SILENT_DAYS)
    count = silent.count()
    if not count:
        return None
    longest = silent.order_by("-c_silent", "name_sort", "id").values_list("name", "c_silent")[:SHOWN]
    return Item(
        kind="silent_pages",
        title=ngettext(
            "%(n)s Page has not posted for %(days)s days or more",
            "%(n)s Pages have not posted for %(days)s days or more",
            count,
        )
        % {"n": count, "days": SILENT_DAYS},
        detail=_("Longest: %(units)s.")
        % {"units": "; ".join(_("%(unit)s (%(n)s days)") % {"unit": name, "n": days} for name, days in longest)},
        url=reverse("fanpages:silent"),
        action=_("See them and remind"),
        count=count,
        tone="warn",
    )
