from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "loa.core"
    label = "core"

    def ready(self) -> None:
        from django.core.signals import request_finished
        from django.db.models.signals import pre_save

        from loa.core.client_ip import trusted_proxies
        from loa.core.guards import clean_before_save
        from loa.core.logs import forget_request

        # A bad TRUSTED_PROXIES stops start-up (and every manage.py command) with its message.
        trusted_proxies()

        request_finished.connect(forget_request, dispatch_uid="loa.core.logs.forget_request")
        # No control character and no number beyond its column is saved by any model of Loa's.
        pre_save.connect(clean_before_save, dispatch_uid="loa.core.guards.clean_before_save")
