from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "loa.core"
    label = "core"

    def ready(self):
        from django.core.signals import request_finished

        from loa.core.logs import forget_request

        request_finished.connect(forget_request, dispatch_uid="loa.core.logs.forget_request")
