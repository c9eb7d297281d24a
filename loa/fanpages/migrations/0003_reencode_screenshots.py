"""Like screenshots kept from before uploads were re-encoded (issue 11): each is decoded and
written again under a generated name (loa.core.images.reencode_kept), so that no file sent by a
unit is ever served as it came. A file that is no picture is kept under a `.bin` name and only
downloaded as unknown bytes."""

from django.db import migrations

# The limit the screenshots were accepted under (loa.fanpages.likes.SCREENSHOT_MAX_BYTES).
SCREENSHOT_MAX_BYTES = 5 * 1024 * 1024


def reencode_screenshots(apps, schema_editor):
    from loa.core.images import reencode_kept

    LikeDeclaration = apps.get_model("fanpages", "LikeDeclaration")
    # A list, not an iterator: SQLite gives no isolation between reading a table and writing it.
    for declaration in list(LikeDeclaration.objects.exclude(screenshot="").only("id", "screenshot")):
        reencode_kept(declaration, "screenshot", max_bytes=SCREENSHOT_MAX_BYTES)


class Migration(migrations.Migration):
    # Each row is saved on its own before its old file is deleted: a rolled-back transaction
    # must not leave rows naming files that were already removed.
    atomic = False

    dependencies = (("fanpages", "0002_campaignlink_graphlink_followersnapshot_and_more"),)
    operations = (migrations.RunPython(reencode_screenshots, migrations.RunPython.noop),)
