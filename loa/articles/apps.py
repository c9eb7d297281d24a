from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "loa.articles"
    label = "articles"
