from django.core.management.base import BaseCommand

from loa.fanpages.models import Fanpage
from loa.fanpages.sync import snapshot_followers


class Command(BaseCommand):
    help = "Record today's follower count of every provincial Page (a Page of a root unit) that has a token."

    def handle(self, *args, **options):
        done = 0
        for page in Fanpage.objects.filter(unit__parent__isnull=True, graph__isnull=False).select_related(
            "graph", "unit"
        ):
            snapshot = snapshot_followers(fanpage=page)
            if snapshot:
                done += 1
                self.stdout.write(f"{page.name}: {snapshot.followers}")
        self.stdout.write(f"{done} snapshots")
