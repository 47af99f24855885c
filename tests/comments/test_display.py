"""How comments are shown: text turned into HTML once, when saved; threads as nested lists from
one flat loop; the comment form's markup written out without crispy-forms."""

import io
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from importlib import import_module

import pytest
from django.apps import apps
from django.core.management import call_command
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, render_comment_text
from comments.threads import thread_order
from tests.factories import comment_data, make_article, make_comment

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<script>alert("x")</script> "onmouseover=alert(1) <b onmouseover=alert(2)>bold</b>\n'
    '<a href="javascript:alert(3)">click</a> javascript:alert(4) see https://example.org/a?b=1&c=2'
)


def comment_text_div(html: str, comment: Comment) -> str:
    start = html.index('<div class="comment-text" dir="auto">', html.index(f'id="c{comment.pk}"'))
    return html[start : html.index("</div>", start)]


def test_reader_html_is_escaped_in_the_stored_html_and_on_the_page():
    article = make_article()
    comment = make_comment(article, text=HOSTILE)
    stored = Comment.objects.get(pk=comment.pk).text_html
    shown = comment_text_div(Client().get(article.get_absolute_url()).text, comment)
    for html in (stored, shown):
        assert "<script" not in html and "<b " not in html and 'href="javascript' not in html
        assert '"onmouseover' not in html and "<a " in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
        assert "&quot;onmouseover=alert(1) &lt;b onmouseover=alert(2)&gt;" in html
        assert (
            "&lt;a href=&quot;javascript:alert(3)&quot;&gt;click&lt;/a&gt; javascript:alert(4)"
            in html
        )
        # The one link is the bare URL, marked as the reader's.
        assert html.count("<a ") == 1
        assert (
            '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">'
            "https://example.org/a?b=1&amp;c=2</a>" in html
        )
    assert stored.startswith("<p>") and "<br>" in stored  # paragraphs and line breaks kept
    assert stored in shown  # the page prints what was stored


def test_the_html_follows_the_text_whenever_it_is_saved():
    comment = make_comment(make_article(), text="First words")
    comment.text = "Second <i>words</i>"
    comment.save(update_fields=["text"])
    assert Comment.objects.get(pk=comment.pk).text_html == "<p>Second &lt;i&gt;words&lt;/i&gt;</p>"


def test_a_row_stored_without_html_is_still_shown_and_escaped():
    article = make_article()
    comment = make_comment(article)
    Comment.objects.filter(pk=comment.pk).update(
        text="<b>raw</b> https://example.org/", text_html=""
    )
    shown = comment_text_div(Client().get(article.get_absolute_url()).text, comment)
    assert "&lt;b&gt;raw&lt;/b&gt;" in shown and 'href="https://example.org/"' in shown


def test_the_data_migration_renders_comments_stored_before_the_field(monkeypatch):
    migration = import_module("comments.migrations.0008_fill_comment_text_html")
    monkeypatch.setattr(migration, "BATCH", 2)  # several batches
    article = make_article()
    texts = [HOSTILE, "Plain.", "Two\n\nparagraphs www.example.org", "", "Last <3"]
    for text in texts:
        make_comment(article, text=text)
    Comment.objects.update(text_html="")
    migration.fill_text_html(apps, None)
    stored = dict(Comment.objects.values_list("text", "text_html"))
    assert stored == {text: render_comment_text(text) for text in texts}
    assert "&lt;script&gt;" in stored[HOSTILE] and stored["Last <3"] == "<p>Last &lt;3</p>"


def test_bulk_created_load_data_comes_with_its_html():
    call_command(
        "generate_load_data", articles=3, comments=30, stdout=io.StringIO(), stderr=io.StringIO()
    )
    comments = list(Comment.objects.all())
    assert len(comments) == 30
    assert all(c.text_html == render_comment_text(c.text) and c.text_html for c in comments)


class Nesting(HTMLParser):
    """Each comment's enclosing comment, in page order; fails on any tag closed out of order."""

    def __init__(self):
        super().__init__()
        self.open, self.found = [], []

    def handle_starttag(self, tag, attrs):
        if tag in ("ol", "li"):
            attrs = dict(attrs)
            self.open.append((tag, attrs.get("id"), attrs.get("class", "")))
            if tag == "li" and "comment" in attrs.get("class", "").split():
                outer = [id_ for tag_, id_, _ in self.open[:-1] if tag_ == "li" and id_]
                self.found.append((attrs["id"], outer[-1] if outer else None))

    def handle_endtag(self, tag):
        if tag in ("ol", "li"):
            assert self.open and self.open[-1][0] == tag, f"</{tag}> closes {self.open[-1:]}"
            self.open.pop()


