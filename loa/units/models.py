from django.db import connection, models
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.db.models.functions import Collate, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loa.core.text import fold, sort_key


class UnitKind(models.Model):
    """LĐLĐ tỉnh, công đoàn cấp trên, CĐCS, công đoàn bộ phận…: data, not code."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    # CĐCS are the units the letter addresses: they report, post and are scored.
    is_grassroots = models.BooleanField(_("grassroots union (CĐCS)"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("unit kind")

    def __str__(self):
        return self.name


# A word found in more than this share of the units walked is not worth the trigram index.
COMMON_WORD_SHARE = 0.3


class UnitQuerySet(models.QuerySet):
    def vi_ordered(self):
        return self.order_by("name_sort", "id")

    def subtree(self, unit):
        return self.filter(path__startswith=unit.path)

    def active_on(self, day):
        return self.filter(models.Q(active_from__isnull=True) | models.Q(active_from__lte=day)).filter(
            models.Q(active_to__isnull=True) | models.Q(active_to__gte=day)
        )

    def active_during(self, start, end):
        """Units active for at least one day of [start, end]."""
        return self.filter(models.Q(active_from__isnull=True) | models.Q(active_from__lte=end)).filter(
            models.Q(active_to__isnull=True) | models.Q(active_to__gte=start)
        )

    def search_ids(self, query, *, limit, probe=1500, row_by_row=False):
        """Ids of the first `limit` units of this queryset whose search text holds every word of
        `query`, in Vietnamese order: the list page's count (capped) and pages in one answer.

        row_by_row=True (a small scope, or SQLite) checks the words on every unit of the
        queryset in one query. Otherwise (PostgreSQL) one query first walks the name order over
        the first `probe` units of the queryset and checks the words row by row. That answer is
        complete when the queryset has fewer units than `probe` or when `limit` matches come
        early in the name order ("cong doan": nearly every unit). Otherwise the matches lie further on
        ("truong tieu hoc": schools, from "Trường" on) and a second query takes them all from
        the trigram index and sorts them; ordering by the key under the "C" collation (the same
        byte order, as `sort_key` is ASCII) keeps the planner from walking the name index
        instead, which its estimate of a broad search (1% instead of 16%) would make it do.
        """
        from loa.core.text import search_terms

        terms = search_terms(query)
        if row_by_row or connection.vendor != "postgresql":
            return list(self.search(query, use_index=False).vi_ordered().values_list("pk", flat=True)[:limit])
        terms = terms or [""]
        flags = {f"t{i}": ExpressionWrapper(Q(search_text_row__contains=t), output_field=BooleanField())
                 for i, t in enumerate(terms)}
        walk = (
            self.alias(search_text_row=Concat("search_text", Value("")))
            .annotate(**flags)
            .order_by("name_sort", "id")
            .values_list("pk", *flags)[:probe]
        )
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
        # The matches lie further on. Only the words that were rare in the walk go to the index:
        # the trigrams of a word in nearly every name ("cong doan") cost a bitmap of the whole
        # table each and narrow nothing; they are checked on the rows the other words find.
        ordered = self.alias(search_text_row=Concat("search_text", Value("")))
        for term, count in zip(terms, term_counts):
            if len(term) >= 3 and count <= walked * COMMON_WORD_SHARE:
                ordered = ordered.filter(search_text__contains=term)
            else:
                ordered = ordered.filter(search_text_row__contains=term)
        ordered = ordered.order_by(Collate("name_sort", "C"), "id")
        return list(ordered.values_list("pk", flat=True)[:limit])

    def search(self, query, *, use_index=True):
        """Units whose search text holds every word of `query`, accents ignored.

        use_index=False checks every word row by row: cheaper than the trigram index when the
        rows are already narrowed to a few thousand (a province admin's subtree).
        """
        from loa.core.text import search_terms

        qs = self
        for term in search_terms(query):
            if not use_index or len(term) < 3:
                # Checked row by row: the trigram index cannot serve a word under 3 letters, and
                # the expression keeps the planner from trying.
                qs = qs.alias(search_text_row=Concat("search_text", Value(""))).filter(search_text_row__contains=term)
            else:
                qs = qs.filter(search_text__contains=term)
        return qs


class Unit(models.Model):
    """A node of the union tree. Never hard-deleted once it has history: deactivate instead.

    `path` is the materialised path of ids ("/1/7/42/"): a subtree is one indexed prefix
    query, and a role held at a unit covers every unit whose path starts with its path.
    """

    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    kind = models.ForeignKey(UnitKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="units")
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    members_count = models.PositiveIntegerField(_("members"), default=0)
    staff_count = models.PositiveIntegerField(_("staff (CCVCLĐ)"), default=0)
    address = models.CharField(_("address"), max_length=255, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_to = models.DateField(_("active to"), null=True, blank=True)
    # Stored so that search ignores accents and ordering is Vietnamese on every database.
    name_sort = models.CharField(max_length=1200, editable=False, db_index=True)
    search_text = models.CharField(max_length=600, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["name_sort", "id"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self):
        return self.name

    def refresh_derived(self):
        self.name_sort = sort_key(self.name)
        self.search_text = fold(f"{self.code} {self.name} {self.short_name}")

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def is_active(self, day=None):
        day = day or timezone.localdate()
        return (self.active_from is None or self.active_from <= day) and (self.active_to is None or self.active_to >= day)

    def ancestor_ids(self):
        return [int(part) for part in self.path.strip("/").split("/")[:-1] if part]

    def ancestors(self):
        """Root first."""
        ids = self.ancestor_ids()
        by_id = Unit.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def is_within(self, other):
        return self.path.startswith(other.path)
