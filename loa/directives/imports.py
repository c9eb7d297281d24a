"""Importing returned forms: upload many files, check each, record what the admin accepts.

A file's problems block its import until fixed; notices only inform. Each accepted file is
recorded on its own with `report_submit`, at the time its e-mail arrived, so one bad file never
stops the others and nothing recorded before is lost.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from loa.audit.log import log_action
from loa.core import versions
from loa.core.controls import strip_controls
from loa.core.facebook import page_key
from loa.core.phones import display_phone, display_phones, main_and_others
from loa.core.uploads import open_upload, upload_name
from loa.directives import matching, ocr_review
from loa.directives.models import Assignment, ReportForm, ReturnedFormBatch, ReturnedFormFile
from loa.directives.services import clean_report_data, report_submit
from loa.fanpages import selectors as page_register
from loa.units.models import Unit

COLUMNS = {
    "name": "Tên Trang Fanpage",
    "url": "Địa chỉ Trang (link)",
    "admin_name": "Người quản trị",
    "admin_phone": "Số điện thoại người quản trị",
    "other_phones": "Số điện thoại khác",
    "note": "Ghi chú",
}
# The values of a file that the admin sees and may edit: the form's columns, the address, the phones
# after the first; "no_page" (a unit without a Page yet) is a tick box beside them.
DATA_FIELDS = tuple(COLUMNS)


# A returned form reads in a few tens of milliseconds: an upload of more files is read by a background
# job (directives.read_forms), so that a request never waits for many files, or for many hostile ones.
READ_INLINE_FILES = 10
RECORDED_OUTCOMES = (ReturnedFormFile.Outcome.RECORDED, ReturnedFormFile.Outcome.DUPLICATE)


def recipients(task):
    """The task's recipients, in Vietnamese order."""
    return Unit.objects.filter(assignments__task=task).vi_ordered()


def _sha256(upload):
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _local(dt):
    return date_format(timezone.localtime(dt), "H:i d/m/Y")


def _as_stored(data):
    """The values as they will be stored: the phone cell cut into the main number and the others, each
    written as Loa shows a stored number ("0381 234 567" for "0168.123.4567"). A cell that is not a valid
    number stays as written, and the check says why."""
    raw = "; ".join(filter(None, [data.get("admin_phone", ""), data.get("other_phones", "")]))
    try:
        main, others = main_and_others(raw)
    except ValidationError:
        return data
    return {**data, "admin_phone": display_phone(main), "other_phones": display_phones(others)}


def _row_data(parsed, chosen_row=None):
    rows = parsed.get("rows") or []
    if not rows:
        urls = parsed.get("urls") or []
        return {f: (urls[0] if f == "url" and len(urls) == 1 else "") for f in DATA_FIELDS}
    row = next((r for r in rows if r.get("row") == chosen_row), rows[0])
    data = _as_stored({f: row.get(f, "") for f in DATA_FIELDS})
    if row.get("no_page"):
        data["no_page"] = True
    return data


def _edited_data(data):
    clean = {f: strip_controls(str(data.get(f) or "")).strip() for f in DATA_FIELDS}
    if data.get("no_page"):
        clean["no_page"] = True
    return _as_stored(clean)


