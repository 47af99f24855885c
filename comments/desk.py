"""The moderation desk: the comment changelist shown as one card per comment.

The admin keeps Django's changelist (filters, search, bulk actions, pagination); this module
builds what each card shows beyond the comment itself, for the whole page at once.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.urls import reverse
from django.utils.text import Truncator

from . import spam
from .models import Comment

Status = Comment.Status

# (status, button label, keyboard shortcut, what the announcement says was done)
ACTIONS = [
    (Status.APPROVED, "Approve", "a", "Approved comment by {name}."),
    (Status.SPAM, "Spam", "s", "Marked comment by {name} as spam."),
    (Status.REMOVED, "Remove", "r", "Removed comment by {name}."),
    (Status.PENDING, "Back to pending", "", "Put comment by {name} back to pending."),
]
DONE = {status: done for status, _, _, done in ACTIONS}
# The key legend above the cards: (key, what it does), from ACTIONS like the buttons' keys.
SHORTCUTS = [(key, label.lower()) for _, label, key, _ in ACTIONS if key]
HISTORY_STATUSES = [Status.APPROVED, Status.SPAM, Status.REMOVED]
# Reasons that sent a comment straight to spam, rather than holding it for a look.
SPAM_REASONS = (spam.HONEYPOT, spam.BLOCKLIST)


@dataclass
class History:
    """How this site's moderators have judged one email address or IP address before."""

    counts: Counter = field(default_factory=Counter)

    def items(self):
        return [(Status(s).label.lower(), self.counts[s]) for s in HISTORY_STATUSES]


@dataclass
class Card:
    comment: Comment
    answers: Comment | None
    answers_excerpt: str
    email_history: History | None
    ip_history: History | None
    chips: list[tuple[str, bool]]  # (reason, sent straight to spam)
    buttons: list[dict]

    @property
    def histories(self) -> list[tuple[str, History | None, str]]:
        """(label, history, what to say without that address), one per line of the card."""
        return [
            ("This email", self.email_history, "no email"),
            ("This IP", self.ip_history, "unknown"),
        ]


def histories(counts_query, key: str) -> dict[str, History]:
    found: dict[str, History] = {}
    for row in counts_query:
        found.setdefault(row[key], History()).counts[row["status"]] = row["n"]
    return found


def build_cards(comments) -> list[Card]:
    """One card per comment of the page, in two queries whatever the page size.

    Each history counts, by status, every comment with that email address (or IP address) that
    a moderator has approved, marked spam or removed. Pending comments are not counted, so a
    pending card's own comment is not in its history; an approved, spam or removed one's is.
    """
    comments = list(comments)
    emails = {c.author_email for c in comments if c.author_email}
    ips = {c.ip_address for c in comments if c.ip_address}
    base = Comment.objects.order_by().filter(status__in=HISTORY_STATUSES)
    by_email = histories(
        base.filter(author_email__in=emails)
        .values("author_email", "status")
        .annotate(n=Count("pk")),
        "author_email",
    )
    by_ip = histories(
        base.filter(ip_address__in=ips).values("ip_address", "status").annotate(n=Count("pk")),
        "ip_address",
    )
    cards = []
    for comment in comments:
        answers = comment.in_reply_to or comment.parent
        cards.append(
            Card(
                comment=comment,
                answers=answers,
                answers_excerpt=Truncator(answers.text).chars(140) if answers else "",
                email_history=(
                    by_email.get(comment.author_email, History()) if comment.author_email else None
                ),
                ip_history=by_ip.get(comment.ip_address, History()) if comment.ip_address else None,
                chips=[(r, r.startswith(SPAM_REASONS)) for r in comment.reasons],
                buttons=buttons(comment),
            )
        )
    return cards


def buttons(comment: Comment) -> list[dict]:
    """Every move; the one to the comment's own status is rendered hidden (the script shows
    it again once the comment has moved)."""
    return [
        {
            "status": status,
            "label": label,
            "key": key,
            "url": reverse("admin:comments_comment_moderate", args=[comment.pk, status]),
            "hidden": comment.status == status,
        }
        for status, label, key, _ in ACTIONS
    ]


def wants_json(request) -> bool:
    """The desk's script asks for JSON; a plain form submission gets a redirect."""
    return "application/json" in request.headers.get("Accept", "")


def announcement(comment: Comment, status: str, *, changed: bool) -> str:
    """What the status line says was done; `changed` is whether the locked row moved."""
    if not changed:
        return f"Comment by {comment.author_name} was already {Status(status).label.lower()}."
    return DONE[status].format(name=comment.author_name)


def refuse(as_json: bool, status: int, message: str):
    """A refusal the desk's script can read, or the admin's usual error page for a form."""
    if as_json:
        return JsonResponse({"error": message}, status=status)
    if status == 403:
        raise PermissionDenied(message)
    if status == 404:
        raise Http404(message)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
