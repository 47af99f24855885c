from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms.formsets import all_valid
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from reversion.admin import VersionAdmin

from comments.models import Comment
from core.validators import reject_line_breaks

from . import services
from .fields import VerifiedImageFormField
from .models import Article, ArticleAuthor, Author, Image, Page, Section, Topic
from .rendering import BodyFormat, count_words, render_body


class SingleLineFieldsMixin:
    """Every one-line text box (headline, name, caption, SEO title) refuses line breaks.

    A browser's text input cannot send one, a crafted POST can; headlines and names end up in
    email subjects and bodies, feeds and <title>. Textareas (standfirst, body, bio) are left be.
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if (
            isinstance(db_field, models.CharField)
            and isinstance(formfield, forms.CharField)
            and not isinstance(formfield.widget, forms.Textarea)
        ):
            formfield.validators.append(reject_line_breaks)
        return formfield


class NamedSlugAdmin(SingleLineFieldsMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


admin.site.register(Section, NamedSlugAdmin)
admin.site.register(Topic, NamedSlugAdmin)


@admin.register(Author)
class AuthorAdmin(NamedSlugAdmin):
    fields = ["name", "slug", "bio", "photo"]


class ImageAdminForm(forms.ModelForm):
    file = VerifiedImageFormField(
        label="Image",
        help_text="JPEG, PNG, WebP or GIF. Rotated upright and stripped of EXIF/GPS and all "
        "other metadata. Renditions are made in the background; until they are ready, pages "
        "show the original.",
    )

    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit"]


@admin.register(Image)
class ImageAdmin(SingleLineFieldsMixin, admin.ModelAdmin):
    form = ImageAdminForm
    list_display = [
        "thumbnail",
        "alt_text",
        "caption",
        "credit",
        "size",
        "embed_code",
        "created_at",
    ]
    search_fields = ["alt_text", "caption", "credit"]
    readonly_fields = ["embed_code", "size"]

    def save_model(self, request, obj, form, change):
        # Renditions are made by the task worker after the commit: the save stays fast.
        services.save_image(image=obj, new_file="file" in form.changed_data)

    @admin.display(description="Preview")
    def thumbnail(self, obj):
        return format_html('<img src="{}" alt="" width="80" style="height:auto">', obj.fallback_url)

    @admin.display(description="Pixels")
    def size(self, obj):
        return f"{obj.width}×{obj.height}" if obj.width else "—"

    @admin.display(description="Put in an essay body")
    def embed_code(self, obj):
        return format_html("<code>[image:{}]</code>", obj.pk) if obj.pk else "—"


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


class OptionalChoiceField(forms.ChoiceField):
    """Left out of a POST, the field keeps its value: that is no change for History."""

    def has_changed(self, initial, data):
        return bool(data) and super().has_changed(initial, data)


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

    def clean_body_format(self):
        return self.cleaned_data["body_format"] or self.instance.body_format


@admin.register(Article)
class ArticleAdmin(SingleLineFieldsMixin, VersionAdmin):
    """Every save through the admin keeps a revision (django-reversion): History → restore."""

    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    change_list_template = "admin/articles/article/change_list.html"
    list_display = ["title", "state", "published_at", "byline", "section", "pending", "link"]
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

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("bylines__author")
        return queryset.annotate(pending_comments=Comment.objects.pending().count_per_article())

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

    def save_model(self, request, obj, form, change):
        if form.cleaned_data.get("significant_update"):
            obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)

    def get_urls(self):
        preview = self.admin_site.admin_view(require_POST(self.preview_view))
        return [
            path("preview/", preview, name="articles_article_preview"),
            path("<int:pk>/preview/", preview, name="articles_article_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk=None):
        """The essay exactly as readers will see it, from the unsaved form in the editor.

        The form and the byline inline are validated exactly as a save would, but nothing is
        written: the page is rendered from the unsaved instance.
        """
        obj = self.get_object(request, str(pk)) if pk else None
        if obj is None and pk is not None:
            raise Http404
        may = self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        if not may:
            raise PermissionDenied
        form = self.get_form(request, obj)(request.POST, request.FILES, instance=obj)
        form_valid = form.is_valid()
        formsets, _ = self._create_formsets(request, form.instance, change=obj is not None)
        if not (form_valid and all_valid(formsets)):
            context = {"form": form, "formsets": formsets, "title": "Cannot preview yet"}
            response = render(
                request, "admin/articles/article/preview_errors.html", context, status=400
            )
            add_never_cache_headers(response)
            return response
        article = form.instance
        article.body_html = render_body(article.body, article.body_format)
        article.word_count = count_words(article.body_html)
        response = render(
            request,
            "articles/article_detail.html",
            {
                "article": article,
                "body": article.body_with_figures(),
                "is_preview": True,
                "unsaved_preview": True,
                "byline_authors": self.authors_from(formsets),
                "article_topics": list(form.cleaned_data.get("topics") or []),
            },
        )
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    @staticmethod
    def authors_from(formsets) -> list[Author]:
        """The byline as the editor has it in the (validated, unsaved) inline, in order."""
        rows = [
            form.cleaned_data
            for formset in formsets
            for form in formset.forms
            if form.cleaned_data.get("author") and not form.cleaned_data.get("DELETE")
        ]
        return [row["author"] for row in sorted(rows, key=lambda row: row.get("position") or 0)]

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
        count = services.publish_articles(articles=queryset, user=request.user)
        message = ngettext("%d essay published.", "%d essays published.", count) % count
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Unpublish selected essays (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = services.unpublish_articles(articles=queryset, user=request.user)
        message = ngettext("%d essay unpublished.", "%d essays unpublished.", count) % count
        self.message_user(request, message, messages.SUCCESS)


@admin.register(Page)
class PageAdmin(SingleLineFieldsMixin, VersionAdmin):
    """About, Contact and the like: linked from every page's footer once published."""

    list_display = ["title", "status", "position", "link"]
    list_editable = ["position"]
    list_filter = ["status"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "body", "body_format", "status", "position"]

    @admin.display(description="On the site")
    def link(self, obj):
        if obj.status != Page.Status.PUBLISHED:
            return "—"
        return format_html('<a href="{}">View</a>', obj.get_absolute_url())
