from django.conf import settings
from django.db import models
from django.utils import timezone


class SiteExport(models.Model):
    """One export asked for in the admin: both files, written by a task into EXPORTS_ROOT.

    The files hold commenters' emails and addresses, so they are never under MEDIA_ROOT; only
    the superusers' download view (admin.py) reads them.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # Names inside EXPORTS_ROOT (never a path: the download view joins them to the root).
    wxr_name = models.CharField("WXR file", max_length=200, blank=True)
    wxr_size = models.PositiveBigIntegerField(null=True, blank=True)
    archive_name = models.CharField("JSON archive", max_length=200, blank=True)
    archive_size = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        get_latest_by = "requested_at"
        verbose_name = "site export"

    def __str__(self):
        return f"Export of {self.requested_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    def files(self) -> dict[str, tuple[str, int | None]]:
        """What can be downloaded: kind → (file name, size)."""
        found = {
            "wxr": (self.wxr_name, self.wxr_size),
            "zip": (self.archive_name, self.archive_size),
        }
        return {kind: file for kind, file in found.items() if file[0]}
