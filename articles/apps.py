from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Essays"

    def ready(self):
        from .page_cache import connect_signals

        connect_signals()
