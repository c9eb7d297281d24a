"""Finding units by words: every word of the search box (accents ignored) somewhere in the unit's
code, name or short name, in Vietnamese order.

On PostgreSQL a search over a big scope reads `UnitSearchRow`, a narrow copy of each unit kept by
triggers, with a trigram index on its text and the unit's place in Vietnamese order as a number
(`rank`), and `UnitSearchWord`, each row's words at its rank: a broad search walks its rarest
word's entries in rank order and stops at the matches it needs. Everywhere else, and in a scope
of a few thousand units, the words are checked on the units row by row, which costs less there
than the index's bitmap of a common word ("truong": a third of the country).
"""

import re

from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat

from loa.core.text import search_terms
from loa.units.models import Unit, UnitSearchRow, UnitSearchWord

# A word found in more than this share of the units walked is not worth the trigram index.
COMMON_WORD_SHARE = 0.3
# The word walk serves search words that are words: letters only, 3 or more (the words of the
# search text are written from its runs of 3 letters or more).
WALKABLE = re.compile(r"[a-z]{3,}")
# Below this many units holding its rarest word, a search is cheap enough from the trigram index.
BROAD = 5000
# A search word inside more words than this ("an": thanh, xuan, ...) is not walked.
MAX_WALKED_WORDS = 30
# Units whose words are written per transaction by write_due_words.
WORDS_BATCH = 20_000


def uses_search_rows():
    return connection.vendor == "postgresql"


def write_due_words(report=None):
    """Write the words of every unit still waiting for them (a big import's, a renumbering's),
    WORDS_BATCH units per transaction; `report(done, total)` after each. Returns how many.

    Until they are written, searches take the trigram index (same results, slower at national
    scale). Two runs at once share the work: each batch takes its units with SKIP LOCKED.
    """
    if not uses_search_rows():
        return 0
    done = 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM loa_unit_search_due")
        total = cursor.fetchone()[0]
        while True:
            with transaction.atomic():
                cursor.execute("SELECT loa_unit_search_words_write_some(%s)", [WORDS_BATCH])
                written = cursor.fetchone()[0]
            if not written:
                if done > WORDS_BATCH:
                    # Fresh statistics after a big load, or the planner may sort a word's
                    # entries instead of walking them in order.
                    cursor.execute("ANALYZE units_unitsearchword, units_unitsearchrow")
                return done
            done += written
            if report:
                report(done, max(total, done))


def rebuild():
    """Number every unit again and write every word: for a database restored without the
    triggers' tables, or after writing units with the triggers disabled."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT loa_unit_search_rebuild()")


def _row_by_row(term):
    """A condition the planner cannot take to the trigram index: the word is checked on each row
    (the index cannot serve a word under 3 letters, and for a common word it narrows nothing)."""
    return Q(search_text_row__contains=term)


def _with_row_text(qs):
    return qs.alias(search_text_row=Concat("search_text", Value("")))


def filter_words(qs, terms, *, use_index):
    """`qs` (units or search rows) narrowed to the rows whose search text holds every term."""
    qs = _with_row_text(qs)
    for term in terms:
        if use_index and len(term) >= 3:
            qs = qs.filter(search_text__contains=term)
        else:
            qs = qs.filter(_row_by_row(term))
    return qs


def matching_unit_ids(query):
    """A subquery of the ids of every unit matching `query`, from the indexed search rows
    (PostgreSQL only)."""
    return filter_words(UnitSearchRow.objects.all(), search_terms(query), use_index=True).values("unit_id")


def held_by_at_most(query, n):
    """Whether the search's rarest word is held by at most `n` units, by the word counts
    (PostgreSQL); False when it cannot tell (no walkable word, words still due). A caller that
    sorts the matches of a narrow search itself can then keep the planner from walking a whole
    list in order to find them: its estimates for several `LIKE '%…%'` are often ten times off."""
    walkable = [t for t in search_terms(query) if WALKABLE.fullmatch(t)]
    if not walkable or not uses_search_rows():
        return False
    due, counted = _word_counts(walkable)
    return not due and min(sum(c for w, c in counted if t in w) for t in walkable) <= n


def _word_counts(walkable):
    """(whether some units' words are still to be written, [(word, units holding it)] of every word
    that holds one of the `walkable` search words)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM loa_unit_search_due), array_agg(word), array_agg(units)"
            " FROM units_unitsearchwordcount WHERE word LIKE ANY(%s) AND units > 0",
            [[f"%{t}%" for t in walkable]],
        )
        due, words, counts = cursor.fetchone()
    return due, list(zip(words or [], counts or []))


