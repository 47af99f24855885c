"""Create the "Editors" group: may manage essays, authors, sections and topics; nothing else."""

from django.db import migrations

from core.groups import delete_group, grant

EDITORS = "Editors"
MODELS = ["article", "articleauthor", "author", "section", "topic"]


def create_editors_group(apps, schema_editor):
    grant(apps, EDITORS, "articles", MODELS)


def remove_editors_group(apps, schema_editor):
    delete_group(apps, EDITORS)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
