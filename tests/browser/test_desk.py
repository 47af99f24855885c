"""The moderation desk in Chromium: it fits the screen, works from the keyboard and without JS."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from comments.models import Comment
from tests.factories import make_comment

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
QUEUE = "/admin/comments/comment/"
LONG = (
    "A long comment that a moderator has to read in full before deciding, with a link to "
    "https://example.org/a/very/long/address/that/must/not/push/the/page/sideways/at/all "
    "and several sentences more. "
) * 4


@pytest.fixture
def queued(site):
    """Five more pending comments, newest first: Ada, Ben, Cai, Dee (a reply), Eve (long)."""
    article = Article.objects.get(slug="quiet-arithmetic-of-bus-lanes")
    answered = article.comments.approved().first()
    now = timezone.now()
    comments = []
    for n, name in enumerate(["Ada", "Ben", "Cai", "Dee", "Eve"]):
        comments.append(
            make_comment(
                article,
                status="pending",
                author_name=name,
                author_email=f"{name.lower()}@example.org",
                ip_address=f"198.51.100.{n + 1}",
                text=LONG if name == "Ada" else f"{name} thinks the essay is right.",
                held_reasons="Held for review (site policy)\nToo many links: 3 (more than 2)",
                parent=answered if name == "Dee" else None,
                created_at=now - timedelta(minutes=n),
            )
        )
    return comments


def open_queue(page, site, username="moderator"):
    """Log in on the way to the queue: the login page sends the moderator straight there."""
    page.goto(site.url + QUEUE)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("browser-pass-1")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderate comments")
    page.wait_for_load_state("load")  # desk.js (deferred) listens for keys from here on


def first_approve(page):
    return page.locator(".desk-card").first.get_by_role("button", name="Approve")


def no_sideways_scroll(page):
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def test_at_1280_the_first_approve_button_is_on_screen(site, queued, page, watch):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_queue(page, site)
    expect(page.locator("#nav-sidebar")).to_be_visible()  # the admin's sidebar takes its width
    expect(page.locator(".desk-card").first).to_contain_text("must/not/push")  # full text
    box = first_approve(page).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1280
    assert box["y"] >= 0 and box["y"] + box["height"] <= 800
    assert no_sideways_scroll(page)
    expect(page.locator("#desk-keys")).to_be_visible()


def test_at_390_px_the_first_approve_button_needs_no_sideways_scrolling(site, queued, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    open_queue(page, site)
    button = first_approve(page)
    button.scroll_into_view_if_needed()
    expect(button).to_be_in_viewport()
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert no_sideways_scroll(page)
    context.close()


def test_a_keyboard_only_moderator_approves_three_and_undoes_one(site, queued, page, watch):
    open_queue(page, site)
    live = page.locator("#desk-live")
    keyboard = page.keyboard
    keyboard.press("j")
    expect(page.locator(".desk-card").first).to_be_focused()
    keyboard.press("j")
    keyboard.press("k")  # back to the first
    expect(page.locator(".desk-card").first).to_be_focused()
    for name in ["Ada", "Ben", "Cai"]:
        keyboard.press("a")
        expect(live).to_have_text(f"Approved comment by {name}. Press u to undo.")
    expect(page.locator(".desk-card.is-done")).to_have_count(3)
    expect(page.locator(".desk-card").nth(3)).to_be_focused()  # Dee's, next in the queue
    # The status line stays on screen while the cards scroll: the undo hint is seen.
    box = live.bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]
    approved = Comment.objects.filter(status="approved", moderated_by__username="moderator")
    assert sorted(approved.values_list("author_name", flat=True)) == ["Ada", "Ben", "Cai"]

    keyboard.press("u")
    expect(live).to_have_text("Undone: the comment by Cai is pending again.")
    assert Comment.objects.get(author_name="Cai").status == "pending"
    assert approved.count() == 2
    expect(page.locator(".desk-card").nth(2)).to_be_focused()

    keyboard.press("s")  # Cai's again, now as spam
    expect(live).to_have_text("Marked comment by Cai as spam. Press u to undo.")
    assert Comment.objects.get(author_name="Cai").status == "spam"


def test_shortcuts_are_ignored_while_typing_in_the_search_box(site, queued, page, watch):
    open_queue(page, site)
    page.keyboard.press("j")
    page.locator("#searchbar").focus()
    page.keyboard.type("as")
    expect(page.locator("#searchbar")).to_have_value("as")
    assert not Comment.objects.filter(author_name="Ada").exclude(status="pending").exists()


def test_with_javascript_off_approve_is_a_plain_form_submission(site, queued, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    open_queue(page, site)
    expect(page.locator("#desk-keys")).to_be_hidden()  # no shortcuts without the script
    first_approve(page).click()
    expect(page.locator(".messagelist")).to_contain_text("Approved comment by Ada.")
    assert Comment.objects.get(author_name="Ada").status == "approved"
    expect(page.locator(".desk-card").first).to_contain_text("Ben")  # the queue moved on
    context.close()


def test_a_then_u_at_once_undoes_the_approval_still_on_its_way(site, queued, page, watch):
    open_queue(page, site)
    held = []  # the approval's request, kept waiting until u has been pressed
    page.route("**/moderate/approved/", lambda route: held.append(route))
    ada = page.locator(".desk-card").first
    page.keyboard.press("j")
    page.keyboard.press("a")
    expect(ada).to_have_attribute("aria-busy", "true")
    for _ in range(200):
        if held:
            break
        page.wait_for_timeout(25)
    assert held, "the approval was never sent"
    page.keyboard.press("u")
    held[0].continue_()
    expect(page.locator("#desk-live")).to_have_text("Undone: the comment by Ada is pending again.")
    expect(ada).not_to_have_attribute("aria-busy", "true")
    expect(ada).to_be_focused()
    ada_comment = Comment.objects.get(author_name="Ada")
    assert ada_comment.status == "pending"
    assert sorted(ada_comment.actions.values_list("status", flat=True)) == ["approved", "pending"]


def test_keys_with_a_modifier_or_mid_composition_do_nothing(site, queued, page, watch):
    open_queue(page, site)
    page.keyboard.press("j")
    ada = page.locator(".desk-card").first
    expect(ada).to_be_focused()
    for combo in ["Shift+A", "Shift+S", "Alt+a", "Meta+r"]:
        page.keyboard.press(combo)
    ada.dispatch_event("keydown", {"key": "a", "isComposing": True})  # an input method's key
    expect(ada).to_be_focused()
    page.keyboard.press("r")  # still on Ada's card: none of the keys above moved on
    expect(page.locator("#desk-live")).to_have_text("Removed comment by Ada. Press u to undo.")
    assert Comment.objects.get(author_name="Ada").status == "removed"
    others = Comment.objects.filter(author_name__in=["Ben", "Cai", "Dee", "Eve"])
    assert set(others.values_list("status", flat=True)) == {"pending"}


def test_the_shortcuts_work_on_a_page_without_the_key_legend(site, queued, page, watch):
    open_queue(page, site)

    def without_legend(route):
        response = route.fetch()
        body = re.sub(r'<p class="desk-keys".*?</p>', "", response.text(), flags=re.S)
        route.fulfill(response=response, body=body)

    page.route(lambda url: url == site.url + QUEUE, without_legend)
    page.reload()
    page.wait_for_load_state("load")
    expect(page.locator("#desk-keys")).to_have_count(0)
    page.keyboard.press("j")
    page.keyboard.press("a")
    expect(page.locator("#desk-live")).to_have_text("Approved comment by Ada. Press u to undo.")


def test_staff_who_may_only_view_comments_get_no_buttons_or_shortcuts(site, queued, page, watch):
    viewer = get_user_model().objects.create_user(
        "viewer", "viewer@example.org", "browser-pass-1", is_staff=True
    )
    viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
    open_queue(page, site, "viewer")
    expect(page.locator(".desk-card").first).to_contain_text("must/not/push")
    expect(page.locator(".desk-act")).to_have_count(0)
    expect(page.locator("#desk-keys")).to_have_count(0)
    page.keyboard.press("j")
    page.keyboard.press("a")
    expect(page.locator(".desk-card.is-current")).to_have_count(0)
    expect(page.locator("#desk-live")).to_be_empty()
    assert Comment.objects.get(author_name="Ada").status == "pending"
