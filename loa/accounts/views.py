from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from loa.accounts.capabilities import Capability
from loa.accounts.scope import can_anywhere


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
def profile(request):
    return render(request, "accounts/profile.html", {})


@login_required
def user_list(request):
    if not can_anywhere(request.user, Capability.MANAGE_USERS):
        raise Http404
    return render(request, "accounts/user_list.html", {})
