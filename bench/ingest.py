"""Ingest throughput: re-store N stored articles through the storage service, in provider-sized pages.

    .venv/bin/python bench/ingest.py                    # 100,000 articles of the 1,000,000 store
    .venv/bin/python bench/ingest.py --articles 10000 --count 5000

Reads the newest `--count` articles of the bench database of that size, turns them back into
what a provider client gives (NormalizedArticle), and stores them again with
`articles.services.article_upsert_many` in pages of `--page-size` (100, a Guardian page is 50
and a NewsAPI page 100), grouped by provider and category as a fetch would be. Every
`--changed` share of them comes back with a new title and date, as a provider's correction
would. Prints articles/s and queries per page; writes bench/results/<time>-ingest-<N>.json.
Ends with VACUUM ANALYZE so that a later load run finds a settled store.
"""

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1_000_000, help="size of the bench store to use")
    parser.add_argument("--count", type=int, default=100_000, help="articles to re-ingest")
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--changed", type=float, default=0.1, help="share that comes back with a new title")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from bench.run import RESULTS_DIR, database_name, server_env

    database = database_name(args.articles)
    env = server_env(database_url=f"postgres://postgres@127.0.0.1:5432/{database}", port=0)
    os.environ.update({key: value for key, value in env.items() if key != "PYTHONPATH"})
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article
    from articles.normalization import NormalizedArticle
    from articles.services import article_upsert_many

    fields = ("url", "title", "description", "image_url", "author", "source_name", "published_at")
    rows = Article.objects.order_by("-published_at", "-id").values("source", "category", *fields)[
        : args.count
    ]
    pages: dict[tuple[str, str], list[NormalizedArticle]] = defaultdict(list)
    every = round(1 / args.changed) if args.changed else 0
    for n, row in enumerate(rows):
        article = {name: row[name] for name in fields}
        if every and n % every == 0:
            article["title"] = f"{article['title']} (updated)"
            article["published_at"] = article["published_at"] + timedelta(minutes=5)
        pages[row["source"], row["category"]].append(NormalizedArticle(**article))
    batches = [
        (provider, category, articles[i : i + args.page_size])
        for (provider, category), articles in sorted(pages.items())
        for i in range(0, len(articles), args.page_size)
    ]
    total = sum(len(batch) for _p, _c, batch in batches)
    print(
        f"Re-ingesting {total:,} articles of {database} in {len(batches):,} pages of up to {args.page_size}"
    )

    created = updated = 0
    queries_per_page = []
    started = time.perf_counter()
    for provider, category, batch in batches:
        with CaptureQueriesContext(connection) as queries:
            result = article_upsert_many(articles=batch, provider=provider, category=category)
        queries_per_page.append(len(queries))
        created += result.created
        updated += result.updated
    elapsed = time.perf_counter() - started
    rate = total / elapsed
    print(f"{total:,} articles in {elapsed:.1f} s: {rate:,.0f} articles/s ({created} new, {updated:,} known)")
    print(f"Queries per page: {min(queries_per_page)}–{max(queries_per_page)}")

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    now = datetime.now(tz=UTC)
    report = {
        "when": now.isoformat(timespec="seconds"),
        "database": database,
        "store_articles": args.articles,
        "reingested": total,
        "page_size": args.page_size,
        "changed_share": args.changed,
        "pages": len(batches),
        "seconds": round(elapsed, 2),
        "articles_per_s": round(rate),
        "created": created,
        "updated": updated,
        "queries_per_page": {"min": min(queries_per_page), "max": max(queries_per_page)},
        "cpus": os.cpu_count(),
        "load_average_after": os.getloadavg(),
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{now:%Y%m%dT%H%M%SZ}-ingest-{args.articles}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"Written: bench/results/{path.name}")


if __name__ == "__main__":
    main()
