from django.urls import re_path

from articles.views_sources import SourceListApi

urlpatterns: list = [
    re_path(r"^sources/?$", SourceListApi.as_view(), name="source-list"),
]
