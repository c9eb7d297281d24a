"""Deliver due messages from the outbox: once (cron, tests) or in a loop (a worker beside the server)."""

import logging
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from loa.notifications.delivery import deliver_due

log = logging.getLogger("loa.notifications")


class Command(BaseCommand):
    help = "Send due messages from the notification outbox (e-mail and the other registered channels)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=100, help="messages per run (default 100)")
        parser.add_argument("--loop", action="store_true", help="keep running; sleep when nothing is due")
        parser.add_argument("--interval", type=float, default=10.0, help="seconds to sleep in --loop (default 10)")

    def handle(self, *, limit, loop, interval, verbosity, **options):
        if limit < 1:
            self.stderr.write("--limit must be at least 1")
            raise SystemExit(2)
        total = 0
        try:
            while True:
                try:
                    sent = deliver_due(limit=limit)
                except Exception:
                    if not loop:
                        raise
                    # The database may be restarting: a worker waits and tries again.
                    log.exception("send_outbox: delivery run failed")
                    close_old_connections()
                    time.sleep(interval)
                    continue
                total += sent
                if sent or not loop or verbosity >= 2:
                    self.stdout.write(f"sent {sent}")
                if not loop:
                    break
                if sent < limit:  # a full batch means more may be due: go on at once
                    time.sleep(interval)
        except KeyboardInterrupt:
            pass
        if loop and verbosity >= 1:
            self.stdout.write(f"stopped after sending {total}")
