"""Reads for the classification pages, exports and API about one unit: its score card, what it lacks
for the next level, its result (running, or as frozen). The ranking's reads are in `ranking`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loa.scoring import engine, measures, succession
from loa.scoring.models import Score, SuccessionRule
from loa.scoring.rules import points_text

if TYPE_CHECKING:
    from loa.scoring.models import Criterion, Rubric
    from loa.units.models import Unit

STATE_LABELS = {
    "on_time": gettext_lazy("on time"),
    "late": gettext_lazy("late"),
    "missing": gettext_lazy("missing"),
    "exempt": gettext_lazy("not expected"),
}


def reading_text(measure: measures.Measure | None, reading: tuple[Any, Any] | None) -> str:
    """ "245 / 300 (82 %)", "3", "on time", "yes"."""
    if measure is None or reading is None:
        return ""
    amount, base = reading
    if measure.kind == measures.STATE:
        return str(STATE_LABELS.get(amount, amount))
    if measure.kind == measures.FLAG:
        return str(_("yes") if amount else _("no"))
    if base is None:
        return str(amount)
    if not base:
        return f"{amount} / 0"
    return f"{amount} / {base} ({round(100 * amount / base)} %)"


@dataclass
class Line:
    criterion: Criterion
    measure: measures.Measure | None
    points: str
    max: str
    reading: str
    evidence: list = field(default_factory=list)
    adjusted: str = ""  # the adjustment's reason
    below_half: bool = False
    max_cp: int | None = None  # the maximum in hundredths; None when the stored maximum is damaged


def card(
    book: engine.Book,
    result: engine.Result,
    unit: Unit,
    *,
    evidence: bool = True,
    adjustments: dict[str, str] | None = None,
) -> list[Line]:
    """The lines of a unit's score card: per criterion its points, reading and evidence links."""
    lines = []
    reasons = adjustments or {}
    for c, spec in zip(book.criteria, book.specs):
        m = book.measures[c.code]
        pts = result.points.get(c.code, 0)
        top = spec.max if spec.valid else None
        lines.append(
            Line(
                criterion=c,
                measure=m,
                points=points_text(pts),
                max=points_text(top),
                reading=reading_text(m, result.readings.get(c.code)),
                evidence=m.evidence(unit, book.rubric.year) if (evidence and m and m.evidence) else [],
                adjusted=reasons.get(c.code, ""),
                below_half=not c.is_bonus and (pts is None or top is None or pts * 2 < top),
                max_cp=top,
            )
        )
    return lines


def gap_sentence(
    book: engine.Book, result: engine.Result, by_measure: dict[str, Any], adjustments: dict[str, str] | None = None
) -> str | None:
    """ "Thêm 2 bài và thêm 15 ngày đăng bài để đạt mức “Hoàn thành tốt nhiệm vụ”." or None at the top."""
    found = book.gap(result, by_measure, adjustments)
    if found is None:
        return None
    level, phrases = found
    phrases = [str(p) for p in phrases] if phrases is not None else None
    if phrases is None:
        return _("“%(level)s” cannot be reached from the figures that remain to be counted this year.") % {
            "level": level.name
        }
    if not phrases:
        return None
    items = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " " + str(_("and")) + " " + phrases[-1]
    sentence = _("%(items)s to reach “%(level)s”.") % {"items": items, "level": level.name}
    return sentence[:1].upper() + sentence[1:]


def unit_result(
    rubric: Rubric, unit: Unit, *, hypothetical: dict[str, Any] | None = None
) -> tuple[engine.Book, engine.Result | None, dict[str, Any] | None, dict[str, str], Score | None, bool]:
    """(book, result, readings by measure, {code: reason}, stored Score or None, live?) for one unit.

    A frozen year reads only the stored Score: later data never changes it."""
    from loa.scoring.models import Adjustment

    reasons = dict(
        Adjustment.objects.filter(rubric=rubric, unit=unit, active=True)
        .order_by("at", "id")
        .values_list("criterion__code", "reason")
    )
    if rubric.frozen:
        book = engine.Book(rubric)
        score = Score.objects.filter(year=rubric.year, unit=unit).first()
        if score is None:
            return book, None, None, reasons, None, False
        result = engine.stored_result(book, score)
        by_measure = {}
        for s in book.specs:
            if s.measure and s.code in result.readings:
                by_measure[s.measure] = result.readings[s.code]
        return book, result, by_measure, reasons, score, False
    book, result, by_measure, _adj = engine.running_score(rubric, unit, hypothetical=hypothetical)
    return book, result, by_measure, reasons, None, True


@dataclass
class SuccessionRow:
    """One line of a successor's evidence as the page and the API show it."""

    unit_id: int
    code: str
    name: str
    relation: str  # in words: "this unit", "merged into it from 01/07/2021"…
    period: str  # "01/01/2021 – 30/06/2021", or "" when it stood no day of the year
    days: int
    total: str
    level: str
    weight: str  # "49,59 %", or "not counted"
    counted: bool
    points: list[tuple[str, str]]  # [(criterion code, points)]
    linked: bool  # the user may open the unit's own page


@dataclass
class SuccessionView:
    pro_rata: bool
    rule: str  # the rule in words
    rows: list[SuccessionRow]


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def succession_rows(user: Any, evidence: succession.Evidence | None, book: engine.Book) -> SuccessionView | None:
    """The evidence of a unit that took over others this year, in words: each unit, how it relates,
    its days, its own total, level and points, and its weight. One query (which units the user may
    open), none without evidence."""
    if evidence is None:
        return None
    from loa.accounts.capabilities import Capability
    from loa.accounts.scope import units_for

    ids = [p.unit_id for p in evidence.parts]
    reach = set(units_for(user, Capability.VIEW).filter(pk__in=ids).values_list("pk", flat=True))
    rows = []
    for part in evidence.parts:
        on = part.day("on")
        if part.relation == succession.SELF:
            relation = _("this unit")
        elif part.relation == succession.MERGE:
            relation = _("merged into this unit from %(day)s") % {"day": _day(on)}
        else:
            share = round(100 * float(part.share or 0))
            relation = _("split into this unit from %(day)s (%(share)s %% of its members)") % {
                "day": _day(on),
                "share": share,
            }
        first, last = part.day("first"), part.day("last")
        rows.append(
            SuccessionRow(
                unit_id=part.unit_id,
                code=part.code,
                name=part.name,
                relation=str(relation),
                period=f"{_day(first)} – {_day(last)}" if first and last else "",
                days=part.days,
                total=part.total_points,
                level=part.level or str(_("Unclassified")),
                weight=part.weight_percent if part.counted else str(_("not counted")),
                counted=part.counted,
                points=part.point_texts(),
                linked=part.unit_id in reach,
            )
        )
    rule = SuccessionRule(evidence.rule).label if evidence.rule in SuccessionRule.values else evidence.rule
    return SuccessionView(pro_rata=evidence.pro_rata, rule=str(rule), rows=rows)


def taken_over_by(rubric: Rubric, unit: Unit) -> list[dict[str, Any]]:
    """The units that took this unit's work over during the rubric's year (it was merged or split):
    [{unit, on, kind}]. One query."""
    from loa.units.selectors import successors

    return [
        {"unit": s.successor, "on": s.on, "kind": s.kind}
        for s in successors(unit)
        if s.on.year == rubric.year and s.successor.path.startswith(rubric.unit.path)
    ]
