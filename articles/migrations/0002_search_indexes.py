"""Trigram indexes for `q` on PostgreSQL: Django's icontains compiles to
UPPER(column::text) LIKE UPPER(%s), which a GIN index over UPPER(column) with
gin_trgm_ops serves at any size. SQLite has no such index and scans."""

from django.db import migrations

INDEXES = {
    "article_title_trgm_idx": "title",
    "article_description_trgm_idx": "description",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON articles_article USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
