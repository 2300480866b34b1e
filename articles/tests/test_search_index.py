import pytest
from django.db import connection

from articles.selectors import article_list
from articles.tests.factories import make_article

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.mark.parametrize("category", [None, "technology"])
def test_q_is_served_by_the_trigram_indexes(category):
    for n in range(50):
        make_article(title=f"Solar story {n}", description=f"Panels and grids {n}")
    queryset = article_list(category=category, words=["solar", "grids"])

    with connection.cursor() as cursor:
        # The planner picks a sequential scan on a tiny table; forbid it to see the index is usable.
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "article_title_trgm_idx" in plan
    assert "article_description_trgm_idx" in plan
