from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo site: essays as Markdown files (demo/essays/), loaded by `load_demo`, and
    `generate_load_data` for benchmarks. It has no models; it may use articles and comments."""

    name = "demo"
    verbose_name = "Demo content"
