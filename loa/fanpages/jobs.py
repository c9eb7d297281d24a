"""Background job kinds of the fanpages app (found by loa.jobs.registry): imports of big files.

Both are safe to run again after a crash: posts are stored once whatever the number of runs, and
follower counts are written all or nothing.
"""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from loa.fanpages import followers, imports
from loa.fanpages.models import Fanpage
from loa.jobs.imports import RESULT_TEMPLATE, import_result, input_bytes
from loa.jobs.registry import register

POSTS_IMPORT, FOLLOWERS_IMPORT = "fanpages.import_posts", "fanpages.import_followers"


@register(POSTS_IMPORT, result_template=RESULT_TEMPLATE)
def import_posts(job, *, fanpage, filename="", language="vi"):
    with translation.override(language):
        page = Fanpage.objects.get(pk=fanpage)
        job.report(0, 0, _("Reading the file…"))
        new, read, errors = imports.import_posts(
            by=job.created_by, fanpage=page, upload=input_bytes(job), name=filename
        )
        summary = "" if errors else _("%(read)s posts read, %(new)s new.") % {"read": read, "new": new}
        return import_result(
            filename=filename, summary=summary, errors=errors, back=reverse("fanpages:unit", args=[page.unit_id])
        )


@register(FOLLOWERS_IMPORT, result_template=RESULT_TEMPLATE)
def import_followers(job, *, fanpage, filename="", language="vi"):
    with translation.override(language):
        page = Fanpage.objects.get(pk=fanpage)
        job.report(0, 0, _("Reading the file…"))
        count, errors = followers.import_snapshots(
            by=job.created_by, fanpage=page, upload=input_bytes(job), name=filename
        )
        summary = "" if errors else _("%(n)s follower counts imported.") % {"n": count}
        return import_result(
            filename=filename, summary=summary, errors=errors, back=reverse("fanpages:followers", args=[page.unit_id])
        )
