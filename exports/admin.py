"""Export → Site exports: superusers ask for an export and download the files when ready.

Nobody else sees the app, the list or the files (403): the export holds every commenter's
email and IP address. The files live in EXPORTS_ROOT, which nothing serves; the download view
is the only way to them.
"""

from pathlib import Path

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.cache import patch_cache_control
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from . import services
from .models import SiteExport

LABELS = {"wxr": "WordPress (WXR)", "zip": "JSON archive (zip)"}


def superuser(request) -> bool:
    return request.user.is_active and request.user.is_superuser


@admin.register(SiteExport)
class SiteExportAdmin(admin.ModelAdmin):
    list_display = ["requested_at", "requested_by", "status", "finished_at", "downloads"]
    list_display_links = None
    list_select_related = ["requested_by"]

    def has_module_permission(self, request):
        return superuser(request)

    def has_view_permission(self, request, obj=None):
        return superuser(request)

    def has_add_permission(self, request):
        return False  # "Request a new export" instead: the row is made by the service

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # old exports go by themselves (the newest three are kept)

    @admin.display(description="files")
    def downloads(self, export):
        if export.status == SiteExport.Status.PENDING:
            return "Being prepared…"
        if export.status == SiteExport.Status.FAILED:
            return format_html("Failed: {}", export.error.splitlines()[-1] if export.error else "")
        return format_html_join(
            " · ",
            '<a href="{}" download>{}</a> ({})',
            (
                (
                    reverse("admin:exports_siteexport_download", args=[export.pk, kind]),
                    LABELS[kind],
                    filesizeformat(size or 0),
                )
                for kind, (_name, size) in export.files().items()
            ),
        )

    def changelist_view(self, request, extra_context=None):
        pending = SiteExport.objects.filter(status=SiteExport.Status.PENDING).exists()
        context = {"exports_pending": pending, **(extra_context or {})}
        return super().changelist_view(request, extra_context=context)

    def get_urls(self):
        return [
            path(
                "request/",
                self.admin_site.admin_view(require_POST(self.request_view)),
                name="exports_siteexport_request",
            ),
            path(
                "<int:pk>/download/<str:kind>/",
                self.admin_site.admin_view(self.download_view),
                name="exports_siteexport_download",
            ),
            *super().get_urls(),
        ]

    def request_view(self, request):
        if not superuser(request):
            raise PermissionDenied
        services.request_export(user=request.user)
        self.message_user(
            request,
            "An export is being prepared; this page shows its files when they are ready.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:exports_siteexport_changelist"))

    def download_view(self, request, pk, kind):
        if not superuser(request):
            raise PermissionDenied
        export = get_object_or_404(SiteExport, pk=pk, status=SiteExport.Status.DONE)
        if kind not in export.files():
            raise Http404
        name = export.files()[kind][0]
        file = Path(settings.EXPORTS_ROOT) / Path(name).name  # a bare name, never a path
        if not file.is_file():
            raise Http404("This export's file is gone (only the newest three are kept).")
        response = FileResponse(file.open("rb"), as_attachment=True, filename=file.name)
        patch_cache_control(response, private=True, no_store=True)
        return response