@transaction.atomic
def batch_create(*, by, task, uploads, arrived_at=None):
    """Store every uploaded file of a batch; a file that is not an xlsx or docx by its first bytes, or
    too big, is recorded as refused and not kept. The files are read afterwards, by read_files: in
    the request for a few files, by a background job for more (views_import.py)."""
    if task.report_form != ReportForm.FANPAGE:
        raise ValidationError(_("This task has no Fanpage report form to import."))
    if not uploads:
        raise ValidationError(
            _("Choose one or more returned forms (.xlsx, .docx, or a photo or PDF scan of the form).")
        )
    batch = ReturnedFormBatch.objects.create(task=task, created_by=by if getattr(by, "pk", None) else None)
    now = timezone.now()
    for upload in uploads:
        name = upload_name(upload)[:255]
        record = ReturnedFormFile(
            batch=batch, name=name, size=upload.size or 0, uploaded_at=now, arrived_at=arrived_at or now
        )
        try:
            _data, kind = open_upload(upload, ocr_review.FORM_KINDS)
            stored_name, content, kind = ocr_review.stored_file(upload, kind)
        except ValidationError as exc:
            record.parsed = _refused(exc.messages[0])
            record.save()
            continue
        record.sha256 = _sha256(upload)
        # Stored under a generated name (the name as sent stays in the row); read later, in the sandbox.
        record.file.save(stored_name, content, save=False)
        record.parsed = {}  # not read yet
        earlier = (
            ReturnedFormFile.objects.filter(
                batch__task=task,
                sha256=record.sha256,
                outcome__in=[ReturnedFormFile.Outcome.RECORDED, ReturnedFormFile.Outcome.DUPLICATE],
            )
            .order_by("committed_at")
            .first()
        )
        if earlier and arrived_at is None:
            record.arrived_at = earlier.arrived_at  # the same e-mail uploaded again
        record.save()
    log_action(
        "directive.forms_uploaded",
        actor=by,
        obj=task.directive,
        unit=task.directive.issuing_unit,
        after={"task": task.pk, "batch": batch.pk, "files": batch.files.count()},
    )
    return batch


def _refused(detail):
    return {"error": "refused", "detail": detail, "rows": [], "text": []}


def unread_files(batch):
    return batch.files.filter(parsed={}).exclude(file="")


def read_files(batch, report=None):
    """Read every stored file of the batch not read yet, in the sandbox; match each to a recipient.
    A file the sandbox refuses is not kept. Safe to run again: only unread files are read.
    report(done, total): progress."""
    task = batch.task
    units = list(recipients(task))
    pages = page_register.pages_by_unit(Assignment.objects.filter(task=task).values("unit_id"))
    files = list(unread_files(batch))
    for done, record in enumerate(files):
        if report:
            report(done, len(files))
        with record.file.open("rb") as stored:
            record.parsed = ocr_review.parse_form_or_scan(stored, name=record.name)
        if record.parsed.get("error") == "refused":
            record.file.delete(save=False)
            record.sha256 = ""
        record.kind = record.parsed.get("kind", "")
        record.data = _row_data(record.parsed)
        rows = record.parsed.get("rows") or []
        found = matching.match_unit(
            lines=record.parsed.get("text", []),
            file_name=record.name,
            recipients=units,
            urls=record.parsed.get("urls", []),
            pages=pages,
            page_names=[r.get("name", "") for r in rows],
        )
        record.unit, record.match = found.unit, found.as_json()
        _address_from_register(record, pages.get(record.unit_id))
        _address_from_facebook(record)
        record.save()
    assess(batch)
    return len(files)


def _address_from_register(record, page):
    """A form without the address names the unit's registered Page: show the address Loa knows."""
    if page is not None and page.url and not record.data.get("url") and not record.data.get("no_page"):
        record.data = {**record.data, "url": page.url}


def _address_from_facebook(record):
    """Still no address: the one Page with the form's Page name, where a search token allows it."""
    if record.data.get("url") or record.data.get("no_page") or not record.data.get("name"):
        return
    found = page_register.address_by_name(record.data["name"])
    if found:
        record.data = {**record.data, "url": found}
        record.match = {**record.match, "address": "facebook"}


