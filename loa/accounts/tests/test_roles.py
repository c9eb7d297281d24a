import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from loa.accounts import services
from loa.accounts.models import Role
from loa.audit.models import AuditEntry


def _grant(client, user, unit, role="leader"):
    return client.post(reverse("accounts:role_grant", args=[user.pk]), {"unit": unit.pk, "role": role})


def _revoke(client, role):
    return client.post(reverse("accounts:role_revoke", args=[role.user_id, role.pk]))


def test_anonymous_is_sent_to_log_in(client, alice, tree):
    assert reverse("accounts:login") in _grant(client, alice, tree["a"]).url


def test_an_admin_grants_a_role_inside_their_scope(password_login, upper_admin, alice, tree):
    response = _grant(password_login(upper_admin), alice, tree["b"], "editor")
    assert response.status_code == 302
    assert Role.objects.filter(user=alice, unit=tree["b"], role="editor", granted_by=upper_admin).exists()
    entry = AuditEntry.objects.get(action="role.granted")
    assert entry.unit_path == tree["b"].path and entry.after["unit"] == tree["b"].name


def test_nobody_grants_a_role_above_their_scope(password_login, upper_admin, alice, tree):
    assert _grant(password_login(upper_admin), alice, tree["province"], "admin").status_code == 404
    assert not Role.objects.filter(user=alice, unit=tree["province"]).exists()
    with pytest.raises(ValidationError):
        services.role_grant(by=upper_admin, user=alice, unit=tree["province"], role="admin")


def test_an_admin_cannot_grant_to_a_user_outside_their_scope(password_login, upper_admin, admin, tree):
    assert _grant(password_login(upper_admin), admin, tree["a"]).status_code == 404


def test_an_officer_cannot_grant_roles(password_login, alice, teammate, tree):
    assert _grant(password_login(alice), teammate, tree["a"], "admin").status_code == 404
    assert not Role.objects.filter(user=teammate, role="admin").exists()


def test_a_role_held_twice_is_refused_with_a_message(password_login, admin, alice, tree):
    response = _grant(password_login(admin), alice, tree["a"], "officer")
    assert response.status_code == 400
    assert "đã là" in response.content.decode()


def test_an_admin_revokes_a_role(password_login, admin, alice, tree):
    role = alice.roles.get()
    assert _revoke(password_login(admin), role).status_code == 302
    assert not Role.objects.filter(pk=role.pk).exists()
    entry = AuditEntry.objects.get(action="role.revoked")
    assert entry.before["unit"] == tree["a"].name and entry.unit_path == tree["a"].path


def test_an_outsider_cannot_revoke(password_login, upper_admin, bob, admin, alice):
    assert _revoke(password_login(bob), alice.roles.get()).status_code == 404
    assert _revoke(password_login(upper_admin), admin.roles.get()).status_code == 404
    assert Role.objects.filter(user=admin).exists() and Role.objects.filter(user=alice).exists()


def test_nobody_removes_their_own_last_admin_role(password_login, admin):
    role = admin.roles.get()
    response = password_login(admin).post(reverse("accounts:role_revoke", args=[admin.pk, role.pk]), follow=True)
    assert Role.objects.filter(pk=role.pk).exists()
    assert "Bạn không thể tự gỡ vai trò quản trị cuối cùng của mình" in response.content.decode()


def test_an_admin_with_two_admin_roles_may_drop_one(admin, tree):
    extra = Role.objects.create(user=admin, unit=tree["upper"], role="admin")
    services.role_revoke(by=admin, role=extra)
    assert admin.roles.count() == 1


def test_a_user_without_roles_is_managed_only_from_the_top(password_login, admin, upper_admin, alice):
    services.role_revoke(by=admin, role=alice.roles.get())
    assert password_login(upper_admin).get(reverse("accounts:user_detail", args=[alice.pk])).status_code == 404
    assert password_login(admin).get(reverse("accounts:user_detail", args=[alice.pk])).status_code == 200
