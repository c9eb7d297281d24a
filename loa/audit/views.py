from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from loa.accounts.capabilities import Capability
from loa.accounts.scope import can_anywhere


@login_required
def audit_list(request):
    if not can_anywhere(request.user, Capability.VIEW_AUDIT):
        raise Http404
    return render(request, "base.html", {})
