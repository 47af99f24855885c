"""Revision history of an essay: pick two revisions and read what changed between them."""

from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from reversion.models import Version

from .. import revisions

# Version ids are database keys: anything longer is not one of ours (and would overflow).
MAX_ID = 2**63 - 1
MAX_DIGITS = len(str(MAX_ID))


def history_rows(model_admin, object_id) -> list[dict]:
    """Newest first: each revision, its restore link and a link comparing it with the one
    before (plain links and a GET form, so the page works without JavaScript)."""
    versions = list(
        Version.objects.get_for_object_reference(model_admin.model, unquote(object_id))
        .select_related("revision", "revision__user")
        .order_by("-pk")
    )
    compare_url = reverse("admin:articles_article_compare", args=[quote(unquote(object_id))])
    rows = []
    for index, version in enumerate(versions):
        previous = versions[index + 1] if index + 1 < len(versions) else None
        rows.append(
            {
                "version": version,
                "revision": version.revision,
                "url": reverse(
                    "admin:articles_article_revision", args=[quote(version.object_id), version.pk]
                ),
                "compare_url": previous and f"{compare_url}?from={previous.pk}&to={version.pk}",
            }
        )
    return rows


def _version_id(value: str | None) -> int | None:
    # ASCII digits only: str.isdigit() also accepts "²" or "١", which int() refuses or reads,
    # and a length bound keeps int() from parsing a megabyte of nines.
    if value is None or not (value.isascii() and value.isdigit()) or len(value) > MAX_DIGITS:
        return None
    return int(value) if 0 < int(value) <= MAX_ID else None


def compare_view(model_admin, request, object_id):
    """The fields that differ between two revisions (`?from=ID&to=ID`) of one essay."""
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None:
        raise Http404("No such essay.")
    if not model_admin.has_view_or_change_permission(request, obj):
        raise PermissionDenied
    opts = model_admin.model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": opts,
        "original": obj,
        "title": f"Changes to “{obj}”",
        "history_url": reverse("admin:articles_article_history", args=[quote(obj.pk)]),
    }
    template = "admin/articles/article/compare.html"
    ids = [_version_id(request.GET.get("from")), _version_id(request.GET.get("to"))]
    if None in ids or ids[0] == ids[1]:
        context["error"] = "Pick two different revisions to compare."
        return TemplateResponse(request, template, context, status=400)
    versions = sorted(
        Version.objects.get_for_object(obj)
        .filter(pk__in=ids)
        .select_related("revision", "revision__user"),
        key=lambda version: version.pk,
    )
    if len(versions) != 2:  # unknown, or a revision of another object
        raise Http404("No such revision of this essay.")
    older, newer = versions
    try:
        changes = revisions.compare(older, newer)
    except revisions.UnreadableRevision:
        context["error"] = "One of these revisions can no longer be read."
        return TemplateResponse(request, template, context, status=400)
    context.update(
        older=older,
        newer=newer,
        changes=changes,
        restore_url=reverse("admin:articles_article_revision", args=[quote(obj.pk), older.pk]),
    )
    return TemplateResponse(request, template, context)
