"""Editing an essay in Chromium: the tall body box and its live preview, revision compare,
and an essay list that fits a laptop screen."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.test_journeys import login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
SLUG = "quiet-arithmetic-of-bus-lanes"


@pytest.fixture
def editor_page(site, page):
    page.set_viewport_size({"width": 1280, "height": 800})
    login(page, site, "editor")
    return page


def change_url(site):
    return site.url + f"/admin/articles/article/{Article.objects.get(slug=SLUG).pk}/change/"


def test_the_body_box_is_tall_and_the_preview_follows_typing(site, editor_page, watch):
    page = editor_page
    page.goto(change_url(site))
    body = page.locator("#id_body")
    lines = body.evaluate("el => el.clientHeight / parseFloat(getComputedStyle(el).lineHeight)")
    assert lines >= 25
    preview = page.locator(".essay-editor-preview")
    expect(preview.locator(".essay-title")).to_have_text("The Quiet Arithmetic of Bus Lanes")
    box, pane = body.bounding_box(), preview.bounding_box()
    assert pane["x"] >= box["x"] + box["width"]  # side by side at 1280 px
    assert pane["x"] + pane["width"] <= 1280

    body.fill("## Typed just now\n\nFresh **words** <script>alert(1)</script>")
    expect(preview.get_by_role("heading", name="Typed just now", level=2)).to_be_visible()
    expect(preview.locator(".essay-body strong")).to_have_text("words")
    expect(preview.locator(".essay-preview-status")).to_have_text("5 words, 1 min read")
    assert preview.locator("script").count() == 0
    page.get_by_label("Headline").fill("A headline typed now")
    expect(preview.locator(".essay-title")).to_have_text("A headline typed now")
    assert Article.objects.get(slug=SLUG).title == "The Quiet Arithmetic of Bus Lanes"


def test_on_a_phone_the_preview_is_a_tab(site, editor_page, watch):
    page = editor_page
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(change_url(site))
    expect(page.locator(".essay-editor-preview")).to_be_hidden()
    page.get_by_role("tab", name="As readers see it").click()
    expect(page.locator(".essay-editor-preview .essay-title")).to_be_visible()
    expect(page.locator("#id_body")).to_be_hidden()
    page.get_by_role("tab", name="Text").click()
    expect(page.locator("#id_body")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_without_javascript_the_preview_button_still_works(site, browser):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    login(page, site, "editor")
    page.goto(change_url(site))
    assert page.locator(".essay-editor").count() == 0
    page.locator("#id_body").fill("Changed with JavaScript off.")
    with page.expect_popup() as popup:
        page.get_by_role("button", name="Preview", exact=True).click()
    preview = popup.value
    expect(preview.locator(".essay-body")).to_contain_text("Changed with JavaScript off.")
    expect(preview.locator(".preview-banner")).to_contain_text(
        "Readers see the published version, not these unsaved changes."
    )
    context.close()


def test_history_compares_two_saves(site, editor_page, watch):
    page = editor_page
    page.goto(change_url(site))
    body = page.locator("#id_body")
    original = body.input_value()
    body.fill(original + "\n\nA first added paragraph.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.locator("#id_body").fill(original + "\n\nA second added paragraph.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.get_by_role("link", name="History").click()
    page.get_by_role("button", name="Compare selected revisions").click()
    expect(page.get_by_role("heading", name="Body")).to_be_visible()
    changed = page.locator(".diff-paragraph", has=page.locator("ins"))
    expect(changed.locator("del")).to_have_text("first")
    expect(changed.locator("ins")).to_have_text("second")
    expect(page.locator(".diff-unchanged").first).to_contain_text("unchanged paragraph")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_essay_list_fits_a_laptop_and_a_phone(site, editor_page, watch, width):
    page = editor_page
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(site.url + "/admin/articles/article/")
    expect(page.get_by_role("heading", name="Select essay to change")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    results = page.locator("#changelist .results")
    assert results.evaluate("el => el.scrollWidth <= el.clientWidth")  # nothing scrolls aside
    for column in [".column-pending", ".column-link"]:
        header = page.locator(f"#result_list thead th{column}").bounding_box()
        assert header["x"] >= 0 and header["x"] + header["width"] <= width, column
