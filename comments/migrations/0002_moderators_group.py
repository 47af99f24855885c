"""Create the "Moderators" group: may moderate comments and keep the blocklist; nothing else."""

from django.db import migrations

from core.groups import delete_group, grant

MODERATORS = "Moderators"


def create_moderators_group(apps, schema_editor):
    grant(apps, MODERATORS, "comments", ["comment"], ["view", "change"])
    grant(apps, MODERATORS, "comments", ["moderationaction"], ["view"])
    grant(apps, MODERATORS, "comments", ["blocklistentry"])


def remove_moderators_group(apps, schema_editor):
    delete_group(apps, MODERATORS)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_moderators_group, remove_moderators_group)]
