"""The Fanpage register's part of a merge or split (`units_merged`, `unit_split`): one Page goes to
the unit that carries on; the others stay with their closed units, as their history."""

from django.utils.translation import gettext as _

from loa.fanpages import services
from loa.fanpages.models import Fanpage

AREA = "fanpages"


def follow_merge(sender, *, sources, target, by, plan, primary_page=None, **kwargs):
    pages = {p.unit_id: p for p in Fanpage.objects.filter(unit__in=sources).select_related("unit")}
    if not pages:
        plan.add(AREA, _("No Fanpage to carry over."))
        return
    own = Fanpage.objects.filter(unit=target).first()
    primary = None
    if own is not None:
        plan.add(AREA, _("“%(unit)s” keeps its own Page “%(page)s”.") % {"unit": target.name, "page": own.name})
    else:
        wanted = getattr(primary_page, "pk", primary_page)
        primary = pages.get(wanted) or next(pages[u.pk] for u in sources if u.pk in pages)
        services.page_carry_over(by=by, page=primary, unit=target)
        plan.add(
            AREA,
            _("The Page “%(page)s” of “%(unit)s” becomes the Page of “%(target)s”, with its posts.")
            % {"page": primary.name, "unit": primary.unit.name, "target": target.name},
        )
    for page in pages.values():
        if page is not primary:
            plan.add(
                AREA,
                _("The Page “%(page)s” stays with “%(unit)s” as its history.")
                % {"page": page.name, "unit": page.unit.name},
            )


def follow_split(sender, *, source, choices, by, plan, **kwargs):
    page = Fanpage.objects.filter(unit=source).select_related("unit").first()
    if page is None:
        plan.add(AREA, _("No Fanpage to carry over."))
        return
    target = choices[AREA]
    if Fanpage.objects.filter(unit=target).exists():
        plan.add(
            AREA,
            _("The Page “%(page)s” stays with “%(unit)s” as its history: “%(target)s” has its own.")
            % {"page": page.name, "unit": source.name, "target": target.name},
        )
        return
    services.page_carry_over(by=by, page=page, unit=target)
    plan.add(
        AREA,
        _("The Page “%(page)s” of “%(unit)s” becomes the Page of “%(target)s”, with its posts.")
        % {"page": page.name, "unit": source.name, "target": target.name},
    )
