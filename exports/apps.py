from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = "Export"

    def ready(self):
        from . import checks  # noqa: F401  (checks register themselves)
