"""An officer's list, one section per unit they report for: reports due or returned, pieces returned
or in draft, the days the unit's Page has not posted, the Likes not declared this quarter, and what
the year's quota still lacks. Six queries whatever the number of units."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from loa.accounts.capabilities import Capability
from loa.articles.models import Kind, Rollup, Submission
from loa.articles.selectors import Figures, days_left
from loa.directives.deadlines import deadline_text, time_left_text
from loa.directives.models import Assignment
from loa.directives.selectors import due_for_units
from loa.fanpages.compliance import SILENT_DAYS, annotated_units, from_day_number
from loa.fanpages.likes import latest_declarations, quarter_start
from loa.todo.items import OFFICER, Item, Link, Section

SHOWN = 3  # pieces of each state listed per unit; the rest behind a "see all" link
PIECE_ROWS = 200  # pieces read for all the units at once (their counts are exact, from a grouped query)
QUIET_DAYS = 2  # a Page without a post yesterday nor today is worth a word to its officer
REASON_CHARS = 160


def sections(user, units, *, today, now):
    ids = [u.pk for u in units]
    found = {pk: [] for pk in ids}
    links = {pk: [] for pk in ids}
    for assignment in due_for_units(ids):
        found[assignment.unit_id].append(_report(assignment, now))
    _pieces(ids, found, links)
    for unit_id, days, last in _silences(user, ids, today):
        found[unit_id].append(_silence(unit_id, days, last))
    _likes(units, today, found)
    _quotas(ids, today, found)
    return [
        Section(
            role=OFFICER,
            title=unit.name,
            unit=unit,
            items=found[unit.pk],
            links=links[unit.pk],
            empty=_("Nothing to do. Thank you!"),
        )
        for unit in units
    ]


def _report(assignment, now):
    task = assignment.task
    returned = assignment.state == Assignment.State.RETURNED
    overdue = task.is_overdue(now)
    report = getattr(assignment, "report", None) if returned else None
    deadline = _("Deadline: %(deadline)s") % {"deadline": deadline_text(task.deadline)}
    detail = f"{task.directive.number} · {deadline}"
    if returned:
        reason = report.return_reason if report else ""
        detail = _("Returned for correction: %(reason)s") % {"reason": _short(reason)} + f" · {detail}"
    return Item(
        kind="report_returned" if returned else "report_due",
        title=task.title,
        detail=detail,
        when=time_left_text(task.deadline, now),
        url=reverse("directives:report", args=[task.pk, assignment.unit_id]),
        action=_("Correct the report") if returned else _("Report now"),
        due=task.deadline,
        overdue=overdue,
        tone="bad" if overdue else "warn",
    )


def _pieces(ids, found, links):
    """Returned pieces (with the editor's reason), then drafts: the first few of each, per unit."""
    states = (Submission.State.RETURNED, Submission.State.DRAFT)
    counts = {
        (unit_id, state): n
        for unit_id, state, n in Submission.objects.without_empty_drafts()
        .filter(unit_id__in=ids, state__in=states)
        .order_by()
        .values_list("unit_id", "state")
        .annotate(n=Count("id"))
    }
    rows = (
        Submission.objects.without_empty_drafts()
        .filter(unit_id__in=ids, state__in=states)
        .order_by("-updated_at", "-id")
        .only("id", "unit_id", "state", "title", "reason", "updated_at", "decided_at")[:PIECE_ROWS]
    )
    shown = {}
    by_state = {s: [] for s in states}
    for piece in rows:
        key = (piece.unit_id, piece.state)
        if shown.get(key, 0) < SHOWN:
            shown[key] = shown.get(key, 0) + 1
            by_state[piece.state].append(piece)
    for state in states:  # every returned piece before any draft
        for piece in by_state[state]:
            found[piece.unit_id].append(_piece(piece))
    for (unit_id, state), n in counts.items():
        if n > SHOWN:
            label = (
                ngettext("All %(n)s returned pieces", "All %(n)s returned pieces", n)
                if state == Submission.State.RETURNED
                else ngettext("All %(n)s drafts", "All %(n)s drafts", n)
            )
            links[unit_id].append(Link(label % {"n": n}, reverse("articles:index") + f"?state={state}"))


def _piece(piece):
    url = reverse("articles:edit", args=[piece.pk])
    title = piece.title.strip() or _("(untitled draft)")
    if piece.state == Submission.State.RETURNED:
        day = piece.decided_at or piece.updated_at
        return Item(
            kind="article_returned",
            title=title,
            detail=_("Returned by the editors: %(reason)s") % {"reason": _short(piece.reason)},
            when=_("returned on %(day)s") % {"day": _day(day)},
            url=url,
            action=_("Correct and send again"),
            tone="warn",
        )
    return Item(
        kind="article_draft",
        title=title,
        detail=_("A draft, not yet sent to the editors."),
        when=_("saved on %(day)s") % {"day": _day(piece.updated_at)},
        url=url,
        action=_("Continue writing"),
        tone="info",
    )


def _silences(user, ids, today):
    """(unit id, days without a post, last posting day) of the units whose Page has been quiet."""
    units = annotated_units(
        user=user, capability=Capability.REPORT_FOR_UNIT, year=today.year, today=today, extra_q=Q(pk__in=ids)
    )
    if units is None:
        return []
    rows = units.filter(c_silent__gte=QUIET_DAYS).order_by().values_list("id", "c_silent", "c_last")
    return [(unit_id, days, from_day_number(last)) for unit_id, days, last in rows]


def _silence(unit_id, days, last):
    return Item(
        kind="page_silent",
        title=ngettext(
            "The unit's Page has not posted for %(n)s day", "The unit's Page has not posted for %(n)s days", days
        )
        % {"n": days},
        detail=(_("Last post on %(day)s.") % {"day": last.strftime("%d/%m/%Y")})
        if last
        else _("No post recorded this year."),
        url=reverse("fanpages:unit", args=[unit_id]) + "#log-post",
        action=_("Record a post"),
        count=days,
        tone="warn" if days >= SILENT_DAYS else "info",
    )


def _likes(units, today, found):
    start = quarter_start(today)
    grassroots = [u for u in units if u.kind.is_grassroots and u.members_count and u.is_active(today)]
    latest = latest_declarations([u.pk for u in grassroots])
    for unit in grassroots:
        declaration = latest.get(unit.pk)
        if declaration is not None and declaration.day >= start:
            continue
        detail = (
            _("Last declared on %(day)s: %(count)s of %(members)s members.")
            % {"day": declaration.day.strftime("%d/%m/%Y"), "count": declaration.count, "members": unit.members_count}
            if declaration
            else _("The unit has not declared its Likes yet.")
        )
        found[unit.pk].append(
            Item(
                kind="likes_undeclared",
                title=_("Declare this quarter's Likes of the provincial Page"),
                detail=detail,
                when=_("since %(day)s") % {"day": start.strftime("%d/%m/%Y")},
                url=reverse("fanpages:unit", args=[unit.pk]) + "#likes",
                action=_("Declare the Likes"),
                tone="info",
            )
        )


def _quotas(ids, today, found):
    year = today.year
    figures = {}
    for unit_id, kind, target, counted in Rollup.objects.filter(unit_id__in=ids, year=year).values_list(
        "unit_id", "kind", "own_target", "own_counted"
    ):
        figures.setdefault(unit_id, {})[kind] = Figures(kind=kind, target=target, counted=counted)
    for unit_id, kinds in figures.items():
        news, articles = kinds.get(Kind.NEWS, Figures(Kind.NEWS)), kinds.get(Kind.ARTICLE, Figures(Kind.ARTICLE))
        short = quota_shortfall(news.missing, articles.missing)
        if not short:
            continue
        left = days_left(year, today)
        found[unit_id].append(
            Item(
                kind="quota",
                title=_("Quota %(year)s: %(short)s still to go") % {"year": year, "short": short},
                detail=_(
                    "%(news)s of %(news_target)s news items and %(articles)s of %(article_target)s articles so far."
                )
                % {
                    "news": news.counted,
                    "news_target": news.target,
                    "articles": articles.counted,
                    "article_target": articles.target,
                },
                when=ngettext("%(n)s day left", "%(n)s days left", left) % {"n": left},
                url=reverse("articles:new", args=[unit_id]),
                action=_("Write a piece"),
                count=news.missing + articles.missing,
                tone="warn" if left < 60 else "info",
            )
        )


def quota_shortfall(news, articles):
    """ "2 tin, 1 bài": what a quota still lacks, in the letter's words ("" when nothing)."""
    parts = []
    if news:
        parts.append(ngettext("%(n)s news item", "%(n)s news items", news) % {"n": news})
    if articles:
        parts.append(ngettext("%(n)s article", "%(n)s articles", articles) % {"n": articles})
    return ", ".join(parts)


def _short(text):
    text = " ".join((text or "").split())
    return text if len(text) <= REASON_CHARS else text[: REASON_CHARS - 1] + "…"


def _day(instant):
    return timezone.localtime(instant).strftime("%d/%m/%Y") if instant else ""
