"""GET /v1/sources: each provider, whether it is enabled, and how its fetches went."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.selectors import source_overview


class SourceSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The provider, as used by the `source` parameter.")
    label = serializers.CharField()
    enabled = serializers.BooleanField(help_text="False when the provider has no key configured.")
    article_count = serializers.IntegerField(help_text="Articles stored from this provider.")
    last_fetch_at = serializers.DateTimeField(allow_null=True, help_text="Start of the last call.")
    last_status = serializers.CharField(
        source="last_outcome", allow_null=True, help_text="`success`, `error` or `running`; null before any."
    )
    last_http_status = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField(allow_blank=True, help_text="What went wrong in the last call, or ''.")
    calls_today = serializers.IntegerField(help_text="Calls made since midnight UTC.")
    daily_budget = serializers.IntegerField(help_text="Calls a day the service allows itself.")


class SourceListSerializer(serializers.Serializer):
    sources = SourceSerializer(many=True)


class SourceListApi(APIView):
    @extend_schema(
        operation_id="sources_list",
        summary="List the news providers",
        description="Each provider: enabled or not, article count, last fetch, and today's calls against "
        "its daily budget.",
        responses={200: SourceListSerializer},
        examples=[
            OpenApiExample(
                "Two providers",
                value={
                    "sources": [
                        {
                            "name": "newsapi",
                            "label": "NewsAPI",
                            "enabled": True,
                            "article_count": 412,
                            "last_fetch_at": "2026-11-21T06:10:02Z",
                            "last_status": "success",
                            "last_http_status": 200,
                            "last_error": "",
                            "calls_today": 37,
                            "daily_budget": 100,
                        },
                        {
                            "name": "guardian",
                            "label": "The Guardian",
                            "enabled": True,
                            "article_count": 655,
                            "last_fetch_at": "2026-11-21T06:10:03Z",
                            "last_status": "error",
                            "last_http_status": 429,
                            "last_error": "The Guardian answered HTTP 429: API rate limit exceeded",
                            "calls_today": 88,
                            "daily_budget": 500,
                        },
                    ]
                },
                response_only=True,
            )
        ],
        tags=["articles"],
    )
    def get(self, request):
        return Response(SourceListSerializer({"sources": source_overview()}).data)
