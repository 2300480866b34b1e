"""The request log: one key=value line per request, tied to an X-Request-ID the client sees."""

import logging
import time

from newsagg.logs import (
    NO_VALUE,
    REQUEST_ID_HEADER,
    key_value_line,
    request_id_from_header,
    request_id_var,
)

logger = logging.getLogger("newsagg.request")

CACHE_STATUS_HEADER = "X-Cache-Status"


class RequestLogMiddleware:
    """Outermost middleware: times the whole request and sees every response, errors included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from_header(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            # Django turns exceptions from inner layers into responses (handler500), so
            # this always returns.
            response = self.get_response(request)
            duration_ms = (time.perf_counter() - started) * 1000
            response[REQUEST_ID_HEADER] = request_id
            logger.log(
                logging.ERROR if response.status_code >= 500 else logging.INFO,
                key_value_line(
                    method=request.method,
                    path=request.path,
                    status=response.status_code,
                    duration_ms=f"{duration_ms:.1f}",
                    key=key_prefix(response),
                    cache=response.get(CACHE_STATUS_HEADER, NO_VALUE),
                    request_id=request_id,
                ),
            )
        finally:
            request_id_var.reset(token)
        return response


def key_prefix(response) -> str:
    """The public prefix of the API key a DRF view authenticated, or "-".

    Reads what authentication already stored and never triggers it: a request that failed
    before authentication must not query the key table again here.
    """
    drf_request = (getattr(response, "renderer_context", None) or {}).get("request")
    auth = vars(drf_request).get("_auth") if drf_request is not None else None
    return getattr(auth, "prefix", None) or NO_VALUE
