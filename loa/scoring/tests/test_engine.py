"""The engine's arithmetic over generated rubrics and readings: points add up to the total, the level
follows the cut-offs, caps hold, adjustments apply."""

import random
from decimal import Decimal
from types import SimpleNamespace

import pytest

from loa.scoring import measures
from loa.scoring.engine import Book, LevelSpec
from loa.scoring.rules import Spec, points

MEASURES = [
    "fanpage_report",
    "posting_days",
    "news_quota",
    "article_quota",
    "like_rate",
    "over_quota",
    "in_depth",
    "exemplary",
    "fanpage_registered",
]


def _book(specs, levels, group_caps=None, bonus_cap=None):
    """A Book without the database: the engine only reads these attributes."""
    book = Book.__new__(Book)
    book.specs, book.levels = specs, levels
    book.group_caps, book.bonus_cap = group_caps or {}, bonus_cap
    book.criteria, book.measures, book.rubric = [], {}, SimpleNamespace(year=2021)
    return book


def _random_spec(rng, i):
    measure = rng.choice(MEASURES + [""])
    m = measures.get(measure)
    if not measure:
        rule, params = "manual", {"default": rng.choice([0, 0.5])}
    elif m.kind == measures.STATE:
        rule, params = "timeliness", {"late": rng.choice([0, 0.5, 0.7])}
    elif m.kind == measures.FLAG:
        rule, params = "yes_no", {}
    else:
        rule = rng.choice(["proportional", "thresholds", "yes_no"])
        params = {
            "proportional": {"target": rng.choice([0.5, 0.8, 1, 3, 8])},
            "thresholds": {"steps": sorted([[rng.random(), rng.randint(0, 5)] for _ in range(3)], reverse=True)},
            "yes_no": {"min": rng.choice([0.5, 1])},
        }[rule]
    return Spec(
        code=f"C{i}",
        max=rng.choice([300, 500, 1000, 1500, 2000, 3000]),
        rule=rule,
        params=params,
        measure=measure,
        is_bonus=rng.random() < 0.25,
        group=rng.choice(["", "G1", "G2"]),
        no_base=getattr(m, "no_base", "zero"),
    )


def _random_reading(rng, measure):
    m = measures.get(measure)
    if m.kind == measures.STATE:
        return (rng.choice(["on_time", "late", "missing", "exempt"]), None)
    if m.kind == measures.FLAG:
        return (rng.random() < 0.5, None)
    base = rng.choice([None, 0, rng.randint(1, 365)])
    return (rng.randint(0, (base or 10) + 3), base)


def test_every_units_points_add_up_to_its_total_and_its_level_follows_the_cut_offs():
    rng = random.Random(6)
    for trial in range(300):
        specs = [_random_spec(rng, i) for i in range(rng.randint(1, 9))]
        levels = [
            LevelSpec(1, "XS", 9000, rng.choice([None, 0.5])),
            LevelSpec(2, "T", 7500, None),
            LevelSpec(3, "HT", 5000, None),
            LevelSpec(4, "K", 0, None),
        ]
        group_caps = {"G1": rng.choice([500, 1000, 5000])} if rng.random() < 0.5 else {}
        bonus_cap = rng.choice([None, 500, 1000])
        book = _book(specs, levels, group_caps, bonus_cap)
        for _unit in range(20):
            readings = {m: _random_reading(rng, m) for m in MEASURES}
            adjustments = {}
            if rng.random() < 0.3:
                s = rng.choice(specs)
                adjustments[s.code] = rng.choice(
                    [("override", rng.randint(0, s.max)), ("delta", rng.randint(-s.max, s.max))]
                )
            r = book.score(1, readings, adjustments)
            assert sum(r.points.values()) == r.total
            for s in specs:
                assert 0 <= r.points[s.code] <= s.max
            for group, cap in group_caps.items():
                assert sum(r.points[s.code] for s in specs if s.group == group) <= cap
            if bonus_cap is not None:
                assert sum(r.points[s.code] for s in specs if s.is_bonus) <= bonus_cap
            # The level is the highest whose cut-off (and condition) the unit meets.
            expected = None
            for lv in levels:
                if r.total >= lv.min_total and (
                    lv.min_share is None or all(s.is_bonus or r.points[s.code] >= s.max * lv.min_share for s in specs)
                ):
                    expected = lv
                    break
            assert r.level == expected, (trial, r)


