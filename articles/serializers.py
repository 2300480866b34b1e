"""Query parameters and response shapes of the article endpoints."""

import copy
import functools
from datetime import UTC, datetime, time

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.constants import CATEGORIES, SOURCES

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200

CHOICE_MESSAGE = "Must be one of: {choices}."
DATE_MESSAGE = "Must be an ISO 8601 date (2026-11-20) or date-time (2026-11-20T09:30:00Z)."
RANGE_MESSAGE = "'from' must not be later than 'to'."
PAGE_SIZE_CONFLICT_MESSAGE = "'page_size' and its alias 'limit' disagree; send one of them."


def choice_field(choices: tuple[str, ...], help_text: str) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=choices,
        required=False,
        help_text=help_text,
        error_messages=dict.fromkeys(
            ["invalid_choice", "blank"], CHOICE_MESSAGE.format(choices=", ".join(choices))
        ),
    )


@extend_schema_field(
    {
        "type": "string",
        "description": "ISO 8601 date (`2026-11-20`) or date-time (`2026-11-20T09:30:00Z`); "
        "no offset means UTC.",
        "example": "2026-11-20",
    }
)
class DateOrDateTimeField(serializers.Field):
    """An ISO 8601 date or date-time; a date is the whole UTC day (`end_of_day` for upper bounds)."""

    default_error_messages = {"invalid": DATE_MESSAGE}

    def __init__(self, *, end_of_day: bool = False, **kwargs):
        self.end_of_day = end_of_day
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        value = data.strip()
        try:
            # A bare date first: fromisoformat would read it as midnight, losing "the whole day".
            day = parse_date(value)
            moment = None if day else parse_datetime(value)
        except ValueError:  # well-formed but impossible, e.g. 2026-02-30
            self.fail("invalid")
        if moment is not None:
            if timezone.is_naive(moment):
                return moment.replace(tzinfo=UTC)
            try:
                return moment.astimezone(UTC)
            except OverflowError:  # e.g. 9999-12-31T23:00:00-05:00 is past the last representable instant
                self.fail("invalid")
        if day is None:
            self.fail("invalid")
        # Inclusive: a date as an upper bound is the whole day, to its last microsecond.
        return datetime.combine(day, time.max if self.end_of_day else time.min, tzinfo=UTC)

    def to_representation(self, value):
        return value.isoformat()


class ArticleListParamsSerializer(serializers.Serializer):
    category = choice_field(CATEGORIES, "Only articles listed under this category.")
    source = choice_field(SOURCES, "Only articles from this provider.")
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_QUERY_LENGTH,
        help_text="Words that must all appear in the title or description (case-insensitive).",
    )
    # `from` is a Python keyword: declared below under its real name.
    page = serializers.IntegerField(required=False, min_value=1, default=1, help_text="1-based page number.")
    page_size = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        help_text=f"Articles per page, 1–{MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).",
    )
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, help_text="Alias of page_size."
    )

    def get_fields(self):
        # DRF deep-copies every declared field for each instance, running each __init__ again:
        # a tenth of a list request's CPU. A field keeps no state but what bind() sets on it,
        # which a shallow copy keeps to itself, so each request copies fields made once.
        return {name: copy.copy(field) for name, field in self._field_prototypes().items()}

    @classmethod
    @functools.cache
    def _field_prototypes(cls) -> dict[str, serializers.Field]:
        fields = copy.deepcopy(cls._declared_fields)
        fields["from"] = DateOrDateTimeField(
            required=False, help_text="Published at or after (ISO 8601 date or date-time)."
        )
        fields["to"] = DateOrDateTimeField(
            required=False, end_of_day=True, help_text="Published at or before (inclusive)."
        )
        return fields

    def validate(self, attrs):
        start, end = attrs.get("from"), attrs.get("to")
        if start and end and start > end:
            raise serializers.ValidationError({"from": [RANGE_MESSAGE]})
        page_size, limit = attrs.pop("page_size", None), attrs.pop("limit", None)
        if page_size is not None and limit is not None and page_size != limit:
            raise serializers.ValidationError({"page_size": [PAGE_SIZE_CONFLICT_MESSAGE]})
        attrs["page_size"] = page_size or limit or DEFAULT_PAGE_SIZE
        attrs["words"] = (attrs.pop("q", "") or "").split()
        return attrs


class ArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    url = serializers.URLField()
    image_url = serializers.URLField(allow_null=True)
    author = serializers.CharField(allow_null=True)
    source = serializers.ChoiceField(choices=SOURCES, help_text="The provider the article came from.")
    source_name = serializers.CharField(help_text="The publisher, as the provider names it.")
    category = serializers.ChoiceField(choices=CATEGORIES, help_text="The first category it was seen under.")
    published_at = serializers.DateTimeField()


def article_data(row: dict) -> dict:
    """What ArticleSerializer gives for a row of `selectors.ARTICLE_FIELDS`, built directly.

    The rows come from `.values()` with every field already of its output type except the
    date, so the serializer's per-field machinery (about a millisecond for a page of 20,
    a third of a cache-hit list's time in the app) is not needed to read them. Same keys,
    same order, same date format as DRF: ISO 8601 in UTC with "Z".
    """
    published = row["published_at"].astimezone(UTC).isoformat()
    return {**row, "published_at": published.removesuffix("+00:00") + "Z"}


class ArticleListSerializer(serializers.Serializer):
    articles = ArticleSerializer(many=True)
    total = serializers.IntegerField(help_text="Every article matching the filters.")
    count = serializers.IntegerField(help_text="Articles in this page.")
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    cache_status = serializers.ChoiceField(
        choices=["hit", "miss", "stale"],
        help_text="hit: every covered provider+category was fresh; miss: stale ones were refreshed "
        "for this request; stale: a refresh failed or was refused, the answer is what is stored.",
    )


class CategorySerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=CATEGORIES)
    providers = serializers.DictField(
        child=serializers.CharField(), help_text="Provider name → its own name for the category."
    )


class CategoryListSerializer(serializers.Serializer):
    categories = CategorySerializer(many=True)
