"""The project's URLs plus small views that exercise the rate limit before real endpoints exist."""

from django.urls import path
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from newsagg.urls import urlpatterns as project_urlpatterns


class CountedApi(APIView):
    def get(self, request):
        return Response({"pong": True})


class CountedInvalidApi(APIView):
    def get(self, request):
        raise exceptions.ValidationError({"page": ["A valid integer is required."]})


class CountedExplodingApi(APIView):
    def get(self, request):
        raise RuntimeError("boom")


class UncountedApi(APIView):
    throttle_classes = []

    def get(self, request):
        return Response({"pong": True})


class PublicApi(APIView):
    permission_classes = []

    def get(self, request):
        return Response({"pong": True})


urlpatterns = [
    path("v1/test-counted", CountedApi.as_view()),
    path("v1/test-counted-invalid", CountedInvalidApi.as_view()),
    path("v1/test-counted-explode", CountedExplodingApi.as_view()),
    path("v1/test-uncounted", UncountedApi.as_view()),
    path("v1/test-public", PublicApi.as_view()),
    *project_urlpatterns,
]

handler404 = "newsagg.views.handler404"
handler500 = "newsagg.views.handler500"
