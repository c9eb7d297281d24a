"""The scoring engine: one query per measure for all the units of a rubric, rules in pure Python,
adjustments and caps on top, totals and levels; results kept in `Score`.

Points are integers in hundredths while computing; each criterion's points are final after the
caps (a cap trims the last criteria of its group), so every unit's criteria add up to its total.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from hashlib import blake2b
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.scoring import measures
from loa.scoring.models import Adjustment, Rubric, Score
from loa.scoring.rules import Spec, compile_rule, points_text, stored_centi
from loa.units.models import Unit

if TYPE_CHECKING:
    from loa.scoring.succession import Evidence


@dataclass(frozen=True)
class LevelSpec:
    id: int
    name: str
    min_total: int  # hundredths
    min_share: float | None


@dataclass
class Result:
    unit_id: int
    points: dict  # code -> hundredths, final
    readings: dict  # code -> (amount, base)
    total: int
    level: LevelSpec | None
    adjusted: dict = field(default_factory=dict)  # code -> (mode, hundredths) applied
    # A unit that took over others this year: how its score was made (loa.scoring.succession).
    succession: "Evidence | None" = None


NOTHING = (0, None)


def scored_units(rubric):
    """The grassroots units under the rubric's unit that were active during its year."""
    return Unit.objects.filter(path__startswith=rubric.unit.path, kind__is_grassroots=True).active_during(
        date(rubric.year, 1, 1), date(rubric.year, 12, 31)
    )


