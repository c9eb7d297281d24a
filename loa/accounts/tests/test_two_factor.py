"""Two-factor sign-in: set up from the profile, a code after the password, recovery codes, turned
off with the password and a code, required for managers, reset by an admin for a lost phone."""

import io
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from loa.accounts import two_factor
from loa.audit.models import AuditEntry

LOGIN = reverse("accounts:login")
CODE = reverse("accounts:otp_verify")
SETUP = reverse("accounts:otp_setup")


def code_for(device, steps_ahead=0):
    """What the authenticator app shows now (or `steps_ahead` steps of 30 s later): RFC 6238."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


@pytest.fixture
def alice_device(alice):
    device = TOTPDevice.objects.create(user=alice, name="app", confirmed=True)
    recovery = StaticDevice.objects.create(user=alice, name="recovery", confirmed=True)
    recovery.token_set.create(token="abcd2345")
    return device


def _password(client, username="alice", password="pass-for-tests", next_url=""):
    return client.post(LOGIN + (f"?next={next_url}" if next_url else ""), {"username": username, "password": password})


# --- setting it up --------------------------------------------------------------------------


def test_an_officer_sets_it_up_from_the_profile_and_sees_recovery_codes_once(password_login, alice):
    client = password_login(alice)
    page = client.get(SETUP)
    assert page.status_code == 200
    assert 'data-testid="otp-qr"' in page.content.decode() and "data:image/png;base64," in page.content.decode()
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    assert client.get(SETUP).status_code == 200 and TOTPDevice.objects.filter(user=alice).count() == 1  # same QR
    assert "otpauth://totp/Loa%3Aalice?" in device.config_url
    done = client.post(SETUP, {"code": code_for(device)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == two_factor.RECOVERY_CODES and all(c in done.content.decode() for c in codes)
    assert two_factor.is_enabled(alice)
    assert AuditEntry.objects.filter(action="user.two_factor_enabled", actor=alice).exists()
    assert "Đang bật" in client.get(reverse("accounts:profile")).content.decode()


def test_a_wrong_first_code_turns_nothing_on(password_login, alice):
    client = password_login(alice)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    assert response.status_code == 400 and "Mã không đúng" in response.content.decode()
    assert not two_factor.is_enabled(alice)


def test_setting_it_up_needs_a_recent_password(login, alice):
    response = login(alice).get(SETUP)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:reauth"))


# --- logging in -----------------------------------------------------------------------------


def test_the_password_alone_does_not_log_in_and_the_code_does(client, alice, alice_device):
    response = _password(client, next_url="/accounts/profile/")
    assert response.status_code == 302 and response.url == CODE
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).url.startswith(LOGIN)  # nothing reachable between the steps
    page = client.get(CODE)
    assert page.status_code == 200 and "ứng dụng xác thực" in page.content.decode()
    done = client.post(CODE, {"code": code_for(alice_device)})
    assert done.status_code == 302 and done.url == "/accounts/profile/"
    assert client.session["_auth_user_id"] == str(alice.pk)
    assert client.get("/accounts/profile/").status_code == 200


def test_a_wrong_code_is_refused_in_vietnamese(client, alice, alice_device):
    _password(client)
    response = client.post(CODE, {"code": "123456"})
    assert response.status_code == 400 and "Mã không đúng hoặc đã được dùng" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_code_works_once(client, alice, alice_device):
    code = code_for(alice_device)
    _password(client)
    client.post(CODE, {"code": code})
    client.logout()
    _password(client)
    assert client.post(CODE, {"code": code}).status_code == 400


def test_wrong_codes_count_with_wrong_passwords_in_the_log_in_throttle(client, alice, alice_device, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    _password(client)
    client.post(CODE, {"code": "111111"})
    _password(client)  # the right password again does not clear the count while the code is owed
    client.post(CODE, {"code": "222222"})
    locked = client.post(CODE, {"code": "333333"})
    assert "Đăng nhập sai quá nhiều lần" in locked.content.decode()
    assert "Đăng nhập sai quá nhiều lần" in client.post(CODE, {"code": code_for(alice_device, 1)}).content.decode()


def test_a_recovery_code_logs_in_once(client, alice, alice_device):
    _password(client)
    response = client.post(CODE, {"code": "ABCD-2345"}, follow=True)
    assert response.redirect_chain and "mã dự phòng" in response.content.decode()
    assert not StaticToken.objects.exists()
    client.logout()
    _password(client)
    assert client.post(CODE, {"code": "abcd2345"}).status_code == 400


def test_the_second_step_must_come_within_minutes(client, alice, alice_device):
    _password(client)
    session = client.session
    session[two_factor.STEP_KEY]["at"] -= two_factor.STEP_SECONDS + 1
    session.save()
    response = client.post(CODE, {"code": code_for(alice_device)})
    assert response.status_code == 302 and response.url == LOGIN
    assert "_auth_user_id" not in client.session


def test_the_code_page_without_a_password_first_sends_to_log_in(client, db):
    assert client.get(CODE).url == LOGIN


@pytest.mark.parametrize("code", ["1" * 5000, "12\x0034", "٣٣٣٣٣٣", ""])
def test_hostile_codes_get_a_clear_answer(client, alice, alice_device, code):
    _password(client)
    response = client.post(CODE, {"code": code})
    assert response.status_code == 400


# --- turning it off -------------------------------------------------------------------------


def _turn_off(client, device, password="pass-for-tests", code=None):
    return client.post(
        reverse("accounts:otp_disable"), {"password": password, "code": code or code_for(device)}, follow=True
    )


def _full_login(client, device):
    _password(client)
    client.post(CODE, {"code": code_for(device)})
    return client


def test_turning_it_off_needs_the_password_and_a_code(client, alice, alice_device, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own back-off would refuse the retry for a second
    _full_login(client, alice_device)
    _turn_off(client, alice_device, password="sai", code=code_for(alice_device, 1))
    assert two_factor.is_enabled(alice)
    _turn_off(client, alice_device, code="999999")
    assert two_factor.is_enabled(alice)
    page = _turn_off(client, alice_device, code=code_for(alice_device, 1)).content.decode()
    assert not two_factor.is_enabled(alice) and not StaticDevice.objects.exists()
    assert "Đã tắt xác thực hai bước" in page
    assert AuditEntry.objects.filter(action="user.two_factor_disabled").exists()
    client.logout()
    assert _password(client).url == reverse("home")  # the password alone again


# --- required for managers ------------------------------------------------------------------


def test_a_manager_without_a_device_sets_it_up_right_after_the_password(client, admin, settings):
    settings.OTP_REQUIRED_FOR_MANAGERS = True
    response = _password(client, "admin")
    assert response.status_code == 302 and response.url == SETUP
    for url in (reverse("home"), reverse("accounts:user_list"), reverse("accounts:profile")):
        assert client.get(url).url == SETUP, url
    assert client.get("/api/v1/me").status_code == 401
    page = client.get(SETUP).content.decode()
    assert "Vai trò của đồng chí bắt buộc xác thực hai bước" in page
    device = TOTPDevice.objects.get(user=admin)
    client.post(SETUP, {"code": code_for(device)})
    assert client.get(reverse("accounts:user_list")).status_code == 200
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "không thể tắt" in profile


def test_an_officer_is_not_asked_when_only_managers_must(client, alice, settings):
    settings.OTP_REQUIRED_FOR_MANAGERS = True
    assert _password(client).url == reverse("home")


def test_a_manager_may_not_turn_it_off_when_it_is_required(client, admin, settings):
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    settings.OTP_REQUIRED_FOR_MANAGERS = True
    _full_login_as(client, "admin", device)
    _turn_off(client, device, code=code_for(device, 1))
    assert two_factor.is_enabled(admin)


def _full_login_as(client, username, device):
    _password(client, username)
    client.post(CODE, {"code": code_for(device)})


# --- a lost phone ---------------------------------------------------------------------------


def test_an_admin_resets_a_lost_device_and_the_officer_logs_in_with_the_password(
    password_login, admin, alice, alice_device, client
):
    page = password_login(admin).get(reverse("accounts:user_detail", args=[alice.pk])).content.decode()
    assert 'data-testid="two-factor"' in page
    client.post(reverse("accounts:otp_reset", args=[alice.pk]))
    assert not two_factor.is_enabled(alice) and not StaticDevice.objects.filter(user=alice).exists()
    entry = AuditEntry.objects.get(action="user.two_factor_reset")
    assert entry.actor == admin
    client.logout()
    assert _password(client).url == reverse("home")


def test_the_reset_asks_the_admin_for_their_password_first(login, admin, alice, alice_device):
    response = login(admin).post(reverse("accounts:otp_reset", args=[alice.pk]))
    assert response.url.startswith(reverse("accounts:reauth"))
    assert two_factor.is_enabled(alice)


def test_an_outsider_cannot_reset_anyones_device(password_login, bob, alice, alice_device):
    assert password_login(bob).post(reverse("accounts:otp_reset", args=[alice.pk])).status_code == 404
    assert two_factor.is_enabled(alice)


def test_an_operator_resets_it_from_the_command_line(alice, alice_device):
    out = io.StringIO()
    call_command("otp_reset", "--user", "alice", stdout=out)
    assert "reset" in out.getvalue() and not two_factor.is_enabled(alice)
    assert AuditEntry.objects.get(action="user.two_factor_reset").actor is None
