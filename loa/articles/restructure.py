"""The articles' part of a merge or split (`units_merged`, `unit_split`): the open submissions
(drafts, sent, in review, returned) go to the unit that carries on; what was accepted, refused or
published stays with the closed unit, under its own name. The quotas of the year are combined: a
closed unit keeps the part of its quota for the days it was open, the unit that carries on takes
the rest on top of its own."""

from django.db import transaction
from django.utils.translation import gettext as _

from loa.articles import services
from loa.articles.models import Kind, Quota, Submission
from loa.audit.log import log_action

AREA = "articles"
OPEN = (Submission.State.DRAFT, Submission.State.SUBMITTED, Submission.State.IN_REVIEW, Submission.State.RETURNED)


@transaction.atomic
def submissions_carry_over(*, by, sources, target):
    """Give the open submissions of `sources` to `target`; {source: count moved}. They count toward
    no quota yet, so no figure changes."""
    moved = {}
    for source in sources:
        rows = Submission.objects.filter(unit=source, state__in=OPEN)
        count = rows.update(unit=target, unit_path=target.path)
        if count:
            log_action(
                "article.submissions_carried_over",
                actor=by,
                obj=target,
                before={"unit": source.name},
                after={"unit": target.name, "count": count},
            )
        moved[source] = count
    return moved


@transaction.atomic
def quotas_combine(*, by, sources, target, year):
    """Each closed source keeps its quota pro-rated to the days it was open in `year`; `target`
    takes the rest on top of its own. [(kind, source, kept, given)]."""
    combined = []
    for kind in Kind.values:
        given_total = 0
        for source in sources:
            quota = Quota.objects.filter(unit=source, year=year, kind=kind).first()
            if quota is None or not quota.target:
                continue
            kept, _prorated = services._prorate(source, year, quota.target)
            given = quota.target - kept
            if given:
                services.quota_set(
                    by=by,
                    unit=source,
                    year=year,
                    kind=kind,
                    target=kept,
                    notice=quota.notice,
                    note=_("The rest of the year went to “%(unit)s”.") % {"unit": target.name},
                )
            given_total += given
            combined.append((kind, source, kept, given))
        if given_total:
            own = Quota.objects.filter(unit=target, year=year, kind=kind).first()
            services.quota_set(
                by=by,
                unit=target,
                year=year,
                kind=kind,
                target=(own.target if own else 0) + given_total,
                notice=own.notice if own else "",
                note=_("Combined with the units it took over."),
            )
    return combined


def _describe(plan, moved, combined, target, year):
    for source, count in moved.items():
        if count:
            plan.add(
                AREA,
                _("%(count)s open pieces of “%(unit)s” go to “%(target)s”.")
                % {"count": count, "unit": source.name, "target": target.name},
            )
    if not any(moved.values()):
        plan.add(AREA, _("No open piece to carry over."))
    kinds = dict(Kind.choices)
    for kind, source, kept, given in combined:
        plan.add(
            AREA,
            _("%(year)s quota of %(kind)s: “%(unit)s” keeps %(kept)s, “%(target)s” takes %(given)s more.")
            % {
                "year": year,
                "kind": kinds[kind],
                "unit": source.name,
                "kept": kept,
                "target": target.name,
                "given": given,
            },
        )


def follow_merge(sender, *, sources, target, on, by, plan, **kwargs):
    moved = submissions_carry_over(by=by, sources=sources, target=target)
    combined = quotas_combine(by=by, sources=sources, target=target, year=on.year)
    _describe(plan, moved, combined, target, on.year)


def follow_split(sender, *, source, choices, on, by, plan, **kwargs):
    target = choices[AREA]
    moved = submissions_carry_over(by=by, sources=[source], target=target)
    combined = quotas_combine(by=by, sources=[source], target=target, year=on.year)
    _describe(plan, moved, combined, target, on.year)