class Book:
    """A rubric compiled for scoring: its criteria as Specs, its levels highest first, its caps.

    A damaged stored number (NaN, an infinity: what SQLite reads beyond a column, what PostgreSQL can
    hold) never stops the scoring: its criterion gives 0, its level, cap or bonus cap is left out, and
    `problems` says so in words for the pages to show above the figures, until an admin repairs it.
    """

    def __init__(self, rubric):
        self.rubric = rubric
        self.problems = []
        self.criteria = list(rubric.criteria.all())
        self.measures = {c.code: measures.get(c.measure) for c in self.criteria}
        self.specs = [Spec.of(c, self.measures[c.code]) for c in self.criteria]
        for c, spec in zip(self.criteria, self.specs):
            if not spec.valid:
                self.problems.append(
                    _(
                        "Criterion %(code)s “%(name)s”: its maximum points or rule parameters are not "
                        "valid numbers; it counts for nothing until they are corrected."
                    )
                    % {"code": c.code, "name": c.name}
                )
        self.levels = []
        for lv in rubric.levels.all():
            least = stored_centi(lv.min_total)
            share = None if lv.min_share_each is None else stored_centi(lv.min_share_each)
            if least is None or (lv.min_share_each is not None and share is None):
                self.problems.append(
                    _(
                        "Level “%(name)s”: its minimum is not a valid number; no unit is given this "
                        "level until it is corrected."
                    )
                    % {"name": lv.name}
                )
                continue
            self.levels.append(LevelSpec(lv.id, lv.name, least, None if share is None else share / 100))
        self.levels.sort(key=lambda lv: -lv.min_total)
        self.group_caps = {}
        for group, value in (rubric.group_caps or {}).items():
            if not str(value).strip():
                continue
            cap = stored_centi(value)
            if cap is None:
                self.problems.append(
                    _("The cap of group “%(group)s” is not a valid number; it is not applied until it is corrected.")
                    % {"group": group}
                )
            else:
                self.group_caps[group] = cap
        bonus_cap = stored_centi(rubric.bonus_cap)
        if bonus_cap is None:
            self.problems.append(_("The bonus cap is not a valid number; it is not applied until it is corrected."))
        self.bonus_cap = bonus_cap or None
        if stored_centi(rubric.total_points) is None:
            self.problems.append(
                _("The rubric's total points are not a valid number; correct them on the rubric page.")
            )

    @property
    def measure_keys(self):
        return sorted({s.measure for s in self.specs if s.measure and measures.get(s.measure)})

    # --- reading the data --------------------------------------------------------------------
    def read(self, units, today=None):
        """{measure key: {unit_id: reading}}: one query (or two) per measure, whatever the number of units."""
        run = measures.Run(year=self.rubric.year, units=units, today=today)
        return {key: measures.get(key).compute(run) for key in self.measure_keys}

    def unit_readings(self, data, unit_id):
        out = {}
        for key in self.measure_keys:
            m = measures.get(key)
            out[key] = data[key].get(unit_id, m.default)
        return out

    # --- scoring ---------------------------------------------------------------------------------
    def score(self, unit_id, by_measure, adjustments=None):
        """Result for one unit from its readings {measure key: reading} and its adjustments {code: (mode, hundredths)}."""
        pts, readings = {}, {}
        for code, measure, top, rule in self.compiled():
            if measure:
                reading = readings[code] = by_measure.get(measure, NOTHING)
            else:
                reading = NOTHING
            pts[code] = rule(reading)
        return self.settle(unit_id, pts, readings, adjustments)

    def settle(self, unit_id, pts, readings, adjustments=None):
        """Result from points before adjustments {code: hundredths}: the adjustments, the caps, the
        total and the level (a merged unit's points weighed from its predecessors' come here too)."""
        applied = {}
        if adjustments:
            for code, adj in adjustments.items():
                if code in pts:
                    mode, value = adj
                    top = next(s.max for s in self.specs if s.code == code)
                    p = value if mode == "override" else pts[code] + value
                    pts[code] = min(top, max(0, p))
                    applied[code] = adj
        if self.group_caps or self.bonus_cap is not None:
            self._cap(pts)
        total = sum(pts.values())
        return Result(unit_id, pts, readings, total, self.level_for(pts, total), applied)

    def score_all(self, unit_ids, data, adjustments):
        """Results of many units from `read`'s data, in the order of `unit_ids`: `score` without
        building each unit's readings by measure first (the same results, a third of the time)."""
        plan = []
        for s, (code, measure, _top, rule) in zip(self.specs, self.compiled()):
            if not measure:
                plan.append((code, None, None, rule))
            elif measure in data:
                plan.append((code, data[measure], measures.get(measure).default, rule))
            else:
                plan.append((code, {}, NOTHING, rule))
        capped = bool(self.group_caps) or self.bonus_cap is not None
        keys = self.measure_keys
        defaults = {k: measures.get(k).default for k in keys}
        level_for = self.level_for
        for unit_id in unit_ids:
            adjusted = adjustments.get(unit_id)
            if adjusted:
                yield self.score(unit_id, {k: data[k].get(unit_id, defaults[k]) for k in keys}, adjusted)
                continue
            pts, readings = {}, {}
            for code, values, default, rule in plan:
                if values is None:
                    pts[code] = rule(NOTHING)
                else:
                    reading = readings[code] = values.get(unit_id, default)
                    pts[code] = rule(reading)
            if capped:
                self._cap(pts)
            total = sum(pts.values())
            yield Result(unit_id, pts, readings, total, level_for(pts, total), {})

    def compiled(self):
        """[(code, measure key, max in hundredths, rule function)] in the rubric's order, compiled once."""
        plan = self.__dict__.get("_plan")
        if plan is None:
            plan = self._plan = [(s.code, s.measure, s.max, compile_rule(s)) for s in self.specs]
        return plan

    def _cap(self, pts):
        groups = self.__dict__.get("_cap_groups")
        if groups is None:
            groups = self._cap_groups = [
                ([s.code for s in self.specs if s.group == group], cap) for group, cap in self.group_caps.items()
            ]
            if self.bonus_cap is not None:
                groups.append(([s.code for s in self.specs if s.is_bonus], self.bonus_cap))
        for codes, cap in groups:
            self._trim(codes, pts, cap)

    @staticmethod
    def _trim(codes, pts, cap):
        excess = -cap
        for code in codes:
            excess += pts[code]
        if excess <= 0:
            return
        for code in reversed(codes):
            if excess <= 0:
                break
            cut = min(excess, pts[code])
            pts[code] -= cut
            excess -= cut

    def level_for(self, pts, total):
        for level in self.levels:
            if total < level.min_total:
                continue
            if level.min_share is not None:
                share = level.min_share
                if any(not s.is_bonus and pts[s.code] < s.max * share - 1e-9 for s in self.specs):
                    continue
            return level
        return None

    # --- what the unit lacks --------------------------------------------------------------------
    def next_level(self, level):
        if level is None:
            return self.levels[-1] if self.levels else None
        i = self.levels.index(level)
        return self.levels[i - 1] if i > 0 else None

    def gap(self, result, by_measure, adjustments=None):
        """(next level, [phrases]) with what the unit still needs, e.g. ["thêm 2 bài", "thêm 15 ngày
        đăng bài"]; phrases None when the level cannot be reached from the measures; None when at the top."""
        target = self.next_level(result.level)
        if target is None:
            return None
        trial = dict(by_measure)
        added = {}

        def reaches(extra_key=None, extra=0):
            t = dict(trial)
            if extra_key:
                t[extra_key] = _add(t[extra_key], extra, measures.get(extra_key))
            r = self.score(result.unit_id, t, adjustments)
            return r

        def better(key):
            m = measures.get(key)
            reading = trial[key]
            if m.kind == measures.COUNT:
                return _limit(reading)
            return 1 if _improve(reading, m) != reading else 0

        # Criteria failing the level's per-criterion condition first, then those that give the most
        # for one more item (a report, an article before a posting day), bonus criteria last.
        current = self.score(result.unit_id, trial, adjustments)

        def gain(s):
            limit = better(s.measure)
            return reaches(s.measure, 1).total - current.total if limit else 0

        def priority(s):
            failing = (
                target.min_share is not None and not s.is_bonus and current.points[s.code] < s.max * target.min_share
            )
            return (not failing, s.is_bonus, -gain(s))

        order = sorted((s for s in self.specs if s.measure and s.measure in trial), key=priority)
        for s in order:
            now = self.score(result.unit_id, trial, adjustments)
            if now.level is not None and now.level.min_total >= target.min_total:
                break
            need_share = (
                not s.is_bonus and target.min_share is not None and now.points[s.code] < s.max * target.min_share
            )
            if now.total >= target.min_total and not need_share:
                continue
            limit = better(s.measure)
            if not limit:
                continue

            def good(k, s=s):
                r = reaches(s.measure, k)
                ok_share = s.is_bonus or target.min_share is None or r.points[s.code] >= s.max * target.min_share - 1e-9
                return r.total >= target.min_total and ok_share, r

            ok, _reached = good(limit)
            if ok:
                lo, hi = 1, limit
                while lo < hi:
                    mid = (lo + hi) // 2
                    if good(mid)[0]:
                        hi = mid
                    else:
                        lo = mid + 1
                k = lo
            else:
                # Take only what this criterion still gives (or what its condition needs), then go on.
                k = _smallest_for(lambda k, s=s: reaches(s.measure, k).points[s.code], limit)
                if k == 0:
                    continue
            trial[s.measure] = _add(trial[s.measure], k, measures.get(s.measure))
            added[s.measure] = added.get(s.measure, 0) + k
        final = self.score(result.unit_id, trial, adjustments)
        if final.level is None or final.level.min_total < target.min_total:
            return target, None
        phrases = []
        for key, k in added.items():
            m = measures.get(key)
            phrases.append(m.gap(k) if m.kind == measures.COUNT else m.gap())
        return target, phrases


