"""Blogger post bodies keep what readers saw, in the essay body's small vocabulary."""

import html
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from articles.importers.blogger_html import clean_post_html
from articles.rendering import ALLOWED_ATTRIBUTES, HTML_BODY_CLASSES, HTML_BODY_TAGS

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "blogger"
ATOM = "{http://www.w3.org/2005/Atom}"
POST_KIND = "http://schemas.google.com/blogger/2008/kind#post"
TAKEOUT_TYPE = "{http://schemas.google.com/blogger/2018}type"

# The output must pass the sanitiser that runs when the essay is saved, unchanged.
VOCABULARY = HTML_BODY_TAGS
ATTRIBUTES = ALLOWED_ATTRIBUTES
CLASSES = {(tag, name) for tag, names in HTML_BODY_CLASSES.items() for name in names}
NOT_IN_A_PARAGRAPH = {"div", "figure", "table", "p", "ul", "ol", "blockquote", "pre", "h2", "hr"}

CAPTIONED = (
    '<table align="center" cellpadding="0" cellspacing="0" class="tr-caption-container" '
    'style="margin-left: auto; margin-right: auto;"><tbody><tr><td style="text-align: center;">'
    '<a href="https://example.com/BIG.jpg" imageanchor="1" style="margin-left: auto;">'
    '<img border="0" src="https://example.com/SMALL.jpg" width="320" height="240" /></a></td></tr>'
    '<tr><td class="tr-caption" style="text-align: center;">Caption <b>text</b></td></tr>'
    "</tbody></table>"
)


class _Markup(HTMLParser):
    """What a piece of HTML contains, read with the standard parser and nothing of the module."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.images: list[str] = []
        self.links: list[str] = []
        self.starts: list[tuple[str, dict]] = []
        self.misplaced: list[str] = []
        self.open_paragraphs = 0
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.starts.append((tag, attrs))
        if tag == "img":
            self.images.append(attrs.get("src") or "")
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in NOT_IN_A_PARAGRAPH and self.open_paragraphs:
            self.misplaced.append(tag)
        self.open_paragraphs += tag == "p"

    def handle_endtag(self, tag):
        self.open_paragraphs -= tag == "p"


def _upgraded(url: str) -> str:
    """A source address as a reader of the new site follows it (https on Blogger's hosts)."""
    url = url.strip()
    if url.startswith("//"):
        url = "https:" + url
    blogger = r"(?:[^/]*\.)?(?:bp\.blogspot\.com|googleusercontent\.com)"
    return re.sub(rf"^http://({blogger})(?=[/:?#]|$)", r"https://\1", url, flags=re.IGNORECASE)


def _post_bodies(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        # legacy-pelican-bloggerexport.xml uses an undeclared app: prefix, so no XML parser reads it.
        entries = re.findall(r"<entry\b.*?</entry>", text, flags=re.DOTALL)
        contents = [
            re.search(r"<content\b[^>]*>(.*?)</content>", entry, flags=re.DOTALL)
            for entry in entries
            if POST_KIND in entry
        ]
        return [html.unescape(match[1]) for match in contents if match]
    bodies = []
    for entry in root.iter(f"{ATOM}entry"):
        kinds = {category.get("term") for category in entry.iter(f"{ATOM}category")}
        if POST_KIND in kinds or entry.findtext(TAKEOUT_TYPE) == "POST":
            bodies.append(entry.findtext(f"{ATOM}content") or "")
    return bodies


def _assert_vocabulary(output: str):
    for tag, attrs in _Markup(output).starts:
        assert tag in VOCABULARY, tag
        classes = attrs.pop("class", None)
        assert classes is None or (tag, classes) in CLASSES, (tag, classes)
        assert set(attrs) <= ATTRIBUTES.get(tag, set()), (tag, attrs)
        assert all(value for name, value in attrs.items() if name != "alt"), (tag, attrs)


def test_captioned_image_becomes_a_figure_with_its_link_image_and_caption():
    assert clean_post_html(CAPTIONED) == (
        '<figure><a href="https://example.com/BIG.jpg"><img src="https://example.com/SMALL.jpg" '
        'alt="Caption text" width="320" height="240"></a>'
        "<figcaption>Caption <b>text</b></figcaption></figure>"
    )


def test_a_caption_keeps_its_links_and_an_image_keeps_its_own_alt():
    markup = CAPTIONED.replace("<img ", '<img alt="A lighthouse" ').replace(
        "Caption <b>text</b>", 'Photo by <a href="http://example.org/me">me</a>'
    )
    output = clean_post_html(markup)
    assert 'alt="A lighthouse"' in output
    assert '<figcaption>Photo by <a href="http://example.org/me">me</a></figcaption>' in output


def test_a_long_caption_gives_a_trimmed_alt():
    output = clean_post_html(CAPTIONED.replace("Caption <b>text</b>", "word " * 100))
    alt = re.search(r'alt="([^"]*)"', output)[1]
    assert 0 < len(alt) <= 250
    assert alt == alt.strip()


def test_a_captioned_image_inside_a_paragraph_closes_the_paragraph_first():
    output = clean_post_html(f"<p>Before {CAPTIONED} after</p>")
    assert output.startswith("<p>Before </p><figure>")
    assert _Markup(output).misplaced == []


def test_other_tables_stay_tables():
    markup = '<table border="1" style="width: 100%"><tr><th scope="col">A</th></tr><tr><td align="center">1<td>2</tr></table>'
    assert clean_post_html(markup) == (
        '<table><tr><th scope="col">A</th></tr><tr><td align="center">1</td><td>2</td></tr></table>'
    )


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("font-weight: bold;", "<strong>x</strong>"),
        ("font-weight:700", "<strong>x</strong>"),
        ("FONT-WEIGHT: bolder", "<strong>x</strong>"),
        ("font-weight: 600 !important", "<strong>x</strong>"),
        ("font-weight: 400", "x"),
        ("font-style: italic;", "<em>x</em>"),
        ("font-weight: bold; font-style: italic", "<strong><em>x</em></strong>"),
        ("text-decoration: line-through", "<s>x</s>"),
        ("text-decoration: underline", "x"),
        ("font-family: Arial; color: red", "x"),
    ],
)
def test_emphasis_set_with_a_span_style_becomes_markup(style, expected):
    assert clean_post_html(f'<span style="{style}">x</span>') == expected


