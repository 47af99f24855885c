from django.db import migrations


class Migration(migrations.Migration):
    """The admin calls articles "essays", as the site and README do (names only, no schema)."""

    dependencies = [
        ("articles", "0016_sqlite_fts"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="article",
            options={
                "get_latest_by": "published_at",
                "ordering": ["-published_at", "-id"],
                "verbose_name": "essay",
                "verbose_name_plural": "essays",
            },
        ),
    ]
