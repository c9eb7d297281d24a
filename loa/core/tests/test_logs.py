"""Log lines as production reads them: JSON with the request and the user, nothing secret."""

import json
import logging

import pytest

from loa.core.logs import JsonFormatter, RedactingFilter, RequestContextFilter, redact


@pytest.mark.parametrize(
    "text, hidden, kept",
    [
        ("GET /directives/r/AbC123-xyz.sig/ 200", "AbC123-xyz.sig", "/directives/r/[hidden]"),
        ("GET /accounts/invite/MTI/cd3-abcdef/ 410", "cd3-abcdef", "/accounts/invite/[hidden]"),
        ("GET /accounts/password/reset/MTI/set-password/", "set-password", "/accounts/password/reset/[hidden]"),
        ("login failed password=hunter22 for x", "hunter22", "password=[hidden]"),
        ("Authorization: Bearer abcdefghijklmnop", "abcdefghijklmnop", "Authorization: [hidden]"),
        ("header Bearer abcdefghijklmnop", "abcdefghijklmnop", "Bearer [hidden]"),
        ("sent to 0912 345 678 today", "0912 345 678", "*******678"),
        ("sent to +84912345678", "+84912345678", "678"),
    ],
)
def test_secrets_and_phone_numbers_are_masked(text, hidden, kept):
    cleaned = redact(text)
    assert hidden not in cleaned
    assert kept in cleaned


def test_ordinary_text_and_numbers_are_left_alone():
    text = "Imported 130000 units in 22.4 s (job 42), GET /accounts/password/reset/sent/"
    assert redact(text) == text


def _record(message, *args):
    return logging.LogRecord("loa.test", logging.WARNING, __file__, 1, message, args, None)


def test_the_filter_masks_values_passed_as_arguments():
    record = _record("reminder for %s via %s", "0912345678", "/directives/r/secret-token/")
    RedactingFilter().filter(record)
    assert record.getMessage() == "reminder for *******678 via /directives/r/[hidden]"


def test_a_json_line_carries_the_request_and_user_of_the_request_being_served(client, alice, settings):
    captured = []

    class Capture(logging.Handler):
        def emit(self, record):
            captured.append(self.format(record))

    handler = Capture()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client.force_login(alice)
        response = client.get("/units/999999/", HTTP_X_REQUEST_ID="req-1234-abcd")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 404
    assert response["X-Request-ID"] == "req-1234-abcd"
    entry = json.loads(captured[-1])
    assert entry["request_id"] == "req-1234-abcd"
    assert entry["user_id"] == alice.pk
    assert entry["level"] == "WARNING" and "/units/999999/" in entry["message"]


def test_a_request_id_that_is_not_sane_is_replaced(client, db):
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID="<script>\n")
    assert response["X-Request-ID"] != "<script>\n"
    assert len(response["X-Request-ID"]) == 32
