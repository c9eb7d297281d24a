"""The annual classification: a rubric per year (criteria, levels), adjustments, stored scores.

A rubric is data: each criterion names a measure (loa.scoring.measures) and a rule
(loa.scoring.rules) with its parameters. Scores are computed by loa.scoring.engine for every
grassroots unit under the rubric's unit and kept in `Score`; once the year is frozen they are
never recomputed, whatever happens to the data they were computed from.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from loa.core.fields import DecimalField
from loa.core.versions import version_field


class Rule(models.TextChoices):
    PROPORTIONAL = "proportional", _("Proportional to a target, capped")
    THRESHOLDS = "thresholds", _("Table of thresholds")
    YES_NO = "yes_no", _("Yes or no")
    TIMELINESS = "timeliness", _("On time / late / missing")
    MANUAL = "manual", _("Entered by hand")


class SuccessionRule(models.TextChoices):
    """How a year's scores treat the units merged or split during it (docs/scoring.md)."""

    PRO_RATA = "pro_rata", _("Pro rata by days: each unit's score weighted by its days in the year")
    SURVIVOR = "survivor", _("The surviving unit takes all: the unit standing at the end keeps its own score")


class Rubric(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    # The body that classifies: every grassroots unit under it is scored.
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("classifying unit"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    total_points = DecimalField(_("total points"), max_digits=6, decimal_places=2, default=Decimal(100))
    bonus_cap = DecimalField(
        _("bonus cap"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(0),
        help_text=_("The most bonus points a unit can earn in all (0: no cap beyond each criterion's own)."),
    )
    # {"Công tác tuyên truyền": "10"}: the most a group's criteria may add up to.
    group_caps = models.JSONField(_("group caps"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    succession_rule = models.CharField(
        _("units merged or split during the year"),
        max_length=10,
        choices=SuccessionRule.choices,
        default=SuccessionRule.PRO_RATA,
        help_text=_(
            "Pro rata: the score of a unit that took over others this year weighs each one's score by its days "
            "in the year. The surviving unit: it keeps its own score. Either way the closed units are not ranked "
            "on their own."
        ),
    )
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    frozen_at = models.DateTimeField(null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    computed_at = models.DateTimeField(null=True, blank=True)  # the last full scoring run
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Every edit of the rubric, a criterion or a level carries the version it started from
    # (loa.core.versions): two admins setting the rubric never silently revert each other.
    version = version_field()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("rubric")

    def __str__(self):
        return f"{self.name} ({self.year})"

    @property
    def frozen(self):
        return self.frozen_at is not None


class Criterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=300)
    group = models.CharField(pgettext_lazy("rubric", "group"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    max_points = DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    measure = models.CharField(_("measure"), max_length=40, blank=True)
    rule = models.CharField(_("rule"), max_length=20, choices=Rule.choices, default=Rule.PROPORTIONAL)
    params = models.JSONField(_("rule parameters"), default=dict, blank=True)
    is_bonus = models.BooleanField(_("bonus"), default=False)
    version = version_field()

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["rubric", "code"], name="scoring_criterion_code_unique")]
        verbose_name = _("criterion")

    def __str__(self):
        return f"{self.code}. {self.name}"


class Level(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="levels")
    name = models.CharField(_("name"), max_length=120)
    min_total = DecimalField(_("minimum total"), max_digits=6, decimal_places=2)
    # Extra condition: no (non-bonus) criterion below this share of its maximum (0.5 = half).
    min_share_each = DecimalField(
        _("no criterion below (share of its points)"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    version = version_field()

    class Meta:
        ordering = ["-min_total", "id"]
        verbose_name = _("level")

    def __str__(self):
        return self.name


class Adjustment(models.Model):
    """A manual change of one criterion's points for one unit, with its reason. The latest active
    one per unit and criterion applies; older ones stay as history."""

    class Mode(models.TextChoices):
        OVERRIDE = "override", _("Set the points to")
        DELTA = "delta", _("Add or take away")

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="adjustments")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="adjustments")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.OVERRIDE)
    points = DecimalField(_("points"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["rubric", "unit"])]


class Score(models.Model):
    """A unit's result for a year, as last computed (or as frozen). Copies the unit's path, sort key
    and kind so that the ranking filters and sorts on this table alone."""

    # No index and no database constraint on the rubric: one rubric per year, and Django deletes a
    # rubric's scores itself; a key check per row at commit costs seconds over 130,000 rows.
    rubric = models.ForeignKey(
        Rubric, on_delete=models.CASCADE, related_name="scores", db_index=False, db_constraint=False
    )
    year = models.PositiveSmallIntegerField()
    # Looked up through the (unit, year) unique index: no index of its own; no database constraint
    # either (Django deletes a unit's scores itself), for the same reason as the rubric's.
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    # On PostgreSQL both columns compare byte by byte (COLLATE "C", set by migration 0002): a path
    # prefix (LIKE '/1/5/%') then uses the index, and the sort key is made to sort byte by byte.
    unit_path = models.CharField(max_length=255)
    unit_sort = models.CharField(max_length=1200, default="")
    kind_id = models.BigIntegerField(null=True)
    total = DecimalField(max_digits=7, decimal_places=2)
    # The Level's id, without a foreign key: 130,000 deferred key checks at commit cost seconds.
    level_id = models.BigIntegerField(null=True)
    level_name = models.CharField(max_length=120, blank=True)  # kept as it was when computed
    rank = models.PositiveIntegerField(null=True)  # 1 = best of the rubric's units
    points = models.JSONField(default=dict)  # {criterion code: 7.5}
    readings = models.JSONField(default=dict)  # {criterion code: [amount, base]}
    computed_at = models.DateTimeField()  # when the result was last written (it changed then)
    # A hash of everything stored above but computed_at: a full run rewrites only the rows whose hash
    # changed. NULL (a unit refreshed alone, its rank not recomputed) is rewritten by the next full run.
    digest = models.BigIntegerField(null=True)
    # A unit that took over others during the year (a merge, a split): how its score was made from
    # theirs, as `loa.scoring.succession.Evidence.as_dict` says it; NULL for the others. Kept so
    # that a frozen year shows its evidence as it was.
    succession = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="scoring_score_unique")]
        indexes = [
            models.Index(fields=["year", "unit_path"], name="scoring_score_path"),
            models.Index(fields=["year", "total"], name="scoring_score_total"),
            models.Index(fields=["year", "unit_sort"], name="scoring_score_sort"),
            # The ranking filtered by a level, in either order: without it, the units of the lowest level
            # best first are found only after a scan of every unit above them.
            models.Index(fields=["year", "level_id", "total"], name="scoring_score_level"),
        ]
