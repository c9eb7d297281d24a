"""An officer's pages: their pieces, writing one (autosaved), photos, a Word file, sending it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loa.accounts.capabilities import Capability
from loa.accounts.scope import get_unit_or_404, path_q, units_for
from loa.articles import diffs, services
from loa.articles.access import get_submission, is_reviewer, may_review, may_write
from loa.articles.forms import DocxForm, NewSubmissionForm, PhotoForm, PublishForm, SubmissionForm
from loa.articles.models import Channel, Photo, Submission
from loa.core import versions
from loa.core.files import serve_image
from loa.core.forms import add_service_errors, flash_errors
from loa.core.versions import StaleVersion


@login_required
def index(request):
    """The pieces of the user's units, newest first; the way to write one."""
    qs = Submission.objects.without_empty_drafts().filter(
        path_q(request.user, Capability.REPORT_FOR_UNIT, field="unit_path")
    )
    state = request.GET.get("state", "")
    if state in Submission.State.values:
        qs = qs.filter(state=state)
    page = Paginator(qs.select_related("unit").prefetch_related("publications__channel"), 30).get_page(
        request.GET.get("page")
    )
    # One-tap buttons for an officer's own unit(s); someone reporting for a whole tree works from the unit pages.
    units = list(units_for(request.user, Capability.REPORT_FOR_UNIT).select_related("kind").vi_ordered()[:6])
    if len(units) > 5:
        units = []
    return render(
        request,
        "articles/index.html",
        {
            "page": page,
            "state": state,
            "states": Submission.State.choices,
            "units": units,
            "reviewer": is_reviewer(request.user),
            "year": timezone.localdate().year,
        },
    )


@login_required
def submission_new(request, unit_id):
    """The editor of a piece not yet written: nothing is stored until its first save, so that a tap on
    "Write a piece" left without writing leaves no untitled draft behind."""
    unit = get_unit_or_404(request.user, Capability.REPORT_FOR_UNIT, pk=unit_id)
    session = _session(request) or versions.new_session()
    if request.method != "POST":
        form = NewSubmissionForm(initial={"kind": request.GET.get("kind", "news")})
        return render(request, "articles/submission_new.html", {"unit": unit, "form": form, "edit_session": session})
    form = NewSubmissionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            submission, created = services.submission_start(
                by=request.user, unit=unit, session=session, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="photo")  # the photo's refusal names no field
        else:
            if not created:  # a second tap of this page: its first one has done the work
                return redirect("articles:edit" if submission.editable else "articles:detail", submission.pk)
            if "send" not in request.POST:
                messages.success(request, _("Draft saved."))
                return redirect("articles:edit", submission.pk)
            try:
                services.submission_submit(
                    by=request.user, submission=submission, expected_version=submission.version, session=session
                )
            except ValidationError as exc:
                # The draft is kept (with its photo); the editor shows it with what is missing for sending.
                edit_form = SubmissionForm(
                    {
                        **request.POST.dict(),
                        "topics": request.POST.getlist("topics"),
                        "channels": request.POST.getlist("channels"),
                        "version": submission.version,
                    }
                )
                edit_form.is_valid()
                add_service_errors(edit_form, exc)
                return _edit_page(request, submission, edit_form, session=session)
            messages.success(request, _("Sent to the editors. You will be told when they decide."))
            return redirect("articles:detail", submission.pk)
    return render(request, "articles/submission_new.html", {"unit": unit, "form": form, "edit_session": session})


def _save_form(request, submission):
    """Save what the editor's form holds. The page names its version (`version`, or `overwrite`: the
    newer version the user chose to write over from the conflict panel) and its editing session."""
    form = SubmissionForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    expected = request.POST.get("overwrite") or request.POST.get("version", "")
    return services.submission_update(
        by=request.user,
        submission=submission,
        expected_version=expected,
        session=_session(request),
        title=data.get("title", ""),
        body=data.get("body", ""),
        kind=data.get("kind") or None,
        authors=data.get("authors", ""),
        topics=data.get("topics", []),
        channels=data.get("channels", []),
    )


def _session(request):
    return versions.clean_session(request.POST.get("edit_session"))


def _edit_page(request, submission, form, *, session=None, conflict=None, status=200):
    """The editor. On a conflict (StaleVersion), the form keeps the user's input and the page shows
    the newer stored text beside it; the version stays the one the page had, so that the autosave
    never writes over the newer text unless the user chooses to (the "keep mine" button)."""
    return render(
        request,
        "articles/submission_edit.html",
        {
            "submission": submission,
            "form": form,
            "photo_form": PhotoForm(),
            "docx_form": DocxForm(),
            "photos": submission.photos.all(),
            "edit_session": session or versions.new_session(),
            "conflict": conflict,
            "page_version": request.POST.get("version") if conflict else submission.version,
        },
        status=status,
    )


def _conflict_page(request, exc):
    """The editor again after a stale save: what the user sent, beside what is stored now."""
    current = exc.current
    return _edit_page(
        request, current, SubmissionForm(request.POST), session=_session(request), conflict=current, status=409
    )