def _limit(reading):
    """How much the amount of a count reading can still grow (up to its base, or a large count)."""
    amount, base = reading
    if base is None:
        return 1000
    return max(0, base - amount)


def _improve(reading, m):
    if m.kind == measures.STATE:
        return ("late", None) if reading[0] == "missing" else reading
    if m.kind == measures.FLAG:
        return (True, None)
    return reading


def _add(reading, k, m):
    if m.kind == measures.COUNT:
        return (reading[0] + k, reading[1])
    return _improve(reading, m) if k else reading


def _smallest_for(points_of, limit):
    """The smallest k in [0, limit] at which points_of(k) reaches points_of(limit)."""
    best = points_of(limit)
    if points_of(0) >= best:
        return 0
    lo, hi = 1, limit
    while lo < hi:
        mid = (lo + hi) // 2
        if points_of(mid) >= best:
            hi = mid
        else:
            lo = mid + 1
    return lo


def still_needed(rule, reading):
    """How much more of a count reading makes `rule` give all it can for it (0 when more gives nothing)."""
    amount, base = reading
    return _smallest_for(lambda k: rule((amount + k, base)), _limit(reading))


def load_adjustments(rubric, unit_ids=None):
    """{unit_id: {code: (mode, hundredths)}}: the latest active adjustment per unit and criterion."""
    qs = Adjustment.objects.filter(rubric=rubric, active=True)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    out = {}
    for unit_id, code, mode, pts in qs.order_by("at", "id").values_list("unit_id", "criterion__code", "mode", "points"):
        points = stored_centi(pts)
        if points is not None:  # a damaged adjustment is left out (the adjustment page shows it as invalid)
            out.setdefault(unit_id, {})[code] = (mode, points)
    return out


