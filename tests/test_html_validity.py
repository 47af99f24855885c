"""Every public page passes the Nu HTML Checker (vnu.jar from the npm registry, run with Java).

`make test` installs vnu-jar under .cache/vnu when npm is available; VNU_JAR overrides the path.
Without Java or the jar the test is skipped with the reason; CI installs both.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import comment_data, make_article, make_author, make_comment, make_topic

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = Path(
    os.environ.get("VNU_JAR", ROOT / ".cache/vnu/node_modules/vnu-jar/build/dist/vnu.jar")
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("java") is None, reason="Java is not installed"),
    pytest.mark.skipif(not VNU_JAR.exists(), reason=f"vnu.jar not found at {VNU_JAR}"),
]


def check_html(pages: dict[str, bytes], tmp_path) -> dict[str, list[str]]:
    """Run vnu once over all pages; returns {page name: [error messages]}."""
    files = {}
    for name, content in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_bytes(content)
        files[str(path)] = name
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", *files],
        capture_output=True,
        text=True,
        timeout=180,
    )
    report = json.loads(result.stderr or "{}")
    errors: dict[str, list[str]] = {}
    for message in report.get("messages", []):
        page = files.get(message.get("url", "").removeprefix("file:"), message.get("url"))
        errors.setdefault(page, []).append(
            f"line {message.get('lastLine')}: {message.get('message')} "
            f"[{message.get('extract', '').strip()}]"
        )
    return errors


def test_every_public_page_is_valid_html(client, tmp_path):
    topic, author = make_topic("Harbours"), make_author("Аня Ковалёва")
    article = make_article(
        "Cranes, quays — and the “last mile”",
        topics=[topic],
        authors=[author, make_author("Zoë Marchetti")],
        body="## A part\n\nText with *emphasis*, a [link](https://example.org/) and a list:\n\n"
        "- one\n- two\n\n> A quote.\n\n| a | b |\n|---|---|\n| 1 | 2 |",
    )
    make_article("Second essay", topics=[topic])
    first = make_comment(article, text="First!\n\nSee https://example.org/ <b>not bold</b>")
    make_comment(article, parent=first, author_url="https://example.org/me")
    when = article.published_at
    post_url = reverse("comments:post", args=[article.slug])
    pages = {
        "home": client.get(reverse("articles:home")),
        "article": client.get(article.get_absolute_url()),
        "article-reply": client.get(article.get_absolute_url(), {"replyto": first.pk}),
        "form-errors": client.post(post_url, comment_data(article, email="bad", name="")),
        "section": client.get(article.section.get_absolute_url()),
        "topic": client.get(topic.get_absolute_url()),
        "author": client.get(author.get_absolute_url()),
        "archive": client.get(reverse("articles:archive")),
        "month": client.get(
            reverse("articles:month", kwargs={"year": f"{when:%Y}", "month": f"{when:%m}"})
        ),
        "search-empty": client.get(reverse("articles:search")),
        "search-results": client.get(reverse("articles:search"), {"q": "essay"}),
        "search-none": client.get(reverse("articles:search"), {"q": "zzzz"}),
        "not-found": client.get("/no/such/page/"),
        "comments-closed": client.post(
            reverse("comments:post", args=[make_article(allow_comments=False).slug]),
            comment_data(article),
        ),
    }
    pages |= imported_blogger_pages(client)
    pages |= unsubscribe_pages(client, first)
    pages["too-many"] = too_many_comments_page(client, article)
    assert pages["form-errors"].status_code == 200
    assert pages["too-many"].status_code == 429
    assert pages["not-found"].status_code == 404
    errors = check_html({name: r.content for name, r in pages.items()}, tmp_path)
    assert errors == {}, json.dumps(errors, indent=2, ensure_ascii=False)


def test_every_page_has_one_h1_landmarks_and_a_skip_link(client):
    article = make_article()
    for url in [reverse("articles:home"), article.get_absolute_url(), reverse("articles:search")]:
        html = client.get(url).text
        assert html.count("<h1") == 1, url
        assert '<html lang="en">' in html
        for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
            assert landmark in html, (url, landmark)
        assert 'href="#main">Skip to main content</a>' in html


def imported_blogger_pages(client):
    """An essay and a page as the Blogger importer stores them (kept HTML, not Markdown)."""
    from articles.importers.blogger_html import clean_post_html
    from articles.models import Page

    body = clean_post_html(
        "<div>Line one<br /># not a heading</div><p>Text <span style='font-weight:bold'>bold"
        "</span> <table class='tr-caption-container'><tbody><tr><td><a href='https://1.bp."
        "blogspot.com/a/s1600/x.jpg'><img src='http://1.bp.blogspot.com/a/s320/x.jpg' /></a>"
        "</td></tr><tr><td class='tr-caption'>A caption</td></tr></tbody></table>"
        "<iframe src='https://www.youtube.com/embed/dQw4w9WgXcQ'></iframe>"
        "<script src='https://gist.github.com/octo/abc123.js'></script></p>"
    )
    article = make_article("Imported from Blogger", body=body)
    type(article).objects.filter(pk=article.pk).update(body_format="html")
    article.refresh_from_db()
    article.save()
    page = Page.objects.create(title="About", slug="about", body=body, body_format="html",
                               status=Page.Status.PUBLISHED)  # fmt: skip
    return {
        "imported-essay": client.get(article.get_absolute_url()),
        "page": client.get(page.get_absolute_url()),
    }


def too_many_comments_page(client, article):
    """The 429 page, which hands the reader's comment back in a form."""
    from django.test import override_settings

    with override_settings(COMMENTS_RATE_LIMIT="1/10m"):
        client.post(reverse("comments:post", args=[article.slug]), comment_data(article))
        return client.post(
            reverse("comments:post", args=[article.slug]), comment_data(article, text="Again")
        )


def unsubscribe_pages(client, comment):
    """The page a reply notice links to, in each of its states (GET asks, POST unsubscribes)."""
    import time_machine

    from comments.notifications import unsubscribe_token

    url = reverse("comments:unsubscribe", args=[unsubscribe_token(comment)])
    with time_machine.travel(0, tick=False):  # long before UNSUBSCRIBE_MAX_AGE
        expired = reverse("comments:unsubscribe", args=[unsubscribe_token(comment)])
    pages = {
        "unsubscribe-confirm": client.get(url),
        "unsubscribe-done": client.post(url, {"List-Unsubscribe": "One-Click"}),
        "unsubscribe-already": client.get(url),
        "unsubscribe-expired": client.get(expired),
        "unsubscribe-invalid": client.get(url[:-4] + "xyz/"),
    }
    statuses = {name: response.status_code for name, response in pages.items()}
    assert list(statuses.values()) == [200, 200, 200, 400, 400], statuses
    return pages
