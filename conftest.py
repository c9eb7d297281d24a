"""Story fixtures shared by every area's tests (healthchecks' alice/bob/charlie habit).

The tree: province (LĐLĐ tỉnh) > upper union (CĐVC tỉnh) > CĐCS A, CĐCS B.
- admin: province admin at the province;
- alice: officer of CĐCS A; teammate: a second officer of CĐCS A;
- bob: officer of CĐCS B, the outsider for everything of A;
- editor: editor at the upper union; leader: read-only at the upper union.
"""

import os

import pytest

from loa.notifications.testing import smtp_server  # noqa: F401  (a real SMTP server: aiosmtpd)

# Local stand-ins for Zalo and Facebook (`zalo_standin`, `graph_standin`) and for S3 (`s3_server`, `s3_bucket`).
pytest_plugins = ["loa.integrations.testing", "loa.core.testing_s3"]


@pytest.fixture(autouse=True)
def _fast_hashing_and_clean_cache(settings):
    from django.core.cache import cache
    from django.utils import translation

    # Every test starts in Vietnamese: a request in English (Accept-Language) must not leak
    # its language into the next test run by the same worker.
    translation.activate(settings.LANGUAGE_CODE)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.JOBS_BACKEND = "inline"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()


@pytest.fixture
def kinds(db):
    from loa.units.models import UnitKind

    return {
        "province": UnitKind.objects.create(code="ldld-tinh", name="LĐLĐ tỉnh", order=1),
        "upper": UnitKind.objects.create(code="cd-cap-tren", name="Công đoàn cấp trên", order=2),
        "cdcs": UnitKind.objects.create(code="cdcs", name="Công đoàn cơ sở", is_grassroots=True, order=3),
    }


@pytest.fixture
def tree(kinds):
    from loa.units.services import unit_create

    province = unit_create(
        by=None, parent=None, kind=kinds["province"], code="LDLD", name="Liên đoàn Lao động tỉnh Cao Bằng"
    )
    upper = unit_create(
        by=None, parent=province, kind=kinds["upper"], code="CDVC", name="Công đoàn Viên chức tỉnh Cao Bằng"
    )
    a = unit_create(
        by=None,
        parent=upper,
        kind=kinds["cdcs"],
        code="CS-A",
        name="Công đoàn cơ sở Trường THPT Thành phố Cao Bằng",
        members_count=60,
        staff_count=65,
    )
    b = unit_create(
        by=None,
        parent=upper,
        kind=kinds["cdcs"],
        code="CS-B",
        name="Công đoàn cơ sở Bệnh viện Đa khoa tỉnh",
        members_count=300,
        staff_count=320,
    )
    return {"province": province, "upper": upper, "a": a, "b": b}


def _user(username, unit=None, role=None, **extra):
    from loa.accounts.models import Role, User

    user = User.objects.create_user(
        username=username, password="pass-for-tests", email=f"{username}@example.vn", **extra
    )
    if unit is not None:
        Role.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def admin(tree):
    return _user("admin", tree["province"], "admin", full_name="Nông Thị Quản Trị")


@pytest.fixture
def alice(tree):
    return _user("alice", tree["a"], "officer", full_name="Hoàng Thị An")


@pytest.fixture
def teammate(tree):
    return _user("teammate", tree["a"], "officer", full_name="Lương Văn Bình")


@pytest.fixture
def bob(tree):
    return _user("bob", tree["b"], "officer", full_name="Bế Văn Bảo")


@pytest.fixture
def editor(tree):
    return _user("editor", tree["upper"], "editor", full_name="Đàm Thị Biên")


@pytest.fixture
def other(tree, kinds):
    """A second upper union under the province, with its own admin: where a moved CĐCS goes."""
    from loa.units.services import unit_create

    unit = unit_create(by=None, parent=tree["province"], kind=kinds["upper"], code="CDYT", name="Công đoàn Ngành Y tế")
    return {"unit": unit, "admin": _user("admin_yt", unit, "admin", full_name="Lục Văn Y")}


@pytest.fixture
def upper_admin(tree):
    return _user("admin_vc", tree["upper"], "admin", full_name="Đinh Thị Viên")


@pytest.fixture
def leader(tree):
    return _user("leader", tree["upper"], "leader", full_name="Ngọc Văn Lãnh")


@pytest.fixture
def login(client):
    """login(user) -> the test client signed in as that user."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def password_login(client):
    """password_login(user) -> the test client logged in through the log-in page with the
    password, as a person does: account changes then need no re-authentication for a while."""
    from django.urls import reverse

    def _login(user, password="pass-for-tests"):
        client.logout()
        response = client.post(reverse("accounts:login"), {"username": user.username, "password": password})
        assert response.status_code == 302, response.content.decode()[:500]
        return client

    return _login


@pytest.fixture
def token_for():
    """token_for(user) -> the HTTP_AUTHORIZATION header value of a fresh API token."""
    from loa.accounts.models import ApiToken

    def _token(user):
        _, raw = ApiToken.issue(user=user, name="tests")
        return f"Bearer {raw}"

    return _token


@pytest.fixture
def api_client(client, token_for):
    """api_client(user) -> the test client sending that user's bearer token with every request."""

    def _client(user):
        client.defaults["HTTP_AUTHORIZATION"] = token_for(user)
        return client

    return _client


# --- Browser tests -------------------------------------------------------------------------
# Playwright drives Debian's Chromium at a phone's size. Tests marked e2e get `phone` (390×844)
# or `desktop` pages against pytest-django's live_server.


def pytest_collection_modifyitems(config, items):
    """Browser tests check what a page does in a browser, not the database under it: they run once, in
    the SQLite run. The PostgreSQL run keeps every other test (queries, constraints, concurrency), and
    CI stays within its time."""
    from django.conf import settings

    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    once = pytest.mark.skip(reason="a browser test runs once, on SQLite")
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(once)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="vi-VN"
    )
    page = context.new_page()
    page.set_default_timeout(20_000)  # a loaded 2-core CI machine renders slowly
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def desktop(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20_000)  # a loaded 2-core CI machine renders slowly
    page.base_url = live_server.url
    yield page
    context.close()


def browser_login(page, username, password="pass-for-tests"):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
