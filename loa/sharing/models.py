"""Official information to share every day (the letter's first item: "hàng ngày chia sẻ, đăng tải các
thông tin chính thống"): the items an upper unit curates, each unit's shares of them, the tracked
links that measure the readers they bring, and the tallies the figures read.

An item is asked of every unit in its audience (the curating unit's subtree, narrowed to chosen kinds
or units) on the first morning run of its active days (`Item.asked_on`); a unit shares it at most
once (`Share`), declared, with a post link, or found by the Graph sync.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from loa.core.versions import version_field


class Item(models.Model):
    class Source(models.TextChoices):
        MANUAL = "manual", _("link pasted by hand")
        PUBLICATION = "publication", _("Loa publication")
        FEED = "feed", _("official site's feed")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for an editor's approval")
        ACTIVE = "active", _("being shared")
        RETIRED = "retired", _("retired")

    # The curating upper unit: the item is asked of its subtree.
    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text to post with it"), max_length=2000, blank=True)
    url = models.URLField(_("link"), max_length=500)
    image = models.FileField(_("image"), upload_to="sharing/%Y/%m/", blank=True, max_length=255)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.MANUAL)
    publication = models.ForeignKey(
        "articles.Publication", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The audience: the whole subtree when both are empty; else the units of these kinds, and these units.
    audience_kinds = models.ManyToManyField("units.UnitKind", blank=True, related_name="+")
    audience_units = models.ManyToManyField("units.Unit", blank=True, related_name="+")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    asked_on = models.DateField(null=True, blank=True)  # the first morning run that listed it
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    version = version_field()

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["status", "starts_on", "ends_on"], name="sharing_item_active")]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="sharing_item_days")
        ]

    def __str__(self):
        return self.title


class Feed(models.Model):
    """An official site's RSS or Atom feed, read for new items (which wait for an editor)."""

    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("feed address"), max_length=500)
    active = models.BooleanField(_("read"), default=True)
    etag = models.CharField(max_length=200, blank=True)
    modified = models.CharField(max_length=100, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["unit", "url"], name="sharing_feed_once_per_unit")]

    def __str__(self):
        return self.name


class FeedEntry(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        APPROVED = "approved", _("approved")
        DISMISSED = "dismissed", _("dismissed")

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="entries")
    guid = models.CharField(max_length=500)
    link = models.URLField(max_length=500)
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    item = models.OneToOneField(Item, null=True, blank=True, on_delete=models.SET_NULL, related_name="feed_entry")

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["feed", "guid"], name="sharing_entry_once")]


class Share(models.Model):
    """A unit shared an item: once per unit and item."""

    class Kind(models.TextChoices):
        DECLARED = "declared", _("declared")
        LINK = "link", _("post link")
        GRAPH = "graph", _("found on the Page")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="shares")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    post_url = models.URLField(_("post link"), max_length=500, blank=True)
    post_key = models.CharField(max_length=120, blank=True)  # fanpages.posts.key_from_link
    post = models.ForeignKey("fanpages.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    shared_at = models.DateTimeField()
    on_time = models.BooleanField(default=True)  # within SHARING_ON_TIME_DAYS of being asked
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-shared_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "unit"], name="sharing_share_once"),
            # One post credits one share: the same post cannot be pasted for two items.
            models.UniqueConstraint(
                fields=["unit", "post_key"], condition=~models.Q(post_key=""), name="sharing_share_post_once"
            ),
        ]


class ShareLink(models.Model):
    """An item's link given to one unit (`/s/<code>`): it redirects to the item's link and counts
    the readers the unit's share brought."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="links")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=16, unique=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "unit"], name="sharing_link_once")]


class ClickDay(models.Model):
    """The clicks a unit's link counted on one day (after the bot and repeat filter)."""

    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    clicks = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["link", "day"], name="sharing_click_day_once")]


class Tally(models.Model):
    """A unit's sharing figures of one month, for its whole subtree (itself included), like the other
    areas' rollups: the per-child table is the rows whose parent is the unit, one indexed query."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    parent_unit_id = models.IntegerField(null=True, db_index=True)
    month = models.DateField()  # its first day
    asked = models.PositiveIntegerField(default=0)  # items asked of units of the subtree
    shared = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    declared = models.PositiveIntegerField(default=0)  # shared without a post to show
    clicks = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="sharing_tally_once")]
        indexes = [models.Index(fields=["parent_unit_id", "month"], name="sharing_tally_children")]


class RunLease(models.Model):
    """Who is running a scheduled run (`name`, e.g. the morning run) until when: a run takes the lease
    with a conditional UPDATE, renews it as it goes and gives it back at the end, so two runs never
    work at once, and a run that died frees it when `expires_at` passes."""

    name = models.CharField(max_length=60, unique=True)
    token = models.CharField(max_length=80, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_report = models.JSONField(default=dict, blank=True)
