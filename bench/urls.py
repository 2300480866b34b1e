"""The project's URLs plus a reference endpoint that only the benchmark server mounts.

`/bench/reference` is the cheapest answer the stack can give: a bare DRF view with no
authentication, permission or throttle returning a small static dict. Every benchmark figure
is reported as a ratio to its throughput in the same run, which takes the machine out of the
comparison.
"""

from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from newsagg.urls import handler404, handler500
from newsagg.urls import urlpatterns as project_urlpatterns

REFERENCE_BODY = {"status": "ok", "service": "newsagg", "reference": True}


class ReferenceApi(APIView):
    authentication_classes = []
    permission_classes = []
    throttle_classes = []

    def get(self, request):
        return Response(REFERENCE_BODY)


urlpatterns = [
    path("bench/reference", ReferenceApi.as_view(), name="bench-reference"),
    *project_urlpatterns,
]

__all__ = ["handler404", "handler500", "urlpatterns"]
