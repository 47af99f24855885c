"""Two anchors for bench/run, mounted by config/urls.py only when BENCH_ENDPOINTS=1.

- hello: the framework's floor, a plain response through the full middleware stack;
- template: the essay page template rendered from objects built in memory (an essay of
  benchmark size with 20 threaded comments), so the page costs no database work at all.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from articles.models import Article, Author, Section, Topic
from articles.structured_data import article_jsonld
from comments.forms import CommentForm
from comments.models import Comment, render_comment_text
from comments.threads import MODERATION_NOTES, thread_order

PARAGRAPH = (
    "The harbour council met again on Tuesday to argue about the quay, the cranes and the "
    "last mile of road that every container must travel before it reaches a warehouse. "
) * 3


def hello(request):
    return HttpResponse("Hello, world")


def template_only(request):
    now = timezone.now()
    section = Section(pk=1, name="Field Notes", slug="field-notes")
    authors = [
        Author(pk=1, name="Inés Carvalho", slug="ines"),
        Author(pk=2, name="Tomás", slug="t"),
    ]
    topics = [Topic(pk=n, name=f"Topic {n}", slug=f"topic-{n}") for n in (1, 2, 3)]
    body = "\n".join(f"<p>{PARAGRAPH}</p>" for _ in range(7))
    article = Article(
        pk=1, title="A benchmark essay of ordinary size", slug="bench", section=section,
        standfirst=PARAGRAPH[:200], body_html=body, word_count=len(body.split()),
        status="published", published_at=now, comment_count=20,
    )  # fmt: skip
    article._prefetched_objects_cache = {"topics": topics}
    comments, parent = [], None
    text_html = render_comment_text(PARAGRAPH[:300])  # as Comment.save() stores it
    for n in range(20):
        comment = Comment(
            pk=n + 1, article=article, parent=parent if n % 3 else None,
            author_name=f"Reader {n}", text=PARAGRAPH[:300], text_html=text_html,
            status="approved", created_at=now,
        )  # fmt: skip
        comments.append(comment)
        parent = comment
    related = [Article(pk=9, title="Another essay", slug="another", section=section)] * 3
    context = {
        "article": article,
        "body": body,
        "is_preview": False,
        "byline_authors": authors,
        "article_topics": topics,
        "previous_article": related[0],
        "next_article": related[0],
        "related_articles": related,
        "comment_thread": thread_order(comments),
        "comment_form": CommentForm(article=article),
        "reply_to": None,
        "moderation_note": MODERATION_NOTES["hold_all"],
        "jsonld": article_jsonld(request, article, authors),
    }
    return render(request, "articles/article_detail.html", context)


urlpatterns = [
    path("__bench__/hello/", hello, name="bench-hello"),
    path("__bench__/template/", template_only, name="bench-template"),
]
