"""Staff groups and their permissions, for data migrations and for tests.

`apps` is the app registry to work with: a migration passes its historical one, so the helper
only ever sees models as they were at that migration; tests pass `django.apps.apps`.
"""

from django.contrib.auth.management import create_permissions

ALL_ACTIONS = ("add", "change", "delete", "view")


def _permissions(apps, app_label, models, actions):
    # Permissions are normally created after all migrations have run (post_migrate): make sure
    # those of this app exist now. A historical app config has no models module, and
    # create_permissions skips an app without one, so it is set for the call.
    app_config = apps.get_app_config(app_label)
    previous = getattr(app_config, "models_module", None)
    app_config.models_module = True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = previous
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model in models for action in actions]
    return Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)


def grant(apps, group_name, app_label, models, actions=ALL_ACTIONS):
    """Give the group (made if missing) each `action_model` permission of the app."""
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=group_name)
    group.permissions.add(*_permissions(apps, app_label, models, actions))
    return group


def revoke(apps, group_name, app_label, models, actions=ALL_ACTIONS):
    """Take those permissions back from the group, if it exists; the group stays."""
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model in models for action in actions]
    permissions = Permission.objects.filter(
        content_type__app_label=app_label, codename__in=codenames
    )
    for group in apps.get_model("auth", "Group").objects.filter(name=group_name):
        group.permissions.remove(*permissions)


def delete_group(apps, group_name):
    apps.get_model("auth", "Group").objects.filter(name=group_name).delete()
