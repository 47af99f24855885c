"""Our WXR read back by our own import_wordpress (the contract's two sides together).

What WXR cannot carry (microseconds, characters XML forbids, author photos, the blocklist) and
what the importer makes anew (ids, slugs of topics) are the JSON archive's job; this checks
what a move between two Essay Review sites by WXR keeps.
"""

import io

from django.core.management import call_command

from articles.models import Article, Page
from comments.models import Comment, ModerationAction
from exports.wxr import write_wxr
from tests.exports.test_restore import CONTENT

ESSAY_FIELDS = (
    "title", "slug", "body", "body_format", "status", "published_at", "updated_at",
    "allow_comments", "seo_title", "seo_description", "section__name",
)  # fmt: skip
COMMENT_FIELDS = (
    "article__slug", "author_name", "author_email", "author_url", "text", "status",
    "held_reasons", "ip_address", "notify_replies", "in_reply_to__text",
)  # fmt: skip


def essays():
    return sorted(Article.objects.values_list(*ESSAY_FIELDS))


def comments():
    return sorted(Comment.objects.values_list(*COMMENT_FIELDS), key=repr)


def test_import_wordpress_reads_our_file_back(site, tmp_path):
    site.html_essay.body = "<p>Plain HTML</p>"  # XML cannot carry the \x01 of the fixture
    site.html_essay.save()
    path = tmp_path / "site.wxr.xml"
    with path.open("w", encoding="utf-8") as out:
        write_wxr(out)
    before = (essays(), comments(), sorted(Page.objects.values_list("slug", "status", "body")))
    bylines = {a.slug: [x.slug for x in a.author_list] for a in Article.objects.all()}
    history = sorted(ModerationAction.objects.values_list("comment__text", "status", "moderator"))
    for model in CONTENT:
        model._default_manager.all().delete()

    call_command("import_wordpress", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    assert essays() == before[0]
    assert comments() == before[1]
    assert sorted(Page.objects.values_list("slug", "status", "body")) == before[2]
    assert {a.slug: [x.slug for x in a.author_list] for a in Article.objects.all()} == bylines
    moved = sorted(ModerationAction.objects.values_list("comment__text", "status", "moderator"))
    assert moved == history
