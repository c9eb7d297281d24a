"""Scores of the units merged or split during a rubric's year: the rule set in the rubric
(`Rubric.succession_rule`), applied to the successions the units app records (`UnitSuccession`).

- **pro_rata**: the successor's points, criterion by criterion, are the average of its own and each
  predecessor's, weighted by the days each stood in the year (a split's parts each take their
  source's days before the split). Each unit's adjustments are part of its own score (they judge
  its own work), so the result can be checked from the evidence alone: Σ weight × own points.
- **survivor**: the successor keeps its own score; its predecessors' are shown, not counted.

Either way a scored predecessor is not ranked on its own for that year (its work is in its
successor's score, or given up to it): the ranking counts each unit's work once. A unit merged in
March into one merged again in September counts through that one (the chain is followed).

`Evidence` says how a successor's score was made: each unit, its days, its own total, level and
points, and its weight; it is stored with the score (`Score.succession`) so a frozen year keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from loa.scoring.models import SuccessionRule
from loa.units import selectors as unit_selectors

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from loa.scoring.engine import Book, Result
    from loa.scoring.models import Rubric
    from loa.units.models import Unit, UnitSuccession

SELF, MERGE, SPLIT = "self", "merge", "split"


def year_span(year: int, today: date | None = None) -> tuple[date, date]:
    """The days a year's weights count: 1 January to 31 December, or to today in the running year."""
    today = today or timezone.localdate()
    return date(year, 1, 1), min(date(year, 12, 31), max(today, date(year, 1, 1)))


def stood(unit: Unit, start: date, end: date) -> tuple[date | None, date | None, int]:
    """(first, last, days) of the unit's own days in [start, end]; (None, None, 0) when it had none."""
    first = max(start, unit.active_from) if unit.active_from else start
    last = min(end, unit.active_to) if unit.active_to else end
    if last < first:
        return None, None, 0
    return first, last, (last - first).days + 1


@dataclass
class Part:
    """One unit in a successor's evidence: the successor itself, or a predecessor."""

    unit_id: int
    code: str
    name: str
    relation: str  # SELF, MERGE (merged into the successor) or SPLIT (the successor split from it)
    on: str | None  # the successor's first day after the merge or split (ISO), None for SELF
    share: str | None  # a split: the share of the source's members the successor took ("0.4000")
    first: str | None  # the unit's first and last day counted (ISO)
    last: str | None
    days: int
    weight: int  # in hundredths of a percent (5000 = 50 %); 0 when not counted
    counted: bool
    total: int  # hundredths of a point
    level: str
    points: dict[str, int] = field(default_factory=dict)  # {criterion code: hundredths}

    @property
    def weight_percent(self) -> str:
        """ "33.15 %": written as the points are (loa.scoring.rules.points_text)."""
        return f"{self.weight / 100:.2f}".rstrip("0").rstrip(".") + " %"

    @property
    def total_points(self) -> str:
        from loa.scoring.rules import points_text

        return points_text(self.total)

    def point_texts(self) -> list[tuple[str, str]]:
        from loa.scoring.rules import points_text

        return [(code, points_text(p)) for code, p in self.points.items()]

    def day(self, name: str) -> date | None:
        value = getattr(self, name)
        return date.fromisoformat(value) if value else None


@dataclass
class Evidence:
    rule: str
    parts: list[Part]

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "parts": [vars(p) | {"points": dict(p.points)} for p in self.parts]}

    @classmethod
    def of(cls, stored: Any) -> Evidence | None:
        """From `as_dict` (a stored Score's `succession`); None when there is none or it is not one."""
        if not isinstance(stored, dict) or not isinstance(stored.get("parts"), list):
            return None
        names = Part.__dataclass_fields__
        parts = []
        for raw in stored["parts"]:
            if isinstance(raw, dict) and names.keys() <= raw.keys():
                parts.append(Part(**{k: raw[k] for k in names}))
        return cls(rule=str(stored.get("rule", "")), parts=parts)

    @property
    def pro_rata(self) -> bool:
        return self.rule == SuccessionRule.PRO_RATA

    @property
    def predecessors(self) -> list[Part]:
        return [p for p in self.parts if p.relation != SELF]


