"""The writes of bench/run's churn workload: a moderator approving one comment every few seconds.

Run as: DJANGO_SETTINGS_MODULE=config.settings python bench/churn.py CHURN_JSON EDGE_URL READY

CHURN_JSON lists the essays read by the Zipf workload, most read first (bench/prepare.py). Every
--every seconds (first after half a second) it picks one of them with the readers' weights
(rank i ∝ 1/i: comments follow readers), approves its oldest pending comment through
comments.services.moderate_comments (what the admin's approve action calls), so the origin and
Varnish purges run as in production (db_worker sends the Varnish one). Then it polls the essay
through EDGE_URL until the page shows the comment. Per approval it prints
`APPROVED comment=… essay=… rank=… late=0.01 took=0.04` once committed (seconds behind
schedule when it started, and the approval's own time), then `SHOWN comment=… after=0.31`
(seconds from the commit until a reader at the edge sees the comment; "none" if not in 4 s).

While wrk and Varnish keep both cores busy everything else is slow (bench/run starts this and
db_worker at a higher priority), and a first approval, which also imports and compiles what it
needs, was measured taking up to 10 s; so one approval is made and rolled back before READY is
touched (bench/run starts wrk then). It runs until it is terminated.
"""

import argparse
import json
import random
import time
import urllib.request
from pathlib import Path

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402

from articles.models import Article  # noqa: E402
from comments.models import Comment  # noqa: E402
from comments.services import moderate_comments  # noqa: E402

FRESH_WAIT = 4.0  # seconds the edge may take to show an approved comment before we give up

parser = argparse.ArgumentParser()
parser.add_argument("churn_json", type=Path)
parser.add_argument("edge_url")
parser.add_argument("ready", type=Path)
parser.add_argument("--every", type=float, default=5.0)
args = parser.parse_args()

ids = json.loads(args.churn_json.read_text())
paths = dict(Article.objects.filter(pk__in=ids).values_list("pk", "slug"))
weights = [1 / rank for rank in range(1, len(ids) + 1)]
moderator = get_user_model().objects.get(username="bench-admin")
rng = random.Random()
with transaction.atomic():  # a rehearsal: loads the code, templates and connection, then undone
    rehearsal = Comment.objects.pending().filter(article_id__in=ids).first()
    moderate_comments(comments=[rehearsal], status=Comment.Status.APPROVED, moderator=moderator)
    transaction.set_rollback(True)  # on_commit purges are dropped with it
args.ready.touch()


def fresh_after(slug: str, comment_pk: int, approved_at: float) -> str:
    """Seconds until a reader at the edge sees the comment (the purge has gone through)."""
    marker = f'id="c{comment_pk}"'.encode()
    url = f"{args.edge_url}/essays/{slug}/"
    while time.monotonic() - approved_at < FRESH_WAIT:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if marker in response.read():
                    return f"{time.monotonic() - approved_at:.2f}"
        except OSError as error:  # urllib's HTTPError too: an error page is not the answer
            print(f"GET {url}: {error}", flush=True)
        time.sleep(0.05)
    return "none"


next_at = time.monotonic() + 0.5
while True:
    time.sleep(max(0.0, next_at - time.monotonic()))
    started = time.monotonic()
    late = started - next_at
    next_at += args.every
    for _ in range(50):  # an essay whose pending comments are all approved: pick another
        rank = rng.choices(range(len(ids)), weights)[0]
        comment = Comment.objects.pending().filter(article_id=ids[rank]).order_by("pk").first()
        if comment is not None:
            break
    else:
        print("APPROVED none: no pending comment found", flush=True)
        continue
    moderate_comments(comments=[comment], status=Comment.Status.APPROVED, moderator=moderator)
    committed = time.monotonic()
    print(
        f"APPROVED comment={comment.pk} essay={ids[rank]} rank={rank + 1} late={late:.2f} "
        f"took={committed - started:.2f}",
        flush=True,
    )
    shown = fresh_after(paths[ids[rank]], comment.pk, committed)
    print(f"SHOWN comment={comment.pk} after={shown}", flush=True)
