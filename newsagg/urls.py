from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from newsagg.views import HealthApi, NotFoundApi

# The documentation is public and never counted against a key's limit.
public = {"authentication_classes": [], "permission_classes": [], "throttle_classes": []}

# The documentation pages load nothing from outside the service (ReDoc would fetch its logo).
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'"
)


def self_contained(view):
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_CSP
        return response

    return wrapped


urlpatterns = [
    re_path(r"^healthz/?$", HealthApi.as_view(), name="healthz"),
    path("v1/", include("articles.urls")),
    path("v1/", include("apikeys.urls")),
    # Last: anything else under /v1/ is an unknown endpoint.
    re_path(r"^v1(?:/.*)?$", NotFoundApi.as_view()),
    re_path(r"^schema/?$", SpectacularAPIView.as_view(**public), name="schema"),
    re_path(
        r"^docs/?$", self_contained(SpectacularSwaggerView.as_view(url_name="schema", **public)), name="docs"
    ),
    re_path(
        r"^redoc/?$", self_contained(SpectacularRedocView.as_view(url_name="schema", **public)), name="redoc"
    ),
    path("admin/", admin.site.urls),
]

handler400 = "newsagg.errors.bad_request"
admin.site.site_header = "newsagg administration"
admin.site.site_title = "newsagg admin"
admin.site.index_title = "Administration"

handler404 = "newsagg.views.handler404"
handler500 = "newsagg.views.handler500"
