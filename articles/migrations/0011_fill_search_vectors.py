"""Once computed the search vectors of existing essays (PostgreSQL) with the live command.

Now a no-op: a migration must not call code that changes after it (the command used the live
models and settings). Migration 0016 recomputes every essay's vector from historical models,
so a database migrated from any earlier state ends with the same vectors as before.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0010_section_index")]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
