"""Editors may upload and manage images too."""

from django.db import migrations

ACTIONS = ["add", "change", "delete", "view"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("articles")
    previous = getattr(app_config, "models_module", None)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = previous  # (also when run with the live app registry)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles", codename__in=[f"{a}_image" for a in ACTIONS]
        )
    )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="Editors"):
        group.permissions.remove(*Permission.objects.filter(codename__endswith="_image"))


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_images")]

    operations = [migrations.RunPython(grant, revoke)]
