"""Writes to the Fanpage register."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from loa.audit.log import log_action
from loa.core.phones import normalize_phones
from loa.fanpages.models import Fanpage, FanpageVersion
from loa.core.facebook import page_key, page_url

FIELDS = ("name", "url", "admin_name", "admin_phone", "note")


def clean_page_data(data):
    """Validate and normalise the form's five fields plus the address; errors keyed by field."""
    errors, clean = {}, {}
    clean["name"] = " ".join((data.get("name") or "").split())
    if not clean["name"]:
        errors["name"] = [_("Enter the Page's exact name.")]
    try:
        clean["url"] = page_url(data.get("url"))
    except ValidationError as exc:
        errors["url"] = exc.messages
    clean["admin_name"] = " ".join((data.get("admin_name") or "").split())
    if not clean["admin_name"]:
        errors["admin_name"] = [_("Enter the administrator's full name.")]
    raw_phone = (data.get("admin_phone") or "").strip()
    if not raw_phone:
        errors["admin_phone"] = [_("Enter the administrator's phone number.")]
    else:
        try:
            clean["admin_phone"] = "; ".join(normalize_phones(raw_phone))
        except ValidationError as exc:
            errors["admin_phone"] = exc.messages
    clean["note"] = (data.get("note") or "").strip()
    if errors:
        raise ValidationError(errors)
    return clean


def page_owner_clash(unit, url):
    """The other unit that already registered this Page, if any."""
    return Fanpage.objects.filter(url_key=page_key(url)).exclude(unit=unit).select_related("unit").first()


@transaction.atomic
def register_page(*, by, unit, data, source, replace=False):
    """Record a unit's Page from its report. A unit has one Page: a different address replaces it
    only when `replace` is set, and the old one stays in the history."""
    clean = clean_page_data(data)
    other = page_owner_clash(unit, clean["url"])
    if other:
        raise ValidationError({"url": [
            _("This Page is already registered by “%(unit)s”. Each CĐCS reports its own Page.") % {"unit": other.unit.name}
        ]})
    page = Fanpage.objects.select_for_update().filter(unit=unit).first()
    if page and page_key(page.url) != page_key(clean["url"]) and not replace:
        raise ValidationError({"url": [
            _("Your unit already has the Page “%(name)s” (%(url)s). Each CĐCS sets up only one Page: "
              "tick “Replace the registered Page” to report a new one.") % {"name": page.name, "url": page.url}
        ]})
    before = {f: getattr(page, f) for f in FIELDS} if page else None
    if page is None:
        page = Fanpage(unit=unit)
    for field in FIELDS:
        setattr(page, field, clean[field])
    page.url_key = page_key(clean["url"])
    page.save()
    after = {f: getattr(page, f) for f in FIELDS}
    if after != before:
        FanpageVersion.objects.create(fanpage=page, data=after, source=source, changed_by=by if getattr(by, "pk", None) else None)
        log_action("fanpage.registered" if before is None else "fanpage.changed", actor=by, obj=page, unit=unit,
                   before=before, after=after)
    return page