class Chains:
    """The successions of a rubric's year among its scored units: who takes over whom.

    Only successions whose source and successor are both scored count: a unit merged into one the
    rubric does not score stays ranked on its own."""

    def __init__(self, rubric: Rubric, successions: Iterable[UnitSuccession], scored: set[int], today: date | None):
        self.rubric = rubric
        self.rule = rubric.succession_rule
        self.start, self.end = year_span(rubric.year, today)
        self.successions = [s for s in successions if s.source_id in scored and s.successor_id in scored]
        self.into: dict[int, list[UnitSuccession]] = {}
        for s in self.successions:
            self.into.setdefault(s.successor_id, []).append(s)
        self.units: dict[int, Unit] = {}
        for s in self.successions:
            self.units[s.source_id], self.units[s.successor_id] = s.source, s.successor

    @classmethod
    def for_year(cls, rubric: Rubric, scored: set[int], today: date | None = None) -> Chains:
        """Every succession of the year among the scored units: one query."""
        start, end = date(rubric.year, 1, 1), date(rubric.year, 12, 31)
        return cls(rubric, unit_selectors.successions_during(start, end), scored, today)

    @classmethod
    def for_unit(
        cls, rubric: Rubric, unit: Unit, scored: Callable[[set[int]], set[int]], today: date | None = None
    ) -> Chains:
        """The successions behind one unit (and behind its predecessors, back along the chain): one
        query per step back, and one (`scored`) to keep the units the rubric scores."""
        start, end = date(rubric.year, 1, 1), date(rubric.year, 12, 31)
        found = unit_selectors.predecessors([unit.pk], start, end)
        ids = {unit.pk} | {s.source_id for s in found} | {s.successor_id for s in found}
        return cls(rubric, found, scored(ids) if found else set(), today)

    def __bool__(self) -> bool:
        return bool(self.successions)

    @property
    def successor_ids(self) -> set[int]:
        return set(self.into)

    @property
    def folded(self) -> set[int]:
        """The predecessors, not ranked on their own."""
        return {s.source_id for s in self.successions}

    def unit_ids(self) -> set[int]:
        return set(self.units)

    def apply(self, book: Book, own: dict[int, Result]) -> tuple[dict[int, Result], dict[int, Evidence]]:
        """({unit id: result} with every successor's result as the rule makes it, {successor id:
        evidence}), from each unit's own result. Successors oldest succession first, so that a
        predecessor that was itself a successor brings its combined result."""
        results = dict(own)
        evidence: dict[int, Evidence] = {}
        order: list[int] = []
        for s in self.successions:  # oldest first: a chain's earlier links are settled first
            if s.successor_id not in order:
                order.append(s.successor_id)
        for successor_id in order:
            if successor_id not in results:
                continue
            parts: list[tuple[Part, Result]] = []
            unit = self.units[successor_id]
            first, last, days = stood(unit, self.start, self.end)
            parts.append(
                (self._part(unit, SELF, None, None, first, last, days, results[successor_id]), results[successor_id])
            )
            for s in self.into[successor_id]:
                result = results.get(s.source_id)
                if result is None:
                    continue
                first, last, days = stood(s.source, self.start, self.end)
                parts.append((self._part(s.source, s.kind, s.on, s.share, first, last, days, result), result))
            results[successor_id] = self._settle(book, successor_id, parts)
            evidence[successor_id] = Evidence(self.rule, [p for p, _r in parts])
        return results, evidence

    def _part(
        self,
        unit: Unit,
        relation: str,
        on: date | None,
        share: Any,
        first: date | None,
        last: date | None,
        days: int,
        result: Result,
    ) -> Part:
        return Part(
            unit_id=unit.pk,
            code=unit.code,
            name=unit.name,
            relation=relation,
            on=on.isoformat() if on else None,
            share=None if share is None else str(share),
            first=first.isoformat() if first else None,
            last=last.isoformat() if last else None,
            days=days,
            weight=0,
            counted=False,
            total=result.total,
            level=result.level.name if result.level else "",
            points=dict(result.points),
        )

    def _settle(self, book: Book, unit_id: int, parts: list[tuple[Part, Result]]) -> Result:
        own_part, own = parts[0]
        weighed = sum(p.days for p, _r in parts)
        if self.rule != SuccessionRule.PRO_RATA or weighed == 0:
            own_part.counted, own_part.weight = True, 10000
            return own
        for part, _r in parts:
            part.counted = part.days > 0
            part.weight = round(10000 * part.days / weighed)
        points = {
            code: round(sum(part.days * result.points.get(code, 0) for part, result in parts) / weighed)
            for code in own.points
        }
        # The caps hold already (a weighted average of capped points stays under them): settling
        # gives the total and the level.
        return book.settle(unit_id, points, dict(own.readings))
