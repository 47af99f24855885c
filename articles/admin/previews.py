"""The two previews of an essay being edited, both drawn by the public page's renderer.

- The Preview button posts the whole change form (a new tab, works without JavaScript): the
  full essay page, with a banner saying what readers see now.
- The pane beside the body box (static/js/editor.js) posts the headline, standfirst and body
  as the editor types, and shows just the rendered essay.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.forms.formsets import all_valid
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

from ..models import Article, Author
from ..rendering import BodyFormat, count_words, reading_minutes, render_body

# A long essay is 10,000 words (~70,000 characters); this leaves room for pasted HTML.
MAX_BODY_CHARS = 500_000


def _private(response):
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def reader_state(article: Article | None) -> str:
    """What readers see of the saved essay now: nothing ("new", "draft"), or it ("live")."""
    if article is None:
        return "new"
    if article.is_live:
        return "live"
    return "scheduled" if article.is_scheduled else "draft"


def form_preview(model_admin, request, pk=None):
    """The essay exactly as readers will see it, from the unsaved form in the editor.

    The form and the byline inline are validated exactly as a save would, but nothing is
    written: the page is rendered from the unsaved instance.
    """
    obj = model_admin.get_object(request, str(pk)) if pk else None
    if obj is None and pk is not None:
        raise Http404
    if obj:
        may = model_admin.has_change_permission(request, obj)
    else:
        may = model_admin.has_add_permission(request)
    if not may:
        raise PermissionDenied
    # Read before the form is bound: binding copies the unsaved values onto `obj`.
    state, saved_from = reader_state(obj), obj.published_at if obj else None
    form = model_admin.get_form(request, obj)(request.POST, request.FILES, instance=obj)
    form_valid = form.is_valid()
    formsets, _ = model_admin._create_formsets(request, form.instance, change=obj is not None)
    if not (form_valid and all_valid(formsets)):
        context = {"form": form, "formsets": formsets, "title": "Cannot preview yet"}
        return _private(
            render(request, "admin/articles/article/preview_errors.html", context, status=400)
        )
    article = form.instance
    article.body_html = render_body(article.body, article.body_format)
    article.word_count = count_words(article.body_html)
    changed = obj is None or form.has_changed() or any(fs.has_changed() for fs in formsets)
    context = {
        "article": article,
        "body": article.body_with_figures(),
        "is_preview": True,
        "unsaved_preview": True,
        "preview_state": state,
        "preview_from": saved_from,
        "preview_changed": changed,
        "byline_authors": authors_from(formsets),
        "article_topics": list(form.cleaned_data.get("topics") or []),
    }
    return _private(render(request, "articles/article_detail.html", context))


def authors_from(formsets) -> list[Author]:
    """The byline as the editor has it in the (validated, unsaved) inline, in order."""
    rows = [
        form.cleaned_data
        for formset in formsets
        for form in formset.forms
        if form.cleaned_data.get("author") and not form.cleaned_data.get("DELETE")
    ]
    return [row["author"] for row in sorted(rows, key=lambda row: row.get("position") or 0)]


class LivePreviewForm(forms.Form):
    title = forms.CharField(required=False, max_length=200)
    standfirst = forms.CharField(required=False, max_length=5_000)
    body = forms.CharField(required=False, strip=False, max_length=MAX_BODY_CHARS)
    body_format = forms.ChoiceField(choices=BodyFormat.choices, required=False)


def live_preview(model_admin, request):
    """JSON with the rendered headline, standfirst and body of what the editor has typed.

    Staff who may change essays only (403 otherwise); 400 for a malformed request. Nothing is
    saved; figures (`[image:ID]`) are placed as on the public page.
    """
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    form = LivePreviewForm(request.POST)
    if "body" not in request.POST or not form.is_valid():
        errors = form.errors.get_json_data() if form.is_bound else {}
        return _private(JsonResponse({"errors": errors or "No body sent."}, status=400))
    data = form.cleaned_data
    article = Article(
        title=data["title"],
        standfirst=data["standfirst"],
        body=data["body"],
        body_format=data["body_format"] or BodyFormat.MARKDOWN,
    )
    article.body_html = render_body(article.body, article.body_format)
    words = count_words(article.body_html)
    html = render_to_string(
        "admin/articles/article/_live_preview.html",
        {"article": article, "body": article.body_with_figures()},
        request=request,
    )
    return _private(JsonResponse({"html": html, "words": words, "minutes": reading_minutes(words)}))