@transaction.atomic
def file_update(
    *,
    by,
    record,
    unit_id=None,
    data=None,
    arrived_at=None,
    chosen_row=None,
    replace_page=None,
    accepted=None,
    expected_version=None,
):
    """The admin's corrections from the preview (or the API). Only files not yet recorded can change:
    the row is locked, so a correction racing the batch's recording never changes a recorded file, and
    with `expected_version` one made against an older reading is refused (StaleVersion)."""
    current = versions.lock(ReturnedFormFile.objects.all(), expected_version, pk=record.pk)
    record.version = current.version
    if current.outcome in RECORDED_OUTCOMES:
        record.outcome = current.outcome
        return record
    versions.bump(record)
    task = record.batch.task
    if unit_id is not None:
        if unit_id == "":
            record.unit = None
        else:
            assignment = Assignment.objects.filter(task=task, unit_id=unit_id).select_related("unit").first()
            if assignment is None:
                raise ValidationError(_("That unit is not a recipient of this task."))
            record.unit = assignment.unit
            _address_from_register(record, page_register.page_of(record.unit))
    if chosen_row is not None:
        rows = {r.get("row") for r in record.parsed.get("rows", [])}
        if chosen_row in rows and chosen_row != record.chosen_row:
            record.chosen_row = chosen_row
            record.data = _row_data(record.parsed, chosen_row)
            data = None  # the fields shown were those of the previous row
    if data is not None:
        record.data = _edited_data(data)
    if arrived_at is not None:
        record.arrived_at = arrived_at
    if replace_page is not None:
        record.replace_page = replace_page
    if accepted is not None:
        record.accepted = accepted
    record.save()
    return record


def _problem(code, message, field=""):
    return {"code": code, "field": field, "message": message}


def assess(batch, files=None):
    """Check every file of the batch; store and return {file id: (problems, notices)}.

    A handful of queries whatever the number of files.
    """
    task = batch.task
    files = list(files if files is not None else batch.files.select_related("unit"))
    unit_ids = {f.unit_id for f in files if f.unit_id}
    assignments = {a.unit_id: a for a in Assignment.objects.filter(task=task, unit_id__in=unit_ids)}
    pages = page_register.pages_by_unit(unit_ids)
    cleaned = {}
    for f in files:
        try:
            cleaned[f.pk] = clean_report_data(task, f.data)
        except ValidationError as exc:
            cleaned[f.pk] = exc
    keys = {page_key(c["url"]) for c in cleaned.values() if isinstance(c, dict) and c["url"]}
    owners = page_register.pages_by_url_key(keys)
    histories = history(batch, files)
    by_unit = {}
    for f in files:
        if f.unit_id:
            by_unit.setdefault(f.unit_id, []).append(f)
    result = {}
    for f in files:
        problems, notices = _file_problems(f, task, cleaned.get(f.pk), assignments, pages, owners)
        problems += ocr_review.reading_problems(f)
        notices += ocr_review.reading_notices(f)
        if f.pk in histories and f.outcome == "":
            notices.append(histories[f.pk]["message"])
        others = [o.name for o in by_unit.get(f.unit_id, []) if o.pk != f.pk]
        if others:
            notices.append(
                _("Another file of this upload is for the same unit: %(names)s.") % {"names": ", ".join(others)}
            )
        if f.problems != problems:
            f.problems = problems
            ReturnedFormFile.objects.filter(pk=f.pk).update(problems=problems)
        result[f.pk] = (problems, notices)
    return result


def history(batch, files):
    """What happened before to each file of the batch uploaded again, {file id: {"code", "message"}}:
    "recorded_before" (this very file was recorded), "never_recorded" (uploaded before, never recorded),
    "changed" (the unit's form was recorded from another file). Files seen for the first time are absent.
    Two queries whatever the number of files."""
    shas = {f.sha256 for f in files if f.sha256}
    unit_ids = {f.unit_id for f in files if f.unit_id}
    same, by_unit = {}, {}
    earlier = ReturnedFormFile.objects.filter(batch__task=batch.task).exclude(batch=batch).order_by("uploaded_at", "id")
    for old in earlier.filter(sha256__in=shas):
        same.setdefault(old.sha256, []).append(old)
    for old in earlier.filter(unit_id__in=unit_ids, outcome__in=RECORDED_OUTCOMES):
        by_unit.setdefault(old.unit_id, []).append(old)
    out = {}
    for f in files:
        olds = same.get(f.sha256, []) if f.sha256 else []
        recorded = [o for o in olds if o.outcome in RECORDED_OUTCOMES]
        if recorded:
            out[f.pk] = {
                "code": "recorded_before",
                "message": _(
                    "Recorded before: this same file was recorded on %(at)s. Recording it again changes nothing."
                )
                % {"at": _local(recorded[-1].committed_at or recorded[-1].uploaded_at)},
            }
        elif olds:
            out[f.pk] = {
                "code": "never_recorded",
                "message": _("Never recorded: this same file was uploaded on %(at)s but was not recorded then.")
                % {"at": _local(olds[-1].uploaded_at)},
            }
        elif others := [o for o in by_unit.get(f.unit_id, []) if o.sha256 != f.sha256]:
            old = others[-1]
            out[f.pk] = {
                "code": "changed",
                "message": _(
                    "Changed since last time: this unit's form was recorded on %(at)s from another file (“%(name)s”). "
                    "A new version is saved only if the values changed."
                )
                % {"at": _local(old.committed_at or old.uploaded_at), "name": old.name},
            }
    return out


