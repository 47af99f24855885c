"""A reader posts a comment: post/redirect/get, their own pending comment, threads, closing."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from tests.factories import comment_data, make_article, make_comment

pytestmark = pytest.mark.django_db


def post(client, article, **data):
    return client.post(reverse("comments:post", args=[article.slug]), comment_data(article, **data))


def test_post_redirect_get_with_notice_and_own_pending_comment(client):
    article = make_article()
    response = post(client, article, text="My first thought.\n\nAnd a second paragraph.")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#c{comment.pk}"
    assert comment.status == Comment.Status.PENDING

    page = client.get(article.get_absolute_url())
    assert "Your comment is awaiting moderation" in page.text
    assert "My first thought." in page.text and "Awaiting moderation" in page.text
    assert "<p>My first thought.</p>\n\n<p>And a second paragraph.</p>" in page.text
    assert "No comments" in page.text  # the count is of approved comments only

    stranger = Client().get(article.get_absolute_url())
    assert "My first thought." not in stranger.text


def test_form_error_keeps_what_was_typed_next_to_the_field(client):
    article = make_article()
    response = post(client, article, email="not-an-email", text="Keep this text, please.")
    assert response.status_code == 200
    assert Comment.objects.count() == 0
    assert "Keep this text, please.</textarea>" in response.text
    canonical = f'<link rel="canonical" href="http://testserver{article.get_absolute_url()}">'
    assert canonical in response.text
    assert 'value="not-an-email"' in response.text
    assert "Enter a valid email address." in response.text
    field = response.text.index('id="id_email"')
    assert response.text.index("<strong>Enter a valid email address.</strong>", field) > field


def test_logged_in_user_gets_name_and_email_filled_in(client):
    user = get_user_model().objects.create_user(
        "ines", email="ines@example.org", first_name="Inés", last_name="Carvalho"
    )
    client.force_login(user)
    page = client.get(make_article().get_absolute_url())
    assert 'value="Inés Carvalho"' in page.text
    assert 'value="ines@example.org"' in page.text


def test_comment_records_the_user_and_address(client):
    user = get_user_model().objects.create_user("reader", email="r@example.org")
    client.force_login(user)
    article = make_article()
    post(client, article, REMOTE_ADDR="203.0.113.9")
    client.post(
        reverse("comments:post", args=[article.slug]),
        comment_data(article, text="Second"),
        REMOTE_ADDR="203.0.113.9",
    )
    comment = Comment.objects.get(text="Second")
    assert comment.user == user and comment.ip_address == "203.0.113.9"


def test_approve_all_policy_publishes_at_once(client, settings):
    settings.COMMENTS_MODERATION = "approve_all"
    article = make_article()
    response = post(client, article, text="Straight on the page.")
    assert Comment.objects.get().status == Comment.Status.APPROVED
    page = client.get(response["Location"])
    assert "your comment is published" in page.text
    assert "1 comment</h2>" in page.text
    assert "Straight on the page." in Client().get(article.get_absolute_url()).text


def test_reply_link_and_reply_threading(client, settings):
    settings.COMMENTS_MODERATION = "approve_all"
    article = make_article()
    top = make_comment(article, text="Top-level comment")
    page = client.get(article.get_absolute_url())
    reply_url = f"{article.get_absolute_url()}?replyto={top.pk}#post-comment"
    assert f'href="{reply_url}"' in page.text
    reply_form = client.get(article.get_absolute_url(), {"replyto": top.pk})
    assert f'name="parent" value="{top.pk}"' in reply_form.text
    assert "Replying to" in reply_form.text

    post(client, article, parent=top.pk, text="A reply")
    reply = Comment.objects.get(text="A reply")
    assert reply.parent == top and reply.depth == 1
    html = client.get(article.get_absolute_url()).text
    nested = html[html.index(f'id="c{top.pk}"') :]
    assert nested.index('class="comment-replies') < nested.index("A reply")


def test_replies_deeper_than_the_limit_attach_to_the_deepest_level(client, settings):
    settings.COMMENTS_MODERATION = "approve_all"
    settings.COMMENTS_MAX_DEPTH = 3
    article = make_article()
    level0 = make_comment(article)
    level1 = make_comment(article, parent=level0)
    level2 = make_comment(article, parent=level1)
    post(client, article, parent=level2.pk, text="Too deep")
    deep = Comment.objects.get(text="Too deep")
    assert deep.parent == level1 and deep.depth == 2


def test_reply_to_unapproved_or_other_articles_comment_is_a_form_error(client):
    article, other = make_article(), make_article()
    pending = make_comment(article, status="pending")
    elsewhere = make_comment(other)
    for parent in (pending, elsewhere):
        response = post(client, article, parent=parent.pk, text=f"Reply to {parent.pk}")
        assert response.status_code == 200
        assert "not available for replies" in response.text
    assert not Comment.objects.filter(text__startswith="Reply to").exists()


def test_comments_closed_by_the_switch(client):
    article = make_article(allow_comments=False)
    page = client.get(article.get_absolute_url())
    assert "Comments are closed." in page.text and 'name="text"' not in page.text
    response = post(client, article)
    assert response.status_code == 403
    assert "Comments are closed." in response.text
    assert not Comment.objects.exists()


def test_comments_close_automatically_after_the_configured_days(client, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    old = make_article(published_at=timezone.now() - timedelta(days=31))
    fresh = make_article(published_at=timezone.now() - timedelta(days=29))
    assert "Comments are closed." in client.get(old.get_absolute_url()).text
    assert post(client, old).status_code == 403
    assert post(client, fresh).status_code == 302


def test_comments_never_close_by_default(client):
    ancient = make_article(published_at=timezone.now() - timedelta(days=5000))
    assert post(client, ancient).status_code == 302


def test_posting_to_draft_scheduled_or_unknown_essay_is_404(client):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    scheduled = make_article(published_at=timezone.now() + timedelta(days=1))
    assert post(client, draft).status_code == 404
    assert post(client, scheduled).status_code == 404
    assert client.post(reverse("comments:post", args=["nope"]), {}).status_code == 404
    assert not Comment.objects.exists()


def test_get_on_the_post_url_is_not_allowed(client):
    article = make_article()
    assert client.get(reverse("comments:post", args=[article.slug])).status_code == 405


def test_hostile_text_is_shown_escaped_with_links_marked_ugc(client):
    article = make_article()
    make_comment(
        article,
        author_name='<img src=x onerror="alert(1)">',
        author_url="javascript:alert(2)",
        text='<script>alert("x")</script> see https://example.org/a?b=1&c=2 <b onmouseover=x>',
    )
    html = client.get(article.get_absolute_url()).text
    assert "<script>alert" not in html and "<b onmouseover" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert 'href="javascript:' not in html
    assert (
        '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">'
        "https://example.org/a?b=1&amp;c=2</a>" in html
    )


def test_commenter_website_links_with_ugc_rel(client):
    article = make_article()
    make_comment(article, author_name="Webby", author_url="https://webby.example.org/")
    html = client.get(article.get_absolute_url()).text
    assert '<a href="https://webby.example.org/" rel="nofollow ugc noopener">Webby</a>' in html


def test_commenter_email_and_address_never_shown(client):
    article = make_article()
    make_comment(article, author_email="secret@example.org", ip_address="198.51.100.7")
    for url in [
        article.get_absolute_url(),
        reverse("comments:feed"),
        reverse("comments:article-feed", args=[article.slug]),
    ]:
        text = client.get(url).text
        assert "secret@example.org" not in text and "198.51.100.7" not in text


def summary_of(html: str) -> str:
    start = html.index('<div id="comment-errors"')
    return html[start : html.index("</div>", start)]


def test_a_refused_comment_returns_to_the_form_with_a_summary_of_what_to_fix(client):
    article = make_article()
    response = post(client, article, name="   ", website="javascript:alert(1)", text="Kept.")
    assert response.status_code == 200 and not Comment.objects.exists()
    post_url = reverse("comments:post", args=[article.slug])
    # The browser shows the answer to a POST at the action's fragment: the form, not the top.
    assert f'<form method="post" action="{post_url}#comment-errors"' in response.text
    area = response.text[response.text.index('<div id="post-comment"') :]
    summary = summary_of(area)
    assert area.index('id="comment-errors"') < area.index("<form")  # at the top of the area
    assert 'tabindex="-1"' in summary and 'role="alert"' in summary
    assert "Your comment was not posted" in summary
    assert '<a href="#id_name">Name: This field is required.</a>' in summary
    assert '<a href="#id_website">Website: Enter a valid URL.</a>' in summary
    assert 'href="#id_email"' not in summary and 'href="#id_text"' not in summary
    # And each message is still next to its own field.
    assert 'aria-describedby="id_name_error" dir="auto" id="id_name"' in area
    assert '<div id="id_website_error" class="invalid-feedback">' in area


def test_errors_of_the_whole_form_are_in_the_summary(client):
    article = make_article()
    gone = post(client, article, parent="999999", text="A reply to nothing")
    assert "not available for replies" in summary_of(gone.text)
    stale = post(client, article, seconds_ago=25 * 3600, text="Left open overnight")
    assert "open for too long" in summary_of(stale.text)


def test_a_page_without_errors_has_no_summary(client):
    page = client.get(make_article().get_absolute_url())
    assert 'id="comment-errors"' not in page.text
    assert "comment-form.js" in page.text and "defer" in page.text


def test_names_and_comments_show_in_their_own_direction(client):
    article = make_article()
    make_comment(article, author_name="سارة", text="هذا تعليق باللغة العربية")
    html = client.get(article.get_absolute_url()).text
    assert '<span class="comment-author" dir="auto">سارة</span>' in html
    assert '<div class="comment-text" dir="auto"><p>هذا تعليق باللغة العربية</p></div>' in html
    for field in ("name", "email", "website"):
        assert re.search(rf'<input type="\w+" name="{field}"[^>]* dir="auto"', html)
    assert re.search(r'<textarea name="text"[^>]* dir="auto"', html)


def test_the_replying_to_name_shows_in_its_own_direction(client):
    article = make_article()
    top = make_comment(article, author_name="سارة")
    page = client.get(article.get_absolute_url(), {"replyto": top.pk})
    assert f'<a href="#c{top.pk}" dir="auto">سارة</a>' in page.text


def test_the_anonymous_essay_page_is_the_same_for_everyone_and_remembers_no_one(
    client, time_machine
):
    """Remembering a commenter is comment-form.js's job, in their browser: the server puts
    nobody's details into an essay page, which is cached and shared."""
    article = make_article()
    details = {"name": "Ana Lima", "email": "ana@example.org", "website": "https://ana.example/"}
    assert post(client, article, text="Remember me?", **details).status_code == 302
    time_machine.move_to(timezone.now(), tick=False)  # the form's token is timed
    first, second = (
        Client().get(article.get_absolute_url()),
        Client().get(article.get_absolute_url()),
    )
    assert first.content == second.content
    for value in details.values():
        assert value not in first.text
    assert not re.search(r'<input type="(text|email|url)" name="\w+" value=', first.text)
    assert not first.cookies


def test_editing_only_the_text_updates_the_page_and_keeps_other_changes(client):
    article = make_article()
    comment = make_comment(article, text="First wording.")
    stale = Comment.objects.get(pk=comment.pk)
    Comment.objects.filter(pk=comment.pk).update(author_name="Renamed Reader")
    stale.text = "Second wording."
    stale.save(update_fields=["text"])
    page = client.get(article.get_absolute_url()).text
    assert "Second wording." in page and "First wording." not in page
    assert "Renamed Reader" in page  # the stale copy's other fields were not written back


def test_an_essay_whose_only_comment_is_held_says_no_comments(client):
    article = make_article("Quiet essay")
    make_comment(article, status="pending")  # counts are refreshed as on every status change
    home = client.get(reverse("articles:home")).text
    assert "No comments<span" in home and "1 comment" not in home
