from django.urls import re_path

from apikeys.views import UsageApi

urlpatterns = [
    re_path(r"^usage/?$", UsageApi.as_view(), name="usage"),
]