def test_presentational_tags_become_their_meaning_or_plain_text():
    markup = '<strike>old</strike> <u>under</u> <font face="Arial" color="red">font</font> <b>b</b> <i>i</i>'
    assert clean_post_html(markup) == "<s>old</s> under font <b>b</b> <i>i</i>"


def test_google_docs_wrapper_bold_with_normal_weight_is_plain_text():
    markup = '<b id="internal-source-marker_0.375" style="font-weight: normal;">pasted</b>'
    assert clean_post_html(markup) == "pasted"


def test_h1_becomes_h2_and_other_headings_stay():
    assert clean_post_html("<h1>Title</h1><h3>Part</h3>") == "<h2>Title</h2><h3>Part</h3>"


def test_a_line_starting_with_a_hash_is_text_not_a_heading():
    assert clean_post_html("# not a heading<br />## nor this") == "# not a heading<br>## nor this"


def test_line_structure_of_divs_paragraphs_and_breaks_is_kept():
    markup = 'one<br /><br />two<div>three</div><p align="center">four</p>'
    assert clean_post_html(markup) == "one<br><br>two<div>three</div><p>four</p>"


def test_blogger_read_more_anchor_separator_and_comments():
    markup = (
        '<div class="separator" style="clear: both; text-align: center;">centred</div>'
        "<a name='more'></a><!-- hidden note -->after"
    )
    assert clean_post_html(markup) == "<div>centred</div>after"


def test_entities_come_out_as_the_same_characters():
    output = clean_post_html("Fish &amp; chips&nbsp;&lt;3 &quot;ok&quot;")
    assert html.unescape(output) == 'Fish & chips\xa0<3 "ok"'
    assert "<3" not in output


@pytest.mark.parametrize(
    ("iframe", "href", "text"),
    [
        (
            '<iframe width="560" src="https://www.youtube.com/embed/dQw4w9WgXcQ?rel=0" title="Never gonna"></iframe>',
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "YouTube video: Never gonna",
        ),
        (
            '<iframe src="//www.youtube-nocookie.com/embed/abc_DEF-123"></iframe>',
            "https://www.youtube.com/watch?v=abc_DEF-123",
            "Watch the video on YouTube",
        ),
        (
            '<iframe src="https://youtu.be/dQw4w9WgXcQ" title="YouTube video player"></iframe>',
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "Watch the video on YouTube",
        ),
        (
            '<iframe frameborder="0" src="http://player.vimeo.com/video/22053820?title=0&amp;byline=0"></iframe>',
            "https://vimeo.com/22053820",
            "Watch the video on Vimeo",
        ),
    ],
)
def test_video_iframes_become_links_to_the_video(iframe, href, text):
    assert clean_post_html(f"<p>Watch: {iframe} now</p>") == (
        f'<p>Watch: </p><figure class="embed"><a class="embed-video" href="{href}">{text}</a></figure> now'
    )


