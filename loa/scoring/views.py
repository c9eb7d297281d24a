"""Pages of the annual classification: a unit's score (with evidence, what it lacks and a what-if),
the ranking with its distribution and last year's figures, the documents, the rubric editor,
adjustments and freezing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loa.accounts import year_tree
from loa.accounts.capabilities import Capability
from loa.accounts.scope import can, can_anywhere, get_unit_or_404, role_paths, units_for
from loa.core.forms import add_service_errors
from loa.core.numbers import INTEGER_RANGES
from loa.core.paging import query_without_page
from loa.core.version_forms import conflict_status
from loa.documents.downloads import document_response
from loa.exports.tabular import Column, export_response
from loa.scoring import access, documents, engine, measures, selectors, services, succession
from loa.scoring import ranking as ranking_reads
from loa.scoring.forms import AdjustmentForm, CriterionForm, LevelForm, NewRubricForm, ReasonForm, RubricForm
from loa.scoring.models import Adjustment, Criterion, Level, Rubric, Score
from loa.scoring.reasons import Reasons, reason
from loa.scoring.rules import points_text, stored_centi
from loa.units.models import UnitKind

RANKING_PAGE = 50


@login_required
def index(request):
    rubrics = [r for r in Rubric.objects.select_related("unit") if access.may_see_rubric(request.user, r)]
    if not rubrics and not can_anywhere(request.user, Capability.MANAGE_UNITS):
        raise Http404
    # An officer's own few units: straight to their score.
    own = list(units_for(request.user, Capability.VIEW).filter(kind__is_grassroots=True).order_by("name_sort")[:6])
    return render(
        request,
        "scoring/index.html",
        {
            "rubrics": rubrics,
            "own": own if len(own) <= 5 else [],
            "year": rubrics[0].year if rubrics else None,
            "may_create": can_anywhere(request.user, Capability.MANAGE_UNITS),
        },
    )


def _hypothetical(request, book, by_measure):
    """{measure key: amount} from the what-if form (w_<key>), only for measures the rubric reads."""
    out = {}
    for key in book.measure_keys:
        raw = request.GET.get(f"w_{key}")
        m = measures.get(key)
        if m.kind == measures.FLAG:
            out[key] = raw == "on"
            continue
        if raw is None or raw == "":
            continue
        if m.kind == measures.STATE:
            if raw in selectors.STATE_LABELS:
                out[key] = raw
            continue
        try:
            # A count as large as a column holds: 10**400 would overflow the rules' float division.
            value = min(max(0, int(raw)), INTEGER_RANGES["PositiveIntegerField"][1])
        except ValueError:
            continue
        base = by_measure.get(key, (0, None))[1]
        out[key] = min(value, base) if base and key in ("posting_days", "like_rate") else value
    return out


@login_required
def unit_score(request, year, unit_id):
    rubric = access.get_rubric_or_404(request.user, year)
    unit = access.get_scored_unit_or_404(request.user, rubric, unit_id)
    book, result, by_measure, reasons, stored, live = selectors.unit_result(rubric, unit)
    succession = result.succession if result is not None else None
    ctx = {
        "rubric": rubric,
        "unit": unit,
        "book": book,
        "result": result,
        "live": live,
        "stored": stored,
        "may_manage": access.may_manage(request.user, rubric),
        "problems": book.problems,
        "succession": selectors.succession_rows(request.user, succession, book),
        # A year frozen before the restructuring was recorded keeps the unit's own stored row.
        "taken_over_by": selectors.taken_over_by(rubric, unit) if stored is None else [],
    }
    if result is not None:
        ctx["lines"] = selectors.card(book, result, unit, adjustments=reasons)
        ctx["total"] = points_text(result.total)
        ctx["reason"] = reason(book, result)
        # A score weighed from its predecessors' cannot say what this unit alone still lacks.
        weighed = succession is not None and succession.pro_rata
        ctx["gap"] = (
            selectors.gap_sentence(book, result, by_measure, engine.load_adjustments(rubric, [unit.pk]).get(unit.pk))
            if live and not weighed
            else None
        )
        ctx["whatif_fields"] = [
            {
                "key": k,
                "measure": measures.get(k),
                "value": by_measure[k][0],
                "base": by_measure[k][1],
                "states": list(selectors.STATE_LABELS.items()),
            }
            for k in book.measure_keys
        ]
        if live and request.GET.get("whatif"):
            hypothetical = _hypothetical(request, book, by_measure)
            for f in ctx["whatif_fields"]:
                f["value"] = hypothetical.get(f["key"], f["value"])
            adjustments = engine.load_adjustments(rubric, [unit.pk]).get(unit.pk)
            trial = {**by_measure, **{k: (v, by_measure[k][1]) for k, v in hypothetical.items()}}
            if succession is None:
                what = book.score(unit.pk, trial, adjustments)
            else:  # the rubric's rule again, with this unit's own figures changed
                what = engine.running_score(rubric, unit, hypothetical=hypothetical, book=book)[1]
            ctx["whatif"] = {
                "total": points_text(what.total),
                "level": what.level.name if what.level else _("Unclassified"),
                "lines": selectors.card(book, what, unit, evidence=False),
                "gap": None if weighed else selectors.gap_sentence(book, what, trial, adjustments),
                "delta": points_text(what.total - result.total),
            }
            if request.htmx:
                return render(request, "scoring/unit.html#whatif-result", ctx)
    return render(request, "scoring/unit.html", ctx)


@login_required
def score_sheet(request, year, unit_id):
    rubric = access.get_rubric_or_404(request.user, year)
    unit = access.get_scored_unit_or_404(request.user, rubric, unit_id)
    book, result, _by_measure, reasons, _stored, _live = selectors.unit_result(rubric, unit)
    if result is None:
        raise Http404
    lines = selectors.card(book, result, unit, evidence=False, adjustments=reasons)
    return document_response(documents.score_sheet(rubric, unit, lines, result, frozen=rubric.frozen), "pdf")


def _ranking_of(request, rubric, book):
    """The ranking's filters from the query string (the page and its export): a word or a number out
    of range is no filter, an upper unit out of reach a 404."""
    node = None
    if request.GET.get("unit"):
        node = get_unit_or_404(request.user, Capability.VIEW, pk=ranking_reads.query_id(request.GET["unit"]) or 0)
    return ranking_reads.Ranking(
        user=request.user,
        rubric=rubric,
        book=book,
        node=node,
        kind_id=ranking_reads.query_id(request.GET.get("kind")),
        level=ranking_reads.level_filter(request.GET.get("level")),
        sort=request.GET.get("sort", "-total"),
        tree=year_tree.tree_choice(request.GET.get("tree")),
    )


def _took_over(score):
    """How many units a stored score's unit took over during the year (0 for most)."""
    evidence = succession.Evidence.of(score.succession)
    return len(evidence.predecessors) if evidence else 0


