import logging
from datetime import datetime, timedelta

import httpx
import pytest
from django.db import connection
from django.utils import timezone

from loa.integrations.models import ZaloCredential
from loa.integrations.zalo import (
    Failed,
    Held,
    Retry,
    Sent,
    ZaloAuthError,
    ZaloClient,
    ZaloSender,
    pkce_pair,
)
from loa.notifications.models import Message

pytestmark = pytest.mark.django_db

OA = "2917315447262442221"
TEMPLATE = {
    "name": "Nguyễn Văn An",
    "unit": "CĐCS Trường THPT Thành phố Cao Bằng",
    "task": "Báo cáo Fanpage",
    "deadline": "15/04/2026",
    "link": "https://loa.example.vn/t/1",
}


def local(*args):
    return timezone.make_aware(datetime(*args))


def authorise(zalo_standin):
    verifier, _challenge = pkce_pair()
    code = zalo_standin.state.grant_code(oa_id=OA, code_verifier=verifier)
    return ZaloClient().exchange_code(code, verifier, oa_id=OA)


def message(phone="+84912345678", **data):
    return Message.objects.create(
        channel=Message.Channel.ZALO,
        recipient=phone,
        template="reminder",
        data={"template_id": "401234", "template_data": TEMPLATE, **data},
    )


def raw_tokens(credential):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT access_token, refresh_token FROM integrations_zalocredential WHERE id = %s", [credential.pk]
        )
        return cursor.fetchone()


def test_it_exchanges_the_code_for_tokens_and_stores_them_encrypted(zalo_standin):
    credential = authorise(zalo_standin)

    stored = ZaloCredential.objects.get(oa_id=OA)
    assert stored.access_token in zalo_standin.state.access_tokens
    assert stored.refresh_token in zalo_standin.state.refresh_tokens
    raw_access, raw_refresh = raw_tokens(credential)
    assert stored.access_token not in raw_access and stored.refresh_token not in raw_refresh
    # expires_in came as the string "90000": 25 hours.
    assert abs((stored.access_expires_at - timezone.now()) - timedelta(seconds=90000)) < timedelta(seconds=30)
    request = zalo_standin.requests[-1]
    assert request.headers["secret_key"] == zalo_standin.state.app_secret
    assert request.form()["grant_type"] == "authorization_code"


def test_a_code_cannot_be_used_twice(zalo_standin):
    verifier, _challenge = pkce_pair()
    code = zalo_standin.state.grant_code(oa_id=OA, code_verifier=verifier)
    ZaloClient().exchange_code(code, verifier, oa_id=OA)

    with pytest.raises(ZaloAuthError) as refused:
        ZaloClient().exchange_code(code, verifier, oa_id=OA)
    assert refused.value.code == -14005


def test_a_wrong_app_secret_is_refused_without_showing_it(zalo_standin, settings):
    settings.ZALO_APP_SECRET = "the-wrong-secret"
    verifier, _challenge = pkce_pair()
    code = zalo_standin.state.grant_code(oa_id=OA, code_verifier=verifier)

    with pytest.raises(ZaloAuthError) as refused:
        ZaloClient().exchange_code(code, verifier, oa_id=OA)
    assert refused.value.code == -14004
    assert "the-wrong-secret" not in str(refused.value)


def test_a_template_message_is_sent(zalo_standin):
    authorise(zalo_standin)
    msg = message(phone="0912 345 678")

    outcome = ZaloSender().send(msg)

    assert isinstance(outcome, Sent) and outcome.msg_id
    sent = zalo_standin.state.sent[-1]
    assert sent["phone"] == "84912345678"
    assert sent["tracking_id"] == str(msg.pk)
    assert sent["template_data"] == TEMPLATE
    assert zalo_standin.requests[-1].headers["access_token"] == ZaloCredential.objects.get().access_token


def test_an_invalid_token_is_refreshed_once_and_the_message_sent(zalo_standin):
    old = authorise(zalo_standin)
    old_access, old_refresh = old.access_token, old.refresh_token
    zalo_standin.state.expire_access_tokens()

    outcome = ZaloSender().send(message())

    assert isinstance(outcome, Sent)
    new = ZaloCredential.objects.get()
    assert new.access_token != old_access and new.refresh_token != old_refresh
    assert new.refresh_token not in raw_tokens(new)[1]
    paths = [r.path for r in zalo_standin.requests]
    assert paths[-3:] == ["/message/template", "/v4/oa/access_token", "/message/template"]
    # The old refresh token was single use: Zalo refuses it now.
    answer = httpx.post(
        f"{zalo_standin.oauth_url}/oa/access_token",
        headers={"secret_key": zalo_standin.state.app_secret},
        data={"refresh_token": old_refresh, "app_id": zalo_standin.state.app_id, "grant_type": "refresh_token"},
    ).json()
    assert answer["error"] in (-14014, -14020)


def test_an_expired_token_reported_with_http_401_is_refreshed_too(zalo_standin):
    authorise(zalo_standin)
    zalo_standin.state.expired_status = 401
    zalo_standin.state.expire_access_tokens()

    assert isinstance(ZaloSender().send(message()), Sent)
    assert [r.path for r in zalo_standin.requests].count("/v4/oa/access_token") == 2  # exchange + one refresh


