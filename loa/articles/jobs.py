"""Background job kinds of the articles app (found by loa.jobs.registry): a big quota sheet.

Safe to run again after a crash: the quotas are written all or nothing, and setting a quota to the
value it has changes nothing.
"""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from loa.accounts.capabilities import Capability
from loa.accounts.scope import units_for
from loa.articles import services
from loa.jobs.imports import RESULT_TEMPLATE, import_result, input_bytes
from loa.jobs.registry import register

QUOTAS_IMPORT = "articles.import_quotas"


@register(QUOTAS_IMPORT, result_template=RESULT_TEMPLATE)
def import_quotas(job, *, year, notice="", prorate=True, filename="", language="vi"):
    with translation.override(language):
        back = f"{reverse('articles:quotas')}?year={year}"
        job.report(0, 0, _("Reading the file…"))
        try:
            count = services.quotas_import(
                by=job.created_by,
                upload=input_bytes(job),
                year=year,
                notice=notice,
                prorate=prorate,
                name=filename,
                allowed_units=units_for(job.created_by, Capability.MANAGE_UNITS),
            )
        except ValidationError as exc:
            return import_result(filename=filename, errors=exc.messages, back=back)
        return import_result(filename=filename, summary=_("Quotas read for %(n)s units.") % {"n": count}, back=back)