def _chart(dist, previous, book, level):
    """The distribution's rows for the chart: each level's count and share, last year's beside it
    (matched by name), and whether the page lists that level now."""
    keys = ranking_reads.level_keys(book, level)
    return [
        {
            "row": row,
            "previous": previous.get(row.name),
            "current": keys is not None and (None if row.key == ranking_reads.UNCLASSIFIED else row.key) in keys,
        }
        for row in dist
    ]


@login_required
def ranking(request, year):
    rubric = access.get_rubric_or_404(request.user, year)
    book = engine.Book(rubric)
    listing = _ranking_of(request, rubric, book)
    # The distribution's grouped COUNT gives the number of rows: the paginator counts nothing itself.
    dist, total = ranking_reads.distribution(listing.in_reach, book)
    page = ranking_reads.RankingPaginator(
        listing.listed.select_related("unit").only(
            "id",
            "unit_id",
            "unit__name",
            "unit__short_name",
            "unit__code",
            "total",
            "level_name",
            "rank",
            "unit_path",
            "points",
            "readings",
            "succession",
        ),
        RANKING_PAGE,
        count=ranking_reads.level_count(dist, book, listing.level),
    ).get_page(request.GET.get("page"))
    previous = ranking_reads.previous_totals(year, [s.unit_id for s in page])
    explain = Reasons(book)
    # A unit listed by a past year's tree may lie outside the user's reach today: no link to its page.
    reach = role_paths(request.user, Capability.VIEW)
    rows = [
        {
            "score": s,
            "previous": previous.get(s.unit_id),
            "reason": explain.of_score(s),
            "linked": any(p == "/" or s.unit_path.startswith(p) for p in reach),
            # A unit merged or split into this year: its score is made as the rubric's rule says.
            "took_over": _took_over(s),
        }
        for s in page
    ]
    prev_rubric = Rubric.objects.filter(year=year - 1).first()
    prev_counts = {}
    if prev_rubric:
        prev_qs = ranking_reads.scores(
            request.user, year - 1, node=listing.node, kind_id=listing.kind_id, tree=listing.tree
        )
        prev_counts = {row.name: row for row in ranking_reads.distribution(prev_qs, engine.Book(prev_rubric))[0]}
    kinds = list(UnitKind.objects.filter(is_grassroots=True))
    uppers = ranking_reads.upper_units(request.user, rubric)
    return render(
        request,
        "scoring/ranking.html",
        {
            "rubric": rubric,
            "page": page,
            "rows": rows,
            "sort": listing.sort,
            "node": listing.node,
            "kind_id": listing.kind_id,
            "level": listing.level,
            # A filter with one choice is no filter: the select is left out.
            "kinds": kinds if len(kinds) > 1 else [],
            "uppers": uppers if len(uppers) > 1 else [],
            "sorts": ranking_reads.SORT_LABELS,
            "chart": _chart(dist, prev_counts, book, listing.level),
            "dist": dist,
            "counted": total,
            "lagging": ranking_reads.level_count(dist, book, ranking_reads.LAGGING),
            "LAGGING": ranking_reads.LAGGING,
            "UNCLASSIFIED": ranking_reads.UNCLASSIFIED,
            "has_previous": bool(prev_counts),
            "query": query_without_page(request),
            "tree": listing.tree,
            "may_manage": access.may_manage(request.user, rubric),
            "problems": book.problems,
        },
    )


