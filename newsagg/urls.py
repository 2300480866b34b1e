from django.contrib import admin
from django.urls import include, path, re_path

from newsagg.views import HealthApi, NotFoundApi

urlpatterns = [
    re_path(r"^healthz/?$", HealthApi.as_view(), name="healthz"),
    path("v1/", include("articles.urls")),
    path("v1/", include("apikeys.urls")),
    # Last: anything else under /v1/ is an unknown endpoint.
    re_path(r"^v1(?:/.*)?$", NotFoundApi.as_view()),
    path("admin/", admin.site.urls),
]

handler400 = "newsagg.errors.bad_request"
handler404 = "newsagg.views.handler404"
handler500 = "newsagg.views.handler500"
