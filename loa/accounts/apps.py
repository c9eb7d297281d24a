from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "loa.accounts"
    label = "accounts"

    def ready(self):
        from loa.accounts.capabilities import Capability
        from loa.accounts.scope import role_paths, top_units
        from loa.units import managers

        # The unit import asks who manages which units; units sits below accounts (loa/layers.py).
        managers.managed_paths = lambda user: role_paths(user, Capability.MANAGE_UNITS)
        managers.managed_tops = lambda user: top_units(user, Capability.MANAGE_UNITS)