def _file_problems(f, task, clean, assignments, pages, owners):
    problems, notices = [], []
    error = f.parsed.get("error")
    if not f.parsed:
        return [
            _problem("unread", _("“%(name)s” is still being read: reload this page in a moment.") % {"name": f.name})
        ], notices
    if error == "refused":
        return [_problem("refused", f.parsed.get("detail") or _("The file was refused."))], notices
    if error == "unreadable":
        return [
            _problem(
                "unreadable",
                _(
                    "“%(name)s” could not be read as an Excel (.xlsx) or Word (.docx) form. "
                    "Ask the unit to send the form again."
                )
                % {"name": f.name},
            )
        ], notices
    typed = any(f.data.get(k) for k in ("name", "admin_name", "admin_phone"))
    if typed and not f.parsed.get("rows"):  # no table, or an empty one, filled in by the admin
        notices.append(_("No filled table was found in the file: the values were entered by hand."))
    elif error == "no_table":
        problems.append(
            _problem(
                "no_table",
                _(
                    "No report table was found in “%(name)s”: no row has the form's column titles "
                    "(Tên Trang Fanpage, Người quản trị, Số điện thoại…). Enter the values below or ask the unit for the form."
                )
                % {"name": f.name},
            )
        )
    rows = f.parsed.get("rows") or []
    if not error and not rows and not typed:
        problems.append(_problem("no_rows", _("The table in “%(name)s” has no filled row.") % {"name": f.name}))
    if len(rows) > 1 and f.chosen_row is None:
        problems.append(
            _problem(
                "second_page",
                _(
                    "The file lists %(n)s Pages (rows %(rows)s) for one unit, but each CĐCS sets up only one Page: "
                    "choose the row to record."
                )
                % {"n": len(rows), "rows": ", ".join(str(r.get("row")) for r in rows)},
                "row",
            )
        )
    if f.unit_id is None:
        if f.match.get("method") == "ambiguous":
            problems.append(
                _problem("ambiguous", _("The file could be from several units: choose the right one."), "unit")
            )
        else:
            problems.append(
                _problem("no_unit", _("No recipient of this task was recognised in the file: choose the unit."), "unit")
            )
    elif f.unit_id not in assignments:
        problems.append(_problem("not_recipient", _("That unit is not a recipient of this task."), "unit"))
    row_text = ""
    if rows:
        row = next((r for r in rows if r.get("row") == f.chosen_row), rows[0])
        row_text = _(" (row %(row)s)") % {"row": row.get("row")}
    if isinstance(clean, ValidationError) and (rows or typed):
        for field, messages in clean.message_dict.items():
            for message in messages:
                problems.append(_problem("invalid", f"{COLUMNS.get(field, field)}{row_text}: {message}", field))
    if isinstance(clean, ValidationError):
        clean = None
    if f.match.get("address") == "facebook" and f.data.get("url"):
        notices.append(_("The Page's address was found on Facebook by the Page's name: check it before accepting."))
    if clean and clean.get("no_page"):
        notices.append(
            _(
                "No Page yet: the unit says it has not set up its Page (see the note). It is recorded as "
                "“no Page yet” and counted apart."
            )
        )
    elif clean and not clean["url"]:
        notices.append(
            _("Page address still missing: the report is recorded all the same, and the address can be added later.")
        )
    if clean and f.unit_id and clean["url"]:
        owner = owners.get(page_key(clean["url"]))
        if owner and owner.unit_id != f.unit_id:
            problems.append(
                _problem(
                    "page_taken",
                    _("This Page is already registered by “%(unit)s”. Each CĐCS reports its own Page.")
                    % {"unit": owner.unit.name},
                    "url",
                )
            )
        page = pages.get(f.unit_id)
        if page and page.url and page_key(page.url) != page_key(clean["url"]):
            if not f.replace_page:
                problems.append(
                    _problem(
                        "second_page",
                        _(
                            "%(unit)s already has the Page “%(name)s” (%(url)s); this form reports a second one. "
                            "Each CĐCS sets up only one Page: tick “Replace the registered Page” to record the new one."
                        )
                        % {"unit": f.unit.name, "name": page.name, "url": page.url},
                        "replace_page",
                    )
                )
            else:
                notices.append(_("The registered Page will be replaced; the old one stays in the history."))
    assignment = assignments.get(f.unit_id)
    if assignment is not None and f.outcome == "":
        if assignment.first_reported_at:
            notices.append(
                _("This unit already reported at %(at)s; the form will be kept as a new version.")
                % {"at": _local(assignment.first_reported_at)}
            )
        elif f.arrived_at > task.deadline:
            notices.append(_("Arrived after the deadline: it will be recorded as late."))
    return problems, notices


