"""News items and articles: channels, topics, yearly quotas, submissions and their review.

A submission counts toward its unit's quota once, in the year of its first publication (or of its
acceptance when settings.ARTICLES_COUNT_ACCEPTED), however many channels publish it. `Rollup` keeps
the counts of every unit's subtree so that the province table reads a few rows.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from loa.core.text import fold
from loa.core.versions import version_field


class Kind(models.TextChoices):
    NEWS = "news", _("news item")
    ARTICLE = "article", _("article")


class Channel(models.Model):
    class ChannelKind(models.TextChoices):
        WEB = "web", _("website")
        FANPAGE = "fanpage", _("Facebook Page")

    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=10, choices=ChannelKind.choices, default=ChannelKind.WEB)
    # Host names (optionally with a path prefix, e.g. facebook.com/congdoancaobang), one per line.
    domains = models.TextField(
        _("domains"), help_text=_("One per line, e.g. ldld.caobang.gov.vn or facebook.com/congdoancaobang.")
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("editors"), blank=True, related_name="article_channels"
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("channel")

    def __str__(self):
        return self.name

    def domain_list(self):
        from loa.articles.urls_norm import domain_prefix

        return [domain_prefix(line) for line in self.domains.splitlines() if line.strip()]


class Topic(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=160)
    in_depth = models.BooleanField(_("counts as in-depth"), default=False)
    exemplary = models.BooleanField(_("counts as exemplary"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("topic")

    def __str__(self):
        return self.name


class Quota(models.Model):
    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="article_quotas"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    target = models.PositiveIntegerField(_("target"))
    # The notice that set it, e.g. "812/TB-CĐVC ngày 22/02/2021".
    notice = models.CharField(_("notice"), max_length=160, blank=True)
    prorated = models.BooleanField(_("pro-rated"), default=False)
    note = models.CharField(_("note"), max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Every edit carries the version it started from (loa.core.versions); 0 means "none set yet".
    version = version_field()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "unit", "kind"], name="article_quota_unique")]
        verbose_name = _("quota")

    def __str__(self):
        return f"{self.unit} {self.year} {self.get_kind_display()}: {self.target}"


class SubmissionQuerySet(models.QuerySet):
    def without_empty_drafts(self):
        """Leaves out drafts with no title, no text and no photo: the untitled drafts that a tap on
        "Write a piece" used to create (a piece is now created by its first save, with something in it)."""
        return self.exclude(state=Submission.State.DRAFT, title="", body_text="", photos__isnull=True)


class Submission(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        IN_REVIEW = "in_review", _("in review")
        RETURNED = "returned", _("returned")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        PUBLISHED = "published", _("published")

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="article_submissions"
    )
    unit_path = models.CharField(max_length=255, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NEWS)
    title = models.CharField(_("title"), max_length=300)
    # The title folded (accents and case away): the review queue finds "hoi thi" in "Hội thi".
    title_search = models.CharField(max_length=600, blank=True, default="", editable=False)
    body = models.TextField(_("text"), blank=True)  # sanitised HTML, safe to render
    body_text = models.TextField(blank=True, editable=False)  # the same as plain paragraphs
    authors = models.CharField(_("authors"), max_length=300, blank=True)
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="submissions")
    channels = models.ManyToManyField(
        Channel, verbose_name=_("target channels"), blank=True, related_name="submissions"
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT, db_index=True)
    # Raised by every change; a change made against an older version is refused (two editors at once).
    version = models.PositiveIntegerField(default=1)
    in_depth = models.BooleanField(default=False, editable=False)
    exemplary = models.BooleanField(default=False, editable=False)
    # The year it counts toward, set while it counts (published, or accepted if that counts).
    counted_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    reason = models.TextField(_("reason"), blank=True)  # of the last return or rejection
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # Who saved the text last (named when another page's save is refused as stale).
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The editing page (one open editor: its autosave and its Send) that saved last, if the last
    # write was a save of the text: that page's own saves are no conflict for it (loa.core.versions).
    edit_session = models.CharField(max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("submission")
        indexes = [
            models.Index(fields=["unit", "counted_year"], name="article_sub_unit_year"),
            models.Index(fields=["state", "submitted_at"], name="article_sub_queue"),
        ]

    def __str__(self):
        return self.title

    def refresh_derived(self):
        """Set the stored search column from the title (bulk writers call it themselves)."""
        self.title_search = fold(self.title)

    def save(self, *args, **kwargs):
        self.refresh_derived()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "title" in update_fields:
            kwargs["update_fields"] = {*update_fields, "title_search"}
        super().save(*args, **kwargs)

    @property
    def editable(self):
        return self.state in (self.State.DRAFT, self.State.RETURNED)

    @property
    def reviewable(self):
        return self.state in (self.State.SUBMITTED, self.State.IN_REVIEW)


class SubmissionVersion(models.Model):
    """What was sent at each submit and resubmit."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    body_text = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["submission", "number"], name="article_version_unique")]


def photo_path(instance, filename):
    return f"articles/photos/{instance.submission_id}/{filename}"


class Photo(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class Comment(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class Publication(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="publications")
    channel = models.ForeignKey(
        Channel, verbose_name=_("channel"), on_delete=models.PROTECT, related_name="publications"
    )
    unit_path = models.CharField(max_length=255, db_index=True, editable=False)
    url = models.URLField(_("address (URL)"), max_length=500)
    url_key = models.CharField(max_length=500, unique=True, editable=False)  # normalised: one credit per piece
    published_on = models.DateField(_("published on"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["published_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "channel"], name="article_publication_once_per_channel")
        ]
        indexes = [models.Index(fields=["published_on", "channel"], name="article_pub_month")]


class CreditClaim(models.Model):
    """A unit found its piece already published and asks for the credit by pasting its address."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for an editor")
        ACCEPTED = "accepted", _("credited")
        REFUSED = "refused", _("refused")

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="article_claims"
    )
    unit_path = models.CharField(max_length=255, db_index=True, editable=False)
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="claims")
    url = models.URLField(_("address (URL)"), max_length=500)
    url_key = models.CharField(max_length=500, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NEWS)
    title = models.CharField(_("title"), max_length=300)
    published_on = models.DateField(_("published on"))
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    reason = models.TextField(blank=True)
    submission = models.OneToOneField(
        Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="claim"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["url_key"], condition=~models.Q(state="refused"), name="article_claim_open_url_unique"
            )
        ]


class Rollup(models.Model):
    """Counts for one unit's subtree, year and kind, changed in the same transaction as each
    state change, publication or quota: the province table reads these rows, never the submissions.

    own_* are the unit's own figures (what it contributes to every row above it).
    """

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    parent_unit_id = models.BigIntegerField(null=True)
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    own_target = models.PositiveIntegerField(default=0)
    own_counted = models.PositiveIntegerField(default=0)
    own_in_depth = models.PositiveIntegerField(default=0)
    own_exemplary = models.PositiveIntegerField(default=0)
    target = models.PositiveIntegerField(default=0)
    counted = models.PositiveIntegerField(default=0)
    in_depth = models.PositiveIntegerField(default=0)
    exemplary = models.PositiveIntegerField(default=0)
    over = models.PositiveIntegerField(default=0)  # pieces beyond each unit's own quota, summed
    with_quota = models.PositiveIntegerField(default=0)  # units with a quota
    met = models.PositiveIntegerField(default=0)  # of those, units that met it

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year", "kind"], name="article_rollup_unique")]
        indexes = [models.Index(fields=["year", "parent_unit_id"], name="article_rollup_children")]
