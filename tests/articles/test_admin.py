"""The editors' tool: the Django admin for essays."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import (
    ensure_groups,
    make_article,
    make_author,
    make_section,
    make_topic,
)

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:articles_article_changelist"


def run_action(client, action, articles):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [a.pk for a in articles]},
        follow=True,
    )


def test_publish_action_publishes_drafts_now_and_keeps_schedules(editor_client):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    future = timezone.now() + timedelta(days=2)
    planned = make_article(status=Article.Status.DRAFT, published_at=future)
    response = run_action(editor_client, "publish", [draft, planned])
    assert "2 essays published." in response.text
    draft.refresh_from_db()
    planned.refresh_from_db()
    assert draft.is_live and draft.published_at <= timezone.now()
    assert planned.is_scheduled and planned.published_at == future


def test_unpublish_action_takes_essays_off_the_site(editor_client, client):
    article = make_article()
    response = run_action(editor_client, "unpublish", [article])
    assert "1 essay unpublished." in response.text
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_changelist_shows_status_authors_and_schedule(editor_client):
    author = make_author("Zoë Marchetti")
    make_article("Live essay", authors=[author])
    make_article("Planned essay", published_at=timezone.now() + timedelta(days=1))
    text = editor_client.get(reverse(CHANGELIST)).text
    assert "Live essay" in text and "Zoë Marchetti" in text
    assert "Scheduled for" in text
    assert ">Preview</a>" in text and ">View</a>" in text


def sidebar_choice(response, title: str, label: str) -> str:
    """The query string of one choice in the changelist's filter sidebar, as an editor clicks it."""
    cl = response.context["cl"]
    spec = next(spec for spec in cl.filter_specs if spec.title == title)
    return next(c["query_string"] for c in spec.choices(cl) if str(c["display"]) == label)


def titles(response) -> list[str]:
    return [article.title for article in response.context["cl"].result_list]


def test_changelist_search_filters_and_ordering_work(editor_client):
    politics, water, author = make_section("Politics"), make_topic("Water"), make_author("Ann Ode")
    now = timezone.now()
    make_article("Haystack", body="a needle in the body", published_at=now - timedelta(days=2))
    make_article("Aqueducts", section=politics, topics=[water], authors=[author],
                 published_at=now - timedelta(days=400))  # fmt: skip
    make_article("Undated draft", status=Article.Status.DRAFT, published_at=None)
    url = reverse(CHANGELIST)
    page = editor_client.get(url)
    assert sorted(titles(page)) == ["Aqueducts", "Haystack", "Undated draft"]

    assert titles(editor_client.get(url, {"q": "needle"})) == ["Haystack"]
    for title, label, expected in [
        ("status", "Draft", ["Undated draft"]),
        ("section", "Politics", ["Aqueducts"]),
        ("topics", "Water", ["Aqueducts"]),
        ("authors", "Ann Ode", ["Aqueducts"]),
        ("published at", "No date", ["Undated draft"]),
        ("published at", "Past 7 days", ["Haystack"]),
    ]:
        query = sidebar_choice(page, title, label)
        assert titles(editor_client.get(url + query)) == expected, (title, label)

    # The status column sorts by publication date, both ways; undated drafts sort as NULLs do.
    dated = ["Aqueducts", "Haystack"]
    ascending = [t for t in titles(editor_client.get(url, {"o": "2"})) if t in dated]
    descending = [t for t in titles(editor_client.get(url, {"o": "-2"})) if t in dated]
    assert ascending == dated and descending == dated[::-1]


def test_search_finds_title_standfirst_and_body(editor_client):
    make_article("Alpha", standfirst="about aqueducts")
    make_article("Beta", body="on **viaducts**")
    make_article("Gamma")
    for query, expected in [("aqueducts", "Alpha"), ("viaducts", "Beta"), ("Gamma", "Gamma")]:
        result = editor_client.get(reverse(CHANGELIST), {"q": query}).context["cl"].result_list
        assert [a.title for a in result] == [expected]


def test_editor_writes_an_essay_in_the_admin(editor_client):
    section, topic, author = make_section(), make_topic(), make_author()
    response = editor_client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Written in the admin",
            "slug": "written-in-the-admin",
            "section": section.pk,
            "standfirst": "A short standfirst.",
            "body": "Some *Markdown*.",
            "topics": [topic.pk],
            "status": "published",
            "published_at_0": "",
            "published_at_1": "",
            "allow_comments": "on",
            "bylines-TOTAL_FORMS": "1",
            "bylines-INITIAL_FORMS": "0",
            "bylines-MIN_NUM_FORMS": "1",
            "bylines-MAX_NUM_FORMS": "1000",
            "bylines-0-author": author.pk,
            "bylines-0-position": "0",
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    article = Article.objects.get(slug="written-in-the-admin")
    assert article.is_live
    assert article.body_html == "<p>Some <em>Markdown</em>.</p>"
    assert article.author_list == [author]


def test_change_form_has_view_on_site_for_live_and_preview_for_draft(editor_client):
    live = make_article()
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    live_form = editor_client.get(reverse("admin:articles_article_change", args=[live.pk])).text
    draft_form = editor_client.get(reverse("admin:articles_article_change", args=[draft.pk])).text
    assert "View on site" in live_form
    assert "View on site" not in draft_form
    assert "Preview as readers will see it" in draft_form
    assert f'href="{draft.get_absolute_url()}"' in draft_form


