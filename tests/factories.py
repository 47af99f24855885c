"""Plain factory helpers shared by the tests."""

from datetime import timedelta
from itertools import count

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Author, Section, Topic

_numbers = count(1)


def make_section(name=None, **fields):
    n = next(_numbers)
    return Section.objects.create(name=name or f"Section {n}", slug=f"section-{n}", **fields)


def make_topic(name=None, **fields):
    n = next(_numbers)
    return Topic.objects.create(name=name or f"Topic {n}", slug=f"topic-{n}", **fields)


def make_author(name=None, **fields):
    n = next(_numbers)
    return Author.objects.create(name=name or f"Author {n}", slug=f"author-{n}", **fields)


def make_article(
    title=None,
    *,
    status=Article.Status.PUBLISHED,
    published_at="default",
    section=None,
    authors=None,
    topics=(),
    **fields,
):
    """A published essay from an hour ago unless told otherwise."""
    n = next(_numbers)
    if published_at == "default":
        published_at = timezone.now() - timedelta(hours=n)
    fields.setdefault("standfirst", f"Standfirst of essay {n}.")
    fields.setdefault("body", f"Body of essay {n}, in *Markdown*.")
    article = Article.objects.create(
        title=title or f"Essay {n}",
        slug=fields.pop("slug", f"essay-{n}"),
        status=status,
        published_at=published_at,
        section=section or make_section(),
        **fields,
    )
    for position, author in enumerate(authors if authors is not None else [make_author()]):
        ArticleAuthor.objects.create(article=article, author=author, position=position)
    article.topics.set(topics)
    return article


def make_editor(username="editor"):
    user = get_user_model().objects.create_user(username, password="pw-editor-1", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user
