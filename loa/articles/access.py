"""Fetch-and-authorise: a submission, claim or unit the user may not reach answers 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from loa.accounts.capabilities import Capability
from loa.accounts.scope import can, can_anywhere, role_paths
from loa.articles.models import CreditClaim, Submission


def get_submission(user, pk, capability=Capability.VIEW):
    submission = get_object_or_404(Submission.objects.select_related("unit", "unit__kind", "created_by"), pk=pk)
    if not can(user, capability, submission.unit):
        raise Http404
    return submission


def get_claim(user, pk, capability):
    claim = get_object_or_404(CreditClaim.objects.select_related("unit", "channel", "by"), pk=pk)
    if not can(user, capability, claim.unit):
        raise Http404
    return claim


def may_review(user, submission):
    return can(user, Capability.REVIEW_ARTICLES, submission.unit)


def may_write(user, submission):
    return can(user, Capability.REPORT_FOR_UNIT, submission.unit)


def is_reviewer(user):
    return can_anywhere(user, Capability.REVIEW_ARTICLES)


def manages_channels(user):
    """Channels serve the whole province: whoever manages units from a top-level unit."""
    return any(p == "/" or p.count("/") == 2 for p in role_paths(user, Capability.MANAGE_UNITS))


def require_channels_manager(user):
    if not manages_channels(user):
        raise Http404
