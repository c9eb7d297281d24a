from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from loa.accounts.models import ApiToken


def test_it_prints_a_new_token(alice):
    out = StringIO()
    call_command("api_token", "alice", "--name", "Đồng bộ", stdout=out)
    raw = out.getvalue().strip()
    token = ApiToken.objects.get(user=alice)
    assert token.name == "Đồng bộ" and token.digest == ApiToken.hash(raw)


def test_it_refuses_an_unknown_user(db):
    with pytest.raises(CommandError):
        call_command("api_token", "nobody")
