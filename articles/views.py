"""Article endpoints: thin views over the selectors and the request-path cache."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.caching import articles_ensure_fresh
from articles.constants import CATEGORIES
from articles.pagination import ArticlePagination
from articles.providers import PROVIDERS
from articles.selectors import ArticleFilters, article_get, article_page
from articles.serializers import (
    ArticleListParamsSerializer,
    ArticleListSerializer,
    ArticleSerializer,
    CategoryListSerializer,
    article_data,
)

ARTICLE_NOT_FOUND_MESSAGE = "No article has id {id}."

CACHE_STATUS_HEADER = OpenApiParameter(
    "X-Cache-Status",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],
    enum=["hit", "miss", "stale"],
    description="The same as `cache_status` in the body.",
)


class ArticleListApi(APIView):
    error_statuses = (400,)

    @extend_schema(
        operation_id="articles_list",
        summary="List and search articles",
        description="Newest first. Filters combine (AND); `q` needs every word in the title or description.",
        parameters=[ArticleListParamsSerializer, CACHE_STATUS_HEADER],
        responses=ArticleListSerializer,
        tags=["articles"],
    )
    def get(self, request):
        params = ArticleListParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        cache_status = articles_ensure_fresh(source=filters.get("source"), category=filters.get("category"))
        matching = ArticleFilters(
            category=filters.get("category"),
            source=filters.get("source"),
            words=tuple(filters["words"]),
            published_from=filters.get("from"),
            published_to=filters.get("to"),
        )
        paginator = ArticlePagination(request, page=filters["page"], page_size=filters["page_size"])
        rows, total = article_page(matching, offset=paginator.offset, limit=paginator.page_size)
        response = paginator.get_paginated_response(
            [article_data(row) for row in rows], total=total, cache_status=cache_status
        )
        response["X-Cache-Status"] = cache_status
        return response


class ArticleDetailApi(APIView):
    error_statuses = (404,)

    @extend_schema(
        operation_id="articles_retrieve",
        summary="One article",
        responses=ArticleSerializer,
        tags=["articles"],
    )
    def get(self, request, article_id: int):
        article = article_get(article_id=article_id)
        if article is None:
            raise exceptions.NotFound(ARTICLE_NOT_FOUND_MESSAGE.format(id=article_id))
        return Response(article_data(article))


class CategoryListApi(APIView):
    @extend_schema(
        operation_id="categories_list",
        summary="Categories",
        description="Each category with the name each provider gives it.",
        responses=CategoryListSerializer,
        tags=["articles"],
    )
    def get(self, request):
        categories = [
            {
                "category": category,
                "providers": {name: p.category_map[category] for name, p in PROVIDERS.items()},
            }
            for category in CATEGORIES
        ]
        return Response({"categories": categories})
