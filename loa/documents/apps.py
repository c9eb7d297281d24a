from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "loa.documents"
    label = "documents"
