"""python manage.py fetch_news: refresh every enabled provider and category (cron runs it)."""

import time

from django.core.management.base import BaseCommand, CommandError

from articles.constants import CATEGORIES
from articles.providers import PROVIDERS
from articles.services import RefreshResult, pair_refresh

# Transient failures (connection errors, 5xx) are retried this many times, with backoff.
RETRIES = 2

FAILED_MESSAGE = "{failed} of {total} pairs failed; the other pairs were stored."
LINE = "{provider:<9} {category:<13} {outcome:<16} {detail}"
COUNTS = "received {received}, created {created}, updated {updated} in {seconds:.2f} s"
TOTAL_LINE = (
    "total: {total} {pairs}: {success} success, {error} error, {skipped} skipped; "
    "received {received}, created {created}, updated {updated} in {seconds:.2f} s"
)


def result_line(result: RefreshResult) -> str:
    if result.skipped:
        detail = result.reason
    else:
        detail = COUNTS.format(
            received=result.received,
            created=result.created,
            updated=result.updated,
            seconds=result.duration_ms / 1000,
        )
        if result.calls > 1:
            detail += f" after {result.calls} calls"
        if result.failed:
            status = f" (HTTP {result.http_status})" if result.http_status else ""
            detail += f"; {result.error_kind}{status}: {result.error}"
    return LINE.format(
        provider=result.provider, category=result.category, outcome=result.outcome.value, detail=detail
    )


class Command(BaseCommand):
    help = (
        "Fetch the newest articles of every enabled provider and category (or those given), "
        "skipping pairs fetched within NEWS_CACHE_TTL unless --force. Exit status: 0 when nothing "
        "failed, 1 when a pair failed (the others are still stored), 2 on bad arguments."
    )
    # How the command waits (call spacing, retry backoff); tests replace it.
    sleep = staticmethod(time.sleep)

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            action="append",
            choices=list(PROVIDERS),
            dest="sources",
            metavar="SOURCE",
            help=f"a provider to fetch ({', '.join(PROVIDERS)}); repeat for several; default: all",
        )
        parser.add_argument(
            "--category",
            action="append",
            choices=list(CATEGORIES),
            dest="categories",
            metavar="CATEGORY",
            help=f"a category to fetch ({', '.join(CATEGORIES)}); repeat for several; default: all",
        )
        parser.add_argument("--force", action="store_true", help="fetch pairs that are still fresh too")

    def handle(self, *args, sources, categories, force, **options):
        sources = list(dict.fromkeys(sources or PROVIDERS))
        categories = list(dict.fromkeys(categories or CATEGORIES))
        started = time.monotonic()
        results = []
        for category in categories:
            for source in sources:
                result = pair_refresh(
                    provider=source, category=category, force=force, retries=RETRIES, sleep=self.sleep
                )
                results.append(result)
                self.stdout.write(result_line(result))
                self.stdout.flush()

        failed = sum(result.failed for result in results)
        self.stdout.write(
            TOTAL_LINE.format(
                total=len(results),
                pairs="pair" if len(results) == 1 else "pairs",
                success=sum(result.outcome == "success" for result in results),
                error=failed,
                skipped=sum(result.skipped for result in results),
                received=sum(result.received for result in results),
                created=sum(result.created for result in results),
                updated=sum(result.updated for result in results),
                seconds=time.monotonic() - started,
            )
        )
        if failed:
            raise CommandError(FAILED_MESSAGE.format(failed=failed, total=len(results)), returncode=1)
