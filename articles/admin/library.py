"""Admins for what essays are made of: sections, topics, authors, images; and standing pages."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from reversion.admin import VersionAdmin

from .. import services
from ..fields import VerifiedImageFormField
from ..models import Author, Image, Page, Section, Topic
from .common import SingleLineFieldsMixin


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
