"""What essays' pages show, as surrogate keys (core/edge), and what each change purges.

Keys a page carries:
- `essay-ID` for every essay it shows (its own page, cards in lists, feed items, previous/next
  and related links): title, standfirst, byline, section name, date;
- `comments-ID` where it shows that essay's comments or their count (its page, its cards);
- the list it is: `home`, `section-ID`, `topic-ID`, `author-ID`, `archive`, `feed`,
  `search`, `sitemap`, `page-ID`; and `pages` on every HTML page (the footer's links).
So a change purges the pages of what changed plus the lists it may newly appear in: an edited
essay purges `essay-ID` (everywhere it is shown) and its lists; an approved comment only
`comments-ID`; a renamed author `author-ID` and the essays that show the name.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Min, Q
from django.utils import timezone

from core.edge import purge
from core.edge.keys import tag

EVERY_LIST = ("home", "feed", "archive", "search", "sitemap")


def tag_essays(request, articles, *, counts=True) -> None:
    """Mark a page as showing these essays (and their comment counts)."""
    for article in articles:
        tag(request, f"essay-{article.pk}", f"comments-{article.pk}" if counts else "")


def essay_changed(article_ids) -> None:
    """Essays were saved, published, unpublished or re-bylined: purge them and their lists,
    their neighbours' previous/next links, and plan a purge for when they go live."""
    from .models import Article

    if not purge.needed():
        # Nothing keeps pages now; purges planned for later still go (caching may be on then).
        for article in Article.objects.filter(pk__in=article_ids):
            plan_timed_purges(article)
        purge.changed(*EVERY_LIST)  # and the next timed change is forgotten (core/edge/pages.py)
        return
    articles = list(
        Article.objects.filter(pk__in=article_ids).prefetch_related("topics", "bylines")
    )
    keys = set(EVERY_LIST)
    published = Article.objects.published()
    for article in articles:
        keys |= {f"essay-{article.pk}", f"comments-{article.pk}", f"section-{article.section_id}"}
        keys |= {f"topic-{topic.pk}" for topic in article.topics.all()}
        keys |= {f"author-{byline.author_id}" for byline in article.bylines.all()}
        if article.published_at:
            for neighbour in (published.previous_to(article), published.next_to(article)):
                keys.add(f"essay-{neighbour.pk}" if neighbour else "")
        plan_timed_purges(article)
    keys |= {f"essay-{pk}" for pk in article_ids}  # deleted ones too
    purge.changed(*keys)


def essays_showing(**lookups) -> None:
    """A section, topic, author or image changed: purge every essay that shows it."""
    from .models import Article

    if not purge.needed():
        return
    ids = Article.objects.filter(**lookups).values_list("pk", flat=True)
    purge.changed(*(f"essay-{pk}" for pk in ids))


def image_changed(image_id: int) -> None:
    from .models import Article

    if not purge.needed():
        return
    placed = Q(featured_image_id=image_id) | Q(body_html__contains=f"<p>[image:{image_id}]</p>")
    ids = Article.objects.filter(placed).values_list("pk", flat=True)
    purge.changed(*(f"essay-{pk}" for pk in ids))


def plan_timed_purges(article) -> None:
    """A scheduled essay goes live, or its comments close, with no write: purge its pages then."""
    now = timezone.now()
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    keys = [f"essay-{article.pk}", f"comments-{article.pk}", f"section-{article.section_id}"]
    if article.is_scheduled:
        purge.enqueue([*keys, *EVERY_LIST], at=article.published_at)
    if days and article.published_at and article.allow_comments:
        closes = article.published_at + timedelta(days=days)
        if closes > now:
            purge.enqueue(keys, at=closes)


def next_timed_change():
    """The next moment pages change with no write: a scheduled essay goes live, or an essay's
    comments close (COMMENTS_CLOSE_AFTER_DAYS). No shared page may be kept past it."""
    from .models import Article

    now = timezone.now()
    moments = [Article.objects.scheduled().aggregate(due=Min("published_at"))["due"]]
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if days:
        still_open = Article.objects.published().filter(
            allow_comments=True, published_at__gt=now - timedelta(days=days)
        )
        oldest = still_open.aggregate(oldest=Min("published_at"))["oldest"]
        moments.append(oldest + timedelta(days=days) if oldest else None)
    return min((m for m in moments if m), default=None)
