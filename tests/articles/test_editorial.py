"""Editors preview unsaved changes, mark significant updates, and restore earlier revisions."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from tests.factories import make_article, make_author, make_comment, make_section, make_topic

pytestmark = pytest.mark.django_db


def form_data(article=None, **overrides):
    """The article change form as an editor submits it."""
    section = article.section if article else make_section()
    author = article.author_list[0] if article else make_author()
    byline = article.bylines.first() if article else None
    data = {
        "title": article.title if article else "A new essay",
        "slug": article.slug if article else "a-new-essay",
        "section": section.pk,
        "standfirst": article.standfirst if article else "The standfirst.",
        "body": article.body if article else "Body text.",
        "status": article.status if article else "draft",
        "published_at_0": "",
        "published_at_1": "",
        "allow_comments": "on",
        "bylines-TOTAL_FORMS": "1",
        "bylines-INITIAL_FORMS": "1" if byline else "0",
        "bylines-MIN_NUM_FORMS": "1",
        "bylines-MAX_NUM_FORMS": "1000",
        "bylines-0-author": author.pk,
        "bylines-0-position": "0",
    }
    if article and article.published_at:
        local = timezone.localtime(article.published_at)
        data["published_at_0"] = f"{local:%Y-%m-%d}"
        data["published_at_1"] = f"{local:%H:%M:%S}"
    if byline:
        data["bylines-0-id"] = byline.pk
        data["bylines-0-article"] = article.pk
    data.update(overrides)
    return data


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_preview_shows_unsaved_changes_exactly_as_readers_will_see_them(editor_client):
    article = make_article("Saved headline", status=Article.Status.DRAFT, published_at=None)
    topic = make_topic("Water")
    second = make_author("Second Author")
    data = form_data(
        article,
        title="Unsaved headline",
        body="## New part\n\nFresh *words*.",
        topics=[topic.pk],
        **{
            "bylines-TOTAL_FORMS": "2",
            "bylines-1-author": second.pk,
            "bylines-1-position": "1",
        },
    )
    page = editor_client.get(change_url(article)).text
    preview_url = reverse("admin:articles_article_preview", args=[article.pk])
    assert f'formaction="{preview_url}"' in page and 'formtarget="_blank"' in page

    response = editor_client.post(preview_url, data)
    assert response.status_code == 200
    html = response.text
    assert '<h1 class="essay-title">Unsaved headline</h1>' in html
    assert "<h2>New part</h2>" in html and "<em>words</em>" in html
    assert "Second Author" in html and "Water" in html
    assert article.section.name in html
    assert "Preview." in html and "noindex" in html
    assert "no-cache" in response["Cache-Control"]
    article.refresh_from_db()
    assert article.title == "Saved headline"  # nothing saved


def test_preview_of_a_new_unsaved_essay(editor_client):
    response = editor_client.post(
        reverse("admin:articles_article_preview"), form_data(title="Brand new")
    )
    assert response.status_code == 200 and "Brand new" in response.text
    assert not Article.objects.exists()


def test_preview_with_errors_lists_them(editor_client):
    response = editor_client.post(reverse("admin:articles_article_preview"), form_data(title=""))
    assert response.status_code == 400
    assert "Cannot preview yet" in response.text and "title" in response.text


def test_preview_needs_a_staff_editor(client, db):
    response = client.post(reverse("admin:articles_article_preview"), {})
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_typo_fix_does_not_bump_updated_but_a_significant_edit_does(editor_client):
    article = make_article(published_at=timezone.now() - timedelta(days=10))
    editor_client.post(change_url(article), form_data(article, body="Typo fixed."))
    article.refresh_from_db()
    assert article.updated_at is None and article.body == "Typo fixed."
    assert "Updated" not in editor_client.get(article.get_absolute_url()).text

    editor_client.post(
        change_url(article), form_data(article, body="New section.", significant_update="on")
    )
    article.refresh_from_db()
    assert article.updated_at and timezone.now() - article.updated_at < timedelta(minutes=1)
    assert "Updated" in editor_client.get(article.get_absolute_url()).text


def test_every_admin_save_keeps_a_revision_and_an_editor_can_restore_one(editor_client):
    article = make_article("First title", body="First body.")
    make_comment(article)
    seo = {"seo_title": "Kept SEO title"}  # a real change: an unchanged save is not kept
    editor_client.post(change_url(article), form_data(article, **seo))
    editor_client.post(
        change_url(article), form_data(article, title="Second title", body="Second body.", **seo)
    )
    versions = Version.objects.get_for_object(article)
    assert versions.count() == 2
    newest, oldest = versions
    assert newest.revision.user.username == "editor"
    assert newest.revision.comment == "Changed Headline and Body."  # what changed, in words

    history = editor_client.get(reverse("admin:articles_article_history", args=[article.pk]))
    revision_url = reverse("admin:articles_article_revision", args=[article.pk, oldest.pk])
    assert revision_url in history.text

    # Opening the old revision fills the form with its values...
    restore_form = editor_client.get(revision_url)
    form = restore_form.context["adminform"].form
    assert form["title"].value() == "First title" and form["body"].value() == "First body."
    article.refresh_from_db()
    assert article.title == "Second title"  # ...and nothing changes until the editor saves it
    editor_client.post(
        revision_url, form_data(article, title=form["title"].value(), body=form["body"].value())
    )
    article.refresh_from_db()
    assert (article.title, article.body) == ("First title", "First body.")
    assert "First body." in editor_client.get(article.get_absolute_url()).text
    assert article.comment_count == 1  # the stored count survives a restore
    assert Version.objects.get_for_object(article).count() == 3


def test_publish_action_is_recorded_as_a_revision(editor_client):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    version = Version.objects.get_for_object(draft).get()
    assert version.revision.comment == "Published."
    assert version.field_dict["status"] == "published"


def test_preview_places_images_and_says_it_is_unsaved(
    editor_client, settings, tmp_path, django_capture_on_commit_callbacks
):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image as PILImage

    from articles.models import Image

    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    PILImage.new("RGB", (800, 400), "teal").save(buffer, "JPEG")
    with django_capture_on_commit_callbacks(execute=True):  # renditions: a task, on commit
        editor_client.post(
            reverse("admin:articles_image_add"),
            {"file": SimpleUploadedFile("p.jpg", buffer.getvalue()), "alt_text": "Teal"},
        )
    image = Image.objects.get()
    article = make_article()
    response = editor_client.post(
        reverse("admin:articles_article_preview", args=[article.pk]),
        form_data(article, body=f"Intro.\n\n[image:{image.pk}]"),
    )
    assert "<picture>" in response.text and 'alt="Teal"' in response.text
    assert "[image:" not in response.text
    assert "unsaved changes" in response.text


@pytest.mark.parametrize(
    "overrides",
    [
        {"bylines-TOTAL_FORMS": "abc"},
        {"bylines-TOTAL_FORMS": "99999999"},
        {"bylines-0-author": "not-a-number"},
        {"bylines-0-DELETE": "on"},
    ],
)
def test_tampered_preview_posts_get_a_clear_answer(editor_client, overrides):
    article = make_article()
    url = reverse("admin:articles_article_preview", args=[article.pk])
    response = editor_client.post(url, form_data(article, **overrides))
    # Each is a form a save would refuse too (no byline left, a broken management form), so
    # the preview says what to fix instead of rendering an essay that cannot be saved.
    assert response.status_code == 400
    assert "Cannot preview yet" in response.text
    errors = response.text.split('<ul class="errorlist">', 1)[1].split("</ul>", 1)[0]
    assert "<li>" in errors  # and what is wrong


def test_preview_of_an_unknown_essay_is_404(editor_client):
    url = reverse("admin:articles_article_preview", args=[999999])
    assert editor_client.post(url, {}).status_code == 404


# What the preview banner says readers see, case by case.


def banner(html: str) -> str:
    start = html.index('class="alert alert-warning preview-banner"')
    return " ".join(html[start : html.index("</div>", start)].split())


def form_preview(client, article, **overrides):
    url = reverse("admin:articles_article_preview", args=[article.pk])
    response = client.post(url, form_data(article, **overrides))
    assert response.status_code == 200
    return banner(response.text)


def test_banner_for_a_draft_says_readers_cannot_see_it(editor_client):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    text = form_preview(editor_client, draft, body="Changed.")
    assert "Readers cannot see this essay: it is a draft." in text
    assert "These are your unsaved changes." in text
    staff_view = banner(editor_client.get(draft.get_absolute_url()).text)
    assert "Readers cannot see this essay: it is a draft." in staff_view
    assert "unsaved" not in staff_view


def test_banner_for_a_scheduled_essay_gives_the_time_readers_will_see_it(editor_client, settings):
    settings.TIME_ZONE = "UTC"
    when = timezone.now().replace(microsecond=0) + timedelta(days=3)
    planned = make_article(published_at=when)
    staff_view = banner(editor_client.get(planned.get_absolute_url()).text)
    assert f'Readers will see this from <time datetime="{when.isoformat()}' in staff_view
    assert f"{when:%-d %B %Y, %H:%M} UTC" in staff_view
    text = form_preview(editor_client, planned, body="Changed.")
    assert "Readers will see the saved version from" in text
    assert "not these unsaved changes" in text


def test_banner_for_a_live_essay_with_unsaved_changes(editor_client):
    live = make_article()
    text = form_preview(editor_client, live, body="Changed.")
    assert "Readers see the published version, not these unsaved changes." in text
    assert "cannot see" not in text  # the old banner said so of every essay


def test_banner_for_a_live_essay_previewed_unchanged(editor_client):
    live = make_article()
    assert "This is what readers see." in form_preview(editor_client, live)


def test_an_untouched_essay_is_unchanged_though_the_browser_sends_crlf(editor_client):
    """Essays from files and imports are stored with LF; a browser posts a textarea with CRLF."""
    live = make_article(body="First paragraph.\n\nSecond paragraph.", standfirst="One\ntwo.")
    as_sent = {"body": live.body.replace("\n", "\r\n"), "standfirst": "One\r\ntwo."}
    assert "This is what readers see." in form_preview(editor_client, live, **as_sent)
    versions = Version.objects.get_for_object(live).count()
    response = editor_client.post(change_url(live), form_data(live, **as_sent), follow=True)
    assert "Nothing was changed, so nothing was saved." in response.text
    assert Version.objects.get_for_object(live).count() == versions
    edited = {**as_sent, "body": as_sent["body"] + "\r\n\r\nThird."}
    editor_client.post(change_url(live), form_data(live, **edited))
    live.refresh_from_db()
    assert live.body == "First paragraph.\n\nSecond paragraph.\n\nThird."  # stored with LF


def test_banner_for_a_new_essay(editor_client):
    response = editor_client.post(reverse("admin:articles_article_preview"), form_data())
    text = banner(response.text)
    assert "Readers cannot see this essay: it has never been saved." in text


# The live preview beside the body box.

LIVE = "admin:articles_article_live_preview"


def live_data(**overrides):
    data = {"title": "A <b>headline</b>", "standfirst": "Stand", "body": "Some **bold** text."}
    data.update(overrides)
    return data


def test_live_preview_renders_the_body_as_the_public_page_does(editor_client):
    from articles.rendering import render_body

    body = "## Part\n\nSome **bold** text.\n\n<script>alert(1)</script>"
    response = editor_client.post(reverse(LIVE), live_data(body=body))
    assert response.status_code == 200
    html = response.json()["html"]
    assert render_body(body, "markdown") in html
    assert "<h2>Part</h2>" in html and "<strong>bold</strong>" in html
    assert "<script>" not in html
    assert "A &lt;b&gt;headline&lt;/b&gt;" in html  # the headline is text, not markup
    assert response.json()["words"] == 4
    assert "no-cache" in response["Cache-Control"]
    assert not Article.objects.exists()


def test_live_preview_of_an_html_body(editor_client):
    body = '<p onclick="x()">Kept <em>markup</em></p><iframe src="//evil"></iframe>'
    html = editor_client.post(reverse(LIVE), live_data(body=body, body_format="html")).json()
    assert "<p>Kept <em>markup</em></p>" in html["html"] and "iframe" not in html["html"]


def test_live_preview_refuses_anonymous_visitors(client, db):
    response = client.post(reverse(LIVE), live_data())
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_live_preview_refuses_staff_who_may_not_change_essays(client, db):
    from django.contrib.auth import get_user_model

    clerk = get_user_model().objects.create_user("clerk", password="pw-clerk-1", is_staff=True)
    client.force_login(clerk)
    assert client.post(reverse(LIVE), live_data()).status_code == 403


def test_live_preview_is_post_only(editor_client):
    assert editor_client.get(reverse(LIVE)).status_code == 405


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"title": "No body"},
        live_data(body_format="rtf"),
        live_data(title="x" * 201),
        live_data(body="x" * 500_001),
    ],
)
def test_live_preview_bad_input_is_400(editor_client, data):
    response = editor_client.post(reverse(LIVE), data)
    assert response.status_code == 400
    assert "errors" in response.json()


def test_live_preview_needs_the_csrf_token(client, db):
    from django.test import Client

    from tests.factories import make_editor

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_editor())
    assert strict.post(reverse(LIVE), live_data()).status_code == 403


# History: only real changes, named as an editor would name them.


def test_an_unchanged_save_adds_no_revision_and_no_history_line(editor_client):
    from django.contrib.admin.models import LogEntry

    article = make_article()
    editor_client.post(change_url(article), form_data(article, body="A real change."))
    article.refresh_from_db()
    versions, entries = Version.objects.get_for_object(article).count(), LogEntry.objects.count()
    assert versions == 1

    page = editor_client.get(change_url(article))
    resubmitted = {**form_data(article), "seo_title": "", "seo_description": ""}
    response = editor_client.post(change_url(article), resubmitted, follow=True)
    assert "Nothing was changed, so nothing was saved." in response.text
    assert Version.objects.get_for_object(article).count() == versions
    assert LogEntry.objects.count() == entries
    assert page.status_code == 200


def test_history_names_an_added_author_by_name(editor_client):
    article = make_article()
    added = make_author("Tomás Okafor")
    data = form_data(
        article,
        **{"bylines-TOTAL_FORMS": "2", "bylines-1-author": added.pk, "bylines-1-position": "1"},
    )
    editor_client.post(change_url(article), data)
    newest = Version.objects.get_for_object(article).first()
    assert newest.revision.comment == "Added author “Tomás Okafor”."
    history = editor_client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert "Added author “Tomás Okafor”." in history.text
    assert " on " + article.title not in history.text
