"""The key's own view of itself: GET /v1/usage."""

from collections.abc import Callable
from datetime import datetime

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apikeys.selectors import usage_get

# The time source for the current window; tests replace it to move time.
clock: Callable[[], datetime] = timezone.now


class UsageSerializer(serializers.Serializer):
    prefix = serializers.CharField(help_text="The public prefix of the calling key.")
    name = serializers.CharField(help_text="The name the key was issued under.")
    limit = serializers.IntegerField(help_text="Requests allowed per clock hour (UTC).")
    used = serializers.IntegerField(help_text="Requests counted in the current window.")
    remaining = serializers.IntegerField(help_text="Requests left in the current window.")
    reset_at = serializers.DateTimeField(help_text="When the current window ends and the count resets.")
    window_start = serializers.DateTimeField(help_text="When the current window began.")


class UsageApi(APIView):
    # Reporting the quota must not spend it.
    throttle_classes = []

    @extend_schema(
        summary="Usage of the calling key in the current hour",
        description="Does not count against the rate limit.",
        responses={200: UsageSerializer},
        operation_id="usage_retrieve",
        tags=["account"],
    )
    def get(self, request):
        usage = usage_get(api_key=request.auth, now=clock())
        return Response(UsageSerializer(usage).data)
