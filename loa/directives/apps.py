from django.apps import AppConfig


class DirectivesConfig(AppConfig):
    name = "loa.directives"
    label = "directives"

    def ready(self):
        from django.db.models import OuterRef, Subquery

        from loa.directives.models import Assignment
        from loa.units.models import Unit
        from loa.units.signals import units_renamed

        def follow_renames(sender, units, **kwargs):
            ids = [u.pk for u in units]
            for i in range(0, len(ids), 2000):  # an import may rename thousands at once
                Assignment.objects.filter(unit_id__in=ids[i : i + 2000]).update(
                    unit_sort=Subquery(Unit.objects.filter(pk=OuterRef("unit_id")).values("name_sort")[:1])
                )

        units_renamed.connect(follow_renames, weak=False, dispatch_uid="directives.follow_renames")
