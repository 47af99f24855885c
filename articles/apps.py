from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    # Not "Essays": the essays are one model among authors, images, pages; "Essays › Essays"
    # in every breadcrumb would say nothing.
    verbose_name = "Publishing"

    def ready(self):
        from . import checks, signals  # noqa: F401  (checks register themselves)

        signals.connect()
