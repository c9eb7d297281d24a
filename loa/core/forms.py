"""How a page shows what a service refused."""

from django.contrib import messages

from loa.core.versions import StaleVersion


def add_service_errors(form, exc, default_field=None):
    """Put a service's ValidationError on the form fields it names (above the form for fields it
    lacks); an error naming no field goes on `default_field`, or above the form. A stale version
    becomes the form's conflict (`VersionedFormMixin.show_conflict`): the newer values beside the
    user's."""
    if isinstance(exc, StaleVersion) and hasattr(form, "show_conflict"):
        form.show_conflict(exc)
    elif hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(default_field, exc.messages)


def flash_errors(request, exc):
    """A service's refusal as messages on the next page (for actions without a form)."""
    for message in exc.messages:
        messages.error(request, message)
