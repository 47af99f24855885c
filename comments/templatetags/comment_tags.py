from django import template
from django.utils.dates import MONTHS
from django.utils.safestring import mark_safe

from comments.models import render_comment_text

register = template.Library()


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
