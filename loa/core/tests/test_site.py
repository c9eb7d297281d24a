"""Absolute links: SITE_URL in production, the request's own address in development."""

from loa.core.site import DEVELOPMENT_ORIGIN, absolute_url


def test_links_start_with_the_site_address_when_it_is_set(settings):
    settings.SITE_URL = "https://loa.ldld-caobang.vn"
    assert absolute_url("/directives/") == "https://loa.ldld-caobang.vn/directives/"


def test_without_a_site_address_a_link_made_outside_requests_uses_the_development_server(settings):
    settings.SITE_URL = ""
    assert absolute_url("/x/") == DEVELOPMENT_ORIGIN + "/x/"


def test_without_a_site_address_a_link_made_in_a_request_uses_that_requests_host(
    password_login, admin, settings, mailoutbox
):
    from loa.notifications.models import Message

    client = password_login(admin)  # an invitation gives a role: the password must be recent
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["192.168.1.20"]
    response = client.post(
        "/accounts/users/invite/",
        {
            "username": "moi",
            "full_name": "Người Mới",
            "email": "moi@example.vn",
            "unit": admin.roles.first().unit_id,
            "role": "officer",
        },
        HTTP_HOST="192.168.1.20:8000",
    )
    assert response.status_code in (200, 302)
    body = Message.objects.order_by("-id").first().body
    assert "http://192.168.1.20:8000/accounts/invite/" in body
