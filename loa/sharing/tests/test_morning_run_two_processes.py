"""The sharing morning run started twice at the same moment, in two processes: one works (the
other finds the lease taken, or nothing left to do), and each officer gets one message."""

from collections import Counter
from datetime import date, timedelta

import pytest

from loa.core.testing_processes import child_env, run_together
from loa.notifications.models import Message
from loa.sharing import services
from loa.sharing.models import Item

pytestmark = pytest.mark.django_db(transaction=True)

DAY = date(2026, 12, 7)


def test_two_morning_runs_at_once_ask_and_send_once(tree, alice, teammate, bob, tmp_path):
    for n in range(3):
        services.item_create(
            by=None,
            unit=tree["province"],
            title=f"Tin số {n}",
            text="Mời đoàn viên cùng đọc và chia sẻ.",
            url=f"https://congdoancaobang.vn/tin/{n}",
            starts_on=DAY,
            ends_on=DAY + timedelta(days=3),
        )

    results = run_together(
        ["send_share_digests", "--day", DAY.isoformat()], count=2, env=child_env(tmp_path), tmp_path=tmp_path
    )

    outcomes = sorted(
        "busy" if r.returncode else r.stdout.split(" messages queued")[0].rsplit(" ", 1)[-1] for r in results
    )
    assert outcomes in (["0", "3"], ["3", "busy"]), [(r.returncode, r.stdout, r.stderr) for r in results]
    for r in results:
        assert r.returncode == 0 or "another morning run is working" in r.stderr
    assert Counter(Message.objects.values_list("recipient", flat=True)) == Counter(
        {"alice@example.vn": 1, "teammate@example.vn": 1, "bob@example.vn": 1}
    )
    assert set(Item.objects.values_list("asked_on", flat=True)) == {DAY}
