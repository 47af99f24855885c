"""Render the text of the comments stored before `text_html` existed.

Batches by primary key, each committed on its own (atomic = False): on a large table a killed
run keeps what it did, and running it again starts where it stopped (only empty rows are read).
"""

from django.db import migrations
from django.utils.html import linebreaks, urlize

BATCH = 500


def render(text):
    # A copy of comments.models.render_comment_text as it was when this migration was written.
    html = urlize(text, nofollow=True, autoescape=True)
    html = html.replace('rel="nofollow"', 'rel="nofollow ugc noopener"')
    return linebreaks(html, autoescape=False)


def fill_text_html(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    last = 0
    while True:
        batch = list(
            Comment.objects.filter(pk__gt=last, text_html="")
            .order_by("pk")
            .only("pk", "text")[:BATCH]
        )
        if not batch:
            return
        for comment in batch:
            comment.text_html = render(comment.text)
        Comment.objects.bulk_update(batch, ["text_html"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("comments", "0007_comment_text_html"),
    ]

    operations = [
        migrations.RunPython(fill_text_html, migrations.RunPython.noop, elidable=True),
    ]
