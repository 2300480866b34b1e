"""ArticleTally, kept by database triggers, always equals the counts it stands for."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count

from articles.models import Article, ArticleCategory, ArticleTally
from articles.normalization import NormalizedArticle
from articles.services import article_upsert_many
from articles.tests.factories import make_article
from articles.tests.fakes import NOW


def tally() -> dict[tuple[str, str], int]:
    """The tally's non-zero rows."""
    return {
        (source, category): n
        for source, category, n in ArticleTally.objects.values_list("source", "category", "articles")
        if n
    }


def counted() -> dict[tuple[str, str], int]:
    """The same figures counted from the article tables."""
    per_source = Article.objects.values_list("source").annotate(n=Count("id")).order_by()
    per_link = ArticleCategory.objects.values_list("source", "category").annotate(n=Count("id")).order_by()
    return {(source, ""): n for source, n in per_source} | {(s, c): n for s, c, n in per_link}


def page(start: int, size: int, **overrides) -> list[NormalizedArticle]:
    return [
        NormalizedArticle(
            url=f"https://news.example.com/{n}",
            title=f"Title {n}",
            description=f"Description {n}",
            image_url=None,
            author=None,
            source_name="Publisher",
            published_at=NOW - timedelta(minutes=n),
            **overrides,
        )
        for n in range(start, start + size)
    ]


@pytest.mark.django_db
def test_ingest_counts_new_articles_and_new_category_links_once():
    article_upsert_many(articles=page(0, 30), provider="newsapi", category="science")
    article_upsert_many(articles=page(20, 30), provider="newsapi", category="science")  # 10 known
    article_upsert_many(articles=page(40, 20), provider="newsapi", category="health")  # 10 in science too
    article_upsert_many(articles=page(100, 5), provider="guardian", category="science")

    assert tally() == {
        ("newsapi", ""): 60,
        ("newsapi", "science"): 50,
        ("newsapi", "health"): 20,
        ("guardian", ""): 5,
        ("guardian", "science"): 5,
    }
    assert tally() == counted()


@pytest.mark.django_db
def test_edits_and_deletes_move_the_tally():
    kept = make_article(categories=("technology", "science"), source="newsapi")
    moved = make_article(categories=("sports",), source="newsapi")
    gone = make_article(categories=("technology", "health"), source="guardian")

    # An edit in the admin, say: the article and its link change source.
    Article.objects.filter(pk=moved.pk).update(source="guardian")
    ArticleCategory.objects.filter(article=moved).update(source="guardian", category="business")
    gone.delete()  # its category links go with it
    ArticleCategory.objects.filter(article=kept, category="science").delete()

    assert tally() == {
        ("newsapi", ""): 1,
        ("newsapi", "technology"): 1,
        ("guardian", ""): 1,
        ("guardian", "business"): 1,
    }
    assert tally() == counted()


@pytest.mark.django_db
def test_updates_that_move_nothing_leave_the_tally_alone():
    article_upsert_many(articles=page(0, 10), provider="guardian", category="sports")
    before = dict(ArticleTally.objects.values_list("id", "articles"))

    article_upsert_many(
        articles=page(
            0,
            10,
        ),
        provider="guardian",
        category="sports",
    )
    Article.objects.update(title="Retitled")

    assert dict(ArticleTally.objects.values_list("id", "articles")) == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_truncate_empties_the_tally():
    make_article(categories=("technology",), source="newsapi")
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE articles_articlecategory")
    assert tally() == {("newsapi", ""): 1}

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE articles_article CASCADE")
    assert tally() == {}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_ingests_keep_the_tally_exact():
    """Eight threads store overlapping pages of two categories at once, each in its own
    transaction on its own connection."""
    start = threading.Barrier(8)
    errors = []

    def ingest(worker: int) -> None:
        try:
            start.wait()
            for round_ in range(5):
                category = ("science", "health")[(worker + round_) % 2]
                first = (worker * 7 + round_ * 11) % 60
                article_upsert_many(articles=page(first, 25), provider="newsapi", category=category)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ingest, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Article.objects.count() > 60
    assert tally() == counted()


@pytest.mark.django_db(transaction=True)
def test_the_migration_tallies_an_existing_store():
    executor = MigrationExecutor(connection)
    executor.migrate([("articles", "0002_search_indexes")])
    try:
        old_apps = executor.loader.project_state([("articles", "0002_search_indexes")]).apps
        OldArticle = old_apps.get_model("articles", "Article")
        OldLink = old_apps.get_model("articles", "ArticleCategory")
        for n, (source, categories) in enumerate(
            [("newsapi", ["science"]), ("newsapi", ["science", "health"]), ("guardian", ["science"])]
        ):
            article = OldArticle.objects.create(
                url=f"https://news.example.com/{n}",
                title="t",
                source=source,
                category=categories[0],
                published_at=NOW,
            )
            for category in categories:
                OldLink.objects.create(article=article, category=category, source=source, published_at=NOW)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert tally() == {
        ("newsapi", ""): 2,
        ("newsapi", "science"): 2,
        ("newsapi", "health"): 1,
        ("guardian", ""): 1,
        ("guardian", "science"): 1,
    }
    article_upsert_many(articles=page(50, 3), provider="guardian", category="health")
    assert tally() == counted()
