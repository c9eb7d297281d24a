"""The one version check (loa.core.versions): a change made against an older version is refused."""

from types import SimpleNamespace

import pytest

from loa.core import versions
from loa.core.versions import StaleVersion
from loa.units.models import Unit


@pytest.mark.parametrize(
    "sent, read",
    [
        (3, 3),
        ("3", 3),
        (" 3 ", 3),
        ("", None),
        (None, None),
        ("abc", None),
        ("-1", None),
        (-1, None),
        (True, None),
        ("3.0", None),
        ("٣", None),
        ("9" * 5000, None),
        (2**31, None),
        (2**31 - 1, 2**31 - 1),
    ],
)
def test_a_version_sent_by_a_page_is_read_as_a_number_or_as_none(sent, read):
    assert versions.parse(sent) == read


def test_the_version_read_is_accepted_and_an_older_one_is_refused_with_the_row_as_it_is_now(tree):
    unit = Unit.objects.get(pk=tree["a"].pk)
    versions.check(unit, 1)
    versions.bump(unit)
    unit.save()
    with pytest.raises(StaleVersion) as refused:
        versions.check(unit, 1)
    assert refused.value.code == "stale" and refused.value.current is unit
    assert "đã sửa đơn vị này" in refused.value.messages[0] and "phiên bản 2" in refused.value.messages[0]


def test_a_missing_version_is_refused_but_none_from_an_import_checks_nothing(tree):
    with pytest.raises(StaleVersion) as refused:
        versions.check(tree["a"], "")
    assert "Trang này đã cũ" in refused.value.messages[0]
    versions.check(tree["a"], None)  # an import, a rule, the demo: not an edit


def test_the_editing_session_that_wrote_last_may_save_again_from_its_older_version():
    # A row with an `edit_session` column, as the article editor's submissions have.
    piece = SimpleNamespace(version=1, edit_session="", _meta=SimpleNamespace(verbose_name="tin, bài"))
    versions.bump(piece, session="page-1")
    versions.check(piece, 1, session="page-1")  # its own autosave came first
    with pytest.raises(StaleVersion):
        versions.check(piece, 1, session="page-2")
    with pytest.raises(StaleVersion):
        versions.check(piece, 1)
    versions.bump(piece)  # a write outside any page (an editor's decision) forgets the session
    assert piece.edit_session == ""
    with pytest.raises(StaleVersion):
        versions.check(piece, 2, session="page-1")


@pytest.mark.parametrize(
    "token, kept", [("abc-123_X", "abc-123_X"), ("x" * 33, ""), ("đ", ""), ("a b", ""), ("a\x00", ""), (None, "")]
)
def test_an_editing_session_token_is_short_and_printable_or_nothing(token, kept):
    assert versions.clean_session(token) == kept


def test_nothing_stored_yet_is_version_0(tree):
    versions.check(None, 0)
    versions.check(None, None)


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_one_unit_at_the_same_moment_one_wins_and_the_other_is_told(tree, admin):
    import threading

    from django.core.exceptions import ValidationError
    from django.db import connection

    from loa.units.services import unit_update

    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the sequential tests cover it (run on PostgreSQL)")
    results, barrier = {}, threading.Barrier(2)

    def save(name, members):
        barrier.wait()
        try:
            unit_update(by=admin, unit=tree["a"], expected_version=1, members_count=members)
            results[name] = "ok"
        except ValidationError as exc:
            results[name] = exc.code
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(name, members)) for name, members in (("first", 61), ("second", 62))]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(results.values()) == ["ok", "stale"]
    unit = Unit.objects.get(pk=tree["a"].pk)
    assert (
        unit.version == 2
        and unit.members_count == {"first": 61, "second": 62}[next(k for k, v in results.items() if v == "ok")]
    )
