"""A small site with one of everything an export must carry."""

import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Article, Image, LegacyRedirect, Page
from comments.models import BlocklistEntry, Comment
from comments.services import moderate_comments
from tests.factories import (
    make_article,
    make_author,
    make_comment,
    make_moderator,
    make_section,
    make_topic,
)


@pytest.fixture(autouse=True)
def _private_folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EXPORTS_ROOT = tmp_path / "exports"
    settings.SITE_URL = "https://essays.example.org"


def png(colour="navy") -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), colour).save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class Site:
    published: Article
    draft: Article
    scheduled: Article
    html_essay: Article
    page: Page
    draft_page: Page
    image: Image
    approved: Comment
    reply: Comment
    deep_reply: Comment
    pending: Comment
    spam: Comment
    removed: Comment


def build_site() -> Site:
    now = timezone.now()
    section = make_section("Politics & Power", description="Who decides <and> how.")
    cities, water = make_topic("Cities"), make_topic("Water")
    ines = make_author("Inês Carvalho", bio="Writes on cities.\r\nSecond line ]]> kept.")
    ines.photo.save("ines.png", ContentFile(png("teal")), save=True)
    tom = make_author("Tom Okafor")
    name = default_storage.save("images/2026/12/river.png", ContentFile(png()))
    image = Image.objects.create(
        file=name, alt_text="A river at dusk", caption="The Douro", credit="Photo: A. Lens"
    )
    published = make_article(
        "Rivers & Their Cities",
        section=section,
        authors=[ines, tom],
        topics=[cities, water],
        standfirst="Why <rivers> matter.",
        body=f"Rivers run through *cities*.\r\n\r\n[image:{image.pk}]\r\n\r\nThe end.",
        featured_image=image,
        seo_title="Rivers",
        updated_at=now - timedelta(minutes=5),
    )
    Article.objects.filter(pk=published.pk).update(source_id="tag:blogger.com,1999:post-1")
    published.refresh_from_db()
    draft = make_article("An unfinished draft", status="draft", published_at=None, section=section)
    scheduled = make_article(
        "Next week's essay", published_at=now + timedelta(days=7), section=section, authors=[tom]
    )
    html_essay = make_article(
        "Old HTML post",
        section=section,
        authors=[ines],
        body_format="html",
        body="<p>Code: a[b[0]]> c \x01 end</p>",
        allow_comments=False,
    )
    LegacyRedirect.objects.create(old_path="/2019/03/rivers.html", article=published)
    page = Page.objects.create(title="About", slug="about", body="About *us*.", status="published")
    draft_page = Page.objects.create(title="Secret", slug="secret", body="Not yet.", position=2)
    LegacyRedirect.objects.create(old_path="/p/about.html", page=page)

    moderator = make_moderator()
    approved = make_comment(
        published,
        text="First!\nSecond line.",
        ip_address="192.0.2.7",
        notify_replies=True,
        author_url="https://reader.example.net/",
        author_email="first.reader@example.org",
    )
    reply = make_comment(published, parent=approved, text="A reply.")
    deep_reply = make_comment(
        published, parent=approved, in_reply_to=reply, text="Answered too deep."
    )
    pending = make_comment(
        published, status="pending", held_reasons="first comment\ncontains a link"
    )
    spam = make_comment(published, status="pending", text="Buy now")
    removed = make_comment(scheduled, text="Rude.")
    moderate_comments(comments=[spam], status="spam", moderator=moderator)
    moderate_comments(comments=[removed], status="removed", moderator=moderator)
    moderate_comments(comments=[removed], status="approved", moderator=None)
    moderate_comments(comments=[removed], status="removed", moderator=moderator)
    for item in (spam, removed):
        item.refresh_from_db()
    BlocklistEntry.objects.create(kind="ip", value="203.0.113.0/24", note="a bot farm")
    BlocklistEntry.objects.create(kind="word", value="casino")
    return Site(
        published, draft, scheduled, html_essay, page, draft_page, image,
        approved, reply, deep_reply, pending, spam, removed,
    )  # fmt: skip


@pytest.fixture
def site(db):
    return build_site()
