"""Pure helpers that turn provider values into clean article fields (no Django, no HTTP)."""

import html
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from html.parser import HTMLParser

# Column lengths of articles.models.Article (kept here so this module stays free of Django).
URL_MAX_LENGTH = 2000
TITLE_MAX_LENGTH = 500
DESCRIPTION_MAX_LENGTH = 2000
AUTHOR_MAX_LENGTH = 255
SOURCE_NAME_MAX_LENGTH = 255

ELLIPSIS = "…"
_WHITESPACE = re.compile(r"\s+")
# A tag cut off at the end of a truncated value ("… <a href="): dropped, not shown as text.
_TRAILING_TAG = re.compile(r"<[a-zA-Z/!][^>]*$")
# Elements whose text is never shown to a reader.
_INVISIBLE_TAGS = frozenset({"script", "style", "template", "noscript"})
# Elements that separate words visually: "<p>a</p><p>b</p>" reads "a b", not "ab".
_BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
     "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre", "section",
     "table", "td", "th", "tr", "ul"}
)  # fmt: skip


@dataclass(frozen=True)
class NormalizedArticle:
    """One article in the shape the store keeps, whichever provider listed it."""

    url: str
    title: str
    description: str
    image_url: str | None
    author: str | None
    source_name: str
    published_at: datetime


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in _INVISIBLE_TAGS:
            self._hidden_depth += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in _INVISIBLE_TAGS:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self._hidden_depth:
            self.parts.append(data)


def collapse_whitespace(value: str) -> str:
    return _WHITESPACE.sub(" ", value).strip()


def strip_html(value: object) -> str:
    """Plain text of an HTML fragment: tags removed, entities decoded, whitespace collapsed.

    Anything that is not a string (None, numbers from a sloppy payload) gives "" or its text.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if "<" not in text and "&" not in text:
        return collapse_whitespace(text)
    parser = _TextExtractor()
    parser.feed(_TRAILING_TAG.sub("", text))
    parser.close()
    # A second unescape catches double-encoded entities ("&amp;amp;"), which providers do send.
    return collapse_whitespace(html.unescape("".join(parser.parts)))


def clip(value: str, max_length: int) -> str:
    """Fit text to a column, ending with an ellipsis when it had to be cut."""
    if len(value) <= max_length:
        return value
    cut = value[: max_length - len(ELLIPSIS)].rstrip()
    return cut + ELLIPSIS


def clean_text(value: object, max_length: int) -> str:
    return clip(strip_html(value), max_length)


def optional_text(value: object, max_length: int) -> str | None:
    """Like clean_text, but an absent or blank value is None rather than ""."""
    return clean_text(value, max_length) or None


def clean_url(value: object, max_length: int = URL_MAX_LENGTH) -> str | None:
    """An absolute http(s) URL that fits its column, or None.

    A URL is never clipped: a cut URL points somewhere else.
    """
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or len(url) > max_length or any(ch.isspace() for ch in url):
        return None
    if not url.lower().startswith(("http://", "https://")):
        return None
    return url


def parse_datetime(value: object) -> datetime | None:
    """An aware UTC datetime from an ISO 8601 date or date-time, or None when unreadable.

    Accepts "Z" and "+hh:mm" offsets, fractions of a second and plain dates; a value without
    an offset is taken as UTC, which is what both providers mean.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text[-1:] in ("z", "Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(text[:10]), time.min)
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
