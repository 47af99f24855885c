"""The essay editor: list, change form (with live preview), revision history and actions."""

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import construct_change_message
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from reversion.admin import VersionAdmin

from .. import services
from ..models import Article, ArticleAuthor
from ..rendering import BodyFormat
from . import history, previews
from .common import SingleLineFieldsMixin


def held_comments():
    """The comments app's moderation queue (its `pending()` rule), reached through the reverse
    relation `Article.comments`: articles imports nothing from the comments app."""
    return Article.comments.rel.related_model.objects.pending()


class BylineInline(admin.TabularInline):
    model = ArticleAuthor
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    extra = 0
    min_num = 1
    max_num = 200  # no essay has so many; a form claiming more is refused without building them
    verbose_name = "author"
    verbose_name_plural = "authors (in byline order)"

    def get_formset(self, request, obj=None, **kwargs):
        # The admin checks min_num only in the browser; every essay needs a byline.
        return super().get_formset(
            request, obj, validate_min=True, absolute_max=self.max_num, **kwargs
        )


class OptionalChoiceField(forms.ChoiceField):
    """Left out of a POST, the field keeps its value: that is no change for History."""

    def has_changed(self, initial, data):
        return bool(data) and super().has_changed(initial, data)


class LongTextField(forms.CharField):
    """Browsers send a textarea's line breaks as CRLF; essays are stored with LF. Without this
    an untouched essay loaded from a file or an import looks changed: its save would keep a
    revision, and its preview would say readers see something other than "these changes"."""

    def to_python(self, value):
        return normalise_line_breaks(super().to_python(value))

    def has_changed(self, initial, data):
        return normalise_line_breaks(initial or "") != self.to_python(data)


