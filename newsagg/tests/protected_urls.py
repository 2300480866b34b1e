"""The project's URLs plus an authenticated endpoint, for tests that need one before any exists."""

from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from apikeys.models import ApiKey
from newsagg.tests.urls import urlpatterns as error_test_urlpatterns


class WhoAmIApi(APIView):
    """Authenticated with the project defaults; echoes the key prefix and the query it was sent."""

    def get(self, request):
        response = Response({"prefix": request.auth.prefix, "query": dict(request.query_params.lists())})
        response["X-Cache-Status"] = "hit"
        return response


class KeyCountApi(APIView):
    """Open, and queries the database in the view itself (not during authentication)."""

    authentication_classes = []
    permission_classes = []

    def get(self, request):
        return Response({"keys": ApiKey.objects.count()})


def plain_exploding_view(request):
    """A plain Django view: its exception goes to handler500, not to the DRF handler."""
    raise RuntimeError("secret internal detail: plain boom")


urlpatterns = [
    path("test-plain-explode", plain_exploding_view),
    path("v1/test-whoami", WhoAmIApi.as_view()),
    path("v1/test-key-count", KeyCountApi.as_view()),
    *error_test_urlpatterns,
]

handler400 = "newsagg.errors.bad_request"
handler404 = "newsagg.views.handler404"
handler500 = "newsagg.views.handler500"
