"""Built-in, explainable spam rules. Each rule that fires adds a reason a moderator can read."""

import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings

from .models import BlocklistEntry, Comment

LINK_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)

# Reason labels; the admin's "why held" filter matches on these prefixes.
HONEYPOT = "Honeypot field filled in"
BLOCKLIST = "Blocklist match"
TOO_FAST = "Posted too fast"
TOO_MANY_LINKS = "Too many links"
POLICY_ALL = "Held for review (site policy)"
FIRST_TIME = "First comment from this email address"
REASON_LABELS = [HONEYPOT, BLOCKLIST, TOO_FAST, TOO_MANY_LINKS, POLICY_ALL, FIRST_TIME]


@dataclass
class Verdict:
    spam: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.spam:
            return Comment.Status.SPAM
        if self.held:
            return Comment.Status.PENDING
        return Comment.Status.APPROVED

    @property
    def reasons(self) -> str:
        return "\n".join(self.spam + self.held)


def assess(
    *,
    name: str,
    email: str,
    url: str,
    text: str,
    ip: str | None,
    honeypot: str,
    seconds_on_form: float,
) -> Verdict:
    verdict = Verdict()
    if honeypot:
        verdict.spam.append(HONEYPOT)
    if entry := blocklist_match(name=name, email=email, url=url, text=text, ip=ip):
        verdict.spam.append(f"{BLOCKLIST}: {entry}")
    if seconds_on_form < settings.COMMENTS_MIN_SECONDS:
        verdict.held.append(
            f"{TOO_FAST}: {seconds_on_form:.0f} s after the form loaded "
            f"(minimum {settings.COMMENTS_MIN_SECONDS} s)"
        )
    links = len(LINK_RE.findall(text))
    if links > settings.COMMENTS_MAX_LINKS:
        verdict.held.append(f"{TOO_MANY_LINKS}: {links} (more than {settings.COMMENTS_MAX_LINKS})")
    policy = settings.COMMENTS_MODERATION
    if policy == "hold_all":
        verdict.held.append(POLICY_ALL)
    elif policy == "hold_first_time" and not is_known_commenter(email):
        verdict.held.append(FIRST_TIME)
    return verdict


def is_known_commenter(email: str) -> bool:
    return Comment.objects.approved().filter(author_email=email.lower()).exists()


def blocklist_match(*, name: str, email: str, url: str, text: str, ip: str | None):
    """The first blocklist entry this comment matches, or None."""
    email = email.lower()
    email_domain = email.rpartition("@")[2]
    url_host = (urlsplit(url).hostname or "") if url else ""
    words = f"{name}\n{text}\n{url}".lower()
    address = _parse_ip(ip)
    for entry in BlocklistEntry.objects.all():
        value = entry.value
        if entry.kind == BlocklistEntry.Kind.WORD:
            if re.search(rf"(?<!\w){re.escape(value)}(?!\w)", words):
                return entry
        elif entry.kind == BlocklistEntry.Kind.EMAIL:
            if email == value:
                return entry
        elif entry.kind == BlocklistEntry.Kind.DOMAIN:
            if any(
                host == value or host.endswith("." + value) for host in (email_domain, url_host)
            ):
                return entry
        elif entry.kind == BlocklistEntry.Kind.IP and address is not None:
            try:
                if address in ipaddress.ip_network(value, strict=False):
                    return entry
            except ValueError:
                continue
    return None


def _parse_ip(ip: str | None):
    try:
        return ipaddress.ip_address(ip) if ip else None
    except ValueError:
        return None