def test_old_flash_youtube_object_becomes_one_video_link():
    markup = (
        '<object class="BLOGGER-youtube-video" height="324" width="522">'
        '<param name="movie" value="http://www.youtube.com/v/VjHMYuGkzlU&fs=1&source=uds" />'
        '<param name="bgcolor" value="#FFFFFF" />'
        '<embed src="http://www.youtube.com/v/VjHMYuGkzlU&fs=1&source=uds" type="application/x-shockwave-flash"></embed>'
        "Get Flash</object>"
    )
    assert clean_post_html(markup) == (
        '<figure class="embed"><a class="embed-video" href="https://www.youtube.com/watch?v=VjHMYuGkzlU">'
        "Watch the video on YouTube</a></figure>"
    )


def test_a_bare_flash_embed_becomes_a_video_link():
    output = clean_post_html('<embed src="http://www.youtube.com/v/VjHMYuGkzlU" />')
    assert 'href="https://www.youtube.com/watch?v=VjHMYuGkzlU"' in output


def test_a_video_id_that_is_not_an_id_leaves_a_note_instead():
    output = clean_post_html('<iframe src="https://www.youtube.com/embed/x&quot;onload"></iframe>')
    assert "embed-video" not in output
    assert output.startswith(
        '<p class="embed-removed">Embedded content removed: <a href="https://www.youtube.com/'
    )


def test_a_gist_script_leaves_a_link_to_the_gist_page():
    markup = '<p>Code:<script src="https://gist.github.com/yms9654/a774e81dbe9549f53c44.js"></script></p>'
    assert clean_post_html(markup) == (
        '<p>Code:</p><p class="embed-removed">Embedded content removed: '
        '<a href="https://gist.github.com/yms9654/a774e81dbe9549f53c44">'
        "https://gist.github.com/yms9654/a774e81dbe9549f53c44</a></p>"
    )


def test_an_unknown_iframe_leaves_a_note_with_its_address():
    output = clean_post_html('<iframe src="//maps.example.com/embed?q=1&amp;z=2">fallback</iframe>')
    assert output == (
        '<p class="embed-removed">Embedded content removed: <a href="https://maps.example.com/embed?q=1&amp;z=2">'
        "https://maps.example.com/embed?q=1&amp;z=2</a></p>"
    )


def test_script_and_style_contents_never_reach_the_output():
    markup = (
        "<style>.x { color: red }</style>before"
        "<script>document.write('<b>SECRET</b>'); var a = 1 < 2;</script>after"
        '<iframe src="javascript:alert(1)"></iframe>'
    )
    output = clean_post_html(markup)
    assert "SECRET" not in output and "color" not in output and "var a" not in output
    assert output == (
        'before<p class="embed-removed">Embedded content removed.</p>after'
        '<p class="embed-removed">Embedded content removed.</p>'
    )


def test_noscript_content_is_kept_for_readers_without_scripts():
    assert clean_post_html("<noscript><b>No JS</b></noscript>") == "<b>No JS</b>"


@pytest.mark.parametrize("tag", ["div", "span", "b", "blockquote", "li", "p", "table"])
def test_ten_thousand_nested_elements_are_handled(tag):
    markup = f"<{tag}>" * 10_000 + "deep" + f"</{tag}>" * 10_000
    output = clean_post_html(markup)
    assert "deep" in output
    starts, ends = output.count(f"<{tag}>"), output.count(f"</{tag}>")
    assert starts == ends


def test_unclosed_elements_are_closed_at_the_end():
    assert clean_post_html("<div><b>bold <i>both") == "<div><b>bold <i>both</i></b></div>"


def test_mis_nested_and_stray_end_tags():
    assert clean_post_html("<b>a<i>b</b>c</i></div>d") == "<b>a<i>b</i></b>cd"
    assert clean_post_html("<ul><li>one<li>two</ul>") == "<ul><li>one</li><li>two</li></ul>"
    assert clean_post_html("<p>one<p>two") == "<p>one</p><p>two</p>"


def test_an_end_tag_does_not_reach_out_of_a_table_cell():
    markup = "<div><table><tr><td>a</div>b</td></tr></table>c</div>"
    assert clean_post_html(markup) == "<div><table><tr><td>ab</td></tr></table>c</div>"


def test_blocks_inside_a_paragraph_close_it_first():
    output = clean_post_html("<p>one <b>two<div>three</div>four</b></p>")
    assert output == "<p>one <b>two</b></p><div>three</div>four"


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "  javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
    ],
)
def test_script_links_are_dropped_and_their_text_kept(href):
    output = clean_post_html(f'<a href="{html.escape(href)}" onclick="steal()">click</a>')
    assert output == "click"


