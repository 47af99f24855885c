"""Pick benchmark URLs and credentials from the database; prints shell `export` lines.

Run as: DJANGO_SETTINGS_MODULE=config.settings python bench/prepare.py OUTDIR
"""

import secrets
import sys
import time
from pathlib import Path

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core import signing  # noqa: E402

from articles.management.commands.generate_load_data import WORDS  # noqa: E402
from articles.models import Article, Topic  # noqa: E402
from comments.forms import TOKEN_SALT  # noqa: E402
from comments.models import Comment  # noqa: E402

out = Path(sys.argv[1])
published = Article.objects.published()
# Random essays that carry about 20 approved comments, as the targets ask.
commented = list(
    published.filter(comment_count__gte=18, comment_count__lte=25).values_list("slug", flat=True)[
        :500
    ]
)
(out / "articles.txt").write_text("".join(f"/essays/{slug}/\n" for slug in commented))
topic = Topic.objects.order_by("pk").first()
target = published.order_by("-published_at").first()
Article.objects.filter(pk=target.pk).update(allow_comments=True)
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
print(f"export TOPIC_PATH=/topics/{topic.slug}/")
print(f"export COMMENT_PATH=/essays/{target.slug}/comments/")
print(f"export COMMENT_ARTICLE_ID={target.pk}")
print(f"export FORM_TOKEN='{token}'")
print(f"export CSRF={secrets.token_hex(16)}")
print(f"export ADMIN_SESSION={session.session_key}")
print(f"export SAMPLE_ARTICLE=/essays/{commented[0]}/")
print(f"export ESSAYS={published.count()}")
print(f"export COMMENTS_TOTAL={Comment.objects.count()}")
