from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "loa.articles"
    label = "articles"

    def ready(self):
        from loa.articles import restructure, rollups
        from loa.articles.models import CreditClaim, Publication, Submission
        from loa.units import path_copies
        from loa.units.signals import subtree_moved, unit_split, units_merged

        # The review queue, the submissions list and the publications of a month filter by subtree on
        # these tables alone.
        for model in (Submission, Publication, CreditClaim):
            path_copies.register(model, "unit_path")
        subtree_moved.connect(rollups.follow_move, dispatch_uid="articles.rollups.follow_move")
        units_merged.connect(restructure.follow_merge, dispatch_uid="articles.restructure.follow_merge")
        unit_split.connect(restructure.follow_split, dispatch_uid="articles.restructure.follow_split")
