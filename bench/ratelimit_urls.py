"""The project's URLs plus /v1/bench/ping: authenticated, counted, and otherwise free, so the
benchmark measures authentication and the rate limit rather than an endpoint's own work."""

from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from newsagg.urls import urlpatterns as project_urlpatterns


class BenchPingApi(APIView):
    schema = None

    def get(self, request):
        return Response({"pong": True})


urlpatterns = [path("v1/bench/ping", BenchPingApi.as_view()), *project_urlpatterns]

handler404 = "newsagg.views.handler404"
handler500 = "newsagg.views.handler500"
