from django import template
from django.utils import timezone

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


@register.filter
def machine_time(value) -> str:
    """A <time datetime> value: ISO 8601 to the second (HTML allows at most 3 decimals)."""
    if not value:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")
