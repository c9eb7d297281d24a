"""Admin pages: the users an admin manages, their roles, invitations, deactivation.

Users outside the admin's units, and units outside them, answer 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loa.accounts import reauth, services, throttle, two_factor, two_factor_services
from loa.accounts.capabilities import Capability, RoleName
from loa.accounts.forms import InviteForm, RoleGrantForm
from loa.accounts.models import Role
from loa.accounts.scope import can, can_anywhere, get_unit_or_404
from loa.accounts.selectors import get_user_or_404, manageable_users, roles_prefetch
from loa.core.forms import add_service_errors
from loa.core.paging import query_without_page
from loa.core.text import search_terms
from loa.units.forms import picked_unit

PAGE_SIZE = 50
STATUSES = ("active", "invited", "inactive")


def _require_manager(user):
    if not can_anywhere(user, Capability.MANAGE_USERS):
        raise Http404


@login_required
def user_list(request):
    _require_manager(request.user)
    qs = manageable_users(request.user)
    q = request.GET.get("q", "").strip()
    for term in search_terms(q):
        qs = qs.filter(search_text__contains=term)
    unit_filter, unit = picked_unit(request.GET, user=request.user, purpose="users", label=_("In unit (and below)"))
    role = request.GET.get("role", "")
    role = role if role in RoleName.values else ""
    if unit or role:
        held = Role.objects.filter(user=OuterRef("pk"))
        if unit:
            held = held.filter(unit__path__startswith=unit.path)
        if role:
            held = held.filter(role=role)
        qs = qs.filter(Exists(held))
    status = request.GET.get("status", "")
    if status == "active":
        qs = qs.filter(is_active=True).exclude(password__startswith="!")
    elif status == "inactive":
        qs = qs.filter(is_active=False)
    elif status == "invited":
        qs = qs.filter(is_active=True, password__startswith="!", last_login__isnull=True)
    else:
        status = ""
    qs = qs.prefetch_related(roles_prefetch()).order_by("name_sort", "id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": q,
        "unit_filter": unit_filter,
        "role": role,
        "status": status,
        "roles": RoleName.choices,
        "statuses": STATUSES,
        "filters": query_without_page(request),
    }
    template = "accounts/user_list.html#results" if request.htmx else "accounts/user_list.html"
    return render(request, template, context)


def _int_or_404(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


@login_required
def user_invite(request):
    _require_manager(request.user)
    # An invitation gives a role: the admin confirms their password first, as for any role.
    if detour := reauth.demand(request, back=reverse("accounts:user_invite")):
        return detour
    form = InviteForm(request.POST or None, user=request.user, initial={"role": RoleName.OFFICER})
    if request.method == "POST":
        if request.POST.get("unit"):
            get_unit_or_404(request.user, Capability.MANAGE_USERS, pk=_int_or_404(request.POST["unit"]))
        if form.is_valid():
            try:
                user = services.user_invite(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "%(name)s is invited. The link to set a password was sent to %(email)s; their username is %(username)s."
                    )
                    % {"name": user.full_name, "email": user.email, "username": user.username},
                )
                return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_invite.html", {"form": form}, status=400 if form.errors else 200)


def _detail(request, user, *, grant_form=None, status=200):
    locked_until = throttle.user_locked_until(user.username)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "person": user,
            "login_locked_until": throttle.until_display(locked_until) if locked_until else "",
            "roles": list(user.roles.all()),
            "grant_form": grant_form or RoleGrantForm(user=request.user, initial={"role": RoleName.OFFICER}),
            "is_self": user.pk == request.user.pk,
            "two_factor_on": two_factor.is_enabled(user),
        },
        status=status,
    )


@login_required
def user_detail(request, pk):
    _require_manager(request.user)
    return _detail(request, get_user_or_404(request.user, pk))


@login_required
@require_POST
def role_grant(request, pk):
    _require_manager(request.user)
    user = get_user_or_404(request.user, pk)
    if request.POST.get("unit"):
        get_unit_or_404(request.user, Capability.MANAGE_USERS, pk=_int_or_404(request.POST["unit"]))
    if detour := reauth.demand(request, back=_back_to(user)):
        return detour
    form = RoleGrantForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            role = services.role_grant(by=request.user, user=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(user)s is now %(role)s at “%(unit)s”.")
                % {
                    "user": user.display_name(),
                    "role": role.get_role_display(),
                    "unit": role.unit.name,
                },
            )
            return redirect("accounts:user_detail", pk=user.pk)
    return _detail(request, get_user_or_404(request.user, pk), grant_form=form, status=400)


@login_required
@require_POST
def role_revoke(request, pk, role_pk):
    _require_manager(request.user)
    user = get_user_or_404(request.user, pk)
    role = get_object_or_404(Role.objects.select_related("unit"), pk=role_pk, user=user)
    if not can(request.user, Capability.MANAGE_USERS, role.unit):
        raise Http404
    if detour := reauth.demand(request, back=_back_to(user)):
        return detour
    try:
        services.role_revoke(by=request.user, role=role)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The role %(role)s at “%(unit)s” has been removed.")
            % {
                "role": role.get_role_display(),
                "unit": role.unit.name,
            },
        )
    return redirect("accounts:user_detail", pk=user.pk)


def _back_to(user):
    return reverse("accounts:user_detail", args=[user.pk])


def _user_action(request, pk, action, done, *, reauthenticate=False, **extra):
    """`action(by=…, user=…, **extra)` on a user in reach, then back to their page saying how it went:
    `done` is the success message (with %(user)s), or a function of the action's result answering
    (message level, message). With `reauthenticate`, only once the manager has confirmed their password."""
    _require_manager(request.user)
    user = get_user_or_404(request.user, pk)
    if reauthenticate and (detour := reauth.demand(request, back=_back_to(user))):
        return detour
    try:
        result = action(by=request.user, user=user, **extra)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        level, text = done(result) if callable(done) else (messages.SUCCESS, done)
        messages.add_message(request, level, text % {"user": user.display_name()})
    return redirect("accounts:user_detail", pk=user.pk)


@login_required
@require_POST
def user_deactivate(request, pk):
    return _user_action(
        request,
        pk,
        services.user_deactivate,
        _("%(user)s can no longer log in."),
        reason=request.POST.get("reason", "").strip()[:500],
    )


@login_required
@require_POST
def user_reactivate(request, pk):
    return _user_action(request, pk, services.user_reactivate, _("%(user)s can log in again."))


@login_required
@require_POST
def invite_resend(request, pk):
    return _user_action(request, pk, services.invite_resend, _("A new invitation has been sent to %(user)s."))


@login_required
@require_POST
def login_unlock(request, pk):
    """Lift the user's log-in locks from every address (too many wrong passwords)."""

    def done(until):
        if until is None:
            return messages.INFO, _("%(user)s is not locked out of log-in.")
        return messages.SUCCESS, _("%(user)s may try to log in again now.")

    return _user_action(request, pk, services.user_login_unlock, done)


@login_required
@require_POST
def otp_reset(request, pk):
    """Remove the user's two-factor device and recovery codes (a lost phone)."""
    return _user_action(
        request,
        pk,
        two_factor_services.two_factor_reset,
        _("Two-factor sign-in of %(user)s is reset: they log in with the password and set it up again."),
        reauthenticate=True,
    )
