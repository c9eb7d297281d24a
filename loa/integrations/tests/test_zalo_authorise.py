from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from loa.audit.models import AuditEntry
from loa.integrations.models import ZaloCredential

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("zalo_authorise", *args, stdout=out)
    return out.getvalue()


def test_an_administrator_authorises_loa_in_two_steps(zalo_standin):
    out = run("--redirect-uri", "https://loa.example.vn/zalo/callback")
    url = next(line for line in out.splitlines() if line.startswith("http"))
    query = parse_qs(urlsplit(url).query)
    assert query["app_id"] == [zalo_standin.state.app_id] and query["code_challenge"]
    verifier = out.split("--verifier=")[1].split()[0]
    code = zalo_standin.state.grant_code(oa_id="123", code_verifier=verifier)

    run(f"--code={code}", "--oa-id=123", f"--verifier={verifier}")

    credential = ZaloCredential.objects.get(oa_id="123")
    assert credential.access_token in zalo_standin.state.access_tokens
    assert AuditEntry.objects.filter(action="integrations.zalo.authorised").exists()
    status = run("--status")
    assert "123" in status and "500" in status and credential.access_token not in status


def test_a_wrong_verifier_is_refused(zalo_standin):
    code = zalo_standin.state.grant_code(oa_id="123", code_verifier="the-right-verifier-0123456789012345678901")

    with pytest.raises(CommandError, match="-14005"):
        run("--code", code, "--oa-id", "123", "--verifier", "another-verifier-01234567890123456789012")
    assert not ZaloCredential.objects.exists()
