from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from loa.core.versions import version_field
from loa.integrations.crypto import EncryptedTextField


class Fanpage(models.Model):
    """The one Facebook Page of a CĐCS ("mỗi CĐCS lập 01 Trang"), as its latest report says.

    Every change is kept in FanpageVersion; later areas (posting, Likes) hang off this row.
    """

    unit = models.OneToOneField("units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="fanpage")
    name = models.CharField(_("Page name"), max_length=255)
    # The official form has no column for the address: a Page may be registered without it until the
    # officer, staff or a Graph look-up adds it. url_key is NULL then (unique, so never "").
    url = models.URLField(_("Page address"), max_length=300, blank=True)
    url_key = models.CharField(max_length=300, unique=True, null=True, blank=True)
    admin_name = models.CharField(_("administrator"), max_length=150)
    admin_phone = models.CharField(_("administrator's phone"), max_length=40)  # E.164
    other_phones = models.CharField(_("other phones"), max_length=200, blank=True)  # E.164, "; "-separated
    note = models.TextField(_("note"), blank=True)
    set_up_on = models.DateField(_("set up on"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised by every write, so that two people adding the address at once do not overwrite each other.
    version = version_field()

    class Meta:
        verbose_name = _("Fanpage")

    def __str__(self):
        return self.name

    def report_data(self):
        """The register's values in the shape of a Fanpage report (what a form is pre-filled with)."""
        data = {
            "name": self.name,
            "url": self.url,
            "admin_name": self.admin_name,
            "admin_phone": self.admin_phone,
            "note": self.note,
        }
        if self.other_phones:
            data["other_phones"] = self.other_phones
        return data


class FanpageVersion(models.Model):
    """The register's history: what the Page looked like after each change, and where it came from."""

    fanpage = models.ForeignKey(Fanpage, on_delete=models.CASCADE, related_name="versions")
    data = models.JSONField()
    source = models.CharField(max_length=40)  # "report", "import", "admin"
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]


# --- Posting -------------------------------------------------------------------------------------


class GraphLink(models.Model):
    """Loa's access to a Page through the Graph API: its id, the Page token (encrypted at rest, never
    logged) and where the last sync stopped."""

    class Status(models.TextChoices):
        OK = "ok", _("working")
        NEEDS_TOKEN = "needs_token", _("needs a new token")
        FAILING = "failing", _("failing")

    fanpage = models.OneToOneField(Fanpage, on_delete=models.CASCADE, related_name="graph")
    page_id = models.CharField(_("Facebook Page id"), max_length=40)
    token = EncryptedTextField(_("Page access token"), blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OK)
    status_note = models.CharField(max_length=300, blank=True)
    # Every post created before this instant is stored (the high-water mark of finished runs).
    synced_through = models.DateTimeField(null=True, blank=True)
    # A run in progress reads [synced_through, run_until) newest first; run_low is the oldest post it
    # stored. A run that stopped half-way resumes with [synced_through, run_low].
    run_until = models.DateTimeField(null=True, blank=True)
    run_low = models.DateTimeField(null=True, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    retry_after = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.fanpage} ({self.page_id})"


class Post(models.Model):
    """One post of a Page, from Graph, an imported file or typed by an officer. `post_key` is the post's
    own id (the part after PAGEID_ in Graph ids), so a post reaching Loa twice is stored once."""

    class Source(models.TextChoices):
        GRAPH = "graph", _("Facebook sync")
        IMPORT = "import", _("imported file")
        HAND = "hand", _("entered by hand")

    # No index of its own: the unique (fanpage, post_key) index starts with it (an index fewer to write
    # for every post, the table that grows fastest).
    fanpage = models.ForeignKey(Fanpage, on_delete=models.CASCADE, related_name="posts", db_index=False)
    post_key = models.CharField(max_length=120)
    posted_at = models.DateTimeField()
    day = models.DateField()  # local (Asia/Ho_Chi_Minh) calendar day
    permalink = models.URLField(max_length=500, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fanpage", "post_key"], name="fanpages_post_once")]
        indexes = [models.Index(fields=["fanpage", "day"])]


class PostingDay(models.Model):
    """A local day on which the Page posted at least once: the unit of posting compliance."""

    # No index of its own: the unique (fanpage, day) index starts with it. At five national years
    # (≈ 200 million rows) it was 1.4 GB written to with every posting day, and read by no query.
    fanpage = models.ForeignKey(Fanpage, on_delete=models.CASCADE, related_name="posting_days", db_index=False)
    day = models.DateField()
    posts = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fanpage", "day"], name="fanpages_posting_day_once")]


class PostingYear(models.Model):
    """Per Page and year, kept up to date as posts arrive: compliance for every unit is a read of
    these rows, never a scan of the posts."""

    fanpage = models.ForeignKey(Fanpage, on_delete=models.CASCADE, related_name="posting_years")
    year = models.PositiveSmallIntegerField()
    posting_days = models.PositiveSmallIntegerField(default=0)
    first_post_day = models.DateField(null=True)
    last_post_day = models.DateField(null=True)
    streak = models.PositiveSmallIntegerField(default=0)  # consecutive posting days ending at last_post_day
    longest_streak = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fanpage", "year"], name="fanpages_posting_year_once")]
        indexes = [models.Index(fields=["year", "last_post_day"])]


# --- Followers and Likes -------------------------------------------------------------------------


class FollowerSnapshot(models.Model):
    """The follower count of a (provincial) Page on a day."""

    class Source(models.TextChoices):
        GRAPH = "graph", _("Facebook sync")
        IMPORT = "import", _("imported file")
        HAND = "hand", _("entered by hand")

    fanpage = models.ForeignKey(Fanpage, on_delete=models.CASCADE, related_name="follower_snapshots")
    day = models.DateField(_("date"))
    followers = models.PositiveIntegerField(_("followers"))
    source = models.CharField(max_length=10, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fanpage", "day"], name="fanpages_snapshot_once")]
        ordering = ["day"]


class LikeDeclaration(models.Model):
    """A unit's statement: on `day`, `count` of its members have Liked the provincial Page."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="like_declarations")
    day = models.DateField(_("date"))
    count = models.PositiveIntegerField(_("members who Liked"))
    members_count = models.PositiveIntegerField()  # the unit's member count when declared
    screenshot = models.ImageField(_("screenshot"), upload_to="likes/%Y/", blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "-id"]
        indexes = [models.Index(fields=["unit", "day"])]


class CampaignLink(models.Model):
    """A unit's short link /l/<code> on its Like poster: redirects to the provincial Page and counts
    scans. No personal data is kept, only the count."""

    unit = models.OneToOneField("units.Unit", on_delete=models.CASCADE, related_name="campaign_link")
    code = models.CharField(max_length=16, unique=True)
    scans = models.PositiveIntegerField(default=0)
    last_scan_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