def test_a_token_about_to_expire_is_refreshed_before_sending(zalo_standin):
    credential = authorise(zalo_standin)
    ZaloCredential.objects.filter(pk=credential.pk).update(access_expires_at=timezone.now() + timedelta(minutes=1))

    assert isinstance(ZaloSender().send(message()), Sent)
    assert [r.path for r in zalo_standin.requests][-2:] == ["/v4/oa/access_token", "/message/template"]


def test_a_worker_that_waited_for_the_lock_does_not_spend_the_new_refresh_token(zalo_standin):
    old = authorise(zalo_standin)
    client = ZaloClient()
    client.refresh(stale_access_token=old.access_token)
    calls = len(zalo_standin.requests)

    # A second worker saw the same old token fail; someone has refreshed since: no second call.
    ZaloClient().refresh(stale_access_token=old.access_token)

    assert len(zalo_standin.requests) == calls


def test_a_spent_refresh_token_fails_the_message_and_asks_for_authorisation(zalo_standin, caplog):
    caplog.set_level(logging.DEBUG)
    credential = authorise(zalo_standin)
    zalo_standin.state.refresh_tokens[credential.refresh_token]["used"] = True  # spent elsewhere
    zalo_standin.state.expire_access_tokens()

    outcome = ZaloSender().send(message())

    assert isinstance(outcome, Failed) and outcome.alert_admin and outcome.fallback_email
    assert ZaloCredential.objects.get().needs_authorisation
    # No token or secret anywhere in the logs or the outcome.
    for secret in (credential.access_token, credential.refresh_token, zalo_standin.state.app_secret):
        assert secret not in caplog.text
        assert secret not in outcome.reason
    assert "-14014" in caplog.text


def test_an_invalid_phone_fails_the_message_and_flags_the_contact(zalo_standin):
    authorise(zalo_standin)
    zalo_standin.state.fail_next(-108)

    outcome = ZaloSender().send(message())

    assert outcome == Failed(outcome.reason, flag_contact=True)


def test_a_phone_that_is_not_vietnamese_is_refused_without_calling_zalo(zalo_standin):
    authorise(zalo_standin)
    calls = len(zalo_standin.requests)

    outcome = ZaloSender().send(message(phone="12345"))

    assert isinstance(outcome, Failed) and outcome.flag_contact
    assert len(zalo_standin.requests) == calls


def test_a_recipient_without_zalo_falls_back_to_email(zalo_standin):
    authorise(zalo_standin)
    zalo_standin.state.no_zalo_phones.add("84912345678")

    outcome = ZaloSender().send(message())

    assert isinstance(outcome, Failed) and outcome.fallback_email and not outcome.flag_contact


def test_a_refused_template_alerts_the_admin(zalo_standin):
    authorise(zalo_standin)

    outcome = ZaloSender().send(message(template_id="999"))

    assert isinstance(outcome, Failed) and outcome.alert_admin
    assert "-109" in outcome.reason


def test_out_of_quota_holds_the_message_until_tomorrow(zalo_standin):
    authorise(zalo_standin)
    zalo_standin.state.remaining_quota = 0

    outcome = ZaloSender(now=lambda: local(2026, 4, 6, 15, 30)).send(message())

    assert outcome == Held(local(2026, 4, 7, 0, 0), outcome.reason)


@pytest.mark.parametrize(
    ("now", "until"),
    [
        ((2026, 4, 6, 23, 10), (2026, 4, 7, 6, 0)),
        ((2026, 4, 7, 2, 0), (2026, 4, 7, 6, 0)),
    ],
)
def test_a_night_time_refusal_holds_the_message_until_six(zalo_standin, now, until):
    authorise(zalo_standin)
    zalo_standin.state.night = True

    outcome = ZaloSender(now=lambda: local(*now)).send(message())

    assert isinstance(outcome, Held) and outcome.until == local(*until)


@pytest.mark.parametrize("code", [-100, -32])
def test_a_passing_error_is_retried_later(zalo_standin, code):
    authorise(zalo_standin)
    zalo_standin.state.fail_next(code)
    now = local(2026, 4, 6, 9, 0)

    outcome = ZaloSender(now=lambda: now).send(message())

    assert isinstance(outcome, Retry) and now + timedelta(seconds=30) <= outcome.at <= now + timedelta(hours=2)


def test_a_timeout_is_retried_later(zalo_standin, settings):
    authorise(zalo_standin)
    settings.INTEGRATIONS_TIMEOUT = 0.3
    zalo_standin.state.timeout_next(2)

    outcome = ZaloSender().send(message())

    assert isinstance(outcome, Retry)


def test_without_authorisation_the_message_goes_by_email_and_the_admin_is_told(zalo_standin):
    outcome = ZaloSender().send(message())

    assert isinstance(outcome, Failed) and outcome.fallback_email and outcome.alert_admin


def test_the_quota_is_read_as_numbers(zalo_standin):
    authorise(zalo_standin)
    zalo_standin.state.remaining_quota = 321

    assert ZaloClient().quota() == {"daily_quota": 500, "remaining_quota": 321}


def test_a_tracking_id_longer_than_48_characters_is_refused(zalo_standin):
    authorise(zalo_standin)

    with pytest.raises(ValueError):
        ZaloClient().send_template("84912345678", "401234", TEMPLATE, "x" * 49)


def test_the_reason_an_administrator_reads_is_in_vietnamese(zalo_standin):
    from django.utils import translation

    authorise(zalo_standin)
    zalo_standin.state.remaining_quota = 0

    with translation.override("vi"):
        outcome = ZaloSender().send(message())

    assert "ngày mai" in outcome.reason
