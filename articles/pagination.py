"""Page-number pagination in the API's list envelope."""

from urllib.parse import urlencode

from rest_framework.pagination import BasePagination
from rest_framework.response import Response


class ArticlePagination(BasePagination):
    """The list envelope around one page of articles; a page past the end is empty, not 404.

    The page and its total are read together by the caller (`selectors.article_page`), from
    `offset` and `page_size`.
    """

    def __init__(self, request, *, page: int, page_size: int):
        self.request = request
        self.page = page
        self.page_size = page_size
        self.offset = (page - 1) * page_size

    def get_paginated_response(self, data, *, total: int, **extra):
        return Response(
            {
                "articles": data,
                "total": total,
                "count": len(data),
                "page": self.page,
                "page_size": self.page_size,
                "next": self.page_link(self.page + 1, total) if self.page * self.page_size < total else None,
                "previous": self.page_link(self.page - 1, total) if self.page > 1 else None,
                **extra,
            }
        )

    def page_link(self, page: int, total: int) -> str:
        # Past the end, "previous" leads back to the last page that has articles.
        last_page = max(1, -(-total // self.page_size))
        params = dict(self.request.query_params.lists())  # QueryDict.copy() deep-copies
        params["page"] = [str(min(page, last_page))]
        return self.request.build_absolute_uri(f"{self.request.path}?{urlencode(params, doseq=True)}")
