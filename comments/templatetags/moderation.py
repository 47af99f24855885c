from django import template

from ..models import Comment

register = template.Library()


@register.simple_tag
def pending_comment_count() -> int:
    return Comment.objects.pending().count()
