import re
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from comments.models import Comment


def parse_age(text: str) -> timedelta:
    match = re.fullmatch(r"(\d+)\s*d", text.strip())
    if not match:
        raise CommandError("--older-than takes a number of days, e.g. 90d.")
    return timedelta(days=int(match.group(1)))


class Command(BaseCommand):
    help = (
        "Forget commenters' IP addresses and user agents after the retention period "
        "(COMMENTS_IP_RETENTION_DAYS, default 90). Run it daily, e.g. from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", help="e.g. 90d (default: the setting)")

    def handle(self, *args, older_than=None, **options):
        if older_than:
            age = parse_age(older_than)
        elif settings.COMMENTS_IP_RETENTION_DAYS:
            age = timedelta(days=settings.COMMENTS_IP_RETENTION_DAYS)
        else:
            self.stdout.write("COMMENTS_IP_RETENTION_DAYS is 0: addresses are kept.")
            return
        cutoff = timezone.now() - age
        old = Comment.objects.filter(created_at__lt=cutoff)
        cleared = old.exclude(ip_address=None, user_agent="").update(ip_address=None, user_agent="")
        self.stdout.write(
            self.style.SUCCESS(f"Cleared the IP address and user agent of {cleared} comments.")
        )
