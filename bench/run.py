"""Load-test the API under gunicorn on PostgreSQL and report req/s, p50, p99, queries and RSS.

    make bench                                   # 1,000,000 articles (seeded once, then reused)
    .venv/bin/python bench/run.py --articles 10000

Steps: install wrk when missing (apt-get); create, migrate and seed the bench database when
it does not hold exactly N articles; start gunicorn (4 sync workers, DEBUG off) with the
bench settings, which add a bare reference endpoint; warm up; run wrk for a fixed time per
scenario with a Lua script rotating the seeded keys; count the SQL queries of one request
per scenario in-process; read the workers' RSS. Every figure is also given as a ratio to
the reference endpoint's req/s in the same run. Results go to bench/results/ as JSON and a
Markdown table.
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
PYTHON = sys.executable
DEFAULT_ARTICLES = 1_000_000
SEARCH_WORDS = "climate energy"  # two common words: each in ~8% of articles, both in ~1.5%
DEEP_PAGE = 2000


def database_name(articles: int) -> str:
    return "newsagg_bench" if articles == DEFAULT_ARTICLES else f"newsagg_bench_{articles}"


def scenarios(*, articles: int) -> list[tuple[str, str]]:
    since = (datetime.now(tz=UTC) - timedelta(days=30)).date().isoformat()
    words = SEARCH_WORDS.replace(" ", "+")
    return [
        ("reference", "/bench/reference"),
        ("list", "/v1/articles"),
        ("category", "/v1/articles?category=technology"),
        ("filtered", f"/v1/articles?category=technology&source=guardian&from={since}"),
        ("search", f"/v1/articles?q={words}"),
        ("deep_page", f"/v1/articles?page={DEEP_PAGE}"),
        ("detail", f"/v1/articles/{max(1, articles // 2)}"),
        ("usage", "/v1/usage"),
    ]


# ------------------------------------------------------------------------------
# Environment: wrk, the database, the server
# ------------------------------------------------------------------------------
def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: installing it with apt-get", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk") or "wrk"


def server_env(*, database_url: str, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": database_url,
            "DEBUG": "False",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "LOG_LEVEL": "WARNING",
            "CONN_MAX_AGE": "600",
            # Both providers in scope, every pair fresh for a month: lists are cache hits.
            "NEWSAPI_KEY": "bench-dummy-key",
            "NEWS_CACHE_TTL": str(86400 * 30),
            # Should a pair ever be stale, its refresh fails at once instead of leaving the machine.
            "NEWSAPI_BASE_URL": "http://127.0.0.1:9",
            "GUARDIAN_BASE_URL": "http://127.0.0.1:9",
            "PROVIDER_TIMEOUT": "1",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def key_digest(raw_key: str) -> str:
    sys.path.insert(0, str(ROOT))
    from apikeys.keys import key_digest as digest

    return digest(raw_key)


def prepare_database(
    *, database_url: str, articles: int, keys: int, env: dict[str, str], reseed: bool
) -> None:
    import psycopg2

    name = database_url.rsplit("/", 1)[1]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            print(f"Creating database {name}", flush=True)
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0", "--skip-checks"], cwd=ROOT, env=env, check=True
    )
    keys_file = BENCH_DIR / ".work" / f"keys-{name}.txt"
    with psycopg2.connect(database_url) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM articles_article")
        stored = cursor.fetchone()[0]
        cursor.execute("SELECT digest FROM apikeys_apikey WHERE revoked_at IS NULL")
        digests = {row[0] for row in cursor.fetchall()}
    conn.close()
    if reseed or stored != articles:
        print(f"Seeding {name}: {articles:,} articles, {keys} keys", flush=True)
        seed = [PYTHON, "bench/seed.py", "--articles", str(articles), "--keys", str(keys)]
        subprocess.run(seed, cwd=ROOT, env=env, check=True)
        return
    print(f"Reusing {name}: {stored:,} articles", flush=True)
    raw_keys = keys_file.read_text().split() if keys_file.exists() else []
    if len(raw_keys) < keys or not all(key_digest(raw) in digests for raw in raw_keys):
        # The store was seeded from elsewhere (another checkout): new keys, same articles.
        print(f"Creating {keys} new keys for {name}", flush=True)
        subprocess.run(
            [PYTHON, "bench/seed.py", "--keys-only", "--keys", str(keys)], cwd=ROOT, env=env, check=True
        )
    subprocess.run([PYTHON, "bench/seed.py", "--fresh-only"], cwd=ROOT, env=env, check=True)
    # A reused store is settled as autovacuum would leave it: a VACUUM that ran while another
    # transaction was open (in any database) leaves pages out of the visibility map, and the
    # counts' index-only scans then read the table (a dated category count: 5 ms becomes 70).
    conn = psycopg2.connect(database_url)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) articles_article, articles_articlecategory")
    conn.close()


def start_server(*, env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    gunicorn = str(Path(PYTHON).parent / "gunicorn")
    command = [
        gunicorn,
        "newsagg.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 30 s")


def worker_pids(server: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# ------------------------------------------------------------------------------
# Measuring
# ------------------------------------------------------------------------------
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_latency(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if not match:
        raise ValueError(f"Unexpected wrk latency {text!r}")
    return float(match.group(1)) * UNITS[match.group(2)]


def parse_wrk(output: str) -> dict:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    total = re.search(r"(\d+) requests in", output)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    if not (rps and p50 and p99 and total):
        raise ValueError(f"Could not read wrk's output:\n{output}")
    return {
        "requests_per_s": float(rps.group(1)),
        "p50_ms": parse_latency(p50.group(1)),
        "p99_ms": parse_latency(p99.group(1)),
        "requests": int(total.group(1)),
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1).strip() if errors else "",
    }


def run_wrk(*, wrk: str, url: str, keys_file: Path, threads: int, connections: int, duration: int) -> dict:
    command = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "-s",
        str(BENCH_DIR / "rotate_keys.lua"),
        url,
    ]
    env = {**os.environ, "BENCH_KEYS_FILE": str(keys_file)}
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def count_queries(*, paths: list[tuple[str, str]], raw_key: str) -> dict[str, dict]:
    """SQL queries and status of one request per scenario, in-process (after a first one to warm up)."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    counted = {}
    for name, path in paths:
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        counted[name] = {"queries": len(queries), "status": response.status_code}
    connection.close()
    return counted


