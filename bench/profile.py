"""Profile one endpoint in-process with pyinstrument: where a request's time goes.

    .venv/bin/python bench/profile.py --articles 10000 --path "/v1/articles?category=technology"

Uses the bench database of that size (seeded by bench/run.py or bench/seed.py) and the bench
settings, sends `--requests` requests through Django's test client with a seeded key after
a warm-up, and prints pyinstrument's call tree. pyinstrument is installed into the running
virtualenv when missing; it is not a dependency of the project.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
PYINSTRUMENT = "pyinstrument==5.1.3"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--path", default="/v1/articles?category=technology")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--html", help="also write pyinstrument's HTML report to this file")
    args = parser.parse_args()

    try:
        import pyinstrument  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", PYINSTRUMENT], check=True)
    from pyinstrument import Profiler

    sys.path.insert(0, str(ROOT))
    from bench.run import database_name, server_env

    database = database_name(args.articles)
    env = server_env(database_url=f"postgres://postgres@127.0.0.1:5432/{database}", port=0)
    os.environ.update({key: value for key, value in env.items() if key != "PYTHONPATH"})
    import django

    django.setup()
    from django.test import Client

    raw_key = (BENCH_DIR / ".work" / f"keys-{database}.txt").read_text().split()[0]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    for _ in range(20):
        response = client.get(args.path)
    profiler = Profiler(interval=0.0002)
    started = time.perf_counter()
    profiler.start()
    for _ in range(args.requests):
        client.get(args.path)
    profiler.stop()
    elapsed = time.perf_counter() - started
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.html:
        Path(args.html).write_text(profiler.output_html())
    per_request = elapsed / args.requests * 1000
    print(f"{args.path}: status {response.status_code}; {args.requests} requests, {per_request:.2f} ms each")


if __name__ == "__main__":
    main()