@login_required
def ranking_export(request, year, fmt):
    rubric = access.get_rubric_or_404(request.user, year)
    book = engine.Book(rubric)
    listing = _ranking_of(request, rubric, book)
    columns = [Column("rank", _("Rank")), Column("code", _("Code")), Column("unit", _("Unit"))]
    columns += [Column(c.code, f"{c.code}. {c.name}") for c in book.criteria]
    columns += [Column("total", _("Total")), Column("level", _("Level")), Column("reason", _("Reason"))]
    explain = Reasons(book)

    def figure(value):
        cp = stored_centi(value)
        return _("invalid") if cp is None else cp / 100

    def rows():
        fields = ("unit__name", "unit__code", "total", "level_name", "rank", "points", "readings")
        for s in listing.listed.select_related("unit").only(*fields).iterator(2000):
            row = {
                "rank": s.rank,
                "code": s.unit.code,
                "unit": s.unit.name,
                "total": figure(s.total),
                "level": s.level_name,
                "reason": explain.of_score(s),
            }
            for c in book.criteria:
                row[c.code] = figure(s.points.get(c.code, 0))
            yield row

    title = _("Classification %(year)s: ranking") % {"year": year}
    return export_response(
        fmt,
        f"{title}",
        columns,
        rows(),
        sheet_title=str(year),
        title_lines=[title, rubric.name, *_filter_lines(listing)],
    )


