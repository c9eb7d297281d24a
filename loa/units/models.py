from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from loa.core.text import fold, sort_key
from loa.core.versions import version_field


class UnitKindQuerySet(models.QuerySet):
    def offered(self, keep=None):
        """The kinds a unit form offers: those not retired, and `keep` (a unit's own kind, which it
        keeps even when retired)."""
        current = models.Q(retired_on__isnull=True)
        if keep is not None:
            current |= models.Q(pk=getattr(keep, "pk", keep))
        return self.filter(current)


class UnitKind(models.Model):
    """LĐLĐ tỉnh, công đoàn cấp trên, CĐCS, công đoàn bộ phận…: data, not code.

    The standard kinds are listed in `loa.units.kinds`; writes go through `loa.units.kind_services`.
    A retired kind is no longer offered for new units, but the units that have it keep it.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    # CĐCS are the units the letter addresses: they report, post and are scored.
    is_grassroots = models.BooleanField(_("grassroots union (CĐCS)"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    retired_on = models.DateField(_("retired on"), null=True, blank=True)

    objects = UnitKindQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("unit kind")
        verbose_name_plural = _("unit kinds")

    def __str__(self):
        return self.name

    @property
    def is_retired(self):
        return self.retired_on is not None


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

    def search(self, query, *, use_index=True):
        """Units whose code, name or short name holds every word of `query`, accents ignored.

        use_index=False checks every word row by row: cheaper than the trigram index when the
        rows are already narrowed to a few thousand (a province admin's subtree). See
        `loa.units.search`.
        """
        from loa.core.text import search_terms
        from loa.units import search

        terms = search_terms(query)
        if use_index and terms and search.uses_search_rows():
            return self.filter(pk__in=search.matching_unit_ids(query))
        return search.filter_words(self, terms, use_index=False)


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
    name_sort = models.CharField(max_length=1200, editable=False)
    search_text = models.CharField(max_length=600, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Every edit carries the version it started from (loa.core.versions): two admins never
    # silently revert each other. Every write of the unit raises it, an import's too.
    version = version_field()

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["name_sort", "id"]
        # The list's order, and the neighbours a renamed unit's search rank is placed between.
        indexes = [models.Index(fields=["name_sort", "id"], name="units_unit_name_order")]
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
        return (self.active_from is None or self.active_from <= day) and (
            self.active_to is None or self.active_to >= day
        )

    def ancestor_ids(self):
        return [int(part) for part in self.path.strip("/").split("/")[:-1] if part]

    def ancestors(self):
        """Root first."""
        ids = self.ancestor_ids()
        by_id = Unit.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]


class UnitSearchRow(models.Model):
    """What the unit list searches, filters and sorts by, one narrow row per unit (PostgreSQL).

    Kept by triggers on the unit table (migration 0003_unit_search), whatever writes it: a form,
    an import's COPY, a move's UPDATE. A broad search ("truong tieu hoc" over the whole country: 20,000
    matches) reads every match to sort it; from this table that is a 120-byte row and a number
    (`rank`, the unit's place in Vietnamese order) instead of a 600-byte unit with a 280-byte
    sort key. Empty on SQLite, where search checks the units row by row.
    """

    # No foreign-key constraint: the triggers keep the rows, and a constraint's checks would cost
    # an import of 130,000 units as many deferred lookups.
    unit = models.OneToOneField(Unit, primary_key=True, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    # Copies of the unit's columns of the same names, so that the list's filters apply unchanged.
    path = models.CharField(max_length=255)
    kind = models.ForeignKey(
        UnitKind, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    active_from = models.DateField(null=True)
    active_to = models.DateField(null=True)
    search_text = models.CharField(max_length=600)
    # Ascending in (name_sort, id) order, with gaps: a renamed unit takes a number between its
    # neighbours', and only a crowded gap renumbers every row.
    rank = models.BigIntegerField(unique=True)


class UnitSearchWord(models.Model):
    """Every word of 3 letters or more of each unit's search text, at the unit's rank (PostgreSQL).

    Walked in rank order for one word, it gives the units holding that word in Vietnamese order
    without reading the others: a broad search ("truong tieu hoc": 20,000 schools, none of them in
    the first 90,000 units of the order) finds its first 50 matches by walking the 1,000 or so
    entries of "tieu" instead of visiting and sorting all 20,000 matches.
    """

    pk = models.CompositePrimaryKey("word", "rank")
    word = models.TextField()
    rank = models.BigIntegerField()
    # The unit's path, in the primary key's index too (INCLUDE, migration 0003_unit_search): a
    # province admin's walk skips the other provinces' entries without looking their units up.
    path = models.CharField(max_length=255)


class UnitSearchWordCount(models.Model):
    """How many units hold each word: the words a search word is part of ("hoc" in "hoc" and
    "hocvien"), and which of the search's words is the rarest."""

    word = models.TextField(primary_key=True)
    units = models.IntegerField(default=0)


class UnitPlacement(models.Model):
    """Where a unit stood in the tree from one day to another: its parent and its path then.

    A unit has one open placement (`valid_to` empty: where it stands today) and a closed one for
    every earlier place. A move on day D closes the open placements of the whole moved subtree on
    D - 1 and opens new ones from D, since the units below a moved unit keep their parent but not
    their path. So "the units under X on day D" is one indexed prefix query on `path`, the same
    shape as a subtree today (`loa.units.selectors`). Both dates are included, as a unit's
    `active_from` and `active_to` are; an empty `valid_from` means "since the unit was registered":
    units are registered after they exist (a province types in its tree, then last year's figures).
    Written by `loa.units.placements` only.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="placements")
    parent = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255, db_index=True)
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        ordering = ["unit", models.F("valid_from").asc(nulls_first=True)]
        indexes = [models.Index(fields=["unit", "valid_from"], name="units_placement_unit_from")]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=models.Q(valid_to__isnull=True), name="units_one_open_placement"
            )
        ]
        verbose_name = _("unit placement")
        verbose_name_plural = _("unit placements")

    def __str__(self):
        return f"{self.unit_id} {self.path} {self.valid_from}–{self.valid_to}"


class Restructuring(models.Model):
    """A restructuring from a mapping table (old unit → new unit, with dates): the stored file is
    checked by a background job (`check_job`), applied by another (`apply_job`), and once applied its
    audit entries are read back by their batch key (`audit_key`), so that it can be read back later."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be checked")
        CHECKING = "checking", _("Being checked")
        PLANNED = "planned", _("Checked, not applied")
        REFUSED = "refused", _("Refused")
        APPLYING = "applying", _("Being applied")
        APPLIED = "applied", _("Applied")
        FAILED = "failed", pgettext_lazy("restructuring status", "Failed")

    # Still at work: its job tells how far it got.
    BUSY = (Status.QUEUED, Status.CHECKING, Status.APPLYING)

    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    rows = models.JSONField(default=list)  # the mapping's rows as read: [{"row", "old", "new", "action", "on"}]
    plan = models.JSONField(default=list)  # what the dry run said would happen, line by line
    problems = models.JSONField(default=list)  # ImportProblem.as_dict()
    applied_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    applied_at = models.DateTimeField(null=True, blank=True)
    check_job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    apply_job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"#{self.pk} {self.file_name}"

    @property
    def audit_key(self):
        """The batch key of the audit entries its apply wrote (AuditEntry.batch)."""
        return f"units.restructuring:{self.pk}"

    @property
    def job(self):
        """The job at work on it now, or the last one that was."""
        return self.apply_job if self.apply_job_id else self.check_job

    @property
    def current_status(self):
        """Its status, except that one whose job failed without saying so (its worker stopped for good)
        is failed."""
        job = self.job
        if self.status in self.BUSY and job is not None and job.status == "failed":
            return self.Status.FAILED
        return self.status

    @property
    def current_status_label(self):
        return self.Status(self.current_status).label


class UnitSuccession(models.Model):
    """One unit taking over another's work from a day: a merge (each source → the target) or a split
    (the source → each part, with the share of its members that part took).

    Written by `loa.units.restructure` in the merge's or split's transaction, one row per source and
    successor; read through `loa.units.selectors` (a year's scores follow the rubric's rule for units
    merged or split that year, `loa.scoring.succession`). `on` is the successor's first day in its new
    shape: the source closed the day before.
    """

    class Kind(models.TextChoices):
        MERGE = "merge", _("Merge")
        SPLIT = "split", _("Split")

    source = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="successions")
    # Indexed with the day (below): "who did this unit take over, and when".
    successor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="predecessions", db_index=False)
    on = models.DateField(_("from"))
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    # A split: the share of the source's members this part took (0.4 = 40 %); empty for a merge.
    share = models.DecimalField(_("share of the members"), max_digits=5, decimal_places=4, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "id"]
        indexes = [
            models.Index(fields=["successor", "on"], name="units_succession_successor"),
            models.Index(fields=["on"], name="units_succession_on"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source", "successor", "on"], name="units_succession_unique"),
        ]
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")

    def __str__(self):
        return f"{self.source_id} → {self.successor_id} ({self.kind}, {self.on})"
