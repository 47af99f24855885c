"""Operations in the admin: the email outbox and the task list, each with a retry action."""

from django.contrib import admin, messages
from django.db import transaction
from django.utils.text import Truncator
from django.utils.translation import ngettext
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from . import mail
from .models import OutgoingEmail
from .tasks import deliver_email

EMAIL_TASK = deliver_email.module_path


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipients", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject", "key"]
    readonly_fields = [
        "key", "to", "subject", "body", "headers", "message_id", "status", "attempts",
        "next_attempt_at", "lease_until", "last_error", "created_at", "sent_at",
    ]  # fmt: skip
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="to")
    def recipients(self, email):
        return ", ".join(email.to)

    @admin.action(description="Send the selected emails again", permissions=["view"])
    def retry(self, request, queryset):
        with transaction.atomic():
            count = mail.retry(queryset.select_for_update())
        message = ngettext("%d email queued again.", "%d emails queued again.", count) % count
        self.message_user(request, message, messages.SUCCESS)


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    """django-tasks-db's task list (read-only), plus the error and a retry action."""

    list_display = ["task_name", "status", "error", "enqueued_at", "finished_at"]
    actions = ["retry"]

    @admin.display(description="error")
    def error(self, result):
        lines = result.traceback.strip().splitlines()
        return Truncator(lines[-1]).chars(120) if lines else ""

    @admin.action(description="Run the selected failed tasks again", permissions=["view"])
    def retry(self, request, queryset):
        """A new task with the same arguments; the failed one leaves the list. A failed email
        task re-queues its email (core.mail.retry), which then gets a fresh task of its own."""
        failed = list(queryset.failed())
        with transaction.atomic():
            emails = [r.args_kwargs["args"][0] for r in failed if r.task_path == EMAIL_TASK]
            mail.retry(OutgoingEmail.objects.filter(pk__in=emails))
            for result in failed:
                if result.task_path != EMAIL_TASK:
                    arguments = result.args_kwargs
                    result.task.enqueue(*arguments["args"], **arguments["kwargs"])
            DBTaskResult.objects.filter(pk__in=[result.pk for result in failed]).delete()
        count = len(failed)
        message = ngettext("%d task queued again.", "%d tasks queued again.", count) % count
        self.message_user(request, message, messages.SUCCESS)
