"""Editors write and publish the standing pages (About, Contact) too."""

from django.db import migrations

from core.groups import grant, revoke


def grant_pages(apps, schema_editor):
    grant(apps, "Editors", "articles", ["page"])


def revoke_pages(apps, schema_editor):
    revoke(apps, "Editors", "articles", ["page"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0012_pages_html_bodies_import_journal")]

    operations = [migrations.RunPython(grant_pages, revoke_pages)]
