"""Pick benchmark URLs, data and credentials from the database; prints shell `export` lines.

Run as: DJANGO_SETTINGS_MODULE=config.settings python bench/prepare.py OUTDIR CHURN_ESSAYS

Writes to OUTDIR:
- essay.json: the seed essay as the Wagtail peer loads it (bench/wagtail_peer.py build);
- zipf.txt: 100,000 essay paths in which the i-th of CHURN_ESSAYS essays appears ∝ 1/i;
- churn.json: those essays' ids in the same order, for bench/churn.py.
The seed essay (the one the goals compare) has 18–25 approved comments, some of them replies,
and is left out of the churn essays (their comments get approved) and of the comment POSTs.
"""

import json
import random
import sys
import time
from pathlib import Path

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core import signing  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import Article, Topic  # noqa: E402
from comments.forms import TOKEN_SALT  # noqa: E402
from comments.models import Comment, render_comment_text  # noqa: E402
from comments.services import refresh_comment_counts  # noqa: E402
from demo.management.commands.generate_load_data import WORDS  # noqa: E402

ZIPF_LINES = 100_000
PENDING_PER_ESSAY = 3  # more than a run approves on the most read essay (~13 % of ~8)

out, churn_size = Path(sys.argv[1]), int(sys.argv[2])
published = Article.objects.published()
# The newest essay takes the comment POSTs (all held for moderation, so its page is unchanged).
target = published.order_by("-published_at", "-pk").first()
Article.objects.filter(pk=target.pk).update(allow_comments=True)


def seed_essay() -> Article:
    """The last essay (by id) with 18–25 approved comments of which at least 3 are replies;
    if there is none (a small dataset), one is given 20 such comments. The churn essays are
    the first ones by id, so the comments they get approved cannot change which essay this is."""
    replies = Count(
        "comments",
        filter=Q(comments__status=Comment.Status.APPROVED, comments__parent__isnull=False),
    )
    candidates = published.exclude(pk=target.pk).filter(comment_count__range=(18, 25))
    seed = candidates.annotate(replies=replies).filter(replies__gte=3).order_by("-pk").first()
    if seed is not None:
        return seed
    seed = published.exclude(pk=target.pk).order_by("-pk").first()
    seed.comments.all().delete()
    now, thread = timezone.now(), None
    for n in range(20):
        reply = n % 3 != 0  # a third start a thread, the rest reply to it
        text = f"Comment {n} on the essay: " + " ".join(WORDS[n : n + 30])
        comment = Comment.objects.create(
            article=seed, parent=thread if reply else None, depth=int(reply),
            author_name=f"Reader {n}", author_email=f"load-reader-{n}@example.org", text=text,
            status=Comment.Status.APPROVED, created_at=now,
        )  # fmt: skip
        thread = thread if reply else comment
    refresh_comment_counts(article_ids=[seed.pk])
    return published.get(pk=seed.pk)


seed = published.with_byline().get(pk=seed_essay().pk)
authors = [author.name for author in seed.author_list]
byline = ", ".join(authors[:-1]) + (" and " if len(authors) > 1 else "") + authors[-1]
(out / "essay.json").write_text(
    json.dumps(
        {
            "title": seed.title,
            "standfirst": seed.standfirst,
            "byline": byline,
            "body_html": seed.body_with_figures(),  # what our page shows
            "section": seed.section.name,
            "site_name": settings.SITE_NAME,
        }
    )
)
approved = seed.comments.approved()
seed_replies = approved.filter(parent__isnull=False).count()

# The churn essays: CHURN_ESSAYS published essays, ranked by id; rank i is read ∝ 1/i.
churn = list(
    published.exclude(pk__in=[seed.pk, target.pk])
    .order_by("pk")
    .values_list("pk", "slug")[:churn_size]
)
weights = [1 / rank for rank in range(1, len(churn) + 1)]
scale = ZIPF_LINES / sum(weights)
lines = [
    f"/essays/{slug}/\n"
    for (_, slug), w in zip(churn, weights, strict=True)
    for _ in range(round(w * scale))
]
random.Random(1).shuffle(lines)
(out / "zipf.txt").write_text("".join(lines))
(out / "churn.json").write_text(json.dumps([pk for pk, _ in churn]))

# Pending comments for bench/churn.py to approve: at least PENDING_PER_ESSAY on each essay.
pending = dict(
    Comment.objects.pending()
    .filter(article_id__in=[pk for pk, _ in churn])
    .values_list("article_id")
    .annotate(n=Count("pk"))
)
made = int(time.time())
new = [
    Comment(
        article_id=pk,
        author_name="Bench reader",
        author_email=f"load-pending-{pk}@example.org",
        text=(text := f"A held comment {made}-{n} on essay {pk}, waiting for a moderator."),
        text_html=render_comment_text(text),
        status=Comment.Status.PENDING,
    )
    for pk, _ in churn
    for n in range(PENDING_PER_ESSAY - pending.get(pk, 0))
]
Comment.objects.bulk_create(new)

token = signing.dumps({"a": target.pk, "t": int(time.time()) - 60}, salt=TOKEN_SALT)
User = get_user_model()
admin, _ = User.objects.get_or_create(
    username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
)
session = SessionStore()
session["_auth_user_id"] = str(admin.pk)
session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
session["_auth_user_hash"] = admin.get_session_auth_hash()
session.create()

# A search a reader might make: two of the rarer words of one essay (common words match all).
common = set(WORDS)
words = [w.strip(".,").lower() for w in published.order_by("pk").first().body.split()]
rare = [w for w in dict.fromkeys(words) if w not in common][:2]
print(f"export SEARCH_QUERY='{'+'.join(rare)}'")
print(f"export TOPIC_PATH=/topics/{Topic.objects.order_by('pk').first().slug}/")
print(f"export COMMENT_PATH=/essays/{target.slug}/comments/")
print(f"export COMMENT_ARTICLE_ID={target.pk}")
print(f"export FORM_TOKEN='{token}'")
print(f"export ADMIN_SESSION={session.session_key}")
print(f"export SEED_PATH={seed.get_absolute_url()}")
print(f"export SEED_ID={seed.pk}")
print(f"export SEED_WORDS={seed.word_count}")
print(f"export SEED_COMMENTS={approved.count()}")
print(f"export SEED_REPLIES={seed_replies}")
print(f"export CHURN_COUNT={len(churn)}")
print(f"export PENDING_ADDED={len(new)}")
print(f"export ESSAYS={published.count()}")
print(f"export COMMENTS_TOTAL={Comment.objects.count()}")
