"""Plain factory helpers shared by the tests."""

from datetime import timedelta
from itertools import count

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Author, Section, Topic
from articles.signals import essays_changed_once
from core.groups import ALL_ACTIONS, grant

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
    section = section or make_section()
    authors = authors if authors is not None else [make_author()]
    with essays_changed_once():  # indexed and purged once, as an import's batch is
        article = Article.objects.create(
            title=title or f"Essay {n}",
            slug=fields.pop("slug", f"essay-{n}"),
            status=status,
            published_at=published_at,
            section=section,
            **fields,
        )
        for position, author in enumerate(authors):
            ArticleAuthor.objects.create(article=article, author=author, position=position)
        article.topics.set(topics)
    return article


# The staff groups as the data migrations leave them: (app, models, actions) granted to each.
# tests/articles/test_admin.py checks that this agrees with what `migrate` makes.
GROUPS = {
    "Editors": [
        (
            "articles",
            ["article", "articleauthor", "author", "section", "topic", "image", "page"],
            ALL_ACTIONS,
        ),
    ],
    "Moderators": [
        ("comments", ["comment"], ["view", "change"]),
        ("comments", ["moderationaction"], ["view"]),
        ("comments", ["blocklistentry"], ALL_ACTIONS),
    ],
}


def ensure_groups():
    """Re-create the staff groups the data migrations made: transactional tests flush them
    (a flush empties every table, so groups that exist still hold their permissions)."""
    if Group.objects.filter(name__in=GROUPS).count() == len(GROUPS):
        return
    for group_name, grants in GROUPS.items():
        for app_label, models, actions in grants:
            grant(apps, group_name, app_label, models, actions)


def make_editor(username="editor"):
    ensure_groups()
    user = get_user_model().objects.create_user(username, password="pw-editor-1", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def make_comment(article, *, status="approved", parent=None, **fields):
    from comments.models import Comment
    from comments.services import refresh_comment_counts

    n = next(_numbers)
    fields.setdefault("author_name", f"Reader {n}")
    fields.setdefault("author_email", f"reader{n}@example.org")
    fields.setdefault("text", f"Comment number {n}.")
    fields.setdefault("in_reply_to", parent)  # what it answers, as a posted reply records
    comment = Comment.objects.create(
        article=article,
        parent=parent,
        depth=parent.depth + 1 if parent else 0,
        status=status,
        **fields,
    )
    refresh_comment_counts(article_ids=[article.pk])
    return comment


def comment_data(article, *, seconds_ago=60, **overrides):
    """POST data for the comment form, as if the form was loaded `seconds_ago` seconds ago."""
    import time

    from django.core import signing

    from comments.forms import TOKEN_SALT

    token = signing.dumps({"a": article.pk, "t": int(time.time()) - seconds_ago}, salt=TOKEN_SALT)
    data = {
        "name": "Zoë Reader",
        "email": "zoe@example.org",
        "website": "",
        "text": "A thoughtful comment.",
        "leave_blank": "",
        "parent": "",
        "token": token,
    }
    data.update(overrides)
    return data


def make_moderator(username="moderator"):
    ensure_groups()
    user = get_user_model().objects.create_user(
        username, password="pw-moderator-1", is_staff=True, email=f"{username}@example.org"
    )
    user.groups.add(Group.objects.get(name="Moderators"))
    return user