def test_slug_is_prefilled_and_authors_topics_use_autocomplete(editor_client):
    make_topic("Water")
    text = editor_client.get(reverse("admin:articles_article_add")).text
    assert "&quot;id&quot;: &quot;#id_slug&quot;" in text
    assert "&quot;dependency_ids&quot;: [&quot;#id_title&quot;]" in text
    assert 'name="topics"' in text and 'data-field-name="topics"' in text
    topics = editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "article", "field_name": "topics", "term": "Wat"},
    )
    assert [r["text"] for r in topics.json()["results"]] == ["Water"]
    make_author("Zoë Marchetti")
    autocomplete = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "articles",
            "model_name": "articleauthor",
            "field_name": "author",
            "term": "Zo",
        },
    )
    assert [r["text"] for r in autocomplete.json()["results"]] == ["Zoë Marchetti"]


def test_changelist_filters_by_section_topic_and_author(editor_client):
    section, topic, author = make_section(), make_topic(), make_author()
    target = make_article("Target", section=section, topics=[topic], authors=[author])
    make_article("Other")
    for params in [
        {"section__id__exact": section.pk},
        {"topics__id__exact": topic.pk},
        {"authors__id__exact": author.pk},
    ]:
        result = editor_client.get(reverse(CHANGELIST), params).context["cl"].result_list
        assert list(result) == [target], params


def test_changelist_date_hierarchy_drills_down(editor_client):
    from datetime import UTC, datetime

    make_article("March", published_at=datetime(2025, 3, 5, tzinfo=UTC))
    make_article("June", published_at=datetime(2025, 6, 5, tzinfo=UTC))
    response = editor_client.get(
        reverse(CHANGELIST), {"published_at__year": "2025", "published_at__month": "3"}
    )
    assert [a.title for a in response.context["cl"].result_list] == ["March"]
    assert response.context["cl"].date_hierarchy == "published_at"


def test_an_essay_needs_at_least_one_author(editor_client):
    article = make_article()
    byline = article.bylines.get()
    response = editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        {
            "title": article.title, "slug": article.slug, "section": article.section_id,
            "standfirst": article.standfirst, "body": article.body, "status": "published",
            "published_at_0": "2025-01-01", "published_at_1": "10:00:00",
            "bylines-TOTAL_FORMS": "1", "bylines-INITIAL_FORMS": "1",
            "bylines-MIN_NUM_FORMS": "1", "bylines-MAX_NUM_FORMS": "1000",
            "bylines-0-id": byline.pk, "bylines-0-article": article.pk,
            "bylines-0-author": byline.author_id, "bylines-0-position": "0",
            "bylines-0-DELETE": "on",
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert article.bylines.count() == 1


def test_editors_group_manages_articles_and_nothing_about_users():
    group = Group.objects.get(name="Editors")
    permissions = set(group.permissions.values_list("content_type__app_label", "codename"))
    for model in ["article", "author", "section", "topic"]:
        for action in ["add", "change", "delete", "view"]:
            assert ("articles", f"{action}_{model}") in permissions
    assert {app for app, _ in permissions} == {"articles"}
    assert not Permission.objects.filter(group=group, content_type__app_label="auth").exists()


def test_the_groups_tests_build_are_those_migrate_makes():
    """tests/factories.py rebuilds the groups after a flush; they must match the migrations'."""
    migrated = {
        group.name: set(group.permissions.values_list("content_type__app_label", "codename"))
        for group in Group.objects.all()
    }
    Group.objects.all().delete()
    ensure_groups()
    rebuilt = {
        group.name: set(group.permissions.values_list("content_type__app_label", "codename"))
        for group in Group.objects.all()
    }
    assert set(migrated) == {"Editors", "Moderators"}
    assert rebuilt == migrated


def test_editor_is_refused_the_user_admin(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:articles_author_changelist")).status_code == 200


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def visible_text(html: str) -> str:
    """The words on the page, without tags, scripts or URLs (paths keep "article")."""
    import re

    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize(
    "name, args",
    [
        ("admin:index", []),
        ("admin:app_list", ["articles"]),
        (CHANGELIST, []),
        ("admin:articles_article_add", []),
        ("admin:articles_article_recoverlist", []),
    ],
)
def test_the_admin_calls_them_essays(editor_client, name, args):
    make_article("Named")
    text = visible_text(editor_client.get(reverse(name, args=args)).text)
    assert "rticle" not in text, [line for line in text.splitlines() if "rticle" in line]
    assert "ssay" in text


def test_change_form_and_history_call_it_an_essay(editor_client):
    article = make_article("Named")
    for name in ["admin:articles_article_change", "admin:articles_article_history"]:
        text = visible_text(editor_client.get(reverse(name, args=[article.pk])).text)
        assert "rticle" not in text and "ssay" in text
    change = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "Change essay" in change.text and "Publishing" in change.text


def test_changelist_puts_the_date_under_the_status_and_the_section_by_the_authors(editor_client):
    make_article("Dated", section=make_section("Field Notes"), authors=[make_author("Inés")])
    response = editor_client.get(reverse(CHANGELIST))
    headers = [header["text"] for header in response.context["result_headers"]]
    assert headers[1:] == ["headline", "Status", "Authors · section", "Pending comments", "On site"]
    assert '<span class="when">' in response.text
    assert 'Inés <span class="section">Field Notes</span>' in response.text


def test_body_box_is_sized_for_an_essay(editor_client):
    text = editor_client.get(reverse("admin:articles_article_add")).text
    assert 'rows="30"' in text and 'class="essay-body-input"' in text
    assert "css/editor.css" in text and "js/editor.js" in text
    assert reverse("admin:articles_article_live_preview") in text