@login_required
def submission_edit(request, pk):
    submission = get_submission(request.user, pk, Capability.REPORT_FOR_UNIT)
    if not submission.editable:
        return redirect("articles:detail", pk)
    if request.method == "POST":
        try:
            submission = _save_form(request, submission)
        except StaleVersion as exc:
            if request.htmx:
                # The fragment keeps the page's (older) version: later autosaves are refused too, until
                # the user keeps their text or loads the newer one. Nothing they typed is touched.
                return render(
                    request,
                    "articles/submission_edit.html#autosave",
                    {
                        "submission": exc.current,
                        "conflict": exc.current,
                        "page_version": request.POST.get("version", ""),
                    },
                )
            return _conflict_page(request, exc)
        except ValidationError as exc:
            if request.htmx:
                return render(
                    request,
                    "articles/submission_edit.html#autosave",
                    {
                        "submission": submission,
                        "autosave_error": " ".join(exc.messages),
                        "page_version": request.POST.get("version", ""),
                    },
                )
            flash_errors(request, exc)
            return redirect("articles:edit", pk)
        if request.htmx:
            return render(
                request,
                "articles/submission_edit.html#autosave",
                {"submission": submission, "saved_at": timezone.now(), "page_version": submission.version},
            )
        messages.success(request, _("Draft saved."))
        return redirect("articles:edit", pk)
    form = SubmissionForm(
        initial={
            "kind": submission.kind,
            "title": submission.title,
            "body": submission.body_text,
            "authors": submission.authors,
            "topics": submission.topics.all(),
            "channels": submission.channels.all(),
            "version": submission.version,
        }
    )
    return _edit_page(request, submission, form)


@login_required
@require_POST
def submission_submit(request, pk):
    """Save what the form holds, then send it (one tap from the edit page)."""
    submission = get_submission(request.user, pk, Capability.REPORT_FOR_UNIT)
    session = _session(request)
    if submission.state == Submission.State.SUBMITTED and session and submission.edit_session == session:
        # This page's send arriving again: a retry after an answer lost on a bad connection
        # (docs/offline.md). It went through the first time.
        messages.info(request, _("This piece had already been sent; nothing was sent twice."))
        return redirect("articles:detail", pk)
    try:
        # One transaction: the row stays locked from the save to the send, so the page's autosave
        # (fired by the same tap, as the field loses focus) waits and then finds the piece sent.
        # Had the autosave come first, its save carries this page's editing session: no conflict.
        with transaction.atomic():
            if "title" in request.POST:
                submission = _save_form(request, submission)
                expected = submission.version
            else:
                expected = request.POST.get("version", "")
            services.submission_submit(
                by=request.user, submission=submission, expected_version=expected, session=_session(request)
            )
    except StaleVersion as exc:
        if "title" in request.POST:  # the page's text stays on screen beside the newer one
            return _conflict_page(request, exc)
        flash_errors(request, exc)
        return redirect("articles:edit" if exc.current.editable else "articles:detail", pk)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("articles:edit" if submission.editable else "articles:detail", pk)
    messages.success(request, _("Sent to the editors. You will be told when they decide."))
    return redirect("articles:detail", pk)


@login_required
@require_POST
def photo_add(request, pk):
    submission = get_submission(request.user, pk, Capability.REPORT_FOR_UNIT)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a photo to upload."))
    else:
        try:
            services.submission_add_photo(
                by=request.user,
                submission=submission,
                upload=form.cleaned_data["photo"],
                caption=form.cleaned_data["caption"],
            )
            messages.success(request, _("Photo added."))
        except ValidationError as exc:
            flash_errors(request, exc)
    return redirect("articles:edit", pk)


@login_required
@require_POST
def photo_delete(request, pk, photo_id):
    submission = get_submission(request.user, pk, Capability.REPORT_FOR_UNIT)
    photo = get_object_or_404(Photo, pk=photo_id, submission=submission)
    try:
        services.submission_remove_photo(by=request.user, photo=photo)
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("articles:edit", pk)


@login_required
def photo_file(request, pk, photo_id):
    submission = get_submission(request.user, pk, Capability.VIEW)
    photo = get_object_or_404(Photo, pk=photo_id, submission=submission)
    return serve_image(request, photo.image, filename_stem=_("Photo %(n)s") % {"n": photo.pk})


@login_required
@require_POST
def docx_import(request, pk):
    submission = get_submission(request.user, pk, Capability.REPORT_FOR_UNIT)
    form = DocxForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a Word file (.docx) to upload."))
        return redirect("articles:edit", pk)
    try:
        _sub, photos = services.submission_import_docx(
            by=request.user, submission=submission, upload=form.cleaned_data["docx"]
        )
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(
            request,
            _("The text of the Word file was taken in, with %(n)s photos. Check it, then send it.") % {"n": photos},
        )
    return redirect("articles:edit", pk)


@login_required
def submission_detail(request, pk):
    submission = get_submission(request.user, pk, Capability.VIEW)
    versions = list(submission.versions.select_related("by"))
    shown = None
    if len(versions) >= 2:
        try:
            number = int(request.GET.get("v", versions[-1].number))
        except ValueError:
            number = versions[-1].number
        by_number = {v.number: v for v in versions}
        if number in by_number and number - 1 in by_number:
            old, new = by_number[number - 1], by_number[number]
            shown = {
                "old": old,
                "new": new,
                "title_changed": old.title != new.title,
                "lines": diffs.diff(old.body_text, new.body_text),
            }
    review = may_review(request.user, submission)
    return render(
        request,
        "articles/submission_detail.html",
        {
            "submission": submission,
            "versions": versions,
            "diff": shown,
            "photos": submission.photos.all(),
            "comments": submission.comments.select_related("author"),
            "publications": submission.publications.select_related("channel"),
            "topics": submission.topics.all(),
            "channels": submission.channels.all(),
            "may_review": review,
            "may_write": may_write(request.user, submission),
            "publish_form": PublishForm(
                initial={
                    "channel": submission.channels.exclude(pk__in=submission.publications.values("channel_id")).first()
                }
            )
            if review
            else None,
            "all_channels": Channel.objects.filter(is_active=True),
        },
    )
