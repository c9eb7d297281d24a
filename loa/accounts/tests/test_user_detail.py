import pytest
from django.urls import reverse

from loa.accounts.models import Role
from loa.audit.models import AuditEntry


def _url(name, user, *args):
    return reverse(f"accounts:{name}", args=[user.pk, *args])


def test_anonymous_is_sent_to_log_in(client, alice):
    assert reverse("accounts:login") in client.get(_url("user_detail", alice)).url


def test_an_admin_sees_a_user_and_their_roles(login, admin, alice, tree):
    response = login(admin).get(_url("user_detail", alice))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Hoàng Thị An" in text and tree["a"].name in text


@pytest.mark.parametrize("who", ["bob", "editor"])
def test_someone_without_user_rights_gets_404(request, login, alice, who):
    assert login(request.getfixturevalue(who)).get(_url("user_detail", alice)).status_code == 404


def test_a_lower_admin_gets_404_for_a_province_admin(login, upper_admin, admin):
    assert login(upper_admin).get(_url("user_detail", admin)).status_code == 404


def test_an_admin_deactivates_and_reactivates_a_user(login, admin, alice, client):
    admin_client = login(admin)
    response = admin_client.post(_url("user_deactivate", alice), {"reason": "Chuyển công tác"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert not alice.is_active
    entry = AuditEntry.objects.get(action="user.deactivated")
    assert entry.note == "Chuyển công tác" and entry.unit_path == alice.roles.get().unit.path
    admin_client.post(_url("user_reactivate", alice))
    alice.refresh_from_db()
    assert alice.is_active
    assert AuditEntry.objects.filter(action="user.reactivated").exists()


def test_a_deactivated_user_is_logged_out_at_once(client, login, admin, alice):
    client.force_login(alice)
    from loa.accounts.services import user_deactivate

    user_deactivate(by=admin, user=alice)
    assert client.get(reverse("home")).status_code == 302


def test_nobody_deactivates_themselves(login, admin):
    response = login(admin).post(_url("user_deactivate", admin), follow=True)
    admin.refresh_from_db()
    assert admin.is_active
    assert "Bạn không thể tự vô hiệu hoá chính mình" in response.content.decode()


def test_an_outsider_cannot_deactivate(login, upper_admin, admin, bob, alice):
    assert login(bob).post(_url("user_deactivate", alice)).status_code == 404
    assert login(upper_admin).post(_url("user_deactivate", admin)).status_code == 404
    admin.refresh_from_db()
    alice.refresh_from_db()
    assert admin.is_active and alice.is_active


def test_the_user_page_takes_few_queries(login, admin, alice, django_assert_max_num_queries):
    client = login(admin)
    with django_assert_max_num_queries(10):
        assert client.get(_url("user_detail", alice)).status_code == 200


def test_roles_are_listed(login, admin, alice, tree):
    Role.objects.create(user=alice, unit=tree["upper"], role="leader")
    response = login(admin).get(_url("user_detail", alice))
    assert len(response.context["roles"]) == 2
