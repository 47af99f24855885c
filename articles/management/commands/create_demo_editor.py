import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

USERNAME = "editor"
# One login to try the whole back office: writing essays and moderating comments.
GROUPS = ["Editors", "Moderators"]


class Command(BaseCommand):
    help = (
        "Create a demo login for local use, in the Editors and Moderators groups (it can write "
        "and moderate), and print its password once. Refuses to run with DEBUG off, so it can "
        "never create an account in production."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("create_demo_editor is for local development only (DEBUG is off).")
        groups = Group.objects.filter(name__in=GROUPS)
        User = get_user_model()
        user = User.objects.filter(username=USERNAME).first()
        if user is not None:
            # A demo login from an older run was only an editor: let it moderate too.
            user.groups.add(*groups)
            self.stdout.write(
                f"Demo login '{USERNAME}' already exists; it can write and moderate "
                f"(reset its password with: python manage.py changepassword {USERNAME})."
            )
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(USERNAME, password=password, is_staff=True)
        user.groups.add(*groups)
        self.stdout.write(
            self.style.WARNING(
                f"Demo login created for local use: username '{USERNAME}', password "
                f"'{password}'. It can write essays and moderate comments. It is shown only "
                f"this once. Admin: /{settings.ADMIN_URL}"
            )
        )
