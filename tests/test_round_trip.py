"""Leaving and coming back loses nothing: the demo site plus every Blogger corpus file →
`export_site` → an emptied database → `import_wordpress` (the WXR file) or `import_archive`
(the JSON archive) → the same public pages, statuses, comments and threads.
"""

import html
import io
import re
from collections import Counter
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from articles.models import Article, Author, ImportRun, LegacyRedirect, Page, Section, Topic
from comments.models import BlocklistEntry, Comment, ModerationAction

pytestmark = [pytest.mark.django_db, pytest.mark.heavy]
BLOGGER_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "blogger"


def essays() -> dict:
    return {
        a.slug: {
            "title": a.title,
            "status": a.status,
            "published_at": a.published_at,
            "updated_at": a.updated_at,
            "standfirst": a.standfirst,
            "body": a.body,
            "body_format": a.body_format,
            "body_html": a.body_html,
            "section": a.section.name,
            "section_about": a.section.description,
            "allow_comments": a.allow_comments,
            "seo": (a.seo_title, a.seo_description),
            "comment_count": a.comment_count,
            "authors": [(b.author.name, b.author.slug, b.author.bio) for b in a.bylines.all()],
            "topics": sorted((t.name, t.slug, t.description) for t in a.topics.all()),
        }  # fmt: skip
        for a in Article.objects.select_related("section").prefetch_related(
            "bylines__author", "topics"
        )
    }


def pages() -> dict:
    return {
        p.slug: (p.title, p.status, p.position, p.body_format, p.body_html)
        for p in Page.objects.all()
    }


def comments() -> set:
    def who(comment):
        return (comment.author_name, comment.text) if comment else None

    return {
        (
            c.article.slug,
            c.author_name,
            c.author_email,
            c.author_url,
            c.ip_address,
            c.text,
            c.status,
            c.created_at,
            c.notify_replies,
            who(c.in_reply_to),
            who(c.parent),
            c.depth,
            tuple((a.status, a.created_at) for a in c.actions.order_by("created_at", "id")),
        )  # fmt: skip
        for c in Comment.objects.select_related("article", "in_reply_to", "parent")
    }


def redirects() -> set:
    return {
        (r.old_path, type(r.target).__name__, r.target.slug)
        for r in LegacyRedirect.objects.select_related(*LegacyRedirect.TARGETS)
    }


def public_pages(client) -> dict:
    """What an anonymous reader reads, as text, on every public page, every essay with
    comments and the first four essays of each section.

    Every essay's rows are compared field by field above; its page adds what rows do not show
    (order among equals, the thread as laid out, related and neighbouring essays), which this
    sample covers in every section. All 171 essays, three times over, took half the test.
    """
    urls, per_section = [], Counter()
    essays = Article.objects.published().select_related("section")
    for essay in essays.order_by("section__name", "published_at", "slug"):
        per_section[essay.section.name] += 1
        if essay.comment_count or per_section[essay.section.name] <= 4:
            urls.append(essay.get_absolute_url())
    urls += [p.get_absolute_url() for p in Page.objects.published()]
    shown = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        main = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
        main = re.sub(r'(id|href|for|action|value)="[^"]*"', "", main)  # row ids differ
        shown[url] = " ".join(html.unescape(re.sub(r"<[^>]*>", " ", main)).split())
    return shown


def snapshot(client) -> dict:
    return {
        "blocklist": set(BlocklistEntry.objects.values_list("kind", "value", "note")),
        "essays": essays(),
        "pages": pages(),
        "comments": comments(),
        "redirects": redirects(),
        "public": public_pages(client),
    }


def empty_the_site() -> None:
    BlocklistEntry.objects.all().delete()
    ModerationAction.objects.all().delete()
    Comment.objects.all().delete()
    LegacyRedirect.objects.all().delete()
    Article.objects.all().delete()
    for model in (Page, Section, Topic, Author, ImportRun):
        model.objects.all().delete()


@pytest.fixture
def site(db, client, tmp_path):
    """The demo site with every Blogger corpus file imported and some moderation done."""
    call_command("load_demo", verbosity=0)
    for path in sorted(BLOGGER_CORPUS.iterdir()):
        call_command("import_blogger", str(path), stdout=io.StringIO())
    reply_to = Comment.objects.filter(status=Comment.Status.APPROVED).first()
    Comment.objects.create(
        article=reply_to.article, parent=reply_to, in_reply_to=reply_to, depth=1,
        author_name="Held Reader", author_email="held@example.org", text="Still waiting.",
        status=Comment.Status.PENDING, ip_address="198.51.100.7", notify_replies=True,
    )  # fmt: skip
    moderator = User.objects.create_user("mod", password="x")
    ModerationAction.objects.create(
        comment=reply_to, moderator=moderator, status=Comment.Status.APPROVED
    )
    BlocklistEntry.objects.create(
        kind=BlocklistEntry.Kind.EMAIL, value="spam@example.net", note="bot"
    )
    call_command("export_site", output=str(tmp_path), stdout=io.StringIO())
    return snapshot(client)


WXR_PARTS = ("essays", "pages", "comments", "redirects", "public")


def differences(before: dict, after: dict, parts=WXR_PARTS) -> list:
    """Readable differences: (part, key, field) for dicts of dicts, else the sets' differences."""
    found = []
    for part in parts:
        old, new = before[part], after[part]
        if isinstance(old, set):
            found += [(part, "lost", row) for row in old - new]
            found += [(part, "added", row) for row in new - old]
            continue
        for key in old.keys() | new.keys():
            a, b = old.get(key), new.get(key)
            if isinstance(a, dict) and isinstance(b, dict):
                found += [(part, key, f, a[f], b.get(f)) for f in a if a[f] != b.get(f)]
            elif a != b:
                found.append((part, key, a, b))
    return found


def test_both_exports_restore_the_site_with_nothing_lost(site, client, tmp_path):
    """One test for both, as building the site is most of the time."""
    (wxr,) = tmp_path.glob("*.wxr.xml")
    empty_the_site()
    call_command("import_wordpress", str(wxr), stdout=io.StringIO(), stderr=io.StringIO())
    found = differences(site, snapshot(client))
    assert not found, "WXR:\n" + "\n".join(repr(row)[:400] for row in found[:12])

    (archive,) = tmp_path.glob("*.zip")
    empty_the_site()
    call_command("import_archive", str(archive), stdout=io.StringIO())
    # WXR has no place for the blocklist; the JSON archive has.
    found = differences(site, snapshot(client), (*WXR_PARTS, "blocklist"))
    assert not found, "JSON:\n" + "\n".join(repr(row)[:400] for row in found[:12])
