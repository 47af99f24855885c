"""History → compare: what changed between any two revisions of an essay, safely shown."""

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from reversion.models import Version

from articles.importers import blogger
from articles.importers.blogger_html import clean_post_html
from articles.rendering import BodyFormat
from articles.revisions import MAX_WORD_DIFF, paragraphs, text_diff, word_diff
from tests.articles.test_editorial import change_url, form_data
from tests.factories import make_article, make_author, make_topic

pytestmark = pytest.mark.django_db
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "blogger"

FIRST = "Opening paragraph stays.\n\nThe middle paragraph says one thing.\n\nClosing stays too."
SECOND = (
    "Opening paragraph stays.\n\nThe middle paragraph says another thing.\n\n"
    "Closing stays too.\n\nA new <script>alert('x')</script> ending."
)


def compare_url(article, older, newer):
    url = reverse("admin:articles_article_compare", args=[article.pk])
    return f"{url}?from={older}&to={newer}"


@pytest.fixture
def revised(editor_client):
    """An essay saved twice in the admin with different bodies, headlines and topics."""
    article = make_article("First headline", body="Placeholder.")
    editor_client.post(change_url(article), form_data(article, body=FIRST))
    topic = make_topic("Water")
    editor_client.post(
        change_url(article),
        form_data(article, title="Second headline", body=SECOND, topics=[topic.pk]),
    )
    newer, older = Version.objects.get_for_object(article)
    return article, older, newer


def test_compare_marks_the_changed_paragraph_and_escapes_markup(editor_client, revised):
    article, older, newer = revised
    response = editor_client.get(compare_url(article, older.pk, newer.pk))
    assert response.status_code == 200
    html = response.text
    assert "The middle paragraph says <del>one</del><ins>another</ins> thing." in html
    assert "<ins>A new &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; ending.</ins>" in html
    assert "<script>alert" not in html
    assert html.count("1 unchanged paragraph<") == 2  # opening and closing, folded away
    assert "<summary>" in html and "Opening paragraph stays." in html
    assert "<del>First headline</del>" in html and "<ins>Second headline</ins>" in html
    assert "<del>—</del>" in html and "<ins>Water</ins>" in html  # topics


def test_compare_in_either_order_reads_oldest_to_newest(editor_client, revised):
    article, older, newer = revised
    html = editor_client.get(compare_url(article, newer.pk, older.pk)).text
    assert "<del>one</del><ins>another</ins>" in html


def test_compare_shows_a_byline_change_by_name(editor_client):
    article = make_article(authors=[make_author("Inés Carvalho")])
    editor_client.post(change_url(article), form_data(article, body="Changed once."))
    extra = make_author("Tomás Okafor")
    data = form_data(
        article,
        body="Changed once.",
        **{"bylines-TOTAL_FORMS": "2", "bylines-1-author": extra.pk, "bylines-1-position": "1"},
    )
    editor_client.post(change_url(article), data)
    newer, older = Version.objects.get_for_object(article)
    html = editor_client.get(compare_url(article, older.pk, newer.pk)).text
    assert "<del>Inés Carvalho</del>" in html
    assert "<ins>Inés Carvalho, Tomás Okafor</ins>" in html


def test_history_lets_the_editor_pick_two_revisions(editor_client, revised):
    article, older, newer = revised
    html = editor_client.get(reverse("admin:articles_article_history", args=[article.pk])).text
    assert f'name="from" value="{older.pk}"' in html and f'name="to" value="{newer.pk}"' in html
    assert compare_url(article, older.pk, newer.pk).replace("&", "&amp;") in html
    assert "Compare selected revisions" in html


def test_revision_of_another_essay_is_404(editor_client, revised):
    article, older, newer = revised
    other = make_article()
    assert editor_client.get(compare_url(other, older.pk, newer.pk)).status_code == 404
    assert editor_client.get(compare_url(article, older.pk, 99999999)).status_code == 404
    unknown = reverse("admin:articles_article_compare", args=[999999])
    assert editor_client.get(f"{unknown}?from={older.pk}&to={newer.pk}").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?from=1",
        "?from=abc&to=2",
        "?from=-1&to=2",
        "?from=1&to=1",
        "?from=" + "9" * 30 + "&to=1",  # too many digits for any id
        "?from=1&to=" + "9" * 19,  # 19 digits, still above the largest id
        "?from=%C2%B2&to=1",  # "²" passes str.isdigit() but int() refuses it
    ],
)
def test_bad_revision_ids_are_400(editor_client, revised, query):
    article = revised[0]
    url = reverse("admin:articles_article_compare", args=[article.pk]) + query
    response = editor_client.get(url)
    assert response.status_code == 400
    assert "Pick two different revisions" in response.text


