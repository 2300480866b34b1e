from conftest import run_manage


def run_check(**env):
    return run_manage("check", without=("SECRET_KEY", "DEBUG"), **env)


def test_missing_secret_key_with_debug_off_stops_startup_with_a_clear_message(tmp_path):
    # An empty SECRET_KEY in the environment wins over any .env file.
    result = run_check(DEBUG="False", SECRET_KEY="")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_on_starts_without_a_secret_key():
    result = run_check(DEBUG="True", SECRET_KEY="")

    assert result.returncode == 0, result.stderr
