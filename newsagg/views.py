"""Service-level views: health check and the JSON 404/500 answers."""

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from newsagg.errors import SERVER_ERROR_MESSAGE, error_body

logger = logging.getLogger("newsagg.health")

NOT_FOUND_MESSAGE = "No endpoint matches {path}. See /docs for the endpoints this API offers."


class HealthApi(APIView):
    authentication_classes = []
    permission_classes = []
    throttle_classes = []

    @extend_schema(
        operation_id="healthz",
        summary="Health check",
        auth=[],
        responses={
            200: inline_serializer(
                "Health", {"status": serializers.CharField(), "database": serializers.CharField()}
            ),
            503: inline_serializer(
                "HealthUnavailable", {"status": serializers.CharField(), "database": serializers.CharField()}
            ),
        },
        tags=["service"],
    )
    def get(self, request):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError:
            logger.warning("Health check: the database does not answer", exc_info=True)
            return Response({"status": "error", "database": "error"}, status=503)
        return Response({"status": "ok", "database": "ok"})


class NotFoundApi(APIView):
    """Answers every method on an unknown /v1/ path with the 404 envelope, DEBUG or not."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = []
    schema = None

    def initial(self, request, *args, **kwargs):
        raise exceptions.NotFound(NOT_FOUND_MESSAGE.format(path=request.path))


def handler404(request, exception=None):
    body = error_body("not_found", NOT_FOUND_MESSAGE.format(path=request.path))
    return JsonResponse(body, status=404)


def handler500(request):
    return JsonResponse(error_body("server_error", SERVER_ERROR_MESSAGE), status=500)
