from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "loa.scoring"
    verbose_name = _("Annual classification")

    def ready(self):
        from loa.scoring.models import Score
        from loa.units import path_copies

        # The ranking filters and sorts a year's 130,000 scores by subtree on this table alone.
        path_copies.register(Score, "unit_path")
