"""Settings of the benchmark server: the project's own, plus the bench's URLconf (its reference view)."""

from newsagg.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
