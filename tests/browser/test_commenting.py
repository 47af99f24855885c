"""Commenting in Chromium: a refused comment comes back in view, nothing typed is lost, names
and comments in right-to-left scripts read right to left, the browser remembers the reader (if
asked), and the comment box counts near its limit. With JavaScript on and off."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from comments.models import Comment
from tests.browser.test_journeys import post_comment

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ESSAY = "/essays/quiet-arithmetic-of-bus-lanes/"
REMEMBER = "Remember my name, email and website in this browser"


@pytest.fixture(params=["javascript on", "javascript off"])
def reader(request, browser):
    """A browser tab, with JavaScript on or off, that fails the test on a script error."""
    context = browser.new_context(java_script_enabled=request.param == "javascript on")
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on(
        "console",
        lambda msg: (
            msg.type == "error" and "status of 429" not in msg.text and errors.append(msg.text)
        ),
    )
    tab.javascript = request.param == "javascript on"
    yield tab
    context.close()
    assert errors == []


def in_viewport(page, selector: str) -> bool:
    """Whether the element comes to rest inside the viewport: the browser scrolls to the
    fragment once the page has loaded. Polled from here: page.wait_for_function() never
    resolves with JavaScript off."""
    height = page.viewport_size["height"]
    for _ in range(50):
        box = page.locator(selector).bounding_box()
        if box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height:
            return True
        page.wait_for_timeout(100)
    return False


def other_essay_url(site) -> str:
    other = Article.objects.published().exclude(slug="quiet-arithmetic-of-bus-lanes").first()
    return site.url + other.get_absolute_url()


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 720}, {"width": 390, "height": 844}]
)
def test_a_refused_comment_comes_back_with_its_errors_in_view(site, reader, viewport):
    reader.set_viewport_size(viewport)
    reader.goto(site.url + ESSAY)
    post_comment(reader, "A comment under a blank name.", name="   ")
    summary = reader.locator("#comment-errors")
    expect(summary).to_contain_text("Your comment was not posted")
    expect(summary.get_by_role("link", name="Name: This field is required.")).to_be_visible()
    assert in_viewport(reader, "#comment-errors")
    expect(reader.locator("#id_name_error")).to_have_text("This field is required.")
    expect(reader.locator("#id_text")).to_have_value("A comment under a blank name.")
    assert reader.evaluate("document.activeElement.id") == "comment-errors"
    if reader.javascript:
        summary.get_by_role("link").click()
        assert reader.evaluate("document.activeElement.id") == "id_name"
    assert not Comment.objects.filter(text="A comment under a blank name.").exists()


def test_the_429_page_keeps_the_text_and_its_repost_works(site, reader, settings):
    settings.COMMENTS_RATE_LIMIT = "1/1d"  # a day: no window can end between the two posts
    reader.goto(site.url + ESSAY)
    post_comment(reader, "The one comment allowed.")
    expect(reader.get_by_text("Your comment is awaiting moderation")).to_be_visible()
    reader.locator("#id_website").fill("https://zoe.example/")
    post_comment(reader, "A second thought,\nkept word for word.")
    expect(reader.get_by_role("heading", level=1)).to_have_text("Too many comments")
    expect(reader.locator("#id_text")).to_have_value("A second thought,\nkept word for word.")
    expect(reader.locator("#id_name")).to_have_value("Zoë Reader")
    expect(reader.locator("#id_email")).to_have_value("zoe@example.org")
    expect(reader.locator("#id_website")).to_have_value("https://zoe.example/")
    assert reader.evaluate("window.scrollY") == 0  # what happened is read first

    from django.core.cache import cache

    cache.clear()  # the limit's window has passed
    reader.get_by_role("button", name="Post comment").click()
    expect(reader.get_by_text("Your comment is awaiting moderation")).to_be_visible()
    assert Comment.objects.get(text="A second thought,\nkept word for word.").author_url == (
        "https://zoe.example/"
    )


def test_an_arabic_comment_reads_right_to_left(site, page, watch):
    page.goto(site.url + ESSAY)
    post_comment(page, "هذا تعليق باللغة العربية", name="سارة")
    mine = page.locator(".comment-pending", has_text="هذا تعليق")
    expect(mine).to_be_visible()  # the author's own view, awaiting moderation
    text, author = mine.locator(".comment-text"), mine.locator(".comment-author")
    assert text.evaluate("element => getComputedStyle(element).direction") == "rtl"
    assert author.evaluate("element => getComputedStyle(element).direction") == "rtl"
    english = page.locator(".comment:not(.comment-pending) .comment-text").first
    assert english.evaluate("element => getComputedStyle(element).direction") == "ltr"


def test_the_browser_remembers_the_commenter_only_when_asked(site, browser, page, watch):
    page.goto(site.url + ESSAY)
    page.locator("#id_website").fill("https://zoe.example/")
    page.get_by_label(REMEMBER).check()
    post_comment(page, "Remember me next time.")
    expect(page.get_by_text("Your comment is awaiting moderation")).to_be_visible()
    page.goto(other_essay_url(site))
    expect(page.locator("#id_name")).to_have_value("Zoë Reader")
    expect(page.locator("#id_email")).to_have_value("zoe@example.org")
    expect(page.locator("#id_website")).to_have_value("https://zoe.example/")
    expect(page.get_by_label(REMEMBER)).to_be_checked()

    # What the server put in a field (a refused form's values) is never overwritten; empty
    # fields are filled. form.submit() posts without the submit event: nothing is saved.
    page.locator("#id_name").fill("Somebody Else")
    page.locator("#id_website").fill("")
    page.locator("#id_text").fill("")
    page.evaluate("document.querySelector('.comment-form').submit()")
    expect(page.locator("#id_text_error")).to_have_text("This field is required.")
    expect(page.locator("#id_name")).to_have_value("Somebody Else")
    expect(page.locator("#id_website")).to_have_value("https://zoe.example/")

    page.get_by_label(REMEMBER).uncheck()  # and now forget me
    page.locator("#id_text").fill("Forget me now.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Your comment is awaiting moderation")).to_be_visible()
    page.goto(site.url + ESSAY)
    expect(page.locator("#id_name")).to_have_value("")
    expect(page.get_by_label(REMEMBER)).not_to_be_checked()

    stranger = browser.new_context().new_page()  # nothing of it reaches anyone else
    stranger.goto(site.url + ESSAY)
    expect(stranger.locator("#id_name")).to_have_value("")
    stranger.context.close()


def test_unchecked_nothing_is_remembered(site, page, watch):
    page.goto(site.url + ESSAY)
    expect(page.get_by_label(REMEMBER)).not_to_be_checked()
    post_comment(page, "Do not remember me.")
    expect(page.get_by_text("Your comment is awaiting moderation")).to_be_visible()
    page.goto(other_essay_url(site))
    for field in ("#id_name", "#id_email", "#id_website"):
        expect(page.locator(field)).to_have_value("")
    assert page.evaluate("window.localStorage.length") == 0


def test_the_form_works_where_storage_is_refused(site, page, watch):
    page.add_init_script(
        "Object.defineProperty(window, 'localStorage', {get() {"
        " throw new DOMException('The operation is insecure.', 'SecurityError'); }});"
    )
    page.goto(site.url + ESSAY)
    expect(page.locator("#id_text")).to_be_visible()
    assert page.get_by_label(REMEMBER).count() == 0  # nowhere to keep them: no offer
    post_comment(page, "Posted from a private window.")
    expect(page.get_by_text("Your comment is awaiting moderation")).to_be_visible()


def test_the_comment_box_counts_near_its_limit_and_never_cuts(site, reader, settings):
    settings.COMMENTS_MAX_LENGTH = 50
    reader.goto(site.url + ESSAY)
    box, count = reader.locator("#id_text"), reader.locator("#id_text_count")
    expect(reader.locator("#id_text_helptext")).to_have_text("Plain text, up to 50 characters.")
    box.fill("x" * 60)
    expect(box).to_have_value("x" * 60)  # no maxlength: nothing is cut
    if reader.javascript:
        expect(count).to_have_text("You have 10 characters too many.")
        box.fill("x" * 39)
        expect(count).to_have_text("")  # below 80 %: no count
        box.fill("x" * 45 + "🙂")  # one character, as the server counts it
        expect(count).to_have_text("You have 4 characters left.")
        box.fill("x" * 50 + "  \n ")  # the server strips the spaces around the text
        expect(count).to_have_text("You have 0 characters left.")
        box.fill("x" * 51)
    else:
        assert count.count() == 0
    reader.locator("#id_name").fill("Zoë")
    reader.locator("#id_email").fill("zoe@example.org")
    reader.get_by_role("button", name="Post comment").click()
    if reader.javascript:
        # Held back in the page (it would only be refused), the text kept, the reader told.
        expect(reader.locator(".char-count + [aria-live]")).to_have_text(
            "You have 1 character too many. Please shorten your comment."
        )
        expect(box).to_be_focused()
        assert reader.url.endswith(ESSAY) and box.input_value() == "x" * 51
        # form.submit() skips the script, as a browser without it would: the server refuses.
        reader.evaluate(
            "HTMLFormElement.prototype.submit.call(document.querySelector('.comment-form'))"
        )
    expect(reader.locator("#id_text_error")).to_contain_text(
        "it can be at most 50 characters. Please shorten it by"
    )
    expect(reader.locator("#comment-errors")).to_contain_text("Comment: Your comment is")
