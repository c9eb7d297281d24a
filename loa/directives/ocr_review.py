"""Photos and scans among the returned forms: read with OCR, shown for review, recorded only once a
person has confirmed what was read.

The returned-forms batch (directives.imports, views_import) calls only these, so that the reading
(loa/directives/form_ocr.py) and the batch can change apart:

- `FORM_KINDS`: what an uploaded returned form may be: xlsx, docx, and JPEG, PNG or PDF;
- `stored_file(upload, kind)`: what is kept of an upload: a picture re-encoded at the size OCR
  reads (no metadata, nothing after the picture), any other file as sent;
- `parse_form_or_scan(stored, name=…)`: returned_forms.parse_form's result for a spreadsheet or
  Word file; for a photo or scan, the OCR proposal in that shape, the proposal itself under "ocr";
- `unread_scans(batch)`: how many files of the batch OCR still has to read (a few seconds each);
- `reading_problems(record)`, `reading_notices(record)`: "not confirmed yet", which blocks
  recording, and what OCR warns about;
- `confirm_reading(by=…, record=…, confirmed=…)`: a person's confirmation (or its withdrawal),
  audited;
- `review(record)`: what the preview shows of the reading.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.audit.log import log_action
from loa.core.filekinds import DOCX, JPEG, PNG, XLSX, sniff
from loa.core.files import generated_name
from loa.core.images import reencode_image
from loa.core.ocr import SCANS, TARGET_SIDE
from loa.directives import form_ocr, returned_forms
from loa.directives.models import ReturnedFormFile

FORM_KINDS = (XLSX, DOCX, *SCANS)
# At most this many photos or scans are read while the upload's request waits; more go to a job.
READ_INLINE_SCANS = 1
_SCAN_EXTENSIONS = r"\.(jpg|png|pdf)$"


def stored_file(upload, kind):
    """(name, content, kind) of what is kept of an upload whose first bytes say `kind`. Raises
    ValidationError (Vietnamese) for a picture that does not decode."""
    if kind in (JPEG, PNG):
        picture = reencode_image(upload, max_side=TARGET_SIDE)
        return picture.file.name, picture.file, JPEG if picture.content_type == "image/jpeg" else PNG
    return generated_name(kind), upload, kind


def parse_form_or_scan(stored, *, name):
    """What was read from a stored returned form, in returned_forms.parse_form's shape; never raises."""
    stored.seek(0)
    head = stored.read(8)
    stored.seek(0)
    if sniff(head) not in SCANS:
        return returned_forms.parse_form(stored, name=name)
    try:
        proposal = form_ocr.read_form_image(stored, name=name)
    except ValidationError as exc:
        return returned_forms.refused(exc)
    return form_ocr.proposal_as_parsed(proposal)


def unread_scans(batch):
    return batch.files.filter(parsed={}, file__regex=_SCAN_EXTENSIONS).count()


def is_scan(record):
    return "ocr" in (record.parsed or {})


def needs_confirmation(record):
    """A picture from which OCR proposed values, not yet confirmed by a person."""
    return is_scan(record) and bool(record.parsed.get("rows")) and record.ocr_confirmed_at is None


def reading_problems(record):
    if not needs_confirmation(record):
        return []
    return [
        {
            "code": "unconfirmed",
            "field": "ocr_confirmed",
            "message": _(
                "Read from a picture: check each value against the picture, correct it if needed, then tick "
                "“I have checked these values against the picture”."
            ),
        }
    ]


def reading_notices(record):
    if not is_scan(record):
        return []
    return list(record.parsed["ocr"].get("warnings") or [])


@transaction.atomic
def confirm_reading(*, by, record, confirmed):
    """Record (or withdraw) a person's confirmation that the values read from a picture were checked
        against it. Saves only the confirmation; a file already recorded does not change (one that failed
    to record may be confirmed and recorded again)."""
    if not is_scan(record):
        raise ValidationError(_("This file was not read from a picture: there is nothing to confirm."))
    recorded = (ReturnedFormFile.Outcome.RECORDED, ReturnedFormFile.Outcome.DUPLICATE)
    if record.outcome in recorded or bool(record.ocr_confirmed_at) == bool(confirmed):
        return record
    record.ocr_confirmed_by = by if confirmed else None
    record.ocr_confirmed_at = timezone.now() if confirmed else None
    record.save(update_fields=["ocr_confirmed_by", "ocr_confirmed_at"])
    directive = record.batch.task.directive
    log_action(
        "directive.form_reading_confirmed" if confirmed else "directive.form_reading_unconfirmed",
        actor=by,
        obj=directive,
        unit=directive.issuing_unit,
        after={"file": record.name, "batch": record.batch_id, "values": record.data},
    )
    return record


def review(record):
    """What the preview shows of a picture's reading: the cells as read with their confidence, the
    unit's line, the pages and time, who confirmed it; None for a spreadsheet or Word file."""
    if not is_scan(record):
        return None
    proposal = record.parsed["ocr"]
    rows = proposal.get("rows") or []
    row = next((r for r in rows if r["number"] == record.chosen_row), rows[0] if rows else None)
    from loa.directives.imports import COLUMNS

    cells = []
    for field, cell in (row or {}).get("cells", {}).items():
        cells.append(
            {
                "label": COLUMNS.get(field, field),
                "text": cell["text"],
                "confidence": round(cell["confidence"]),
                "doubtful": field in row.get("doubtful", []),
            }
        )
    return {
        "cells": cells,
        "unit_line": proposal.get("unit_line", ""),
        "pages": len(proposal.get("pages") or []),
        "page_count": proposal.get("page_count", 0),
        "seconds": round(sum(p["seconds"] for p in proposal.get("pages") or []), 1),
        "picture": record.kind in (JPEG, PNG) and bool(record.file),
        "proposed": bool(rows),
        "confirmed": record.ocr_confirmed_at is not None,
    }
