"""The project's URLs plus views that exist only to exercise error handling."""

from django.urls import path
from rest_framework.views import APIView

from newsagg.urls import urlpatterns as project_urlpatterns


class ExplodingApi(APIView):
    authentication_classes = []
    permission_classes = []

    def get(self, request):
        raise RuntimeError("secret internal detail: boom")


urlpatterns = [path("v1/test-explode", ExplodingApi.as_view()), *project_urlpatterns]

handler404 = "newsagg.views.handler404"
handler500 = "newsagg.views.handler500"
