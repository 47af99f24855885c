"""Editors may upload and manage images too."""

from django.db import migrations

from core.groups import grant, revoke


def grant_images(apps, schema_editor):
    grant(apps, "Editors", "articles", ["image"])


def revoke_images(apps, schema_editor):
    revoke(apps, "Editors", "articles", ["image"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_images")]

    operations = [migrations.RunPython(grant_images, revoke_images)]
