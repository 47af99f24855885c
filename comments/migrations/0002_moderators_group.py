"""Create the "Moderators" group: may moderate comments and keep the blocklist; nothing else."""

from django.db import migrations

MODERATORS = "Moderators"
PERMISSIONS = [
    "view_comment",
    "change_comment",
    "view_moderationaction",
    "view_blocklistentry",
    "add_blocklistentry",
    "change_blocklistentry",
    "delete_blocklistentry",
]


def create_moderators_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations have run; make sure they exist now.
    app_config = apps.get_app_config("comments")
    previous = getattr(app_config, "models_module", None)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = previous  # (also when run with the live app registry)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=MODERATORS)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="comments", codename__in=PERMISSIONS)
    )


def remove_moderators_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=MODERATORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_moderators_group, remove_moderators_group)]
