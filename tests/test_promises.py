"""One test per privacy and safety promise, named after it.

Each was checked by deleting or loosening the rule it guards and watching it fail
(docs/mutation.md lists how; `make mutation` repeats that systematically). They go through
HTTP and public QuerySet methods only, so they keep working when modules move.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from tests.factories import (
    comment_data,
    make_article,
    make_author,
    make_comment,
    make_section,
    make_topic,
)

SECRET = "Secret"  # in every hidden essay's title, slug, standfirst and body


def post_comment(client, article, **data):
    url = reverse("comments:post", args=[article.slug])
    return client.post(url, comment_data(article, **data))


def moderate(moderator_client, comment, status):
    url = reverse("admin:comments_comment_moderate", args=[comment.pk, status])
    assert moderator_client.post(url).status_code in (200, 302)
    comment.refresh_from_db()
    assert comment.status == status


@pytest.fixture
def _mail_here(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://blog.example.org"


def inbox_of(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


# --- Drafts and scheduled essays ----------------------------------------------------------


@pytest.mark.django_db
def test_drafts_and_scheduled_essays_are_never_public(client):
    section, topic, author = make_section(), make_topic(), make_author()
    shared = {"section": section, "topics": [topic], "authors": [author]}
    now = timezone.now()
    older = make_article("Older essay", published_at=now - timedelta(days=3), **shared)
    visible = make_article(
        "Visible essay", published_at=now - timedelta(days=1), body="On aqueducts.", **shared
    )
    hidden = {
        "standfirst": f"{SECRET} standfirst.",
        "body": f"{SECRET} body about aqueducts and zeppelins.",
        **shared,
    }
    # A draft dated between the two public essays and a scheduled one after them: either
    # would be a previous/next neighbour, a related essay or a search hit if the rule slipped.
    draft = make_article(
        f"{SECRET} draft",
        slug="secret-draft",
        status=Article.Status.DRAFT,
        published_at=now - timedelta(days=2),
        **hidden,
    )
    scheduled = make_article(
        f"{SECRET} scheduled",
        slug="secret-scheduled",
        published_at=now + timedelta(hours=2),
        **hidden,
    )
    # Listings only the hidden essays use must not exist for readers either.
    lonely_section, lonely_topic, lonely_author = make_section(), make_topic(), make_author()
    make_article(
        f"{SECRET} lonely",
        slug="secret-lonely",
        status=Article.Status.DRAFT,
        published_at=None,
        section=lonely_section,
        topics=[lonely_topic],
        authors=[lonely_author],
    )

    for article in (draft, scheduled):
        assert client.get(article.get_absolute_url()).status_code == 404
        social = reverse("articles:social-image", args=[article.slug])
        assert client.get(social).status_code == 404
    for listing in (lonely_section, lonely_topic, lonely_author):
        assert client.get(listing.get_absolute_url()).status_code == 404

    when = timezone.localtime(visible.published_at)
    urls = [
        reverse("articles:home"),
        visible.get_absolute_url(),  # previous/next links, related essays, JSON-LD
        older.get_absolute_url(),
        section.get_absolute_url(),
        topic.get_absolute_url(),
        author.get_absolute_url(),
        reverse("articles:archive"),
        reverse("articles:month", kwargs={"year": f"{when:%Y}", "month": f"{when:%m}"}),
        reverse("articles:search") + "?q=aqueducts",
        reverse("articles:search") + "?q=zeppelins",
        reverse("articles:feed"),
        reverse("articles:feed-atom"),
        reverse("articles:section-feed", args=[section.slug]),
        reverse("articles:topic-feed", args=[topic.slug]),
        reverse("articles:author-feed", args=[author.slug]),
        reverse("sitemap"),
        reverse("django.contrib.sitemaps.views.sitemap", args=["essays"]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert SECRET not in text and "secret-" not in text, url
    # The pages did render their public essays, so the absence above means something.
    page = client.get(visible.get_absolute_url()).text
    assert older.get_absolute_url() in page  # its previous essay: the older one, not the draft
    assert '"headline": "Visible essay"' in page  # JSON-LD present
    assert "Older essay" in client.get(reverse("articles:feed")).text
    assert "Visible essay" in client.get(reverse("articles:search") + "?q=aqueducts").text
    # The public count of essays ignores them as well.
    assert list(Article.objects.published()) == [visible, older]


# --- Comments awaiting moderation, spam, removed -----------------------------------------


@pytest.mark.django_db
def test_pending_spam_and_removed_comments_are_seen_only_by_their_author(moderator_client):
    article = make_article()
    make_comment(article, text="An approved neighbour.")
    author, stranger = Client(), Client()
    assert post_comment(author, article, text="Held words").status_code == 302
    mine = Comment.objects.get(text="Held words")
    assert mine.status == Comment.Status.PENDING

    public_urls = [
        article.get_absolute_url(),
        reverse("comments:feed"),
        reverse("comments:feed-atom"),
        reverse("comments:article-feed", args=[article.slug]),
        reverse("articles:home"),
    ]

    # Another reader with a held comment of their own sees theirs, not this one.
    other = Client()
    assert post_comment(other, article, text="Other words").status_code == 302
    assert "Other words" in other.get(article.get_absolute_url()).text

    def seen_by_stranger() -> bool:
        readers = (stranger, other)
        return any("Held words" in r.get(url).text for url in public_urls for r in readers)

    def seen_by_author() -> bool:
        return "Held words" in author.get(article.get_absolute_url()).text

    assert seen_by_author() and not seen_by_stranger()
    assert "1 comment" in stranger.get(article.get_absolute_url()).text  # approved only
    assert "An approved neighbour." in stranger.get(article.get_absolute_url()).text

    moderate(moderator_client, mine, Comment.Status.SPAM)
    page = author.get(article.get_absolute_url()).text
    assert "Held words" in page and "Awaiting moderation" in page  # spam looks pending to them
    assert not seen_by_stranger()

    moderate(moderator_client, mine, Comment.Status.REMOVED)
    assert not seen_by_author() and not seen_by_stranger()

    # A comment the spam rules catch at once (the honeypot) behaves the same way.
    assert post_comment(author, article, text="Bot words", leave_blank="x").status_code == 302
    assert Comment.objects.get(text="Bot words").status == Comment.Status.SPAM
    assert "Bot words" in author.get(article.get_absolute_url()).text
    assert not any("Bot words" in stranger.get(url).text for url in public_urls)


# --- Emails and addresses -----------------------------------------------------------------


@pytest.mark.django_db
def test_commenter_emails_and_addresses_are_never_public(client, settings):
    settings.COMMENTS_MODERATION = "approve_all"
    article = make_article("Tramways")
    make_comment(
        article,
        author_name="Imported Ida",
        author_email="ida.private@example.org",
        ip_address="198.51.100.23",
        user_agent="IdaAgent/2.0",
    )
    posted = post_comment(
        Client(REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="SecretAgent/1.0"),
        article,
        name="Posting Pia",
        email="pia.private@example.org",
        text="Comment on tramways.",
    )
    assert posted.status_code == 302
    pia = Comment.objects.get(author_name="Posting Pia")
    # They are stored (the moderators see them), so their absence below is the promise.
    assert pia.status == Comment.Status.APPROVED
    assert (pia.author_email, pia.ip_address) == ("pia.private@example.org", "203.0.113.77")
    assert pia.user_agent == "SecretAgent/1.0"

    secrets = [
        "ida.private",
        "198.51.100.23",
        "IdaAgent",
        "pia.private",
        "203.0.113.77",
        "SecretAgent",
    ]
    urls = [
        article.get_absolute_url(),  # the thread and the JSON-LD
        f"{article.get_absolute_url()}?replyto={pia.pk}",  # "Replying to Posting Pia"
        reverse("comments:feed"),
        reverse("comments:feed-atom"),
        reverse("comments:article-feed", args=[article.slug]),
        reverse("articles:feed"),
        reverse("articles:home"),
        reverse("articles:search") + "?q=tramways",
        reverse("articles:search") + "?q=private",
        reverse("sitemap"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        for secret in secrets:
            assert secret not in text, (url, secret)
    page = client.get(article.get_absolute_url()).text
    assert "Posting Pia" in page and "Imported Ida" in page  # names are public


# --- Reply notices ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("_mail_here")
def test_reply_mail_goes_only_to_those_who_opted_in(settings, django_capture_on_commit_callbacks):
    settings.COMMENTS_MODERATION = "approve_all"
    article = make_article("Canals")
    asked = make_comment(article, author_email="asked@example.org", notify_replies=True)
    silent = make_comment(article, author_email="silent@example.org", notify_replies=False)

    with django_capture_on_commit_callbacks(execute=True):
        for parent in (asked, silent):
            response = post_comment(
                Client(), article, parent=parent.pk, text=f"Reply to {parent.author_email}"
            )
            assert response.status_code == 302
    replies = Comment.objects.filter(text__startswith="Reply to")
    assert {reply.in_reply_to for reply in replies} == {asked, silent}
    assert all(reply.status == Comment.Status.APPROVED for reply in replies)
    assert len(inbox_of("asked@example.org")) == 1
    notice = inbox_of("asked@example.org")[0].body
    assert "Reply to asked@example.org" in notice
    assert f"Hello {asked.author_name}," in notice
    reply = replies.get(in_reply_to=asked)
    assert f"https://blog.example.org{reply.get_absolute_url()}" in notice
    assert inbox_of("silent@example.org") == []

    # Answering oneself (in any letter case) is no news; a second reader's reply is.
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(Client(), article, parent=asked.pk, text="Me again", email="ASKED@example.org")
        post_comment(Client(), article, parent=asked.pk, text="Second reader")
    assert [m.body.count("Second reader") for m in inbox_of("asked@example.org")] == [0, 1]

    # Unsubscribing (the one-click link in the notice) stops the next ones.
    unsubscribe = inbox_of("asked@example.org")[0].extra_headers["List-Unsubscribe"].strip("<>")
    path = unsubscribe.removeprefix("https://blog.example.org")
    one_click = {"List-Unsubscribe": "One-Click"}
    assert Client().post(path, one_click).status_code == 200
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(Client(), article, parent=asked.pk, text="A later reply")
    assert Comment.objects.get(text="A later reply").in_reply_to == asked
    assert inbox_of("asked@example.org") == []


@pytest.mark.django_db
@pytest.mark.usefixtures("_mail_here")
def test_reply_mail_goes_only_after_approval(moderator_client, django_capture_on_commit_callbacks):
    article = make_article("Ferries")
    parent = make_comment(article, author_email="asker@example.org", notify_replies=True)

    with django_capture_on_commit_callbacks(execute=True):
        post_comment(Client(), article, parent=parent.pk, text="Held reply")
        post_comment(Client(), article, parent=parent.pk, text="Bot reply", leave_blank="x")
        post_comment(Client(), article, parent=parent.pk, text="Later reply")
    held = Comment.objects.get(text="Held reply")
    bot = Comment.objects.get(text="Bot reply")
    assert (held.status, bot.status) == (Comment.Status.PENDING, Comment.Status.SPAM)
    assert held.in_reply_to == bot.in_reply_to == parent
    assert inbox_of("asker@example.org") == []

    with django_capture_on_commit_callbacks(execute=True):
        moderate(moderator_client, bot, Comment.Status.REMOVED)
    for status in (Comment.Status.SPAM, Comment.Status.REMOVED, Comment.Status.PENDING):
        with django_capture_on_commit_callbacks(execute=True):
            moderate(moderator_client, held, status)
        assert inbox_of("asker@example.org") == [], status

    with django_capture_on_commit_callbacks(execute=True):
        moderate(moderator_client, held, Comment.Status.APPROVED)
    notices = inbox_of("asker@example.org")
    assert len(notices) == 1 and "Held reply" in notices[0].body
    assert "Bot reply" not in notices[0].body
    # Each reply is announced when it is approved, not before and not along with another.
    with django_capture_on_commit_callbacks(execute=True):
        moderate(moderator_client, Comment.objects.get(text="Later reply"), Comment.Status.APPROVED)
    assert ["Later reply" in m.body for m in inbox_of("asker@example.org")] == [False, True]


# --- The shared page cache ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_no_personal_page_enters_the_shared_cache(settings):
    """Real commits (purges run on commit), so the origin's page store behaves as in production."""
    settings.PAGE_CACHE_SECONDS = 3600
    article = make_article("Cached essay")
    url = article.get_absolute_url()
    author = Client()
    assert post_comment(author, article, text="Mine only").status_code == 302
    author.get(url)  # shows (and so uses up) the "awaiting moderation" message
    assert not author.cookies.get("messages") or not author.cookies["messages"].value
    own = author.get(url)  # what makes it personal now: only the session's own comments
    assert "Mine only" in own.text
    assert "private" in own["Cache-Control"] and "public" not in own["Cache-Control"]

    stranger = Client().get(url)
    assert stranger.status_code == 200 and "public" in stranger["Cache-Control"]
    assert "public" in Client().head(url)["Cache-Control"]  # HEAD is shared like GET
    assert "Mine only" not in stranger.text
    # The stranger's page is in the cache now; the author still gets their own.
    assert "Mine only" in author.get(url).text
    assert "Mine only" not in Client().get(url).text

    # The same holds for a signed-in reader.
    from tests.factories import make_editor

    editor = Client()
    editor.force_login(make_editor())
    assert "private" in editor.get(url)["Cache-Control"]