# ------------------------------------------------------------------------------
# Reporting
# ------------------------------------------------------------------------------
COLUMNS = ("scenario", "req/s", "× ref", "p50 ms", "p99 ms", "queries", "status", "non-2xx")


def table_rows(results: list[dict]) -> list[tuple[str, ...]]:
    return [
        (
            r["name"],
            f"{r['requests_per_s']:,.0f}",
            f"{r['ratio_to_reference']:.2f}",
            f"{r['p50_ms']:.2f}",
            f"{r['p99_ms']:.2f}",
            str(r["queries"]),
            str(r["status"]),
            str(r["non_2xx"]),
        )
        for r in results
    ]


def text_table(results: list[dict]) -> str:
    rows = [COLUMNS, *table_rows(results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = [
        "  ".join(
            cell.rjust(width) if i else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def markdown_table(results: list[dict], paths: dict[str, str]) -> str:
    lines = [
        "| scenario | path | req/s | × reference | p50 ms | p99 ms | SQL queries |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r['name']} | `{paths[r['name']]}` | {r['requests_per_s']:,.0f} | "
            f"{r['ratio_to_reference']:.2f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['queries']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=DEFAULT_ARTICLES)
    parser.add_argument("--keys", type=int, default=8)
    parser.add_argument(
        "--database-url", help="default: postgres://postgres@127.0.0.1:5432/newsagg_bench[_N]"
    )
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=15, help="seconds of measurement per scenario")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per scenario")
    parser.add_argument("--only", nargs="*", help="scenario names to run (reference always runs)")
    parser.add_argument("--reseed", action="store_true", help="seed again even when the size matches")
    parser.add_argument("--note", default="", help="a remark stored with the results (e.g. machine load)")
    args = parser.parse_args()

    database_url = args.database_url or f"postgres://postgres@127.0.0.1:5432/{database_name(args.articles)}"
    wrk = ensure_wrk()
    env = server_env(database_url=database_url, port=args.port)
    prepare_database(
        database_url=database_url, articles=args.articles, keys=args.keys, env=env, reseed=args.reseed
    )
    keys_file = BENCH_DIR / ".work" / f"keys-{database_url.rsplit('/', 1)[1]}.txt"
    raw_key = keys_file.read_text().split()[0]
    os.environ.update({k: env[k] for k in env if k not in ("PYTHONPATH",)})

    paths = scenarios(articles=args.articles)
    if args.only:
        paths = [(name, path) for name, path in paths if name == "reference" or name in args.only]
    counted = count_queries(paths=paths, raw_key=raw_key)
    failing = {name: c["status"] for name, c in counted.items() if c["status"] != 200}
    if failing:
        raise SystemExit(f"Scenarios answer other than 200 in-process, not measuring: {failing}")

    server = start_server(env=env, port=args.port, workers=args.workers)
    results = []
    try:
        base = f"http://127.0.0.1:{args.port}"
        workers = worker_pids(server)
        for _name, path in paths:
            run_wrk(
                wrk=wrk, url=base + path, keys_file=keys_file, threads=1, connections=4, duration=args.warmup
            )
        for name, path in paths:
            measured = run_wrk(
                wrk=wrk,
                url=base + path,
                keys_file=keys_file,
                threads=args.threads,
                connections=args.connections,
                duration=args.duration,
            )
            results.append({"name": name, "path": path, **measured, **counted[name]})
            print(
                f"  {name:<10} {measured['requests_per_s']:>8,.0f} req/s  p50 {measured['p50_ms']:.2f} ms  "
                f"p99 {measured['p99_ms']:.2f} ms  non-2xx {measured['non_2xx']}",
                flush=True,
            )
        rss = {pid: round(rss_mib(pid), 1) for pid in workers}
    finally:
        server.terminate()
        server.wait(timeout=30)

    reference = results[0]["requests_per_s"]
    for result in results:
        result["ratio_to_reference"] = round(result["requests_per_s"] / reference, 3) if reference else 0.0
    started = datetime.now(tz=UTC)
    report = {
        "when": started.isoformat(timespec="seconds"),
        "articles": args.articles,
        "database": database_url.rsplit("/", 1)[1],
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_after": os.getloadavg(),
        },
        "server": {"workers": args.workers, "worker_class": "sync", "debug": False},
        "wrk": {
            "threads": args.threads,
            "connections": args.connections,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
        },
        "worker_rss_mib": rss,
        "note": args.note,
        "results": results,
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    stem = f"{started:%Y%m%dT%H%M%SZ}-{args.articles}"
    (RESULTS_DIR / f"{stem}.json").write_text(json.dumps(report, indent=2) + "\n")
    markdown = markdown_table(results, dict(paths))
    rss_line = f"Worker RSS after the run: {', '.join(f'{v:.0f}' for v in rss.values())} MiB."
    (RESULTS_DIR / f"{stem}.md").write_text(
        f"{args.articles:,} articles, {report['when']}, {os.cpu_count()} CPUs, "
        f"gunicorn {args.workers} sync workers, wrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration}s.\n\n{markdown}\n\n{rss_line}\n"
    )
    print()
    print(text_table(results))
    print(rss_line)
    print(f"\nWritten: bench/results/{stem}.json and .md\n")
    print(markdown)


if __name__ == "__main__":
    main()
