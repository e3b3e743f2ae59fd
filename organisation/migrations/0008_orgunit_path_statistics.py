"""A finer histogram of the units' paths for PostgreSQL's planner.

A department's units are one narrow range of paths ("/STAD/D00/" up to "/STAD/D000"). With the default
100 buckets, a city of 16,000 units has 160 units in each, and the planner guessed 1 unit for a
department of 70: it then sorted every person of the department to list the first fifty, instead of
reading them unit by unit and stopping once the page was full (docs/performance.md). 1,000 buckets
(ANALYZE reads 300,000 rows at most: every unit of any city) bring the guess close.
"""

from django.db import migrations

PATH_STATISTICS = 1000


def finer(apps, schema_editor, target=PATH_STATISTICS):
    if schema_editor.connection.vendor != "postgresql":  # SQLite keeps no histogram per column
        return
    schema_editor.execute(f"ALTER TABLE organisation_orgunit ALTER COLUMN path SET STATISTICS {int(target)}")


def default(apps, schema_editor):
    finer(apps, schema_editor, target=-1)


class Migration(migrations.Migration):
    dependencies = [("organisation", "0007_person_active_by_unit_name")]

    operations = [migrations.RunPython(finer, default, elidable=False)]