def _filter_lines(listing):
    """What the export's filters kept, in words, under its title."""
    lines = [year_tree.tree_line(listing.rubric.year, listing.tree)]
    if listing.node is not None:
        lines.append(_("Units under %(unit)s") % {"unit": listing.node.name})
    if listing.level == ranking_reads.LAGGING:
        lines.append(_("Units that fall short"))
    elif listing.level == ranking_reads.UNCLASSIFIED:
        lines.append(_("Level: %(level)s") % {"level": _("Unclassified")})
    elif listing.level is not None:
        name = next((lv.name for lv in listing.book.levels if lv.id == listing.level), "")
        lines.append(_("Level: %(level)s") % {"level": name or listing.level})
    return lines


@login_required
def announcement(request, year, fmt):
    rubric = access.get_rubric_or_404(request.user, year)
    if not access.may_manage(request.user, rubric) and not can(request.user, Capability.VIEW, rubric.unit):
        raise Http404
    book = engine.Book(rubric)
    qs = Score.objects.filter(year=year, unit_path__startswith=rubric.unit.path).order_by("-total", "unit_sort")
    rows = [
        (name, stored_centi(total), level)
        for name, total, level in qs.values_list("unit__name", "total", "level_name")[:5000]
    ]
    doc = documents.announcement(rubric, book, rows)
    return document_response(doc, fmt)


# --- Rubric editing ---------------------------------------------------------------------------


