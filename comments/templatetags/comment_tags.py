from django import template
from django.utils.html import linebreaks, urlize
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter(is_safe=True)
def comment_text(text: str) -> str:
    """Reader text as HTML: escaped, paragraphs and line breaks kept, bare URLs linked.

    urlize escapes everything it does not turn into a link, so no reader HTML survives.
    """
    html = urlize(text, nofollow=True, autoescape=True)
    # Only urlize writes real quotes: reader text has them escaped, so this cannot be forged.
    html = html.replace('rel="nofollow"', 'rel="nofollow ugc noopener"')
    return mark_safe(linebreaks(html, autoescape=False))


@register.filter
def http_url(url: str) -> str:
    """The URL if it is http(s), else an empty string (never a javascript: link)."""
    return url if url.lower().startswith(("http://", "https://")) else ""
