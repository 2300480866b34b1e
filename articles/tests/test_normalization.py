from datetime import UTC, datetime

import pytest

from articles.normalization import clean_url, clip, optional_text, parse_datetime, strip_html


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("Plain text", "Plain text", id="plain"),
        pytest.param(None, "", id="none"),
        pytest.param(42, "42", id="not-a-string"),
        pytest.param("<strong>Ofcom</strong> says &amp; acts", "Ofcom says & acts", id="tags-and-entity"),
        pytest.param("Fish &amp;amp; chips", "Fish & chips", id="double-encoded-entity"),
        pytest.param("<p>One</p><p>Two</p>", "One Two", id="blocks-separate-words"),
        pytest.param("<ul><li>a</li><li>b</li></ul>", "a b", id="list"),
        pytest.param("  lots\r\n\n of \t space ", "lots of space", id="whitespace"),
        pytest.param("90&nbsp;days", "90 days", id="nbsp"),
        pytest.param("a<script>alert(1)</script>b", "ab", id="script-dropped"),
        pytest.param('cut off mid <a href="x', "cut off mid", id="unclosed-tag"),
        pytest.param("AT&T beats Q3", "AT&T beats Q3", id="bare-ampersand"),
        pytest.param("&#8220;quoted&#8221;", "\u201cquoted\u201d", id="numeric-entities"),
    ],
)
def test_strip_html(value, expected):
    assert strip_html(value) == expected


def test_clip_keeps_short_text():
    assert clip("short", 10) == "short"


def test_clip_fits_long_text_to_the_column_with_an_ellipsis():
    clipped = clip("word " * 200, 50)

    assert len(clipped) <= 50
    assert clipped.endswith("…")


def test_optional_text_gives_none_for_blank():
    assert optional_text("  ", 10) is None
    assert optional_text(None, 10) is None
    assert optional_text("<b>Jane</b>", 10) == "Jane"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("https://example.com/a", "https://example.com/a", id="https"),
        pytest.param(" http://example.com/a ", "http://example.com/a", id="trimmed"),
        pytest.param("", None, id="empty"),
        pytest.param(None, None, id="none"),
        pytest.param("ftp://example.com/a", None, id="not-http"),
        pytest.param("/relative/path", None, id="relative"),
        pytest.param("https://example.com/a b", None, id="space-inside"),
        pytest.param("https://example.com/" + "a" * 2000, None, id="too-long-never-clipped"),
    ],
)
def test_clean_url(value, expected):
    assert clean_url(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("2026-11-18T14:05:31Z", datetime(2026, 11, 18, 14, 5, 31, tzinfo=UTC), id="z"),
        pytest.param("2026-11-18T14:05:31+00:00", datetime(2026, 11, 18, 14, 5, 31, tzinfo=UTC), id="offset"),
        pytest.param("2026-11-18T16:05:31+02:00", datetime(2026, 11, 18, 14, 5, 31, tzinfo=UTC), id="to-utc"),
        pytest.param(
            "2026-11-18T14:05:31.123456Z",
            datetime(2026, 11, 18, 14, 5, 31, 123456, tzinfo=UTC),
            id="fraction",
        ),
        pytest.param("2026-11-18T14:05:31", datetime(2026, 11, 18, 14, 5, 31, tzinfo=UTC), id="naive-is-utc"),
        pytest.param("2026-11-18", datetime(2026, 11, 18, tzinfo=UTC), id="date-only"),
        pytest.param("not a date", None, id="garbage"),
        pytest.param("", None, id="empty"),
        pytest.param(None, None, id="none"),
        pytest.param(1700000000, None, id="number"),
    ],
)
def test_parse_datetime(value, expected):
    parsed = parse_datetime(value)

    assert parsed == expected
    if parsed is not None:
        assert parsed.tzinfo == UTC