@login_required
def rubric_detail(request, year):
    rubric = access.get_rubric_or_404(request.user, year)
    may_manage = access.may_manage(request.user, rubric)
    form = None
    if may_manage and not rubric.frozen:
        form = RubricForm(request.POST or None, instance=rubric)
        if request.method == "POST" and form.is_valid():
            try:
                services.rubric_update(
                    by=request.user, rubric=rubric, expected_version=form.expected_version, **form.edited_values()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The rubric is saved."))
                return redirect("scoring:rubric", year=year)
    elif request.method == "POST":
        raise Http404
    if form is not None and form.is_bound:
        rubric.refresh_from_db()  # the form wrote into it while validating
    book = engine.Book(rubric)
    groups = {}
    for c in book.criteria:
        groups.setdefault(c.group, []).append(c)
    return render(
        request,
        "scoring/rubric.html",
        {
            "rubric": rubric,
            "groups": groups,
            "levels": rubric.levels.all(),
            "may_manage": may_manage,
            "form": form,
            "measure_labels": {k: m.label for k, m in measures.REGISTRY.items()},
            "problems": book.problems,
            "max_sum": points_text(sum(s.max for s in book.specs if not s.is_bonus)),
            "bonus_sum": points_text(sum(s.max for s in book.specs if s.is_bonus)),
            "adjustments": rubric.adjustments.filter(active=True).select_related("unit", "criterion", "by")[:100],
        },
        status=conflict_status(form),
    )


@login_required
def rubric_new(request):
    if not can_anywhere(request.user, Capability.MANAGE_UNITS):
        raise Http404
    last = Rubric.objects.order_by("-year").first()
    form = NewRubricForm(
        request.POST or None,
        initial={"year": (last.year + 1) if last else timezone.localdate().year, "copy_from": last},
    )
    if request.method == "POST" and form.is_valid():
        copy_from = form.cleaned_data["copy_from"]
        unit = copy_from.unit if copy_from else _managed_top(request.user)
        name = form.cleaned_data["name"] or (copy_from.name if copy_from else _("Communication work criteria"))
        try:
            rubric = services.rubric_create(
                by=request.user, year=form.cleaned_data["year"], unit=unit, name=name, copy_from=copy_from
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The rubric of %(year)s is created.") % {"year": rubric.year})
            return redirect("scoring:rubric", year=rubric.year)
    return render(request, "scoring/rubric_new.html", {"form": form})


def _managed_top(user):
    from loa.units.models import Unit

    paths = role_paths(user, Capability.MANAGE_UNITS)
    if "/" in paths:
        return Unit.objects.filter(parent__isnull=True).order_by("id").first()
    return Unit.objects.get(pk=int(paths[0].strip("/").split("/")[-1]))


def _part_texts(model):
    """A rubric part's page title, a new one's title, and the messages on saving and on deleting it."""
    if model is Criterion:
        return _("Criterion"), _("New criterion"), _("The criterion is saved."), _("The criterion is deleted.")
    return _("Level"), _("New level"), _("The level is saved."), _("The level is deleted.")


def _edit_part(request, year, pk, *, model, form_class, save, delete):
    """Create, change or delete one criterion or level of the year's rubric (admins only)."""
    title, new_title, saved, deleted = _part_texts(model)
    rubric = access.get_admin_rubric_or_404(request.user, year)
    obj = get_object_or_404(model, pk=pk, rubric=rubric) if pk else None
    form = form_class(request.POST or None, instance=obj)
    if request.method == "POST":
        try:
            if "delete" in request.POST and obj:
                # Deleting what someone changed meanwhile is refused too: the page shows their version.
                delete(
                    by=request.user, expected_version=request.POST.get("version", ""), **{model._meta.model_name: obj}
                )
                messages.success(request, deleted)
                return redirect("scoring:rubric", year=year)
            if form.is_valid():
                values = {f: form.cleaned_data[f] for f in form.Meta.fields}
                current = model.objects.get(pk=pk) if pk else None
                save(
                    by=request.user,
                    rubric=rubric,
                    expected_version=form.expected_version,
                    **{model._meta.model_name: current},
                    **values,
                )
                messages.success(request, saved)
                return redirect("scoring:rubric", year=year)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "scoring/edit_form.html",
        {"rubric": rubric, "form": form, "title": title if obj else new_title, "object": obj},
        status=conflict_status(form),
    )


def _part_view(model, form_class, save, delete):
    """The page of one `model` (criterion or level) of the year's rubric."""

    @login_required
    def view(request, year, pk=None):
        return _edit_part(request, year, pk, model=model, form_class=form_class, save=save, delete=delete)

    return view


criterion_edit = _part_view(Criterion, CriterionForm, services.criterion_save, services.criterion_delete)
level_edit = _part_view(Level, LevelForm, services.level_save, services.level_delete)


# --- Adjustments, freezing, scoring the year --------------------------------------------------


@login_required
def adjust(request, year, unit_id):
    rubric = access.get_admin_rubric_or_404(request.user, year)
    unit = access.get_scored_unit_or_404(request.user, rubric, unit_id)
    form = AdjustmentForm(request.POST or None, rubric=rubric, initial={"criterion": request.GET.get("criterion")})
    if request.method == "POST" and form.is_valid():
        try:
            services.adjust(by=request.user, rubric=rubric, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The adjustment is saved and the unit's score is updated."))
            return redirect("scoring:unit", year=year, unit_id=unit.pk)
    history = Adjustment.objects.filter(rubric=rubric, unit=unit).select_related("criterion", "by")
    return render(request, "scoring/adjust.html", {"rubric": rubric, "unit": unit, "form": form, "history": history})


@login_required
@require_POST
def freeze(request, year):
    rubric = access.get_admin_rubric_or_404(request.user, year)
    try:
        services.freeze(by=request.user, rubric=rubric)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The results of %(year)s are frozen.") % {"year": year})
    return redirect("scoring:ranking", year=year)


@login_required
def unfreeze(request, year):
    rubric = access.get_admin_rubric_or_404(request.user, year)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.unfreeze(by=request.user, rubric=rubric, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The results of %(year)s are no longer frozen.") % {"year": year})
            return redirect("scoring:ranking", year=year)
    return render(request, "scoring/unfreeze.html", {"rubric": rubric, "form": form})


@login_required
@require_POST
def recompute(request, year):
    rubric = access.get_admin_rubric_or_404(request.user, year)
    try:
        job = services.recompute(by=request.user, rubric=rubric)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("scoring:ranking", year=year)
    if job.is_finished:
        messages.success(request, _("Every unit's score is computed again."))
        return redirect("scoring:ranking", year=year)
    return redirect("jobs:detail", pk=job.pk)
