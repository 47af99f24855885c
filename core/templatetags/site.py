"""Template tags every page uses, whichever app renders it: `{% load site %}`."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context, path=None):
    """The page's absolute URL without stray query strings; keeps `?page=N` past page one."""
    request = context["request"]
    url = request.build_absolute_uri(path or request.path)
    page_obj = context.get("page_obj")
    if page_obj is not None and page_obj.number > 1:
        url += f"?page={page_obj.number}"
    return url
