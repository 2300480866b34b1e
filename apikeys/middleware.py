"""Adds the rate-limit headers to every response of a counted request."""

from apikeys.throttling import REQUEST_ATTRIBUTE


class RateLimitHeadersMiddleware:
    """The throttle decides before the view runs; the headers belong on whatever response
    follows (200, 4xx, the 429 itself, a 500), so they are set here, on the way out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = getattr(request, REQUEST_ATTRIBUTE, None)
        if status is not None:
            for name, value in status.headers().items():
                response[name] = value
        return response
