from django.apps import AppConfig


class DirectivesConfig(AppConfig):
    name = "loa.directives"
    label = "directives"

    def ready(self):
        from django.db.models import OuterRef, Subquery

        from loa.directives import restructure, rollups
        from loa.directives.models import Assignment
        from loa.units import path_copies
        from loa.units.models import Unit
        from loa.units.signals import subtrees_moved, unit_split, units_merged, units_renamed

        def follow_renames(sender, units, **kwargs):
            ids = [u.pk for u in units]
            for i in range(0, len(ids), 2000):  # an import may rename thousands at once
                Assignment.objects.filter(unit_id__in=ids[i : i + 2000]).update(
                    unit_sort=Subquery(Unit.objects.filter(pk=OuterRef("unit_id")).values("name_sort")[:1])
                )

        units_renamed.connect(follow_renames, weak=False, dispatch_uid="directives.follow_renames")
        # A task's tracking list filters its (up to 130,000) assignments by subtree on this table alone.
        path_copies.register(Assignment, "unit_path")
        subtrees_moved.connect(rollups.follow_moves, dispatch_uid="directives.rollups.follow_moves")
        units_merged.connect(restructure.follow_merge, dispatch_uid="directives.restructure.follow_merge")
        unit_split.connect(restructure.follow_split, dispatch_uid="directives.restructure.follow_split")
