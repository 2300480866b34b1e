import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def run_check(**env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_missing_secret_key_with_debug_off_stops_startup_with_a_clear_message(tmp_path):
    # An empty SECRET_KEY in the environment wins over any .env file.
    result = run_check(DEBUG="False", SECRET_KEY="")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_on_starts_without_a_secret_key():
    result = run_check(DEBUG="True", SECRET_KEY="")

    assert result.returncode == 0, result.stderr
