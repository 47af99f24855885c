from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.functional import cached_property
from django.views.generic import DetailView, ListView, MonthArchiveView, TemplateView

from core.edge.keys import tag

from . import search
from .edge import tag_essays
from .models import Article, Author, Page, Section, Topic
from .pagination import SequentialPaginator
from .social import social_card
from .structured_data import article_jsonld


class PublishedArticlesMixin:
    """Every public list of essays starts from `Article.objects.published()`."""

    def get_queryset(self):
        return Article.objects.published().with_byline()


class ArticleListView(PublishedArticlesMixin, ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginator_class = SequentialPaginator

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tag_essays(self.request, context["articles"])
        return context


class HomeView(ArticleListView):
    template_name = "articles/home.html"


class FilteredListView(ArticleListView):
    """A list of essays belonging to one section, topic or author (`self.owner`)."""

    owner_model = None
    owner_filter = ""

    @cached_property
    def owner(self):
        # Only once it has a published essay: a draft's byline must not reveal its author.
        return get_object_or_404(self.owner_model.objects.public(), slug=self.kwargs["slug"])

    def get_queryset(self):
        # One section, topic or author: the join yields each essay once, no DISTINCT needed.
        return super().get_queryset().filter(**{self.owner_filter: self.owner})

    def get_context_data(self, **kwargs):
        tag(self.request, f"{self.owner_model._meta.model_name}-{self.owner.pk}")
        return super().get_context_data(owner=self.owner, **kwargs)


class SectionView(FilteredListView):
    owner_model = Section
    owner_filter = "section"
    template_name = "articles/section.html"


class TopicView(FilteredListView):
    owner_model = Topic
    owner_filter = "topics"
    template_name = "articles/topic.html"


class AuthorView(FilteredListView):
    owner_model = Author
    owner_filter = "authors"
    template_name = "articles/author.html"


class ArticleDetailView(DetailView):
    """An essay. Staff who may change articles also see drafts and scheduled pieces (preview)."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        articles = Article.objects.with_byline().prefetch_related("topics")
        if self.request.user.has_perm("articles.change_article"):
            return articles
        return articles.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(essay_context(self.request, self.object))
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        return preview_headers(response, context["is_preview"])


def essay_context(request, article) -> dict:
    """What an essay's page shows around the essay itself (its comments are the comments app's
    `{% comment_area %}`), and the surrogate keys of what it shows."""
    context = {
        "is_preview": not article.is_live,
        "body": article.body_with_figures(),
        "byline_authors": article.author_list,
        "article_topics": list(article.topics.all()),
        "related_articles": Article.objects.published().related_to(article),
    }
    if article.is_live:
        published = Article.objects.published()
        context["previous_article"] = published.previous_to(article)
        context["next_article"] = published.next_to(article)
        context["jsonld"] = article_jsonld(request, article, context["byline_authors"])
    tag_essays(request, [article])
    neighbours = [context.get("previous_article"), context.get("next_article")]
    tag_essays(request, [a for a in neighbours if a], counts=False)
    tag_essays(request, context["related_articles"], counts=False)
    return context


def preview_headers(response, is_preview: bool):
    if is_preview:
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def render_essay(request, article, *, status=200, extra_context=None) -> HttpResponse:
    """The page ArticleDetailView renders for `article`, with `extra_context` added: how another
    app shows an essay again with something of its own on it (comments: a refused comment's
    form, errors and text kept). The caller has checked the reader may see the essay."""
    context = {"article": article, "object": article, **essay_context(request, article)}
    context.update(extra_context or {})
    response = render(request, ArticleDetailView.template_name, context, status=status)
    return preview_headers(response, context["is_preview"])


class ArchiveIndexView(TemplateView):
    """Counts per year and month, like Blogger's archive widget."""

    template_name = "articles/archive.html"

    def get_context_data(self, **kwargs):
        tag(self.request, "archive")
        months = (
            Article.objects.published()
            .annotate(month=TruncMonth("published_at"))
            .values("month")
            .annotate(count=Count("id"))
            .order_by("-month")
        )
        years: dict[int, dict] = {}
        for row in months:
            year_number = row["month"].year
            year = years.setdefault(year_number, {"year": year_number, "count": 0, "months": []})
            year["count"] += row["count"]
            year["months"].append(row)
        return super().get_context_data(years=list(years.values()), **kwargs)


class MonthView(PublishedArticlesMixin, MonthArchiveView):
    template_name = "articles/month.html"
    context_object_name = "articles"
    paginator_class = SequentialPaginator
    date_field = "published_at"
    month_format = "%m"
    allow_empty = False
    allow_future = False

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_context_data(self, **kwargs):
        tag(self.request, "archive")
        context = super().get_context_data(**kwargs)
        tag_essays(self.request, context["articles"])
        return context

    def get_dated_items(self):
        try:
            return super().get_dated_items()
        except ValueError as exc:  # e.g. /archive/0001/01/ overflowing the date range
            raise Http404("No such month") from exc


def social_image(request, slug):
    """The 1200×630 OpenGraph image of a published essay without a featured image."""
    article = get_object_or_404(Article.objects.published().select_related("section"), slug=slug)
    response = HttpResponse(social_card(article), content_type="image/png")
    patch_cache_control(response, public=True, max_age=86400)
    return response


class SearchView(ArticleListView):
    """/search/?q=… — ranked full-text search (PostgreSQL vectors, SQLite FTS5: search.py)."""

    template_name = "articles/search.html"
    paginator_class = Paginator  # readers want to know how many essays matched

    def get_queryset(self):
        self.query = search.clean_query(self.request.GET.get("q", ""))
        if not self.query:
            return Article.objects.none()
        return search.search(super().get_queryset(), self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(query=self.query, **kwargs)
        tag(self.request, "search")
        for article in context["articles"]:
            article.snippet = search.snippet(article, self.query)
        return context


class PageView(DetailView):
    """A standing page (About, Contact); only published ones exist for readers."""

    template_name = "articles/page.html"
    context_object_name = "page"

    def get_queryset(self):
        return Page.objects.published()

    def get_context_data(self, **kwargs):
        tag(self.request, f"page-{self.object.pk}")
        return super().get_context_data(**kwargs)
