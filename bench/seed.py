"""Fill a PostgreSQL database with N synthetic articles and K high-limit API keys, fast.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsagg_bench \\
        .venv/bin/python bench/seed.py --articles 1000000 --keys 8

Empties the article, fetch-record and key tables first. Articles and their category links
are streamed into PostgreSQL with COPY in chunks (1,000,000 in a few minutes on 2 cores).
Text comes from a Zipf-distributed vocabulary, so a few words are common and most are rare,
as in news copy: titles of 6–14 words, descriptions of 18–45, dates spread over 90 days,
every category and both sources, about 15% of articles listed under a second category.

Every provider+category pair is then marked fresh (a successful fetch record started now),
so that with a long NEWS_CACHE_TTL the API answers every list from the store ("hit"). The
raw keys are written to bench/.work/keys-<database>.txt (git-ignored); they are never
printed. The script ends with VACUUM ANALYZE, as autovacuum would leave a settled store.
"""

import argparse
import io
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
WORK_DIR = BENCH_DIR / ".work"
CHUNK = 50_000
SECOND_CATEGORY_SHARE = 0.15
SPAN = timedelta(days=90)


def words_of(text: str) -> list[str]:
    return text.split()


# The most frequent words first: their frequency falls as 1/rank (Zipf).
COMMON_WORDS = words_of(
    """
the of to in and a for on with new says after over how why what from at by as is are will
government minister police market report world first year people health court study climate
energy election deal war prices city school says home plan could more than week day women
children music film game team win league season cup players coach star fans final record
company shares bank profits jobs workers strike economy inflation rates tax budget trade
data technology ai software apple google microsoft phone app security cyber hackers space
nasa scientists research cancer vaccine hospital doctors patients nhs drug virus covid
water food farmers weather storm floods heat fire wildfire emissions carbon oil gas power
electric car cars train rail airport flights travel tourism hotel housing rent prices mortgage
president prime party vote voters campaign parliament senate congress law rights judge trial
"""
)
FIRST_NAMES = words_of("Anna Ben Chloe David Elena Femi Grace Hugo Isla Jamal Kate Liam Maya Noah Omar Priya")
LAST_NAMES = words_of("Adams Brown Chen Davies Evans Fischer Garcia Hughes Ito Jones Khan Lopez Murphy Ng")
PUBLISHERS = [
    ("BBC News", "bbc.co.uk"),
    ("Reuters", "reuters.com"),
    ("The Verge", "theverge.com"),
    ("Associated Press", "apnews.com"),
    ("Bloomberg", "bloomberg.com"),
    ("TechCrunch", "techcrunch.com"),
    ("ESPN", "espn.com"),
    ("Wired", "wired.com"),
    ("CNN", "cnn.com"),
    ("Financial Times", "ft.com"),
]
SYLLABLES = words_of("ba be bi bo ka ke ko la le li lo ma me mi mo na ne no ra re ri ro sa se so ta te ti")


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def vocabulary(rng: random.Random, size: int = 4000) -> tuple[list[str], list[float]]:
    """Real common words followed by made-up rarer ones, with Zipf cumulative weights."""
    words = list(dict.fromkeys(COMMON_WORDS))
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choices(SYLLABLES, k=rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    cumulative, total = [], 0.0
    for rank in range(1, len(words) + 1):
        total += 1.0 / rank
        cumulative.append(total)
    return words, cumulative


def keys_file(database: str) -> Path:
    return WORK_DIR / f"keys-{database}.txt"


class Generator:
    """Rows of the article and category-link tables, in COPY's text format."""

    def __init__(self, *, seed: int, now: datetime):
        from articles.constants import CATEGORIES, SOURCES

        self.rng = random.Random(seed)
        self.words, self.cumulative = vocabulary(self.rng)
        self.categories = CATEGORIES
        self.sources = SOURCES
        self.now = now
        self.authors = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]

    def text(self, low: int, high: int) -> str:
        words = self.rng.choices(self.words, cum_weights=self.cumulative, k=self.rng.randint(low, high))
        return " ".join(words)

    def chunk(self, first_id: int, count: int) -> tuple[io.StringIO, io.StringIO, int]:
        rng = self.rng
        articles, links = io.StringIO(), io.StringIO()
        stamp = self.now.isoformat()
        span = SPAN.total_seconds()
        n_links = 0
        for article_id in range(first_id, first_id + count):
            source = self.sources[article_id % len(self.sources)]
            if source == "guardian":
                source_name, domain = "The Guardian", "theguardian.com"
            else:
                source_name, domain = rng.choice(PUBLISHERS)
            category = rng.choice(self.categories)
            published = (self.now - timedelta(seconds=rng.random() * span)).isoformat()
            title = self.text(6, 14).capitalize()
            description = self.text(18, 45).capitalize() + "."
            slug = "-".join(title.lower().split()[:6])
            url = f"https://www.{domain}/{published[:10].replace('-', '/')}/{slug}-{article_id}"
            image = rf"https://media.{domain}/img/{article_id}.jpg" if rng.random() < 0.85 else r"\N"
            author = rng.choice(self.authors) if rng.random() < 0.8 else r"\N"
            articles.write(
                f"{article_id}\t{url}\t{title}\t{description}\t{image}\t{author}\t{source}\t"
                f"{source_name}\t{category}\t{published}\t{stamp}\t{stamp}\n"
            )
            listed = [category]
            if rng.random() < SECOND_CATEGORY_SHARE:
                listed.append(rng.choice([c for c in self.categories if c != category]))
            for name in listed:
                n_links += 1
                links.write(f"{article_id}\t{name}\t{source}\t{published}\n")
        articles.seek(0)
        links.seek(0)
        return articles, links, n_links


