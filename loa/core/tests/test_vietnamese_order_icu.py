"""Loa's Vietnamese sort key against the reference: PostgreSQL's ICU collation "vi-VN-x-icu".

Over every name of the synthetic national tree (133,035 units: the root, 34 provinces, 3,000
upper unions, 130,000 CĐCS) and a real list of Vietnamese place names (the 34 provinces and 3,321
communes and wards of 2025, from the vietnam-provinces package), ordering by Loa's stored key
must give the same sequence of names as ordering with ICU. PostgreSQL only: SQLite has no ICU.
"""

import json
from itertools import count

import pytest
from django.db import connection
from vietnam_provinces import FLAT_DIVISIONS_JSON_PATH

from loa.core.text import sort_key
from loa.demo.synthetic import plan_synthetic

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="ICU collations are PostgreSQL's"),
]


def _synthetic_names():
    kinds = {code: 0 for code in ("tong-ldld", "ldld-tinh", "cd-nganh", "cd-cap-tren", "cdcs", "cd-bo-phan")}
    rows, _plan = plan_synthetic(units=130_000, seed=1, ids=count(1), kind_ids=kinds)
    return [row["name"] for row in rows]


def _one_space(text):
    # Loa's key reads a run of spaces as one, on purpose (test_text.py); ICU counts each. A few
    # names of the list carry a double space ("Phường  An Nhơn"): compare them as typed once.
    return " ".join(text.split())


def _place_names():
    divisions = [
        {k: _one_space(v) if isinstance(v, str) else v for k, v in d.items()}
        for d in json.loads(FLAT_DIVISIONS_JSON_PATH.read_text(encoding="utf-8"))
    ]
    names = {d["name"] for d in divisions} | {d["province_name"] for d in divisions}
    # As unions write them: "Công đoàn phường Hoàn Kiếm", "Liên đoàn Lao động Thành phố Hà Nội".
    names |= {f"Công đoàn {d['name'][0].lower()}{d['name'][1:]}" for d in divisions}
    names |= {f"Liên đoàn Lao động {d['province_name']}" for d in divisions}
    return sorted(names)


def _first_difference(ours, icu):
    for i, (a, b) in enumerate(zip(ours, icu, strict=True)):
        if a != b:
            return i, ours[max(0, i - 2) : i + 3], icu[max(0, i - 2) : i + 3]
    return None


def _compare(names):
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE loa_order_check (id serial, name text, key text) ON COMMIT DROP")
        with cur.copy("COPY loa_order_check (name, key) FROM STDIN") as copy:
            for name in names:
                copy.write_row((name, sort_key(name)))
        cur.execute('SELECT name FROM loa_order_check ORDER BY key COLLATE "C", name')
        ours = [r[0] for r in cur.fetchall()]
        cur.execute('SELECT name FROM loa_order_check ORDER BY name COLLATE "vi-VN-x-icu", name')
        icu = [r[0] for r in cur.fetchall()]
    return ours, icu


def test_the_133035_names_of_the_synthetic_tree_sort_as_icu_sorts_them():
    names = _synthetic_names()
    assert len(names) == 133_035
    ours, icu = _compare(names)
    assert _first_difference(ours, icu) is None


def test_the_names_of_vietnams_provinces_communes_and_wards_sort_as_icu_sorts_them():
    names = _place_names()
    assert len(names) > 6_000
    ours, icu = _compare(names)
    assert _first_difference(ours, icu) is None
