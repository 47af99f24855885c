"""Print PostgreSQL's plans (EXPLAIN ANALYZE) for the lists the site serves, at benchmark scale."""

import django

django.setup()

from datetime import timedelta  # noqa: E402

from django.utils import timezone  # noqa: E402

from articles.models import Article, Author, Section, Topic  # noqa: E402
from comments.models import Comment  # noqa: E402

published = Article.objects.published()
article = published.filter(comment_count__gte=18).first()
queries = {
    "home: newest published essays": published[:10],
    "section page": published.filter(section=Section.objects.first())[:10],
    "topic page": published.filter(topics=Topic.objects.first())[:10],
    "author page": published.filter(authors=Author.objects.first())[:10],
    "month archive": published.filter(published_at__gte=timezone.now() - timedelta(days=30))[:10],
    "approved comments of an essay": Comment.objects.approved().filter(article=article),
    "moderation queue (pending, newest first)": Comment.objects.pending().order_by(
        "-created_at", "-id"
    )[:100],
}
for name, queryset in queries.items():
    print(f"### {name}\n")
    print("```")
    print(queryset.explain(analyze=True))
    print("```\n")
