"""Filters for plain-text email templates, where a reader's words must not pass for ours."""

from django import template

from core.mail import single_line as _single_line

register = template.Library()


@register.filter
def single_line(value) -> str:
    """A name or headline on one line: a line break in it cannot start a line of its own."""
    return _single_line(str(value))


@register.filter
def quoted(value, indent: str = "") -> str:
    """Every line of a reader's text behind "> ", so nothing in it reads as the site's words."""
    return "\n".join(f"{indent}> {line}".rstrip() for line in str(value).splitlines())