def normalise_line_breaks(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


class ArticleAdminForm(forms.ModelForm):
    significant_update = forms.BooleanField(
        required=False,
        label="Significant update",
        help_text="Tick for a change readers should know about: the essay then shows "
        "“Updated” with today’s date. Leave it for typo fixes.",
    )

    # Not required: forms that predate it (and most essays) are Markdown.
    body_format = OptionalChoiceField(
        label="Body format", choices=BodyFormat.choices, required=False
    )

    class Meta:
        model = Article
        fields = [
            "title", "slug", "section", "standfirst", "body", "body_format", "topics", "status",
            "published_at", "allow_comments", "seo_title", "seo_description", "featured_image",
        ]  # fmt: skip
        field_classes = {"standfirst": LongTextField, "body": LongTextField}
        widgets = {
            # Sized for a 2,000-word essay; editor.css gives it a reading font and line length.
            "body": forms.Textarea(attrs={"rows": 30, "cols": 72, "class": "essay-body-input"}),
        }

    def clean_body_format(self):
        return self.cleaned_data["body_format"] or self.instance.body_format


def inline_entry(obj) -> dict:
    """How a row of an inline is named in History: a byline by its author."""
    if isinstance(obj, ArticleAuthor):
        return {"name": "author", "object": str(obj.author)}
    return {"name": str(obj._meta.verbose_name), "object": str(obj)}


@admin.register(Article)
class ArticleAdmin(SingleLineFieldsMixin, VersionAdmin):
    """Every save that changes something keeps a revision (django-reversion): History."""

    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    change_list_template = "admin/articles/article/change_list.html"
    object_history_template = "admin/articles/article/object_history.html"
    # Five narrow columns fit 1280 px beside the filters: the date sits under the status, the
    # section under the authors, and headlines wrap (editor.css).
    list_display = ["title", "state", "byline", "pending", "link"]
    list_filter = ["status", "section", "topics", "authors", "published_at"]
    list_select_related = ["section"]
    search_fields = ["title", "standfirst", "body"]
    date_hierarchy = "published_at"
    show_full_result_count = False
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["section", "topics", "featured_image"]
    inlines = [BylineInline]
    actions = ["publish", "unpublish"]
    readonly_fields = ["preview_link", "updated_at", "word_count", "created_at", "modified_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "section",
                    "standfirst",
                    "body",
                    "body_format",
                    "topics",
                    "featured_image",
                ],
                "description": "The body is Markdown (imported posts keep their HTML). Place "
                "an uploaded image with a line reading [image:ID] (Images → “Put in an essay "
                "body”).",
            },
        ),  # fmt: skip
        (
            "Publishing",
            {
                "fields": [
                    "status",
                    "published_at",
                    "significant_update",
                    "updated_at",
                    "allow_comments",
                    "preview_link",
                ]
            },  # fmt: skip
        ),
        ("Search engines", {"fields": ["seo_title", "seo_description"], "classes": ["collapse"]}),
        ("Details", {"fields": ["word_count", "created_at", "modified_at"]}),
    ]

    class Media:
        css = {"all": ["css/editor.css"]}
        js = ["js/editor.js"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("bylines__author")
        # A correlated subquery, counted for the rows shown only (not a JOIN + GROUP BY of
        # every essay with every comment), on the queue's index.
        pending = (
            held_comments()
            .filter(article=OuterRef("pk"))
            .order_by()
            .values("article")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return queryset.annotate(pending_comments=Coalesce(Subquery(pending), 0))

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "pending_comments": held_comments().count(),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        def wrap(view, *decorators):
            for decorator in decorators:
                view = decorator(view)
            return self.admin_site.admin_view(view)

        preview = wrap(
            lambda request, pk=None: previews.form_preview(self, request, pk), require_POST
        )
        live = wrap(lambda request: previews.live_preview(self, request), require_POST)
        compare = wrap(lambda request, object_id: history.compare_view(self, request, object_id))
        return [
            path("preview/", preview, name="articles_article_preview"),
            path("<int:pk>/preview/", preview, name="articles_article_preview"),
            path("live-preview/", live, name="articles_article_live_preview"),
            path("<path:object_id>/history/compare/", compare, name="articles_article_compare"),
            *super().get_urls(),
        ]

    # Saving: nothing changed, nothing recorded.

    def save_model(self, request, obj, form, change):
        # Resubmitting an unchanged form writes nothing: no new revision, no History line.
        # Restoring a revision always saves (the restored values are already in the form).
        request.essay_form_unchanged = (
            change and not form.has_changed() and not getattr(request, "essay_restoring", False)
        )
        if request.essay_form_unchanged:
            return
        if form.cleaned_data.get("significant_update"):
            obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        bylines_changed = any(formset.has_changed() for formset in formsets)
        if getattr(request, "essay_form_unchanged", False) and bylines_changed:
            # Only the byline changed: the revision still needs the essay itself, so that it
            # appears in this essay's History.
            reversion.add_to_revision(form.instance)
            request.essay_form_unchanged = False

    def construct_change_message(self, request, form, formsets, add=False):
        message = construct_change_message(form, [], add)
        for formset in formsets:
            labels = formset.forms[0].fields if formset.forms else {}
            for obj in formset.new_objects:
                message.append({"added": inline_entry(obj)})
            for obj, fields in formset.changed_objects:
                names = [str(labels[f].label or f) if f in labels else f for f in fields]
                message.append({"changed": {**inline_entry(obj), "fields": names}})
            for obj in formset.deleted_objects:
                message.append({"deleted": inline_entry(obj)})
        return message

    def log_change(self, request, obj, message):
        if not message:
            return None  # "No fields changed." would be a History line about nothing
        return super().log_change(request, obj, message)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if level == messages.SUCCESS and getattr(request, "essay_form_unchanged", False):
            message, level = "Nothing was changed, so nothing was saved.", messages.INFO
        super().message_user(request, message, level, *args, **kwargs)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        request.essay_restoring = True
        return super().revision_view(request, object_id, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        context = {"action_list": history.history_rows(self, object_id), **(extra_context or {})}
        return super().history_view(request, object_id, context)

    def view_on_site(self, obj):
        # "View on site" only for what readers can see; drafts get the preview link instead.
        return obj.get_absolute_url() if obj.is_live else None

    # The list's columns.

    @admin.display(description="Status", ordering="published_at")
    def state(self, obj):
        if obj.is_scheduled:
            when = date_format(timezone.localtime(obj.published_at), "j M Y, H:i")
            return format_html('Scheduled for <span class="when">{}</span>', when)
        if obj.is_live:
            when = date_format(timezone.localtime(obj.published_at), "j M Y")
            return format_html('Published <span class="when">{}</span>', when)
        return obj.get_status_display()

    @admin.display(description="Authors · section")
    def byline(self, obj):
        names = ", ".join(author.name for author in obj.author_list)
        return format_html('{} <span class="section">{}</span>', names, obj.section.name)

    @admin.display(description="Pending comments", ordering="pending_comments")
    def pending(self, obj):
        if not obj.pending_comments:
            return 0
        url = reverse("admin:comments_comment_changelist")
        return format_html(
            '<a href="{}?article__id__exact={}">{}</a>', url, obj.pk, obj.pending_comments
        )

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
        count = services.publish_articles(articles=queryset, user=request.user)
        message = ngettext("%d essay published.", "%d essays published.", count) % count
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Unpublish selected essays (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = services.unpublish_articles(articles=queryset, user=request.user)
        message = ngettext("%d essay unpublished.", "%d essays unpublished.", count) % count
        self.message_user(request, message, messages.SUCCESS)
