from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def machine_time(value) -> str:
    """A <time datetime> value: ISO 8601 to the second (HTML allows at most 3 decimals)."""
    if not value:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")
