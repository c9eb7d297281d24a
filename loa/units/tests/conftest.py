import pytest


@pytest.fixture
def manager_of_b(tree):
    """A province-admin role held at CĐCS B only: manages B, not A."""
    from conftest import _user

    return _user("manager_b", tree["b"], "admin", full_name="Triệu Văn Quản")


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
