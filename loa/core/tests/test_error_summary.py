"""Every form page that comes back with errors opens with one summary of them (base.html)."""

import re

from django.urls import reverse


def test_a_failed_log_in_opens_with_a_focusable_error_summary(client, alice):
    page = client.post(reverse("accounts:login"), {"username": "alice", "password": "wrong"}).content.decode()
    summary = re.search(r'<section class="error-summary"[^>]*>(.*?)</section>', page, re.DOTALL)
    assert summary, "no error summary"
    assert 'tabindex="-1"' in page and "data-error-summary" in page
    assert page.index("error-summary") < page.index("<h1")  # the first thing in the page's content
    assert "Xin đồng chí sửa các mục sau:" in summary.group(1)


def test_each_field_error_links_to_its_field(client):
    page = client.post(reverse("accounts:login"), {"username": "", "password": ""}).content.decode()
    for target in re.findall(r'<a href="#(id_\w+)">', page):
        assert f'id="{target}"' in page
    assert '<a href="#id_username">' in page and '<a href="#id_password">' in page


def test_a_page_without_errors_has_no_summary(client):
    assert "data-error-summary" not in client.get(reverse("accounts:login")).content.decode()
