"""The client's address behind trusted proxies, and what a hostile X-Forwarded-For gets."""

import ipaddress
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory

from loa.core.client_ip import (
    ClientAddressMiddleware,
    TrustedProxies,
    client_address,
    parse_address,
    parse_trusted_proxies,
)

ROOT = Path(__file__).resolve().parents[3]
NOBODY = TrustedProxies()
ONE = parse_trusted_proxies(["1"])
TWO = parse_trusted_proxies(["2"])
NETWORKS = parse_trusted_proxies(["10.0.0.0/8", "127.0.0.1", "::1", "2001:db8:ffff::/48"])


# --- The setting ---------------------------------------------------------------------------------


def test_no_value_trusts_nobody():
    assert parse_trusted_proxies([]) == NOBODY
    assert parse_trusted_proxies(["0"]) == TrustedProxies(count=0)


def test_a_count_is_a_number_of_proxies():
    assert ONE == TrustedProxies(count=1)


def test_addresses_and_networks_are_read_as_networks():
    assert NETWORKS.networks == (
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("127.0.0.1/32"),
        ipaddress.ip_network("::1/128"),
        ipaddress.ip_network("2001:db8:ffff::/48"),
    )


@pytest.mark.parametrize(
    "values, message",
    [
        (["nginx"], "not 'nginx'"),
        (["10.0.0.0/33"], "not '10.0.0.0/33'"),
        (["10.0.0.1/8"], "not '10.0.0.1/8'"),  # host bits set: which network was meant?
        (["1", "10.0.0.0/8"], "not both"),
        (["0.0.0.0/0"], "must not trust every address"),
        (["::/0"], "must not trust every address"),
        (["21"], "at most 20"),
        (["-1"], "not '-1'"),
    ],
)
def test_a_bad_value_is_refused_naming_the_variable(values, message):
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES") as caught:
        parse_trusted_proxies(values)
    assert message in str(caught.value)


def test_a_bad_value_stops_start_up(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "true",
        "SECRET_KEY": "x" * 60,
        "LOA_ENV_FILE": "",
        "LOA_VAR_DIR": str(tmp_path),
        "TRUSTED_PROXIES": "nginx",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], check=False, cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXIES must be a count (1) or comma-separated addresses" in result.stderr


# --- One entry -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("203.0.113.7", "203.0.113.7"),
        (" 203.0.113.7 ", "203.0.113.7"),
        ("203.0.113.7:5678", "203.0.113.7"),
        ("2001:DB8::7", "2001:db8::7"),
        ("[2001:db8::7]", "2001:db8::7"),
        ("[2001:db8::7]:443", "2001:db8::7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("", None),
        ("unknown", None),
        ("203.0.113.7.5", None),
        ("203.0.113.256", None),
        ("fe80::1%eth0", None),
        ("fe80::1%\x00<script>", None),
        ("1.2.3.4\x00", None),
        ("1" * 10_000, None),
        ("<script>alert(1)</script>", None),
    ],
)
def test_an_entry_is_an_address_or_nothing(raw, expected):
    address = parse_address(raw)
    assert (str(address) if address else None) == expected


