from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import ngettext

from comments.models import Comment

from . import services
from .models import Article, ArticleAuthor, Author, Section, Topic


class NamedSlugAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


admin.site.register(Section, NamedSlugAdmin)
admin.site.register(Topic, NamedSlugAdmin)


@admin.register(Author)
class AuthorAdmin(NamedSlugAdmin):
    fields = ["name", "slug", "bio", "photo"]


class BylineInline(admin.TabularInline):
    model = ArticleAuthor
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    extra = 0
    min_num = 1
    verbose_name = "author"
    verbose_name_plural = "authors (in byline order)"

    def get_formset(self, request, obj=None, **kwargs):
        # The admin checks min_num only in the browser; every essay needs a byline.
        return super().get_formset(request, obj, validate_min=True, **kwargs)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "state", "published_at", "byline", "section", "pending", "link"]
    list_filter = ["status", "section", "topics", "authors", "published_at"]
    list_select_related = ["section"]
    search_fields = ["title", "standfirst", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["section", "topics"]
    inlines = [BylineInline]
    actions = ["publish", "unpublish"]
    readonly_fields = ["preview_link", "word_count", "created_at", "modified_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "section", "standfirst", "body", "topics"]}),
        (
            "Publishing",
            {"fields": ["status", "published_at", "updated_at", "allow_comments", "preview_link"]},
        ),
        ("Search engines", {"fields": ["seo_title", "seo_description"], "classes": ["collapse"]}),
        ("Details", {"fields": ["word_count", "created_at", "modified_at"]}),
    ]

    def get_queryset(self, request):
        pending = Count("comments", filter=Q(comments__status="pending"))
        queryset = super().get_queryset(request).prefetch_related("bylines__author")
        return queryset.annotate(pending_comments=pending)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "pending_comments": Comment.objects.pending().count(),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description="Pending comments", ordering="pending_comments")
    def pending(self, obj):
        if not obj.pending_comments:
            return 0
        url = reverse("admin:comments_comment_changelist")
        return format_html(
            '<a href="{}?article__id__exact={}">{}</a>', url, obj.pk, obj.pending_comments
        )

    def view_on_site(self, obj):
        # "View on site" only for what readers can see; drafts get the preview link instead.
        return obj.get_absolute_url() if obj.is_live else None

    @admin.display(description="Status", ordering="status")
    def state(self, obj):
        if obj.is_scheduled:
            return f"Scheduled for {timezone.localtime(obj.published_at):%d %b %Y %H:%M}"
        return obj.get_status_display()

    @admin.display(description="Authors")
    def byline(self, obj):
        return ", ".join(author.name for author in obj.author_list)

    @admin.display(description="On site")
    def link(self, obj):
        label = "View" if obj.is_live else "Preview"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), label)

    @admin.display(description="Preview")
    def preview_link(self, obj):
        if not obj.pk or obj.is_live:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Preview as readers will see it</a>',
            obj.get_absolute_url(),
        )

    @admin.action(description="Publish selected essays", permissions=["change"])
    def publish(self, request, queryset):
        count = services.publish_articles(articles=queryset)
        message = ngettext("%d essay published.", "%d essays published.", count) % count
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Unpublish selected essays (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = services.unpublish_articles(articles=queryset)
        message = ngettext("%d essay unpublished.", "%d essays unpublished.", count) % count
        self.message_user(request, message, messages.SUCCESS)
