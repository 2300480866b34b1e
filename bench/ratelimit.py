"""Hammer one API key through gunicorn on PostgreSQL and check that exactly `limit` requests pass.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsagg_bench .venv/bin/python bench/ratelimit.py

Migrates the database it is given, creates a key with the chosen limit, starts gunicorn with
several workers, sends concurrent requests from many threads (one HTTP connection each),
prints what came back and the throughput, revokes the key and stops gunicorn. Exits non-zero
unless exactly `limit` requests succeeded and every other answer was a 429.
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--port", type=int, default=8201)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--limit", type=int, default=500, help="the key's requests per hour")
    parser.add_argument("--threads", type=int, default=32, help="concurrent client connections")
    parser.add_argument("--requests", type=int, default=2000, help="requests in all")
    parser.add_argument("--max-seconds", type=float, default=120, help="stop sending after this long")
    parser.add_argument("--path", default="/v1/bench/ping", help="a counted endpoint")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("Give a PostgreSQL database: DATABASE_URL=postgres://... or --database-url.")
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DJANGO_SETTINGS_MODULE": "bench.ratelimit_settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "False",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        # whitenoise warns when collectstatic has not run; the benchmark serves no static files.
        "PYTHONWARNINGS": "ignore:No directory at:UserWarning",
    }
    os.environ.update(env)

    wait_for_a_whole_window(args.max_seconds + 30)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )

    import django

    django.setup()
    from apikeys.models import UsageWindow
    from apikeys.services import api_key_create, api_key_revoke

    api_key, raw_key = api_key_create(name="rate-limit benchmark", rate_limit=args.limit)
    server = start_gunicorn(args, env)
    try:
        base = f"http://127.0.0.1:{args.port}"
        wait_until_up(f"{base}/healthz", server)
        result = drive(f"{base}{args.path}", raw_key, args)
    finally:
        server.terminate()
        server.wait(timeout=30)
        api_key_revoke(api_key=api_key)

    counted = sum(UsageWindow.objects.filter(api_key=api_key).values_list("requests", flat=True))
    report(args, result, counted)
    statuses = result["statuses"]
    exact = (
        statuses[200] == args.limit and statuses[429] == result["sent"] - args.limit and counted == args.limit
    )
    print("exact: yes" if exact else "exact: NO")
    return 0 if exact else 1


def wait_for_a_whole_window(seconds: float) -> None:
    """The counter starts afresh each clock hour; a run must not straddle two windows."""
    now = datetime.now(UTC)
    left = 3600 - (now.minute * 60 + now.second + now.microsecond / 1e6)
    if left < seconds:
        print(f"waiting {left:.0f} s for the next clock hour, so the run stays in one window", flush=True)
        time.sleep(left + 1)


def start_gunicorn(args: argparse.Namespace, env: dict) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "newsagg.wsgi",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def wait_until_up(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with status {server.returncode}")
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass  # still booting
        time.sleep(0.2)
    sys.exit(f"gunicorn did not answer {url} within 60 s")


def drive(url: str, raw_key: str, args: argparse.Namespace) -> dict:
    """Send args.requests requests from args.threads threads; stop early at args.max_seconds."""
    tickets = iter(range(args.requests))
    tickets_lock = threading.Lock()
    start = threading.Barrier(args.threads + 1)
    deadline = None

    def take_ticket() -> bool:
        with tickets_lock:
            return next(tickets, None) is not None and time.monotonic() < deadline

    def client() -> list[tuple[int, float]]:
        answers = []
        with requests.Session() as session:
            session.headers["Authorization"] = f"Bearer {raw_key}"
            start.wait()
            while take_ticket():
                began = time.perf_counter()
                try:
                    status = session.get(url, timeout=30).status_code
                except requests.RequestException:
                    status = 0  # no answer at all
                answers.append((status, time.perf_counter() - began))
        return answers

    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        futures = [pool.submit(client) for _ in range(args.threads)]
        deadline = time.monotonic() + args.max_seconds
        began = time.perf_counter()
        start.wait()
        answers = [answer for future in futures for answer in future.result()]
        elapsed = time.perf_counter() - began
    return {
        "sent": len(answers),
        "statuses": Counter(status for status, _ in answers),
        "latencies": sorted(latency for _, latency in answers),
        "elapsed": elapsed,
    }


def report(args: argparse.Namespace, result: dict, counted: int) -> None:
    statuses, latencies = result["statuses"], result["latencies"]
    others = {status: n for status, n in statuses.items() if status not in (200, 429)}
    print(
        f"gunicorn: {args.workers} workers on 127.0.0.1:{args.port}; key limit {args.limit}/hour; "
        f"{args.threads} client threads; GET {args.path}"
    )
    print(f"requests sent:  {result['sent']} in {result['elapsed']:.2f} s")
    print(f"200 OK:         {statuses[200]}")
    print(f"429 limited:    {statuses[429]}")
    print(f"other statuses: {others or 'none'}")
    print(f"counter row:    {counted}")
    print(f"throughput:     {result['sent'] / result['elapsed']:.0f} requests/s")
    if latencies:
        p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
        print(f"latency:        median {statistics.median(latencies) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
