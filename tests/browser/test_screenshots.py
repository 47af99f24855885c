"""`make screenshots` saves PNGs of the key pages into docs/screenshots/ (not run by `make test`)."""

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article

pytestmark = [
    pytest.mark.screenshots,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
ESSAY = "/essays/quiet-arithmetic-of-bus-lanes/"


def login(page, site, username):
    page.goto(site.url + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("browser-pass-1")
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize("device", WIDTHS)
def test_screenshots(site, browser, device):
    OUT.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=WIDTHS[device])
    page = context.new_page()
    page.goto(site.url + "/")
    page.screenshot(path=OUT / f"home-{device}.png", full_page=False)
    page.goto(site.url + ESSAY)
    page.screenshot(path=OUT / f"article-{device}.png", full_page=False)
    page.evaluate("document.querySelector('.comment-form').noValidate = true")
    page.locator("#id_email").fill("not-an-email")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("#comment-errors")).to_be_in_viewport()  # the refused form's summary
    page.wait_for_timeout(1000)  # the page's smooth scroll comes to rest
    page.screenshot(path=OUT / f"comment-form-errors-{device}.png", full_page=False)
    page.goto(site.url + "/search/?q=water+-lane")
    page.screenshot(path=OUT / f"search-{device}.png", full_page=False)
    login(page, site, "moderator")
    page.goto(site.url + "/admin/comments/comment/")
    page.screenshot(path=OUT / f"moderation-queue-{device}.png", full_page=False)
    page.context.clear_cookies()
    login(page, site, "editor")
    page.goto(site.url + "/admin/articles/article/")
    page.screenshot(path=OUT / f"essay-list-{device}.png", full_page=False)
    essay = Article.objects.get(slug=ESSAY.strip("/").split("/")[-1])
    page.goto(site.url + reverse("admin:articles_article_change", args=[essay.pk]))
    body = page.locator("#id_body")
    body.scroll_into_view_if_needed()
    page.wait_for_timeout(1000)  # the live preview renders after a pause in typing
    page.screenshot(path=OUT / f"article-editor-{device}.png", full_page=False)
    # Two saves, then the difference between them.
    text = body.input_value()
    for words in ("A paragraph added for the record.", "A paragraph rewritten for the record."):
        page.locator("#id_body").fill(f"{text}\n\n{words}")
        page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_role("link", name="History").click()
    page.get_by_role("button", name="Compare selected revisions").click()
    page.locator(".diff-paragraph ins").first.scroll_into_view_if_needed()
    page.screenshot(path=OUT / f"revision-diff-{device}.png", full_page=False)
    context.close()
