from django.apps import AppConfig


class FanpagesConfig(AppConfig):
    name = "loa.fanpages"
    label = "fanpages"

    def ready(self):
        from loa.fanpages import restructure
        from loa.units.signals import unit_split, units_merged

        units_merged.connect(restructure.follow_merge, dispatch_uid="fanpages.restructure.follow_merge")
        unit_split.connect(restructure.follow_split, dispatch_uid="fanpages.restructure.follow_split")
