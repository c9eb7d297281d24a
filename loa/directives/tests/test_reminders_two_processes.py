"""The morning reminder run started twice at the same moment, in two processes (as on two
machines, or a beat started twice): each officer is reminded once."""

from collections import Counter

import pytest

from loa.core.testing_processes import child_env, run_together
from loa.directives.tests.factories import fanpage_letter
from loa.notifications.models import Message

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_reminder_runs_at_once_queue_each_reminder_once(tree, admin, alice, teammate, bob, tmp_path):
    fanpage_letter(tree, by=admin)

    results = run_together(
        ["send_reminders", "--day", "2021-04-27"], count=2, env=child_env(tmp_path), tmp_path=tmp_path
    )

    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    said = sorted(int(r.stdout.strip().splitlines()[-1].split()[0]) for r in results)
    assert sum(said) == 3  # however the two shared the units, three reminders in all
    assert Counter(Message.objects.values_list("recipient", flat=True)) == Counter(
        {"alice@example.vn": 1, "teammate@example.vn": 1, "bob@example.vn": 1}
    )
