"""Compute search vectors for essays that existed before full-text search (PostgreSQL only)."""

from django.db import migrations


def fill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from django.core.management import call_command

    call_command("rebuild_search_index", verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("articles", "0010_section_index")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
