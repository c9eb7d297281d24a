from django.apps import AppConfig


class TodoConfig(AppConfig):
    name = "loa.todo"
    label = "todo"
