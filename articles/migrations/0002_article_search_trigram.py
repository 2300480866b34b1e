"""Trigram indexes for `q` search (PostgreSQL only; nothing happens on SQLite).

`q` filters with `title__icontains` / `description__icontains`, which Django writes as
`UPPER("articles_article"."title"::text) LIKE UPPER(%s)`: a leading wildcard that no btree can
serve. A pg_trgm GIN index on exactly that expression can, so a search reads the matching rows
instead of the whole table.
"""

from django.db import migrations

INDEXES = {
    "article_title_trgm_idx": "title",
    "article_description_trgm_idx": "description",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON articles_article '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
