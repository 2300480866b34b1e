"""Growth: compare a small-store run with a large-store run of bench/run.py.

    .venv/bin/python bench/compare.py                      # the latest 10,000 and 1,000,000 runs
    .venv/bin/python bench/compare.py SMALL.json LARGE.json

Prints, per scenario, p50 and req/s of both runs, the ratio large/small of p50 and each run's
req/s as a share of its own reference endpoint (which discounts a busier machine), and checks
the targets: p50 of the filtered list, of q search and of page 1 within 2x; the deep page's
p50 within 3x of page 1's in the large run; the cache-hit category list at >= 20% of the
reference endpoint's req/s.
"""

import argparse
import json
import sys
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
GROWTH_LIMIT = {"filtered": 2.0, "category": 2.0, "search": 2.0, "list": 2.0}
DEEP_PAGE_LIMIT = 3.0
HOT_PATH_SHARE = 0.20


def latest(articles: int) -> Path:
    runs = sorted(RESULTS_DIR.glob(f"*-{articles}.json"))
    if not runs:
        raise SystemExit(
            f"No run with {articles:,} articles in {RESULTS_DIR}: run bench/run.py --articles {articles}"
        )
    return runs[-1]


def by_name(report: dict) -> dict[str, dict]:
    return {result["name"]: result for result in report["results"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("small", nargs="?", type=Path)
    parser.add_argument("large", nargs="?", type=Path)
    args = parser.parse_args()
    small_path = args.small or latest(10_000)
    large_path = args.large or latest(1_000_000)
    small, large = (json.loads(path.read_text()) for path in (small_path, large_path))
    s, l = by_name(small), by_name(large)  # noqa: E741
    print(f"small: {small_path.name} ({small['articles']:,} articles)")
    print(f"large: {large_path.name} ({large['articles']:,} articles)\n")
    header = ("scenario", "p50 small", "p50 large", "ratio", "req/s small", "req/s large", "x ref", "x ref")
    print(
        f"{header[0]:<10} {header[1]:>10} {header[2]:>10} {header[3]:>6} {header[4]:>12} {header[5]:>12} "
        f"{header[6]:>6} {header[7]:>6}"
    )
    checks = []
    for name in l:
        if name not in s:
            continue
        ratio = l[name]["p50_ms"] / s[name]["p50_ms"] if s[name]["p50_ms"] else float("inf")
        print(
            f"{name:<10} {s[name]['p50_ms']:>10.2f} {l[name]['p50_ms']:>10.2f} {ratio:>6.2f} "
            f"{s[name]['requests_per_s']:>12,.0f} {l[name]['requests_per_s']:>12,.0f} "
            f"{s[name]['ratio_to_reference']:>6.2f} {l[name]['ratio_to_reference']:>6.2f}"
        )
        if name in GROWTH_LIMIT:
            checks.append(
                (f"p50 {name}: large/small {ratio:.2f} <= {GROWTH_LIMIT[name]}", ratio <= GROWTH_LIMIT[name])
            )
    if "deep_page" in l and "list" in l:
        deep = l["deep_page"]["p50_ms"] / l["list"]["p50_ms"]
        checks.append(
            (f"p50 deep page / page 1 (large run): {deep:.2f} <= {DEEP_PAGE_LIMIT}", deep <= DEEP_PAGE_LIMIT)
        )
    for label, report in (("small", s), ("large", l)):
        if "category" in report:
            share = report["category"]["ratio_to_reference"]
            checks.append(
                (
                    f"category list / reference req/s ({label}): {share:.2f} >= {HOT_PATH_SHARE}",
                    share >= HOT_PATH_SHARE,
                )
            )
    print()
    for label, ok in checks:
        print(f"{'PASS' if ok else 'MISS'}  {label}")
    return 0 if all(ok for _label, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
