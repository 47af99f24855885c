"""`make screenshots` saves PNGs of the key pages into docs/screenshots/ (not run by `make test`)."""

from pathlib import Path

import pytest

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
    page.locator("#post-comment").scroll_into_view_if_needed()
    page.screenshot(path=OUT / f"comment-form-errors-{device}.png", full_page=False)
    login(page, site, "moderator")
    page.goto(site.url + "/admin/comments/comment/")
    page.screenshot(path=OUT / f"moderation-queue-{device}.png", full_page=False)
    page.context.clear_cookies()
    login(page, site, "editor")
    page.goto(site.url + "/admin/articles/article/1/change/")
    page.screenshot(path=OUT / f"article-editor-{device}.png", full_page=False)
    context.close()