# --- Replies ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_replies_only_to_approved_comments(client):
    article = make_article()
    approved = make_comment(article, author_name="Ada Approved")
    pending = make_comment(article, status="pending", author_name="Pat Pending")
    spam = make_comment(article, status="spam", author_name="Sam Spam")
    removed = make_comment(article, status="removed", author_name="Rem Removed")

    for parent in (pending, spam, removed):
        response = post_comment(client, article, parent=parent.pk, text=f"Reply to {parent.pk}")
        assert response.status_code == 200, parent.status
        assert "not available for replies" in response.text
        page = client.get(f"{article.get_absolute_url()}?replyto={parent.pk}").text
        assert parent.author_name not in page, parent.status  # no "Replying to …" either
    assert not Comment.objects.filter(text__startswith="Reply to").exists()

    # Not even to one's own comment while it waits.
    author = Client()
    post_comment(author, article, text="My own held comment")
    own = Comment.objects.get(text="My own held comment")
    response = post_comment(author, article, parent=own.pk, text="Reply to myself")
    assert response.status_code == 200 and "not available for replies" in response.text
    assert not Comment.objects.filter(text="Reply to myself").exists()

    # The reply link's form, as the page hands it out (its own signed token), is accepted.
    page = client.get(f"{article.get_absolute_url()}?replyto={approved.pk}").text
    assert "Ada Approved" in page
    token = re.search(r'name="token" value="([^"]+)"', page)[1]
    data = {"token": token, "text": "Reply to the approved"}
    response = post_comment(client, article, parent=approved.pk, **data)
    assert response.status_code == 302
    assert Comment.objects.get(text="Reply to the approved").in_reply_to == approved
