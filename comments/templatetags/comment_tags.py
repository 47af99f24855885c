from django import template
from django.utils.dates import MONTHS
from django.utils.safestring import mark_safe

from comments.models import render_comment_text
from comments.threads import comment_context
from core.edge.keys import tag

register = template.Library()


@register.inclusion_tag("comments/_area.html", takes_context=True)
def comment_area(context, article):
    """`{% comment_area article %}`: an essay's comments, threaded, and the form to post one.

    The reader's own comments awaiting moderation are shown to them only: a session holding
    any is never given a shared page (PAGE_CACHE_PERSONAL_SESSION_KEYS, core.edge.pages).
    A `comment_form` already in the context (a refused comment shown again, errors and all)
    is the form shown. A page that built the whole area itself (a `comment_thread` in the
    context: bench/endpoints.py's page made of objects in memory) is shown as built.
    """
    request = context["request"]
    tag(request, f"comments-{article.pk}")  # its comments and their count: purged on a change
    if "comment_thread" in context:
        built = {name: context.get(name) for name in AREA}
    else:
        built = comment_context(request, article, form=context.get("comment_form"))
    return {
        "article": article,
        "count": article.comment_count,
        "user": context.get("user"),
        **built,
    }


AREA = ("comment_thread", "comment_form", "reply_to", "moderation_note")  # comment_context's keys


@register.filter(is_safe=True)
def comment_text(text: str) -> str:
    """Reader text as HTML (render_comment_text): escaped, paragraphs kept, bare URLs linked."""
    return mark_safe(render_comment_text(text))


@register.filter
def comment_html(comment) -> str:
    """The comment's text as HTML: the copy made on save, or made now for a row without one.

    `text_html` is only ever written by render_comment_text, which escapes all reader HTML.
    """
    if comment.text_html:
        return mark_safe(comment.text_html)
    return comment_text(comment.text)


@register.filter(expects_localtime=True)
def comment_date(value) -> str:
    """What `date:"j F Y, H:i"` writes ("1 December 2026, 13:25"), at a third of its cost.

    Once per comment: Django's general date formatter was half of the thread's rendering time.
    """
    return f"{value.day} {MONTHS[value.month]} {value.year}, {value:%H:%M}"


@register.filter
def http_url(url: str) -> str:
    """The URL if it is http(s), else an empty string (never a javascript: link)."""
    return url if url.lower().startswith(("http://", "https://")) else ""
