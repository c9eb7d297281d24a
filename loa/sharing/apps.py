from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "loa.sharing"
    label = "sharing"

    def ready(self):
        from django.core import checks

        from loa.fanpages.services import posts_synced
        from loa.sharing import credit, tally
        from loa.sharing.clicks import counters_check
        from loa.sharing.models import Item, Share
        from loa.units import path_copies
        from loa.units.signals import subtrees_moved

        path_copies.register(Item, "unit_path")
        path_copies.register(Share, "unit_path")
        subtrees_moved.connect(tally.follow_moves, dispatch_uid="sharing.tally.follow_moves")
        # A post the Graph sync found carrying an item's link shares it (loa/sharing/credit.py).
        posts_synced.connect(credit.credit_synced, dispatch_uid="sharing.credit.credit_synced")
        checks.register(counters_check, checks.Tags.caches, deploy=True)
