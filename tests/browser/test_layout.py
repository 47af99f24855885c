"""The reading layout: one centred column on every page, a comfortable measure, whole phrases."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ESSAY = "/essays/quiet-arithmetic-of-bus-lanes/"

# Characters a full line of body text holds: the text's width in its own font, over the column.
CHARS_PER_LINE = """() => {
  const p = document.querySelector('.essay-body p');
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = getComputedStyle(p).font;
  return p.textContent.length / (ctx.measureText(p.textContent).width / p.clientWidth);
}"""

# Meta phrases that must never break across lines: each renders as a single line box.
BROKEN_PHRASES = """() => [...document.querySelectorAll(
    '.essay-meta time, .essay-meta .meta-item, .essay-meta > a, .byline a')]
  .filter(el => new Set([...el.getClientRects()].map(r => Math.round(r.top))).size > 1)
  .map(el => el.textContent)"""


def column(page, selector):
    box = page.locator(selector).first.bounding_box()
    return round(box["x"]), round(box["x"] + box["width"])


def test_list_pages_share_the_essay_pages_centred_column(site, page, watch):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site.url + ESSAY)
    essay = column(page, ".essay-body")
    left, right = essay
    assert abs((1280 - right) - left) <= 16, "the essay column is centred"
    for path in ("/", "/archive/", "/search/?q=water"):
        page.goto(site.url + path)
        assert column(page, "main h1")[0] == left, path
        card = column(page, "main .essay-card, main .archive-months")
        assert card[0] == left and card[1] <= right, path


def test_essay_measure_is_comfortable_on_a_laptop(site, page, watch):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site.url + ESSAY)
    assert 60 <= page.evaluate(CHARS_PER_LINE) <= 75


@pytest.mark.parametrize("width", [390, 1280])
def test_meta_lines_break_between_phrases_not_inside_them(site, page, watch, width):
    page.set_viewport_size({"width": width, "height": 800})
    for path in ("/", ESSAY):
        page.goto(site.url + path)
        assert page.locator(".essay-meta .meta-item").count() > 0
        assert page.evaluate(BROKEN_PHRASES) == [], path


def test_every_page_has_a_favicon(site, page, watch):
    page.goto(site.url + "/")
    icon = page.locator('link[rel="icon"]').first.get_attribute("href")
    assert page.request.get(site.url + icon).ok
    response = page.request.get(site.url + "/favicon.ico")
    assert response.ok and response.headers["content-type"].startswith("image/")