def running_score(rubric, unit, *, today=None, hypothetical=None, book=None):
    """(Book, Result, readings by measure) for one unit, from the live data; `hypothetical`
    {measure key: amount} replaces amounts (what-if), nothing is saved.

    A unit that took over others this year (a merge, a split) is scored as the rubric's rule says,
    from its own figures and its predecessors' (read with the same queries): `result.succession`
    holds the evidence."""
    from loa.scoring import succession

    book = book or Book(rubric)
    chains = succession.Chains.for_unit(
        rubric, unit, lambda ids: set(scored_units(rubric).filter(pk__in=ids).values_list("pk", flat=True)), today
    )
    ids = [unit.pk, *sorted(chains.unit_ids() - {unit.pk})]
    data = book.read(Unit.objects.filter(pk__in=ids), today=today)
    by_measure = book.unit_readings(data, unit.pk)
    for key, amount in (hypothetical or {}).items():
        if key in by_measure:
            by_measure[key] = (amount, by_measure[key][1])
    every_adjustment = load_adjustments(rubric, ids)
    adjustments = every_adjustment.get(unit.pk, {})
    if not chains:
        return book, book.score(unit.pk, by_measure, adjustments), by_measure, adjustments
    own = {
        pk: book.score(pk, by_measure if pk == unit.pk else book.unit_readings(data, pk), every_adjustment.get(pk))
        for pk in ids
    }
    results, evidence = chains.apply(book, own)
    result = results[unit.pk]
    result.succession = evidence.get(unit.pk)
    return book, result, by_measure, adjustments


def stored_result(book, score):
    """A Result rebuilt from a stored Score (what a frozen year shows). A damaged stored figure reads as
    None (shown as invalid) and is named in the book's problems."""
    level = next((lv for lv in book.levels if lv.id == score.level_id), None)
    if level is None and score.level_name:
        level = LevelSpec(0, score.level_name, 0, None)
    points = {c: stored_centi(v) for c, v in (score.points or {}).items()}
    total = stored_centi(score.total)
    if total is None or None in points.values():
        book.problems.append(
            _(
                "The stored result of this unit holds a figure that is not a valid number (%(total)s "
                "points): compute the year again to replace it."
            )
            % {"total": points_text(total)}
        )
    readings = {c: tuple(v) for c, v in (score.readings or {}).items() if isinstance(v, (list, tuple))}
    from loa.scoring.succession import Evidence

    return Result(score.unit_id, points, readings, total, level, succession=Evidence.of(score.succession))