def seed(*, articles: int, keys: int, seed_value: int = 1) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("bench/seed.py needs PostgreSQL: set DATABASE_URL=postgres://…")
    started = time.monotonic()
    now = datetime.now(tz=UTC)
    generator = Generator(seed=seed_value, now=now)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE articles_articlecategory, articles_article, articles_fetchattempt, "
            "apikeys_usagewindow, apikeys_apikey RESTART IDENTITY CASCADE"
        )
        cursor.execute("SET synchronous_commit = off")
        raw = cursor.cursor
        total_links = 0
        for first in range(1, articles + 1, CHUNK):
            count = min(CHUNK, articles + 1 - first)
            article_rows, link_rows, n_links = generator.chunk(first, count)
            raw.copy_expert(
                "COPY articles_article (id, url, title, description, image_url, author, source, "
                "source_name, category, published_at, fetched_at, updated_at) FROM STDIN",
                article_rows,
            )
            raw.copy_expert(
                "COPY articles_articlecategory (article_id, category, source, published_at) FROM STDIN",
                link_rows,
            )
            total_links += n_links
            done = first + count - 1
            print(f"  {done:>9,} articles  {time.monotonic() - started:6.1f} s", flush=True)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('articles_article', 'id'), %s, true)", [max(articles, 1)]
        )
    mark_fresh(now=now)
    write_keys(count=keys)
    with connection.cursor() as cursor:
        # As autovacuum would leave a settled table: statistics for the planner, and the
        # visibility map that lets counts and deep pages use index-only scans.
        cursor.execute("VACUUM ANALYZE")
    print(
        f"Seeded {articles:,} articles, {total_links:,} category links and {keys} keys "
        f"in {time.monotonic() - started:.1f} s"
    )


def mark_fresh(*, now: datetime | None = None) -> None:
    """A successful fetch record started now for every provider+category pair."""
    from articles.constants import CATEGORIES, SOURCES
    from articles.models import FetchAttempt

    now = now or datetime.now(tz=UTC)
    FetchAttempt.objects.bulk_create(
        [
            FetchAttempt(
                provider=provider,
                category=category,
                started_at=now,
                duration_ms=1,
                outcome=FetchAttempt.Outcome.SUCCESS,
            )
            for provider in SOURCES
            for category in CATEGORIES
        ]
    )


def write_keys(*, count: int) -> Path:
    from django.db import connection

    from apikeys.services import api_key_create

    raw_keys = [api_key_create(name=f"bench {n + 1}", rate_limit=10**9)[1] for n in range(count)]
    path = keys_file(connection.settings_dict["NAME"])
    WORK_DIR.mkdir(exist_ok=True)
    path.write_text("".join(f"{raw}\n" for raw in raw_keys))
    path.chmod(0o600)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--keys", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1, help="random seed (the same seed gives the same data)")
    parser.add_argument(
        "--fresh-only", action="store_true", help="only mark every pair fresh again; no other change"
    )
    parser.add_argument(
        "--keys-only", action="store_true", help="only create --keys new keys and write their file"
    )
    args = parser.parse_args()
    setup_django()
    if args.fresh_only:
        mark_fresh()
        return
    if args.keys_only:
        write_keys(count=args.keys)
        return
    seed(articles=args.articles, keys=args.keys, seed_value=args.seed)


if __name__ == "__main__":
    main()