# --- The chain -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "remote, forwarded, trusted, expected",
    [
        # Nobody trusted: a client's own X-Forwarded-For changes nothing.
        ("203.0.113.7", "198.51.100.1", NOBODY, "203.0.113.7"),
        ("", "198.51.100.1", NOBODY, ""),
        # One proxy (nginx): the entry it appended.
        ("127.0.0.1", "203.0.113.7", ONE, "203.0.113.7"),
        ("127.0.0.1", "198.51.100.66, 203.0.113.7", ONE, "203.0.113.7"),  # a forged entry on the left
        ("127.0.0.1", "", ONE, "127.0.0.1"),
        ("", "203.0.113.7", ONE, "203.0.113.7"),  # nginx on a unix socket: gunicorn gives no REMOTE_ADDR
        ("127.0.0.1", "garbage", ONE, "127.0.0.1"),
        ("127.0.0.1", "203.0.113.7, ", ONE, "127.0.0.1"),
        ("127.0.0.1", "203.0.113.7:5678", ONE, "203.0.113.7"),
        ("::1", "2001:DB8::7", ONE, "2001:db8::7"),
        ("::1", "::ffff:203.0.113.7", ONE, "203.0.113.7"),
        # Two proxies (a load balancer, then nginx): never beyond the leftmost entry.
        ("127.0.0.1", "203.0.113.7, 10.0.0.2", TWO, "203.0.113.7"),
        ("127.0.0.1", "198.51.100.66, 203.0.113.7, 10.0.0.2", TWO, "203.0.113.7"),
        ("127.0.0.1", "10.0.0.2", TWO, "10.0.0.2"),
        ("127.0.0.1", "junk, 10.0.0.2", TWO, "10.0.0.2"),
        # Trusted networks: walk from the right past them.
        ("10.0.0.2", "198.51.100.66, 203.0.113.7, 10.0.0.3", NETWORKS, "203.0.113.7"),
        ("10.0.0.2", "203.0.113.7", NETWORKS, "203.0.113.7"),
        ("198.51.100.1", "203.0.113.7", NETWORKS, "198.51.100.1"),  # the peer is no proxy of ours
        ("10.0.0.2", "", NETWORKS, "10.0.0.2"),
        ("10.0.0.2", "10.0.0.9", NETWORKS, "10.0.0.9"),  # every hop ours: the leftmost
        ("10.0.0.2", "203.0.113.7, <script>", NETWORKS, "10.0.0.2"),
        ("10.0.0.2", "junk, 10.0.0.5", NETWORKS, "10.0.0.5"),
        ("", "203.0.113.7", NETWORKS, ""),
        ("::1", "2001:db8:1::9", NETWORKS, "2001:db8:1::9"),
        ("2001:db8:ffff::1", "203.0.113.7, 2001:db8:ffff::2", NETWORKS, "203.0.113.7"),
        ("[::1]:8000", "203.0.113.7", NETWORKS, "203.0.113.7"),
    ],
)
def test_the_client_is_found_in_the_chain(remote, forwarded, trusted, expected):
    assert client_address(remote, forwarded, trusted) == expected


def test_a_header_of_many_entries_is_read_only_at_its_right_end():
    forged = ", ".join(f"198.51.100.{i % 250}" for i in range(20_000))
    started = time.perf_counter()
    assert client_address("127.0.0.1", forged + ", 203.0.113.7", ONE) == "203.0.113.7"
    assert client_address("10.0.0.2", forged + ", 203.0.113.7", NETWORKS) == "203.0.113.7"
    # A long run of trusted hops stops after MAX_HOPS, at one of them: never at a forged entry.
    ours = ", ".join(f"10.0.{i // 250}.{i % 250}" for i in range(1000))
    assert ipaddress.ip_address(client_address("10.0.0.2", forged + ", " + ours, NETWORKS)) in NETWORKS.networks[0]
    assert time.perf_counter() - started < 0.5


# --- The middleware ------------------------------------------------------------------------------


def _through_middleware(**meta):
    seen = {}

    def view(request):
        seen.update(request.META)
        return HttpResponse()

    ClientAddressMiddleware(view)(RequestFactory().get("/", **meta))
    return seen


def test_the_middleware_puts_the_client_in_remote_addr_and_keeps_the_peer(settings):
    settings.TRUSTED_PROXIES = ["1"]
    meta = _through_middleware(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.7")
    assert meta["REMOTE_ADDR"] == "203.0.113.7"
    assert meta["LOA_PROXY_ADDR"] == "127.0.0.1"


def test_without_trusted_proxies_the_middleware_ignores_x_forwarded_for(settings):
    settings.TRUSTED_PROXIES = []
    meta = _through_middleware(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert meta["REMOTE_ADDR"] == "203.0.113.7"


def test_the_middleware_runs_on_every_request(client, settings, db):
    settings.TRUSTED_PROXIES = ["1"]
    response = client.get("/accounts/login/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert response.wsgi_request.META["REMOTE_ADDR"] == "203.0.113.7"
    assert response.wsgi_request.META["LOA_PROXY_ADDR"] == "127.0.0.1"
