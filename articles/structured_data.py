"""JSON-LD for essay pages: a BlogPosting and its BreadcrumbList (schema.org)."""

import json

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe

# Keep "</script>" and friends out of the JSON so it cannot end the script element early.
JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def article_jsonld(request, article, authors) -> str:
    """Safe HTML: a <script type="application/ld+json"> element describing the essay."""

    def absolute(path: str) -> str:
        return request.build_absolute_uri(path)

    url = absolute(article.get_absolute_url())
    home = absolute(reverse("articles:home"))
    if article.featured_image:
        image = absolute(article.featured_image.largest_jpeg_url)
    else:
        image = absolute(reverse("articles:social-image", args=[article.slug]))
    modified = article.updated_at if article.show_updated else article.published_at
    posting = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": article.title,
        "description": article.seo_description or article.standfirst,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": article.published_at.isoformat(),
        "dateModified": modified.isoformat(),
        "author": [
            {"@type": "Person", "name": author.name, "url": absolute(author.get_absolute_url())}
            for author in authors
        ],
        "image": [image],
        "articleSection": article.section.name,
        "keywords": [topic.name for topic in article.topics.all()],
        "wordCount": article.word_count,
        "commentCount": article.comment_count,
        "isPartOf": {
            "@type": "Blog",
            "name": article.section.name,
            "url": absolute(article.section.get_absolute_url()),
        },
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME, "url": home},
    }
    breadcrumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": settings.SITE_NAME, "item": home},
            {
                "@type": "ListItem",
                "position": 2,
                "name": article.section.name,
                "item": absolute(article.section.get_absolute_url()),
            },
            {"@type": "ListItem", "position": 3, "name": article.title, "item": url},
        ],
    }
    data = json.dumps([posting, breadcrumbs], ensure_ascii=False).translate(JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{data}</script>')
