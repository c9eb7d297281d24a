"""The search rows and words PostgreSQL keeps beside the units (migration 0003_unit_search), in step
whatever writes the units: the services, a bulk insert, a rename of many, a delete."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Q

from loa.demo.synthetic import ROOT_CODE, build_synthetic, remove_synthetic
from loa.jobs.services import enqueue
from loa.units import search, services
from loa.units.models import Unit, UnitSearchRow, UnitSearchWord
from loa.units.tests.import_helpers import row, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the search rows are kept on PostgreSQL only")


def search_state():
    """What is out of step between the units and their search rows and words."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT
              (SELECT count(*) FROM (SELECT unit_id, row_number() OVER (ORDER BY rank) AS a FROM units_unitsearchrow) x
                 FULL JOIN (SELECT id, row_number() OVER (ORDER BY name_sort, id) AS b FROM units_unit) y ON x.unit_id = y.id
                WHERE a IS DISTINCT FROM b),
              (SELECT count(*) FROM units_unit u JOIN units_unitsearchrow s ON s.unit_id = u.id
                WHERE (u.path, u.kind_id, u.active_from, u.active_to, u.search_text)
                      IS DISTINCT FROM (s.path, s.kind_id, s.active_from, s.active_to, s.search_text)),
              (SELECT count(*) FROM (SELECT t, s.rank FROM units_unitsearchrow s, loa_unit_search_tokens(s.search_text) t
                                     EXCEPT SELECT word, rank FROM units_unitsearchword) x),
              (SELECT count(*) FROM (SELECT word, rank FROM units_unitsearchword
                                     EXCEPT SELECT t, s.rank FROM units_unitsearchrow s, loa_unit_search_tokens(s.search_text) t) x),
              (SELECT count(*) FROM units_unitsearchwordcount c
                WHERE c.units <> (SELECT count(*) FROM units_unitsearchword w WHERE w.word = c.word)),
              (SELECT count(*) FROM loa_unit_search_due),
              (SELECT count(*) FROM units_unitsearchword w JOIN units_unitsearchrow s ON s.rank = w.rank WHERE w.path <> s.path)
        """)
        names = ("out_of_order", "stale_copies", "missing_words", "extra_words", "wrong_counts", "due", "stale_paths")
        return dict(zip(names, cursor.fetchone()))


IN_STEP = {
    "out_of_order": 0,
    "stale_copies": 0,
    "missing_words": 0,
    "extra_words": 0,
    "wrong_counts": 0,
    "due": 0,
    "stale_paths": 0,
}


def test_units_written_through_the_services_stay_in_step(tree, admin, kinds):
    unit = services.unit_create(
        by=admin, parent=tree["upper"], kind=kinds["cdcs"], code="CS-NEW", name="Công đoàn Trường Mầm non Hoa Mai"
    )
    assert search_state() == IN_STEP
    services.unit_update(by=admin, unit=unit, name="Công đoàn Trường Mầm non Sơn Ca", short_name="Sơn Ca")
    services.unit_update(by=admin, unit=unit, code="CS-SONCA")
    services.unit_move(by=admin, unit=tree["upper"], new_parent=None)
    services.unit_deactivate(by=admin, unit=unit, active_to=datetime.date(2026, 1, 1))
    assert search_state() == IN_STEP
    row_ = UnitSearchRow.objects.get(unit=unit)
    assert (row_.path, row_.active_to) == (Unit.objects.get(pk=unit.pk).path, datetime.date(2026, 1, 1))
    words = set(UnitSearchWord.objects.filter(rank=row_.rank).values_list("word", flat=True))
    assert words == {"sonca", "cong", "doan", "truong", "mam", "non", "son"}  # the old name's are gone


def bulk_units(kinds, n, name="Công đoàn Trường Tiểu học Bản {i}"):
    """n units in one INSERT, as an import's COPY writes them."""
    units = [Unit(kind=kinds["cdcs"], code=f"BULK-{i:04d}", name=name.format(i=i), path="/bulk/") for i in range(n)]
    for unit in units:
        unit.refresh_derived()
    return Unit.objects.bulk_create(units)


def test_many_units_at_once_are_placed_in_order_and_their_words_written_after(tree, kinds):
    bulk_units(kinds, 1100)  # more than the triggers write words for at once
    state = search_state()
    assert state["out_of_order"] == state["stale_copies"] == 0
    assert state["due"] == 1100
    # Meanwhile searches take the trigram index, with the same answers.
    expected = list(Unit.objects.search("truong tieu hoc", use_index=False).vi_ordered().values_list("pk", flat=True))
    assert len(expected) == 1100
    assert search.first_ids([Q()], "truong tieu hoc", limit=5000, probe=10) == expected
    reports = []
    assert search.write_due_words(lambda done, total: reports.append((done, total))) == 1100
    assert reports[-1] == (1100, 1100)
    assert search_state() == IN_STEP


