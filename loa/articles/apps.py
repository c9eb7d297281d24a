from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "loa.articles"
    label = "articles"

    def ready(self):
        from loa.articles import restructure, rollups
        from loa.articles.models import CreditClaim, Publication, Submission
        from loa.units import path_copies
        from loa.units.signals import subtrees_moved, unit_split, units_merged

        # The review queue, the submissions list and the publications of a month filter by subtree on
        # these tables alone.
        path_copies.register(Submission, "unit_path")
        path_copies.register(Publication, "unit_path", id_field="submission__unit_id")
        path_copies.register(CreditClaim, "unit_path")
        subtrees_moved.connect(rollups.follow_moves, dispatch_uid="articles.rollups.follow_moves")
        units_merged.connect(restructure.follow_merge, dispatch_uid="articles.restructure.follow_merge")
        unit_split.connect(restructure.follow_split, dispatch_uid="articles.restructure.follow_split")
