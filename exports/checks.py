"""The export holds commenters' emails and IP addresses: its folder must not be served."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


@register()
def exports_root_is_private(app_configs, **kwargs):
    root = Path(settings.EXPORTS_ROOT).resolve()
    public = {"MEDIA_ROOT": settings.MEDIA_ROOT, "STATIC_ROOT": settings.STATIC_ROOT}
    return [
        Error(
            f"EXPORTS_ROOT ({root}) is inside {name}: site exports would be reachable by URL.",
            hint="Set EXPORTS_ROOT to a folder nothing serves, e.g. var/exports.",
            id="exports.E001",
        )
        for name, folder in public.items()
        if folder and root.is_relative_to(Path(folder).resolve())
    ]
