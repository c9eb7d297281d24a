"""Reads for the classification pages, exports and API: one unit's score card, the ranking, the
distribution of levels. Batch queries on the Score table, never one per unit."""

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loa.accounts.capabilities import Capability
from loa.accounts.scope import path_q
from loa.core.paging import CappedPaginator
from loa.scoring import engine, measures
from loa.scoring.models import Score
from loa.scoring.rules import points_text

STATE_LABELS = {"on_time": gettext_lazy("on time"), "late": gettext_lazy("late"), "missing": gettext_lazy("missing"),
                "exempt": gettext_lazy("not expected")}


def reading_text(measure, reading):
    """"245 / 300 (82 %)", "3", "on time", "yes"."""
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
    criterion: object
    measure: object
    points: str
    max: str
    reading: str
    evidence: list = field(default_factory=list)
    adjusted: str = ""  # the adjustment's reason
    below_half: bool = False
    max_cp: int | None = None  # the maximum in hundredths; None when the stored maximum is damaged


def card(book, result, unit, *, evidence=True, adjustments=None):
    """The lines of a unit's score card: per criterion its points, reading and evidence links."""
    lines = []
    reasons = adjustments or {}
    for c, spec in zip(book.criteria, book.specs):
        m = book.measures[c.code]
        pts = result.points.get(c.code, 0)
        top = spec.max if spec.valid else None
        lines.append(Line(
            criterion=c, measure=m, points=points_text(pts), max=points_text(top),
            reading=reading_text(m, result.readings.get(c.code)),
            evidence=m.evidence(unit, book.rubric.year) if (evidence and m and m.evidence) else [],
            adjusted=reasons.get(c.code, ""),
            below_half=not c.is_bonus and (pts is None or top is None or pts * 2 < top), max_cp=top,
        ))
    return lines


def gap_sentence(book, result, by_measure, adjustments=None):
    """"Thêm 2 bài và thêm 15 ngày đăng bài để đạt mức “Hoàn thành tốt nhiệm vụ”." or None at the top."""
    found = book.gap(result, by_measure, adjustments)
    if found is None:
        return None
    level, phrases = found
    phrases = [str(p) for p in phrases] if phrases is not None else None
    if phrases is None:
        return _("“%(level)s” cannot be reached from the figures that remain to be counted this year.") % {"level": level.name}
    if not phrases:
        return None
    items = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " " + str(_("and")) + " " + phrases[-1]
    sentence = _("%(items)s to reach “%(level)s”.") % {"items": items, "level": level.name}
    return sentence[:1].upper() + sentence[1:]


def scores(user, year, *, node=None, kind_id=None):
    qs = Score.objects.filter(year=year).filter(path_q(user, Capability.VIEW, field="unit_path"))
    if node is not None:
        qs = qs.filter(unit_path__startswith=node.path)
    if kind_id:
        qs = qs.filter(kind_id=kind_id)
    return qs


SORTS = {
    "rank": ("rank", "unit_sort", "id"), "-rank": ("-rank", "unit_sort", "id"),
    "total": ("total", "unit_sort", "id"), "-total": ("-total", "unit_sort", "id"),
    "name": ("unit_sort", "id"), "-name": ("-unit_sort", "-id"),
}


def sorted_scores(qs, sort):
    sort = sort if sort in SORTS else "-total"
    return qs.order_by(*SORTS[sort]), sort


def distribution(qs, book):
    """[(level name, count, percent)] in the rubric's level order (highest first), then unclassified."""
    counts = {row["level_name"]: row["n"] for row in qs.order_by().values("level_name").annotate(n=Count("id"))}
    total = sum(counts.values())
    names = [lv.name for lv in book.levels]
    rows = [(name, counts.get(name, 0)) for name in names]
    rows += [(name or _("Unclassified"), n) for name, n in counts.items() if name not in names]
    return [(name, n, round(100 * n / total) if total else 0) for name, n in rows], total


class RankingPaginator(CappedPaginator):
    """Pages of the ranking: told its count (the distribution's total, counted anyway) instead of
    counting; the page's ids are sorted and sliced alone over the Score indexes, then its rows fetched
    with their unit (CappedPaginator.page)."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self):
        return self.known_count


def previous_totals(year, unit_ids):
    """{unit_id: total} of the year before, for the units shown. One query."""
    return dict(Score.objects.filter(year=year - 1, unit_id__in=unit_ids).values_list("unit_id", "total"))


def unit_result(rubric, unit, *, hypothetical=None):
    """(book, result, readings by measure, {code: reason}, stored Score or None, live?) for one unit.

    A frozen year reads only the stored Score: later data never changes it."""
    from loa.scoring.models import Adjustment

    reasons = dict(Adjustment.objects.filter(rubric=rubric, unit=unit, active=True).order_by("at", "id")
                   .values_list("criterion__code", "reason"))
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
