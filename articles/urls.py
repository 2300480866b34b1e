from django.urls import re_path

from articles.views import ArticleDetailApi, ArticleListApi, CategoryListApi
from articles.views_sources import SourceListApi

urlpatterns = [
    re_path(r"^articles/?$", ArticleListApi.as_view(), name="article-list"),
    # At most 18 digits: every such id fits the database's bigint; longer ones are unknown paths.
    re_path(r"^articles/(?P<article_id>[0-9]{1,18})/?$", ArticleDetailApi.as_view(), name="article-detail"),
    re_path(r"^categories/?$", CategoryListApi.as_view(), name="category-list"),
    re_path(r"^sources/?$", SourceListApi.as_view(), name="source-list"),
]