def score_year(rubric, *, today=None, progress=None):
    """Compute and store every scored unit's result. Refuses a frozen year. Returns the number of units."""
    rubric = Rubric.objects.select_related("unit").get(pk=rubric.pk)
    if rubric.frozen:
        raise ValidationError(
            _("The results of %(year)s are frozen: they are not computed again.") % {"year": rubric.year}
        )
    from loa.scoring.succession import Chains

    book = Book(rubric)
    units = scored_units(rubric)
    meta = list(units.values_list("id", "path", "name_sort", "kind_id"))
    if progress:
        progress(0, len(meta))
    data = book.read(units, today=today)
    adjustments = load_adjustments(rubric)
    if progress:
        progress(len(meta) // 3, len(meta))
    chains = Chains.for_year(rubric, {m[0] for m in meta}, today)
    results = list(book.score_all([m[0] for m in meta], data, adjustments))
    del data
    evidence = {}
    if chains:
        # The rubric's rule for the units merged or split this year: the successors' results from
        # their predecessors', and the predecessors no longer ranked on their own.
        combined, evidence = chains.apply(book, {r.unit_id: r for r in results})
        kept = [i for i, m in enumerate(meta) if m[0] not in chains.folded]
        meta = [meta[i] for i in kept]
        results = [combined[meta_row[0]] for meta_row in meta]
        for r in results:
            r.succession = evidence.get(r.unit_id)
    now = timezone.now()
    # Competition ranking: equal totals share a rank (1, 1, 3).
    order = sorted(range(len(results)), key=lambda i: -results[i].total)
    ranks = [0] * len(results)
    previous, rank = None, 0
    for position, i in enumerate(order, start=1):
        if results[i].total != previous:
            rank, previous = position, results[i].total
        ranks[i] = rank
    if progress:
        progress(2 * len(meta) // 3, len(meta))
    with transaction.atomic():
        Rubric.objects.select_for_update().filter(pk=rubric.pk, frozen_at__isnull=True).update(computed_at=now)
        if Rubric.objects.filter(pk=rubric.pk, frozen_at__isnull=False).exists():
            raise ValidationError(
                _("The results of %(year)s are frozen: they are not computed again.") % {"year": rubric.year}
            )
        _write(rubric, book, meta, results, ranks, now)
    if progress:
        progress(len(meta), len(meta))
    return len(results)


COLUMNS = (
    "rubric_id",
    "year",
    "unit_id",
    "unit_path",
    "unit_sort",
    "kind_id",
    "total",
    "level_id",
    "level_name",
    "rank",
    "points",
    "readings",
    "computed_at",
    "digest",
    "succession",
)


def digest(text):
    """A signed 64-bit hash of a row's stored values as text (what decides whether it is written again)."""
    return int.from_bytes(blake2b(text.encode(), digest_size=8).digest(), "big", signed=True)


def _changes(rubric, book, meta, results, ranks):
    """[(meta, result, rank, digest)] of the units whose stored row differs (or is missing), and the ids
    of the year's stored rows whose unit is no longer scored. One query reads the stored hashes.

    A row's text holds every stored value but computed_at: the criteria codes once for the rubric,
    then per unit its strings as they are and its points and readings in criteria order."""
    stored = dict(Score.objects.filter(year=rubric.year).values_list("unit_id", "digest"))
    shape = repr((rubric.pk, rubric.year, [s.code for s in book.specs], [s.code for s in book.specs if s.measure]))
    changed = []
    for m, r, rank in zip(meta, results, ranks):
        unit_id, path, sort, kind_id = m
        level = r.level
        text = (
            f"{shape}\x1f{unit_id}\x1f{path}\x1f{sort}\x1f{kind_id}\x1f{r.total}\x1f{level.id if level else None}"
            f"\x1f{level.name if level else ''}\x1f{rank}\x1f{tuple(r.points.values())}\x1f{tuple(r.readings.values())}"
        )
        if r.succession is not None:
            text += f"\x1f{_succession_json(r)}"
        d = digest(text)
        if stored.pop(unit_id, None) != d:
            changed.append((m, r, rank, d))
    return changed, list(stored)


def _rows(rubric, changed, now):
    dumps = json.dumps
    for (unit_id, path, sort, kind_id), r, rank, d in changed:
        level = r.level
        yield (
            rubric.pk,
            rubric.year,
            unit_id,
            path,
            sort,
            kind_id,
            r.total / 100,
            level.id if level else None,
            level.name if level else "",
            rank,
            dumps({c: p / 100 for c, p in r.points.items()}, separators=(",", ":")),
            dumps(r.readings, separators=(",", ":")),
            now,
            d,
            _succession_json(r),
        )


def _succession_json(result):
    """The evidence of a successor's score as stored (`Score.succession`), or None."""
    if result.succession is None:
        return None
    return json.dumps(result.succession.as_dict(), ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _copy_text(value):
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


# Past this share of changed rows, deleting them and writing them anew (one COPY) costs less than
# updating each in place (measured at 130,000 rows: 5.8 s against 7.3 s).
REWRITE_SHARE = 0.5


def _write(rubric, book, meta, results, ranks, now):
    """Store the results: only the rows whose values changed are written, the rows of units no longer
    scored are deleted. Re-scoring unchanged data writes nothing."""
    changed, gone = _changes(rubric, book, meta, results, ranks)
    _delete(rubric, gone)
    if not changed:
        return
    if connection.vendor == "postgresql" and len(changed) <= REWRITE_SHARE * len(results):
        _upsert_postgresql(rubric, changed, now)
        return
    # Most rows changed (or the year has none yet): deleting them and writing them anew costs less
    # than updating each in place.
    _delete(rubric, [m[0] for m, *_ in changed])
    if connection.vendor == "postgresql":
        _copy_postgresql(rubric, changed, now, "scoring_score")
        return
    batch = []
    for row in _rows(rubric, changed, now):
        values = dict(zip(COLUMNS, row))
        values["points"], values["readings"] = json.loads(values["points"]), json.loads(values["readings"])
        values["succession"] = json.loads(values["succession"]) if values["succession"] else None
        batch.append(Score(**values))
        if len(batch) >= 2000:
            Score.objects.bulk_create(batch)
            batch = []
    Score.objects.bulk_create(batch)


def _delete(rubric, unit_ids):
    """Delete the year's rows of these units (no signal listens to Score deletions)."""
    if not unit_ids:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # one statement with an array, not 130,000 parameters
            cursor.execute("DELETE FROM scoring_score WHERE year = %s AND unit_id = ANY(%s)", [rubric.year, unit_ids])
        return
    for i in range(0, len(unit_ids), 500):
        Score.objects.filter(year=rubric.year, unit_id__in=unit_ids[i : i + 500]).delete()


def _copy_postgresql(rubric, changed, now, table):
    # Lines of COPY text built here and sent in large chunks: adapting 14 values a row one by one
    # (write_row) costs more than the database's own work.
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        chunk = []
        for row in _rows(rubric, changed, now.isoformat()):
            chunk.append("\t".join(map(_copy_text, row)))
            if len(chunk) >= 5000:
                copy.write("\n".join(chunk) + "\n")
                chunk = []
        if chunk:
            copy.write("\n".join(chunk) + "\n")


def _upsert_postgresql(rubric, changed, now):
    """COPY the changed rows into a temporary table, then INSERT … ON CONFLICT DO UPDATE from there:
    only the changed rows are rewritten (and leave dead tuples)."""
    columns = ", ".join(COLUMNS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS if c not in ("year", "unit_id"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE scoring_score_new ON COMMIT DROP AS SELECT {columns} FROM scoring_score WITH NO DATA"
        )
        _copy_postgresql(rubric, changed, now, "scoring_score_new")
        cursor.execute(
            f"INSERT INTO scoring_score ({columns}) SELECT {columns} FROM scoring_score_new"
            f" ON CONFLICT (unit_id, year) DO UPDATE SET {updates}"
            " WHERE scoring_score.digest IS DISTINCT FROM EXCLUDED.digest"
        )
        cursor.execute("DROP TABLE scoring_score_new")