def batch_commit(*, by, batch):
    """Record every accepted file without problems, each on its own; return the files handled."""
    task = batch.task
    files = list(batch.files.select_related("unit").order_by("arrived_at", "id"))
    checks = assess(batch, files)
    before = history(batch, files)
    handled = []
    for f in files:
        if not f.accepted or f.outcome in RECORDED_OUTCOMES:
            continue
        problems, _notices = checks[f.pk]
        if problems:
            f.outcome = ReturnedFormFile.Outcome.FAILED
            f.outcome_message = _("Not recorded: fix the problems first.")
        elif before.get(f.pk, {}).get("code") == "recorded_before":
            f.outcome = ReturnedFormFile.Outcome.DUPLICATE
            f.outcome_message = _("Recorded before: this same file was already recorded; nothing changed.")
            f.committed_at = timezone.now()
        else:
            assignment = Assignment.objects.get(task=task, unit=f.unit)
            try:
                receipt = report_submit(
                    by=by,
                    assignment=assignment,
                    data=f.data,
                    source="import",
                    at=f.arrived_at,
                    replace_page=f.replace_page,
                    file_name=f.name,
                    identical_is_duplicate=True,
                )
            except ValidationError as exc:
                f.outcome = ReturnedFormFile.Outcome.FAILED
                f.outcome_message = " ".join(exc.messages)
            else:
                receipt.assignment.refresh_from_db()
                state = _("on time") if receipt.assignment.on_time else _("late")
                if receipt.duplicate:
                    f.outcome = ReturnedFormFile.Outcome.DUPLICATE
                    f.outcome_message = _("Already recorded with the same values: nothing changed.")
                else:
                    f.outcome = ReturnedFormFile.Outcome.RECORDED
                    f.outcome_message = _("Recorded as version %(v)s of %(unit)s's report (%(state)s).") % {
                        "v": receipt.report.version,
                        "unit": f.unit.name,
                        "state": state,
                    }
                    f.report_version = receipt.report.versions.filter(number=receipt.report.version).first()
                f.committed_at = timezone.now()
        f.save(update_fields=["outcome", "outcome_message", "report_version", "committed_at"])
        handled.append(f)
    batch.committed_at = timezone.now()
    batch.save(update_fields=["committed_at"])
    counts = {o: sum(1 for f in handled if f.outcome == o) for o in ("recorded", "duplicate", "failed")}
    log_action(
        "directive.forms_imported",
        actor=by,
        obj=task.directive,
        unit=task.directive.issuing_unit,
        after={
            "task": task.pk,
            "batch": batch.pk,
            **counts,
            "files": [
                {
                    "name": f.name,
                    "unit": f.unit.name if f.unit else "",
                    "outcome": f.outcome,
                    "arrived_at": f.arrived_at.isoformat(),
                }
                for f in handled
            ],
        },
    )
    return handled
