"""axe-core (WCAG 2.1 AA), the keyboard, and small screens."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ESSAY = "/essays/quiet-arithmetic-of-bus-lanes/"
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page):
    result = Axe().run(page, options=WCAG_AA)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
        for v in result.response["violations"]
    ]


def form_with_errors(page, site):
    page.goto(site.url + ESSAY)
    page.evaluate("document.querySelector('.comment-form').noValidate = true")
    page.locator("#id_email").fill("wrong")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Enter a valid email address.", exact=True)).to_be_visible()


@pytest.mark.parametrize(
    "name, path",
    [
        ("home", "/"),
        ("article with comments", ESSAY),
        ("comment form with errors", None),
        ("search results", "/search/?q=water"),
        ("archive", "/archive/"),
        ("author", "/authors/ines-carvalho/"),
        ("404", "/no-such-page/"),
    ],
)
def test_no_axe_violations(site, page, name, path):
    if path is None:
        form_with_errors(page, site)
    else:
        page.goto(site.url + path)
    assert violations(page) == [], name


def test_keyboard_only_reader_reaches_and_submits_the_comment_form(site, page):
    page.goto(site.url + ESSAY)
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Skip to main content")
    for _ in range(400):  # Tab until the Name field of the form has focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_name":
            break
    else:
        pytest.fail("the comment form cannot be reached with Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    shadow = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    assert outline != "none" or shadow != "none"  # focus is visible
    page.keyboard.type("Keyboard Reader")
    page.keyboard.press("Tab")
    page.keyboard.type("keys@example.org")
    page.keyboard.press("Tab")  # website
    page.keyboard.press("Tab")
    page.keyboard.type("Typed without a mouse.")
    while page.evaluate("document.activeElement.value") != "Post comment":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your comment is awaiting moderation")).to_be_visible()


@pytest.mark.parametrize("path", ["/", ESSAY, "/archive/", "/search/?q=water"])
def test_usable_at_320_pixels_and_at_200_percent_zoom(site, browser, path):
    for viewport, scale in (({"width": 320, "height": 800}, 1), ({"width": 640, "height": 800}, 2)):
        context = browser.new_context(viewport=viewport, device_scale_factor=scale)
        page = context.new_page()
        page.goto(site.url + path)
        if scale == 2:  # 200 % zoom of a 1280 px window: 640 CSS pixels wide
            assert page.evaluate("window.innerWidth") == 640
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, viewport, overflow)
        context.close()