def test_compare_needs_view_or_change_permission(client, revised):
    article, older, newer = revised
    url = compare_url(article, older.pk, newer.pk)
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    clerk = get_user_model().objects.create_user("clerk", password="pw-clerk-1", is_staff=True)
    client.force_login(clerk)
    assert client.get(url).status_code == 403
    clerk.user_permissions.add(Permission.objects.get(codename="view_article"))
    clerk = get_user_model().objects.get(pk=clerk.pk)  # forget the cached permissions
    client.force_login(clerk)
    assert client.get(url).status_code == 200


def test_paragraphs_of_markdown_and_of_an_html_body():
    assert paragraphs("One.\n\n\nTwo\nstill two.") == ["One.", "Two\nstill two."]
    assert paragraphs("<p>One</p>\n<p>Two</p>") == ["<p>One</p>", "<p>Two</p>"]
    assert paragraphs("   ") == []
    # Imported bodies are one line: cut at block tags, <br><br> ending a Blogger paragraph.
    assert paragraphs("<p>One</p><p>Two<br><br>Three</p><hr><h2>Four</h2>") == [
        "<p>One</p>",
        "<p>Two<br><br>",
        "Three</p><hr>",
        "<h2>Four</h2>",
    ]


def test_a_removed_paragraph_is_one_deletion():
    blocks = text_diff("Keep.\n\nDrop me.\n\nKeep too.", "Keep.\n\nKeep too.")
    changed = [block for block in blocks if block.segments]
    assert [(s.kind, s.text) for s in changed[0].segments] == [("delete", "Drop me.")]


def blogger_body(min_words: int) -> str:
    """Real Blogger posts, cleaned as the importer stores them, run together on one line."""
    export = CORPUS / "legacy-blogimport-giftofmagi.xml"
    body = ""

    def opener():
        return export.open("rb")

    for record in blogger.read(opener, blogger.scan(opener)):
        if isinstance(record, blogger.Post) and len(body.split()) < min_words:
            body += clean_post_html(record.html)
    assert "\n" not in body and len(body.split()) >= min_words
    return body


def test_a_long_single_line_html_body_marks_only_the_changed_paragraph(editor_client):
    body = blogger_body(9000)
    middle = body.index(" the ", len(body) // 2)
    edited = body[:middle] + " a " + body[middle + len(" the ") :]
    article = make_article(body=body, body_format=BodyFormat.HTML)
    editor_client.post(change_url(article), form_data(article, body=body))
    editor_client.post(change_url(article), form_data(article, body=edited))
    newer, older = Version.objects.get_for_object(article)
    page = editor_client.get(compare_url(article, older.pk, newer.pk)).text
    [html] = re.findall(r'<section class="module revision-change".*?</section>', page, re.S)
    assert ">Body</h2>" in html
    assert html.count("<del>") == html.count("<ins>") == 1
    assert "<del>the</del><ins>a</ins>" in html
    # Before and after the changed paragraph, the rest of the 9,000 words are folded away.
    assert len(re.findall(r"<summary>\d+ unchanged paragraphs</summary>", html)) == 2
    changed = re.search(r'<p class="diff-paragraph">[^\n]*<ins>a</ins>[^\n]*?</p>', html)
    assert len(changed.group().split()) < 500  # one paragraph, not the whole body


def test_one_word_changed_in_a_very_long_paragraph_is_still_marked_alone():
    words = [f"w{n}" for n in range(3 * MAX_WORD_DIFF)]
    edited = [*words[:100], "changed", *words[101:]]
    segments = word_diff(" ".join(words), " ".join(edited))
    assert [(s.kind, s.text) for s in segments if s.kind != "equal"] == [
        ("delete", "w100"),
        ("insert", "changed"),
    ]


def test_a_long_rewrite_is_shown_removed_then_added():
    # Repetitive text is SequenceMatcher's worst case (about n³); past the cap the rewritten
    # middle is one removal and one addition, the words shared at the start kept as they are.
    size = MAX_WORD_DIFF // 2 + 2
    before = "It opens alike. " + " ".join(["the", "cat"] * (size // 2))
    after = "It opens alike. " + " ".join(["cat", "the", "dog"] * (size // 3 + 1))
    segments = word_diff(before, after)
    assert [s.kind for s in segments] == ["equal", "delete", "insert"]
    assert segments[0].text == "It opens alike. "
    assert segments[1].text == before.removeprefix("It opens alike. ")