def test_renaming_many_units_in_one_statement_places_them_again(kinds):
    build_synthetic(units=300, seed=4)
    search.write_due_words()
    Unit.objects.filter(code__startswith=f"{ROOT_CODE}-0").update(name_sort="0000", search_text="moved to the top")
    assert search_state() == IN_STEP
    first = UnitSearchRow.objects.order_by("rank").values_list("search_text", flat=True)[:3]
    assert list(first) == ["moved to the top"] * 3


def test_a_gap_too_narrow_numbers_every_unit_again(tree, admin, kinds):
    # Each new name sorts between "Công đoàn A" and the previous one: the gap halves every time.
    services.unit_create(by=admin, parent=tree["upper"], kind=kinds["cdcs"], code="GAP", name="Công đoàn A")
    for n in range(30, 0, -1):
        services.unit_create(
            by=admin, parent=tree["upper"], kind=kinds["cdcs"], code=f"GAP-{n}", name="Công đoàn A" + "a" * n
        )
    assert search_state() == IN_STEP
    ids = search.first_ids([Q()], "cong doan a", limit=100, probe=5)
    by_id = Unit.objects.in_bulk(ids)
    names = [by_id[pk].name for pk in ids if by_id[pk].code.startswith("GAP")]
    assert names == sorted(names, key=len) and len(names) == 31


def test_deleting_units_takes_their_words_away(kinds):
    build_synthetic(units=200, seed=6)
    search.write_due_words()
    remove_synthetic()
    assert search_state() == IN_STEP
    assert not UnitSearchWord.objects.exists()


@pytest.mark.parametrize(
    "q",
    ["cong doan truong", "truong tieu hoc", "tieu hoc", "hoc", "benh vien so y", "so y", "tld-01", "zzzz", "cong doan"],
)
def test_the_word_walk_finds_the_first_matches_in_order(q, monkeypatch):
    build_synthetic(units=500, seed=5)
    monkeypatch.setattr(search, "BROAD", 0)  # walk even the small words of a small tree
    province = Unit.objects.get(code=f"{ROOT_CODE}-02")
    for filters in ([Q()], [Q(path__startswith=province.path), Q(kind__code="cdcs")]):
        expected = list(
            Unit.objects.filter(*filters).search(q, use_index=False).vi_ordered().values_list("pk", flat=True)
        )
        assert search.first_ids(filters, q, limit=70, probe=10) == expected[:70]


def test_the_word_walk_is_taken_for_a_broad_search(monkeypatch, django_assert_num_queries):
    build_synthetic(units=500, seed=5)
    monkeypatch.setattr(search, "BROAD", 0)
    walked = []
    original = search._word_walk
    monkeypatch.setattr(search, "_word_walk", lambda *a: walked.append(original(*a)) or walked[-1])
    with django_assert_num_queries(2):  # the word counts, the word walk
        ids = search.first_ids([Q()], "truong tieu hoc", limit=20, probe=10)
    assert walked == [ids] and len(ids) == 20


def test_a_big_import_writes_its_search_words_in_its_job(admin, settings):
    settings.JOBS_BACKEND = "inline"
    rows = [row("T", "Công đoàn ngành thử", "CDVC", kind="cd-cap-tren")]
    rows += [row(f"T-{i:04d}", f"Công đoàn Trường Tiểu học Bản {i}", "T") for i in range(1100)]
    from django.core.files.base import ContentFile

    job = enqueue(
        "units.import",
        by=admin,
        input_file=ContentFile(xlsx(rows), name="units.xlsx"),
        commit=True,
        filename="units.xlsx",
        rows=len(rows),
    )
    assert job.status == "done", job.error
    assert search_state() == IN_STEP
    assert Unit.objects.filter(code__startswith="T-").count() == 1100, job.result
    assert UnitSearchWord.objects.filter(word="ban").count() == 1100


def test_the_command_rebuilds_the_search_rows(tree):
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE units_unitsearchrow")
    assert search_state()["out_of_order"] > 0
    out = StringIO()
    call_command("unit_search", "--rebuild", stdout=out)
    assert "Search rows numbered again." in out.getvalue()
    assert search_state() == IN_STEP
