"""The project's settings with a URLconf that adds one trivial counted endpoint for the benchmark."""

from newsagg.settings import *  # noqa: F403

ROOT_URLCONF = "bench.ratelimit_urls"
