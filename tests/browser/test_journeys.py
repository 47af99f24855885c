"""Every journey a person makes through the site, in Chromium."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from comments.models import Comment

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ESSAY = "/essays/quiet-arithmetic-of-bus-lanes/"


def test_a_reader_browses_home_article_topic_author_archive_search(site, page, watch):
    page.goto(site.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Latest essays")
    assert page.locator('link[rel="alternate"][type="application/rss+xml"]').count() >= 1
    page.get_by_role("link", name="The Quiet Arithmetic of Bus Lanes").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The Quiet Arithmetic of Bus Lanes")
    expect(page.locator("#comments-heading")).to_have_text("3 comments")
    page.locator(".essay-topics a").first.click()
    expect(page.locator(".kicker")).to_have_text("Topic")
    page.locator(".byline a").first.click()
    expect(page.locator(".kicker")).to_have_text("Author")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Archive").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Archive")
    page.locator(".archive-months a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Essays from")
    page.get_by_label("Search essays").fill("aqueduct")
    page.get_by_label("Search essays").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("aqueduct")
    page.locator(".essay-card-title a").first.click()
    expect(page.locator(".essay-body")).to_be_visible()


def test_pagination(site, page, settings, watch):
    settings.ARTICLES_PER_PAGE = 4
    page.goto(site.url + "/")
    page.get_by_role("link", name="Older").click()
    expect(page.get_by_text("Page 2", exact=True)).to_be_visible()
    page.get_by_role("link", name="Newer").click()
    expect(page.get_by_text("Page 1", exact=True)).to_be_visible()


def post_comment(page, text, name="Zoë Reader", email="zoe@example.org"):
    page.locator("#id_name").fill(name)
    page.locator("#id_email").fill(email)
    page.locator("#id_text").fill(text)
    page.get_by_role("button", name="Post comment").click()


def test_a_commenter_posts_sees_it_pending_others_do_not(site, browser, page, watch):
    page.goto(site.url + ESSAY)
    post_comment(page, "A first thought from the browser.")
    expect(page.get_by_text("Your comment is awaiting moderation")).to_be_visible()
    mine = page.locator(".comment-pending")
    expect(mine).to_contain_text("A first thought from the browser.")
    expect(mine).to_contain_text("Awaiting moderation")

    other = browser.new_context().new_page()
    other.goto(site.url + ESSAY)
    expect(other.locator("#comments")).not_to_contain_text("A first thought from the browser.")
    other.context.close()


def test_a_form_error_keeps_the_typed_text(site, page, watch):
    page.goto(site.url + ESSAY)
    page.locator("#id_name").fill("Zoë")
    page.locator("#id_email").fill("not-an-email@")
    page.locator("#id_text").fill("Please keep every word of this.")
    page.evaluate("document.querySelector('.comment-form').noValidate = true")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Enter a valid email address.", exact=True)).to_be_visible()
    expect(page.locator("#id_text")).to_have_value("Please keep every word of this.")


def test_a_commenter_replies_to_an_approved_comment(site, page, watch):
    page.goto(site.url + ESSAY)
    page.get_by_role("link", name="Reply to Marek").click()
    expect(page.get_by_text("Replying to")).to_be_visible()
    post_comment(page, "Replying in the thread.")
    reply = Comment.objects.get(text="Replying in the thread.")
    assert reply.parent.author_name == "Marek"


def test_closed_comments_show_no_form(site, page, watch):
    Article.objects.filter(slug="quiet-arithmetic-of-bus-lanes").update(allow_comments=False)
    page.goto(site.url + ESSAY)
    expect(page.get_by_text("Comments are closed.")).to_be_visible()
    assert page.get_by_role("button", name="Post comment").count() == 0


def login(page, site, username):
    page.goto(site.url + "/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("browser-pass-1")
    page.get_by_role("button", name="Log in").click()


def test_a_moderator_works_the_queue(site, page, browser, watch):
    login(page, site, "moderator")
    expect(page.locator(".pending-comments")).to_contain_text("2 comments pending moderation")
    page.locator(".pending-comments a").click()
    held = page.locator("tr", has_text="What happens to deliveries?")
    expect(held).to_contain_text("Held for review (site policy)")
    held.get_by_role("button", name="Approve").click()  # the desk posts it without a reload
    expect(page.locator("#desk-live")).to_contain_text("Approved comment by")
    page.locator("tr", has_text="Demand response sounds modest").get_by_role(
        "button", name="Spam"
    ).click()
    expect(page.locator("#desk-live")).to_contain_text("Marked comment by Sam Okoro as spam")

    reader = browser.new_context().new_page()
    reader.goto(site.url + ESSAY)
    expect(reader.locator("#comments-heading")).to_have_text("4 comments")
    expect(reader.locator("#comments")).to_contain_text("What happens to deliveries?")
    reader.context.close()


def test_an_editor_writes_previews_schedules_publishes_and_restores(site, page, watch, tmp_path):
    from PIL import Image as PILImage

    login(page, site, "editor")
    photo = tmp_path / "harbour.jpg"
    PILImage.new("RGB", (1200, 800), "steelblue").save(photo)
    page.goto(site.url + "/admin/articles/image/add/")
    page.get_by_label("Image").set_input_files(str(photo))
    page.get_by_label("Alt text").fill("A steel-blue harbour at dusk")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto(site.url + "/admin/articles/article/add/")
    page.get_by_label("Headline").fill("Written in the browser")
    page.get_by_label("Standfirst").fill("A standfirst typed by an editor.")
    page.locator("#id_body").fill("## A part\n\nThe body, in *Markdown*.")
    select2(page, "section", "Field")
    select2(page, "featured_image", "steel")
    select2(page, "bylines-0-author", "Inés")

    with page.expect_popup() as preview:
        page.get_by_role("button", name="Preview").click()
    preview_page = preview.value
    expect(preview_page.get_by_role("heading", level=1)).to_have_text("Written in the browser")
    expect(preview_page.locator(".alert")).to_contain_text("unsaved changes")
    preview_page.close()

    page.get_by_role("button", name="Save and continue editing").click()  # a draft first
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    article = Article.objects.get(title="Written in the browser")
    assert article.status == "draft" and article.featured_image is not None
    expect(page.get_by_role("link", name="Preview as readers will see it")).to_be_visible()

    page.locator("#id_status").select_option("published")
    page.locator("#id_published_at_0").fill("2099-01-01")
    page.locator("#id_published_at_1").fill("09:00:00")
    page.get_by_role("button", name="Save and continue editing").click()
    article.refresh_from_db()
    assert article.is_scheduled
    page.goto(site.url + "/admin/articles/article/")
    expect(page.locator("tr", has_text="Written in the browser")).to_contain_text("Scheduled for")

    page.goto(site.url + f"/admin/articles/article/{article.pk}/change/")
    moment = timezone.localtime() - timedelta(minutes=1)  # publish now: it leads the home page
    page.locator("#id_published_at_0").fill(f"{moment:%Y-%m-%d}")
    page.locator("#id_published_at_1").fill(f"{moment:%H:%M:%S}")
    page.get_by_label("Headline").fill("Written in the browser, revised")
    page.get_by_role("button", name="Save and continue editing").click()
    page.goto(site.url + "/")
    expect(
        page.get_by_role("link", name="Written in the browser, revised", exact=True)
    ).to_be_visible()

    page.goto(site.url + f"/admin/articles/article/{article.pk}/history/")
    from reversion.models import Version

    oldest = Version.objects.get_for_object(article).last()
    page.locator(f"a[href$='/{article.pk}/history/{oldest.pk}/']").click()
    expect(page.locator("#id_title")).to_have_value("Written in the browser")
    page.get_by_role("button", name="Save", exact=True).click()
    article.refresh_from_db()
    assert article.title == "Written in the browser"


def select2(page, field, text):
    """Pick from a Django admin autocomplete (select2) widget."""
    page.locator(f"#id_{field}").locator("xpath=following-sibling::span[1]").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_the_reader_journey_works_with_javascript_off(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url + "/")
    page.get_by_role("link", name="The Quiet Arithmetic of Bus Lanes").first.click()
    page.get_by_role("link", name="Reply to Priya N.").first.click()
    post_comment(page, "Posted with JavaScript turned off.")
    expect(page.get_by_text("Your comment is awaiting moderation")).to_be_visible()
    assert Comment.objects.filter(text="Posted with JavaScript turned off.").exists()
    page.get_by_label("Search essays").fill("water")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("water")
    context.close()
