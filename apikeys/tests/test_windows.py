from datetime import UTC, datetime, timedelta, timezone

import pytest

from apikeys.windows import window_end, window_start


@pytest.mark.parametrize(
    ("now", "start"),
    [
        pytest.param(
            datetime(2026, 11, 21, 14, 0, 0, tzinfo=UTC),
            datetime(2026, 11, 21, 14, tzinfo=UTC),
            id="on-the-hour",
        ),
        pytest.param(
            datetime(2026, 11, 21, 14, 59, 59, 999999, tzinfo=UTC),
            datetime(2026, 11, 21, 14, tzinfo=UTC),
            id="last-microsecond",
        ),
        pytest.param(
            datetime(2026, 11, 21, 16, 30, tzinfo=timezone(timedelta(hours=2))),
            datetime(2026, 11, 21, 14, tzinfo=UTC),
            id="other-time-zone",
        ),
        pytest.param(
            datetime(2026, 11, 21, 5, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
            datetime(2026, 11, 21, 0, tzinfo=UTC),
            id="half-hour-offset",
        ),
    ],
)
def test_window_is_the_utc_clock_hour(now, start):
    assert window_start(now) == start
    assert window_start(now).tzinfo == UTC
    assert window_end(now) == start + timedelta(hours=1)


def test_window_end_at_midnight_rolls_over_the_day():
    assert window_end(datetime(2026, 12, 31, 23, 10, tzinfo=UTC)) == datetime(2027, 1, 1, tzinfo=UTC)