def test_links_keep_their_address_and_title():
    markup = '<a href="http://example.com/a?b=1&amp;c=2" title="Ex" target="_blank" rel="nofollow" id="x">ex</a> <a href="/2010/01/post.html">old</a> <a href="mailto:me@example.com">mail</a>'
    assert clean_post_html(markup) == (
        '<a href="http://example.com/a?b=1&amp;c=2" title="Ex">ex</a> '
        '<a href="/2010/01/post.html">old</a> <a href="mailto:me@example.com">mail</a>'
    )


def test_blogger_image_addresses_are_upgraded_to_https():
    markup = (
        '<a href="http://1.bp.blogspot.com/-a/s1600/big.png"><img src="http://1.bp.blogspot.com/-a/s320/small.png" /></a>'
        '<img src="http://blogger.googleusercontent.com/img/b/x.jpg" />'
        '<img src="//lh3.googleusercontent.com/y.jpg" />'
        '<img src="http://example.com/z.jpg" />'
    )
    assert _Markup(clean_post_html(markup)).images == [
        "https://1.bp.blogspot.com/-a/s320/small.png",
        "https://blogger.googleusercontent.com/img/b/x.jpg",
        "https://lh3.googleusercontent.com/y.jpg",
        "http://example.com/z.jpg",
    ]
    assert 'href="https://1.bp.blogspot.com/-a/s1600/big.png"' in clean_post_html(markup)


def test_images_keep_their_attributes_and_nothing_else():
    markup = '<img style="float: right" border="0" src="https://example.com/a.png" alt="A &quot;cat&quot;" title="" width="197" height="257px" onerror="x()" />'
    assert clean_post_html(markup) == (
        '<img src="https://example.com/a.png" alt="A &quot;cat&quot;" width="197">'
    )


def test_hostile_markup_leaves_no_style_handlers_or_scripts():
    markup = (
        '<div style="color:red" onclick="x()" class="evil" id="main"><span onmouseover="y()">a</span>'
        '<img src="x.png" onerror="alert(1)"><svg><script>alert(2)</script></svg>'
        "<scr<script>ipt>alert(3)</script><form action='/x'><input name='q'><button>Go</button></form>"
        "<math><mtext><style><img src=x onerror=alert(4)></style></mtext></math></div>"
    )
    output = clean_post_html(markup)
    for forbidden in (
        "style=",
        "onclick",
        "onerror",
        "onmouseover",
        "<script",
        "id=",
        'class="evil"',
    ):
        assert forbidden not in output
    # Script and style bodies are gone; "<scr<script>ipt>" is a tag browsers ignore, then text.
    assert "alert(2)" not in output and "alert(4)" not in output
    assert "ipt&gt;alert(3)" in output
    _assert_vocabulary(output)


@pytest.mark.parametrize("path", sorted(CORPUS.iterdir()), ids=lambda path: path.name)
def test_real_exports_keep_every_image_and_link_in_the_allowed_vocabulary(path):
    bodies = _post_bodies(path)
    assert bodies, f"no posts found in {path.name}"
    for body in bodies:
        source, output = _Markup(body), clean_post_html(body)
        cleaned = _Markup(output)
        assert len(cleaned.images) == len(source.images)
        for src in source.images:
            assert _upgraded(src) in cleaned.images
        for href in source.links:
            if re.match(r"\s*https?:", href, flags=re.IGNORECASE):
                assert _upgraded(href) in cleaned.links
        for forbidden in ("style=", "onclick", "<script", "<iframe", "<object", "<span"):
            assert forbidden not in output
        assert cleaned.misplaced == []
        _assert_vocabulary(output)


def test_a_playlist_or_a_relative_embed_address_is_not_a_video_or_a_link():
    playlist = "https://www.youtube.com/embed/videoseries?list=PL0123456789"
    output = clean_post_html(f'<iframe src="{playlist}"></iframe>')
    assert (
        output
        == f'<p class="embed-removed">Embedded content removed: <a href="{html.escape(playlist)}">{html.escape(playlist)}</a></p>'
    )
    assert clean_post_html('<iframe src="/video.g?token=x"></iframe>') == (
        '<p class="embed-removed">Embedded content removed.</p>'
    )


def test_an_end_tag_inside_an_iframe_does_not_close_what_is_around_it():
    markup = '<div><iframe src="https://example.com/w"></div>unseen</iframe>after</div>'
    assert clean_post_html(markup) == (
        '<div><p class="embed-removed">Embedded content removed: '
        '<a href="https://example.com/w">https://example.com/w</a></p>after</div>'
    )
