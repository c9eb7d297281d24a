from django.apps import AppConfig


class DirectivesConfig(AppConfig):
    name = "loa.directives"
    label = "directives"

    def ready(self):
        from loa.directives.models import Assignment
        from loa.units.signals import units_renamed

        def follow_renames(sender, units, **kwargs):
            for unit in units:
                Assignment.objects.filter(unit_id=unit.pk).update(unit_sort=unit.name_sort)

        units_renamed.connect(follow_renames, weak=False, dispatch_uid="directives.follow_renames")