def test_scoring_every_unit_at_once_gives_each_the_result_of_scoring_it_alone():
    rng = random.Random(7)
    for trial in range(100):
        specs = [_random_spec(rng, i) for i in range(rng.randint(1, 9))]
        levels = [LevelSpec(1, "XS", 9000, rng.choice([None, 0.5])), LevelSpec(2, "HT", 5000, None)]
        book = _book(specs, levels, {"G1": 1000} if rng.random() < 0.5 else {}, rng.choice([None, 500]))
        units = list(range(1, 31))
        # Some units have no reading for a measure: they get its default, as in a full run.
        data = {m: {u: _random_reading(rng, m) for u in units if rng.random() < 0.8} for m in book.measure_keys}
        adjustments = {}
        for u in rng.sample(units, 5):
            s = rng.choice(specs)
            adjustments[u] = {
                s.code: rng.choice([("override", rng.randint(0, s.max)), ("delta", rng.randint(-s.max, s.max))])
            }
        alone = [
            book.score(u, {m: data[m].get(u, measures.get(m).default) for m in book.measure_keys}, adjustments.get(u))
            for u in units
        ]
        assert list(book.score_all(units, data, adjustments)) == alone, trial


def _spec(rule, params, max_points=10, measure="posting_days", **kw):
    return Spec(code="X", max=max_points * 100, rule=rule, params=params, measure=measure, **kw)


def test_proportional_points_follow_the_target_and_stop_at_the_maximum():
    s = _spec("proportional", {"target": 0.8}, 30)
    assert points(s, (146, 365)) == 1500  # 40 % of the days: half of 80 %
    assert points(s, (365, 365)) == 3000
    assert points(s, (0, 0)) == 0
    quota = _spec("proportional", {"target": 1}, 20, measure="news_quota", no_base="full")
    assert points(quota, (3, 4)) == 1500
    assert points(quota, (0, 0)) == 2000  # no quota was set: nothing was asked


def test_thresholds_give_the_points_of_the_highest_step_reached():
    s = _spec("thresholds", {"steps": [[0.9, 15], [0.7, 10], [0.5, 6]]}, 15)
    assert [points(s, (n, 100)) for n in (95, 90, 89, 70, 50, 49)] == [1500, 1500, 1000, 1000, 600, 0]


def test_timeliness_gives_late_reports_their_share_and_missing_ones_nothing():
    s = _spec("timeliness", {"on_time": 1, "late": 0.5, "missing": 0}, 15, measure="fanpage_report")
    assert [points(s, (state, None)) for state in ("on_time", "late", "missing", "exempt")] == [1500, 750, 0, 1500]


def test_a_group_cap_trims_the_groups_last_criteria_so_the_total_still_adds_up():
    specs = [
        Spec("A", 500, "yes_no", {}, "fanpage_registered", group="Tuyên truyền"),
        Spec("B", 800, "yes_no", {}, "fanpage_registered", group="Tuyên truyền"),
        Spec("C", 3000, "manual", {}, ""),
    ]
    book = _book(specs, [LevelSpec(1, "K", 0, None)], group_caps={"Tuyên truyền": 1000})
    r = book.score(1, {"fanpage_registered": (True, None)}, {"C": ("override", 2500)})
    assert r.points == {"A": 500, "B": 500, "C": 2500}
    assert r.total == 3500


@pytest.mark.django_db
def test_the_1294_guidance_is_expressible_propaganda_capped_and_the_rest_entered_by_hand(tree, admin):
    from loa.scoring import examples, services
    from loa.scoring.engine import running_score

    rubric = examples.guidance_1294(by=admin, unit=tree["province"], year=2022)
    assert sum(c.max_points for c in rubric.criteria.all() if c.group != "Công tác tuyên truyền") == Decimal(90)
    criteria = {c.code: c for c in rubric.criteria.all()}
    services.adjust(
        by=admin,
        rubric=rubric,
        unit=tree["a"],
        criterion=criteria["1"],
        points=Decimal(28),
        reason="Theo hồ sơ thi đua",
    )
    _book, result, _r, _a = running_score(rubric, tree["a"])
    assert result.points["1"] == 2800
    assert sum(result.points[c] for c in ("2", "3", "4")) <= 1000
    assert sum(result.points.values()) == result.total
