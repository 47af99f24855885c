"""The moderation queue: the comment admin opens on pending comments, newest first.

Its list is the moderation desk (comments/desk.py): one card per comment, one click per action.
"""

from functools import partial

from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from articles.models import Article

from . import desk, services, spam
from .admin_notices import notice_preference_view
from .models import BlocklistEntry, Comment, ModerationAction

Status = Comment.Status


class StatusFilter(admin.SimpleListFilter):
    """Like the usual status filter, but with no choice made it shows the queue (pending)."""

    title = "status"
    parameter_name = "status"
    default = Status.PENDING

    def lookups(self, request, model_admin):
        return [*Status.choices, ("all", "All")]

    def choices(self, changelist):
        current = self.value() or self.default
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value() or self.default
        if value == "all":
            return queryset
        if value not in Status.values:
            return queryset.none()
        return queryset.filter(status=value)


class ReasonFilter(admin.SimpleListFilter):
    title = "why held"
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return [(str(i), label) for i, label in enumerate(spam.REASON_LABELS)]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        try:
            label = spam.REASON_LABELS[int(self.value())]
        except (ValueError, IndexError):
            return queryset.none()
        return queryset.filter(held_reasons__contains=label)


class ArticleFilter(admin.SimpleListFilter):
    """Comments of one essay (linked from the essay list); never lists every essay."""

    title = "essay"
    parameter_name = "article__id__exact"

    def lookups(self, request, model_admin):
        value = self.value()
        if value and value.isascii() and value.isdigit():
            article = Article.objects.filter(pk=value).only("title").first()
            if article:
                return [(value, article.title)]
        return []

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        valid = value.isascii() and value.isdigit()
        return queryset.filter(article_id=value) if valid else queryset.none()


class EstimatedCountPaginator(Paginator):
    """Pages of the whole comment table use PostgreSQL's row estimate instead of COUNT(*)."""

    @cached_property
    def count(self):
        query = self.object_list.query
        if connection.vendor == "postgresql" and not query.where:
            with connection.cursor() as cursor:
                table = self.object_list.model._meta.db_table
                cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
                row = cursor.fetchone()
            if row and row[0] > 100_000:
                return row[0]
        return super().count


class ModerationActionInline(admin.TabularInline):
    model = ModerationAction
    fields = ["status", "moderator", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "moderation history"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    # The list renders as cards (templates/admin/comments/comment/_desk.html), so these columns
    # are never shown; they only name what the changelist's `?o=` parameter may sort by
    # (author, date, status), which no link on the desk offers.
    list_display = ["excerpt", "author_name", "created_at", "status"]
    list_filter = [StatusFilter, ArticleFilter, "created_at", ReasonFilter]
    search_fields = ["author_name", "author_email", "ip_address", "text"]
    list_select_related = ["article", "parent", "in_reply_to"]
    ordering = ["-created_at", "-id"]
    # At a million comments: no COUNT(*) of the whole table, no list of every essay.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    actions = ["approve", "mark_spam", "remove", "restore_pending"]
    fields = [
        "article", "parent", "status", "why_held", "author_name", "author_email", "author_url",
        "ip_address", "user_agent", "user", "created_at", "text", "notify_replies",
        "moderated_by", "moderated_at",
    ]  # fmt: skip
    readonly_fields = fields
    inlines = [ModerationActionInline]
    change_form_template = "admin/comments/comment/change_form.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # moderation never deletes: spam and removed comments stay recoverable

    @admin.display(description="Comment")
    def excerpt(self, obj):
        return Truncator(obj.text).chars(120)

    @admin.display(description="Why held")
    def why_held(self, obj):
        if not obj.reasons:
            return "—"
        return format_html_join(mark_safe("<br>"), "{}", ((r,) for r in obj.reasons))

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "title": "Moderate comments",
            # Staff who may only view comments get the cards without buttons or shortcuts.
            "can_moderate": self.has_change_permission(request),
            "shortcuts": desk.SHORTCUTS,
            **(extra_context or {}),
        }
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None) or {}
        if "cl" in context:  # not on the redirect after a bulk action
            context["cards"] = desk.build_cards(context["cl"].result_list)
        return response

    def get_urls(self):
        moderate = self.admin_site.admin_view(require_POST(self.moderate_view))
        notices = self.admin_site.admin_view(partial(notice_preference_view, self))
        return [
            path("<int:pk>/moderate/<str:status>/", moderate, name="comments_comment_moderate"),
            path("notices/", notices, name="comments_notice_preference"),
            *super().get_urls(),
        ]

    def moderate_view(self, request, pk, status):
        """One comment to one status: a redirect back with a message, or JSON for the desk."""
        as_json = desk.wants_json(request)
        if not self.has_change_permission(request):
            return desk.refuse(as_json, 403, "You may not moderate comments.")
        if status not in Status.values:
            return desk.refuse(as_json, 400, f"Unknown status: {status}.")
        with transaction.atomic():
            # The row is locked before its status is read (moderate_comments takes the same
            # lock again): with two moderators at once, `previous` is the status this request
            # replaced, which is what undo must put back.
            comment = Comment.objects.select_for_update().filter(pk=pk).first()
            if comment is None:
                return desk.refuse(as_json, 404, "No such comment.")
            previous = comment.status
            changed = bool(
                services.moderate_comments(
                    comments=[comment], status=status, moderator=request.user
                )
            )
        message = desk.announcement(comment, status, changed=changed)
        if not as_json:  # a plain form (no JavaScript): back to the queue, saying who and what
            self.message_user(request, message, messages.SUCCESS)
            return self.back_to_queue(request)
        return JsonResponse(
            {
                "comment": comment.pk,
                "status": status,
                "label": Status(status).label,
                "previous": previous,
                "changed": changed,
                "message": message,
            }
        )

    def back_to_queue(self, request):
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            back = reverse("admin:comments_comment_changelist")
        return HttpResponseRedirect(back)

    def moderate(self, request, comments, status):
        count = services.moderate_comments(comments=comments, status=status, moderator=request.user)
        label = Status(status).label.lower()
        self.message_user(
            request,
            ngettext("%(n)d comment marked %(s)s.", "%(n)d comments marked %(s)s.", count)
            % {"n": count, "s": label},
            messages.SUCCESS,
        )

    @admin.action(description="Approve selected comments", permissions=["change"])
    def approve(self, request, queryset):
        self.moderate(request, queryset, Status.APPROVED)

    @admin.action(description="Mark selected comments as spam", permissions=["change"])
    def mark_spam(self, request, queryset):
        self.moderate(request, queryset, Status.SPAM)

    @admin.action(description="Remove selected comments (recoverable)", permissions=["change"])
    def remove(self, request, queryset):
        self.moderate(request, queryset, Status.REMOVED)

    @admin.action(description="Restore selected comments to pending", permissions=["change"])
    def restore_pending(self, request, queryset):
        self.moderate(request, queryset, Status.PENDING)


@admin.register(BlocklistEntry)
class BlocklistEntryAdmin(admin.ModelAdmin):
    list_display = ["value", "kind", "note", "created_at"]
    list_filter = ["kind"]
    search_fields = ["value", "note"]
    fields = ["kind", "value", "note"]
