import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

USERNAME = "editor"


class Command(BaseCommand):
    help = (
        "Create a demo editor account for local use and print its password once. "
        "Refuses to run with DEBUG off, so it can never create an account in production."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("create_demo_editor is for local development only (DEBUG is off).")
        User = get_user_model()
        if User.objects.filter(username=USERNAME).exists():
            self.stdout.write(
                f"Demo editor '{USERNAME}' already exists "
                f"(reset its password with: python manage.py changepassword {USERNAME})."
            )
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(USERNAME, password=password, is_staff=True)
        user.groups.add(Group.objects.get(name="Editors"))
        self.stdout.write(
            self.style.WARNING(
                f"Demo editor created for local use: username '{USERNAME}', password "
                f"'{password}'. It is shown only this once. Admin: /{settings.ADMIN_URL}"
            )
        )