def first_ids(filters, query, *, limit, probe, row_by_row=False):
    """Ids of the first `limit` units matching `query` among those `filters` keep, in Vietnamese
    order: the list page's count (capped) and every page it can show, in one answer.

    `filters` are Q objects on the unit's path, kind, active_from and active_to: they apply to
    units and to search rows alike. row_by_row=True (a small scope), or any database but
    PostgreSQL, checks the words on every unit the filters keep, in one query.

    Otherwise, when thousands of units hold even the search's rarest word ("truong tieu hoc":
    20,000 schools, none in the first 90,000 units of the order), the word walk finds the first
    matches (`_word_walk`: two queries). Else one query walks the first `probe` search rows in
    rank order and checks the words row by row. That answer is complete when the filters keep
    fewer rows, or when `limit` matches come early (an unsearched list). Otherwise a second query
    takes every match from the trigram index and sorts them by rank. Only the words that were
    rare in the walk go to the index: the trigrams of a word in nearly every name ("cong doan")
    cost a bitmap of the whole table each and narrow nothing; they are checked on the rows the
    other words find.
    """
    terms = search_terms(query)
    if row_by_row or not uses_search_rows():
        units = filter_words(Unit.objects.filter(*filters), terms, use_index=False)
        return list(units.vi_ordered().values_list("pk", flat=True)[:limit])

    rows = UnitSearchRow.objects.filter(*filters)
    ids = _word_walk(rows, filters, terms, limit)
    if ids is not None:
        return ids
    terms = terms or [""]
    flags = {f"t{i}": ExpressionWrapper(_row_by_row(t), output_field=BooleanField()) for i, t in enumerate(terms)}
    walk = _with_row_text(rows).annotate(**flags).order_by("rank").values_list("unit_id", *flags)[:probe]
    sql, params = walk.query.sql_with_params()
    every = " AND ".join(f"w.{f}" for f in flags)
    per_term = ", ".join(f"count(*) FILTER (WHERE w.{f})" for f in flags)
    with connection.cursor() as cursor:
        # The aggregate reads the walk in its order (a plain aggregate over a sorted subquery).
        cursor.execute(
            f"SELECT count(*), (array_agg(w.uid) FILTER (WHERE {every}))[1:%s], {per_term}"
            f" FROM ({sql}) AS w (uid, {', '.join(flags)})",
            [limit, *params],
        )
        walked, ids, *term_counts = cursor.fetchone()
    ids = ids or []
    if walked < probe or len(ids) >= limit:
        return ids

    found = _with_row_text(rows)
    for term, count in zip(terms, term_counts):
        if len(term) >= 3 and count <= walked * COMMON_WORD_SHARE:
            found = found.filter(search_text__contains=term)
        else:
            found = found.filter(_row_by_row(term))
    # "rank + 0": sorted after the index finds the matches. Ordered by the bare column, the
    # planner, which underestimates a broad search tenfold, would walk the rank index instead.
    found = found.order_by(F("rank") + 0)
    return list(found.values_list("unit_id", flat=True)[:limit])


def _on_path_only(q):
    """Whether every condition of `q` is on the path (the user's scope, a subtree filter)."""
    return all(_on_path_only(c) if isinstance(c, Q) else c[0].split("__")[0] == "path" for c in q.children)


def _word_walk(rows, filters, terms, limit):
    """The first `limit` matches found by walking, in rank order, the units holding the search's
    rarest word, each checked for every word; None when the walk does not apply: no search word
    is a walkable word, the rarest is rare enough for the trigram index, or some units' words
    are still to be written.

    A search word may be part of several words ("hoc" of "hoc" and "hocvien"): their entries are
    merged in rank order. The checks on the unit's own search text make the answer the same as
    the trigram index's.
    """
    walkable = [t for t in terms if WALKABLE.fullmatch(t)]
    if not walkable:
        return None
    due, counted = _word_counts(walkable)
    if due:
        return None
    holding = {t: [(w, n) for w, n in counted if t in w] for t in walkable}
    pivot = min(walkable, key=lambda t: sum(n for _w, n in holding[t]))
    pivot_words = [w for w, _n in holding[pivot]]
    if not pivot_words:
        return []  # no unit's text holds that word
    if sum(n for _w, n in holding[pivot]) < BROAD or len(pivot_words) > MAX_WALKED_WORDS:
        return None
    # The scope is checked on the entries themselves (their index holds the path), so that a
    # province admin's walk looks up only the province's units.
    on_path = [f for f in filters if _on_path_only(f)]
    parts = [
        UnitSearchWord.objects.filter(*on_path, word=w).values("rank").query.sql_with_params() for w in pivot_words
    ]
    entries = " UNION ALL ".join(f"({sql})" for sql, _params in parts)
    entry_params = [p for _sql, params in parts for p in params]
    checked = _with_row_text(rows.filter(rank=RawSQL("walk.rank", []))).filter(*[_row_by_row(t) for t in terms])
    row_sql, row_params = checked.values("unit_id").query.sql_with_params()
    with connection.cursor() as cursor:
        # The walk runs in rank order and stops at `limit` matches; OFFSET 0 keeps the unit's
        # row a lookup per entry rather than a join the planner could turn into a hash of all.
        cursor.execute(
            f"SELECT unit.unit_id FROM (SELECT DISTINCT ON (rank) rank FROM ({entries}) AS e ORDER BY rank) AS walk,"
            f" LATERAL ({row_sql} OFFSET 0) AS unit ORDER BY walk.rank LIMIT %s",
            [*entry_params, *row_params, limit],
        )
        return [row[0] for row in cursor.fetchall()]
