"""ArticleTally and the triggers that keep it.

Every write to the two article tables adjusts the tally in the same transaction, so it is
exact whatever writes: the ingest, the admin, a cascade, a COPY. The triggers are
PostgreSQL statement-level triggers over the transition tables (one tally upsert per
statement, not per row) and SQLite row-level triggers. The existing store is tallied at the
end, with its tables locked against writes on PostgreSQL until the migration commits.
"""

from django.db import migrations, models

TALLY = "articles_articletally"

# Each tallied table, and the tally category of one of its rows: an article counts once in
# all categories (""), a category link once in its category.
TALLIED = {
    "articles_article": "''",
    "articles_articlecategory": "category",
}

# Concurrent writers upsert tally rows in (source, category) order: no lock-order deadlock.
PG_UPSERT = f"""
INSERT INTO {TALLY} (source, category, articles)
SELECT source, category, sum(change) FROM ({{changes}}) AS changes
GROUP BY source, category HAVING sum(change) <> 0 ORDER BY source, category
ON CONFLICT (source, category) DO UPDATE SET articles = {TALLY}.articles + excluded.articles;
"""


def pg_function(table: str, category: str) -> str:
    new = f"SELECT source, {category} AS category, 1 AS change FROM new_rows"
    old = f"SELECT source, {category} AS category, -1 AS change FROM old_rows"
    truncated = "TRUE" if category == "''" else "category <> ''"
    return f"""
CREATE FUNCTION {table}_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {PG_UPSERT.format(changes=new)}
    ELSIF TG_OP = 'DELETE' THEN
        {PG_UPSERT.format(changes=old)}
    ELSIF TG_OP = 'UPDATE' THEN
        {PG_UPSERT.format(changes=f"{new} UNION ALL {old}")}
    ELSE
        DELETE FROM {TALLY} WHERE {truncated};
    END IF;
    RETURN NULL;
END
$$
"""


def pg_triggers(table: str) -> list[str]:
    # A trigger with transition tables serves one event; all share the function.
    transition = {"INSERT": "NEW TABLE AS new_rows", "DELETE": "OLD TABLE AS old_rows"}
    transition["UPDATE"] = f"{transition['DELETE']} {transition['INSERT']}"
    statements = [
        f"CREATE TRIGGER {table}_tally_{event.lower()} AFTER {event} ON {table} "
        f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {table}_tally()"
        for event, tables in transition.items()
    ]
    statements.append(
        f"CREATE TRIGGER {table}_tally_truncate AFTER TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_tally()"
    )
    return statements


def sqlite_triggers(table: str, category: str) -> list[str]:
    new_category = category.replace("category", "NEW.category")
    old_category = category.replace("category", "OLD.category")
    add = (
        f"INSERT INTO {TALLY} (source, category, articles) VALUES (NEW.source, {new_category}, 1) "
        f"ON CONFLICT (source, category) DO UPDATE SET articles = articles + 1;"
    )
    remove = (
        f"UPDATE {TALLY} SET articles = articles - 1 WHERE source = OLD.source AND category = {old_category};"
    )
    columns = "source" if category == "''" else "source, category"
    return [
        f"CREATE TRIGGER {table}_tally_insert AFTER INSERT ON {table} BEGIN {add} END",
        f"CREATE TRIGGER {table}_tally_delete AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER {table}_tally_update AFTER UPDATE OF {columns} ON {table} BEGIN {remove} {add} END",
    ]


def create_triggers(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for table, category in TALLIED.items():
        if postgresql:
            schema_editor.execute(pg_function(table, category))
            statements = pg_triggers(table)
        else:
            statements = sqlite_triggers(table, category)
        for statement in statements:
            schema_editor.execute(statement)
    if postgresql:
        schema_editor.execute(f"LOCK TABLE {', '.join(TALLIED)} IN SHARE MODE")
    schema_editor.execute(f"DELETE FROM {TALLY}")
    for table, category in TALLIED.items():
        schema_editor.execute(
            f"INSERT INTO {TALLY} (source, category, articles) "
            f"SELECT source, {category}, count(*) FROM {table} GROUP BY 1, 2"
        )


def drop_triggers(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for table in TALLIED:
        for event in ("insert", "delete", "update", "truncate"):
            if postgresql or event != "truncate":
                on = f" ON {table}" if postgresql else ""
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_tally_{event}{on}")
        if postgresql:
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_tally()")


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_search_indexes")]

    operations = [
        migrations.CreateModel(
            name="ArticleTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[("newsapi", "NewsAPI"), ("guardian", "The Guardian")], max_length=16
                    ),
                ),
                (
                    "category",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("business", "Business"),
                            ("entertainment", "Entertainment"),
                            ("general", "General"),
                            ("health", "Health"),
                            ("science", "Science"),
                            ("sports", "Sports"),
                            ("technology", "Technology"),
                        ],
                        max_length=16,
                    ),
                ),
                ("articles", models.BigIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("source", "category"), name="article_tally_unique")
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