def test_threads_nest_replies_under_their_parents_in_one_list():
    article = make_article()
    start = timezone.now() - timedelta(hours=10)

    def at(hours, **fields):
        return make_comment(article, created_at=start + timedelta(hours=hours), **fields)

    top = at(0)
    held = at(1, status="pending")
    reply = at(2, parent=top)
    second = at(3)
    orphan = at(4, parent=held)  # its parent is not shown: it starts a thread of its own
    deep = at(5, parent=reply)
    late_reply = at(6, parent=top)
    last = at(7)

    items = thread_order(list(article.comments.approved()))
    assert [(i.comment, i.has_replies, len(i.closes)) for i in items] == [
        (top, True, 0),
        (reply, True, 0),
        (deep, False, 1),  # closes reply's list of replies
        (late_reply, False, 1),  # closes top's
        (second, False, 0),
        (orphan, False, 0),
        (last, False, 0),
    ]

    html = Client().get(article.get_absolute_url()).text
    area = html[html.index('<section id="comments"') : html.index('<div id="post-comment"')]
    parser = Nesting()
    parser.feed(area)
    assert parser.open == []  # every <ol> and <li> closed
    c = "c{}".format
    assert parser.found == [
        (c(top.pk), None),
        (c(reply.pk), c(top.pk)),
        (c(deep.pk), c(reply.pk)),
        (c(late_reply.pk), c(top.pk)),
        (c(second.pk), None),
        (c(orphan.pk), None),
        (c(last.pk), None),
    ]
    assert area.count('<ol class="comment-replies list-unstyled">') == 2
    assert area.count('<ol class="comment-list list-unstyled">') == 1
    reply_link = f'href="{article.get_absolute_url()}?replyto={deep.pk}#post-comment"'
    assert reply_link in area


def test_the_time_shown_is_the_date_filters(settings):
    settings.TIME_ZONE = "Asia/Kolkata"  # +05:30, so the local day and hour differ from UTC
    template = Template(
        '{% load comment_tags %}{{ when|comment_date }}|{{ when|date:"j F Y, H:i" }}'
    )
    for when in [
        datetime(2026, 1, 1, 0, 5, tzinfo=UTC),
        datetime(2025, 12, 31, 20, 0, tzinfo=UTC),
        datetime(2024, 2, 29, 9, 59, tzinfo=UTC),
    ]:
        ours, django = template.render(Context({"when": when})).split("|")
        assert ours == django
    assert ours == "29 February 2024, 15:29"


def form_html(html: str) -> str:
    start = html.index('<form method="post"')
    return html[start : html.index("</form>", start)]


def test_the_form_has_its_labels_autocomplete_limits_and_a_hidden_honeypot(client):
    form = form_html(client.get(make_article().get_absolute_url()).text)
    for name, kind, autocomplete in [
        ("name", "text", "name"),
        ("email", "email", "email"),
        ("website", "url", "url"),
    ]:
        field = re.search(rf'<input type="{kind}" name="{name}"[^>]*>', form).group()
        assert f'autocomplete="{autocomplete}"' in field and f'id="id_{name}"' in field
        assert f'<label for="id_{name}"' in form
    assert 'maxlength="100"' in form and 'maxlength="254"' in form and 'maxlength="200"' in form
    textarea = re.search(r"<textarea[^>]*>", form).group()
    assert "maxlength" not in textarea and "required" in textarea  # no silent cut of a paste
    assert 'data-max-length="5000"' in textarea
    assert 'aria-describedby="id_text_helptext"' in textarea
    assert (
        '<div id="id_text_helptext" class="form-text">Plain text, up to 5,000 characters.</div>'
        in form
    )
    assert '<div id="id_email_helptext" class="form-text">Never shown publicly.</div>' in form
    honeypot = form[form.index('<div class="hp-field" aria-hidden="true">') :]
    assert re.match(
        r'<div class="hp-field" aria-hidden="true">.*?<input type="text" name="leave_blank" '
        r'tabindex="-1" autocomplete="off"',
        honeypot,
        re.S,
    )
    assert '<input type="hidden" name="parent" id="id_parent">' in form
    assert re.search(r'<input type="hidden" name="token" value="[^"]+" id="id_token">', form)
    assert '<input type="submit" name="post" value="Post comment"' in form
    fields = form[form.index(">") + 1 :]  # the action names the summary it may come back to
    assert "error" not in fields and "is-invalid" not in fields


def test_each_error_is_shown_after_its_field_and_form_errors_above(client):
    article = make_article()
    response = client.post(
        reverse("comments:post", args=[article.slug]),
        comment_data(article, name="", email="bad", website="https://ok.example/?a=1&b=2",
                     text="Kept <text>", parent="999999", notify_replies="on"),
    )  # fmt: skip
    form = form_html(response.text)
    above = response.text[response.text.index('id="comment-errors"') : response.text.index(form)]
    assert "not available for replies" in above and "not available" not in form
    for name, error, described_by in [
        ("name", "This field is required.", "id_name_error"),
        ("email", "Enter a valid email address.", "id_email_helptext id_email_error"),
    ]:
        field = re.search(rf'<input [^>]*name="{name}"[^>]*>', form).group()
        assert "is-invalid" in field and 'aria-invalid="true"' in field
        assert f'aria-describedby="{described_by}"' in field
        after = form[form.index(field) :]
        assert after.index(f'<div id="id_{name}_error" class="invalid-feedback">') < after.index(
            error
        )
        assert after.index(error) < after.index("</div>\n</div>")  # inside the field's block
    website = re.search(r'<input [^>]*name="website"[^>]*>', form).group()
    assert 'value="https://ok.example/?a=1&amp;b=2"' in website and "is-invalid" not in website
    assert "Kept &lt;text&gt;</textarea>" in form
    assert 'id="id_notify_replies" checked>' in form
    assert '<input type="hidden" name="parent" value="999999" id="id_parent">' in form
