"""OpenAPI schema: the Bearer scheme, the error envelope and the rate-limit headers on every operation."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers

ERROR_CODES = [
    "not_authenticated",
    "authentication_failed",
    "permission_denied",
    "invalid_parameter",
    "not_found",
    "method_not_allowed",
    "rate_limited",
    "service_unavailable",
    "server_error",
]


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ERROR_CODES, help_text="Stable, machine-readable error code.")
    message = serializers.CharField(help_text="A sentence a person can act on.")
    details = serializers.DictField(help_text="Structured facts: the bad parameters, the limit, …")


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


def _error_example(name: str, code: str, message: str, details: dict | None = None) -> OpenApiExample:
    return OpenApiExample(name, value={"error": {"code": code, "message": message, "details": details or {}}})


CATEGORY_CHOICES_MESSAGE = (
    "Must be one of: business, entertainment, general, health, science, sports, technology."
)

ERROR_RESPONSES = {
    400: OpenApiResponse(
        ErrorSerializer,
        description="A parameter is invalid; `details` maps each bad parameter to its problems.",
        examples=[
            _error_example(
                "Invalid category",
                "invalid_parameter",
                f"Invalid parameter 'category': {CATEGORY_CHOICES_MESSAGE}",
                {"category": [CATEGORY_CHOICES_MESSAGE]},
            )
        ],
    ),
    401: OpenApiResponse(
        ErrorSerializer,
        description="No key, or a malformed, unknown, revoked or expired key. "
        'Carries `WWW-Authenticate: Bearer realm="api"`.',
        examples=[
            _error_example(
                "No key",
                "not_authenticated",
                "No API key was sent. Send your key in the header 'Authorization: Bearer <key>'.",
            ),
            _error_example(
                "Revoked key",
                "authentication_failed",
                "This API key was revoked on 2026-11-20 14:02 UTC. Ask the service operator for a new one.",
            ),
        ],
    ),
    404: OpenApiResponse(
        ErrorSerializer,
        description="No such resource.",
        examples=[_error_example("Unknown article", "not_found", "No article has id 424242.")],
    ),
    429: OpenApiResponse(
        ErrorSerializer,
        description="The key's hourly limit is spent. `Retry-After` is the seconds until the window resets.",
        examples=[
            _error_example(
                "Rate limited",
                "rate_limited",
                "Rate limit of 100 requests per hour exceeded; it resets at 14:00:00 UTC, in 1234 seconds.",
                {"limit": 100, "reset_at": "2026-11-21T14:00:00Z", "retry_after": 1234},
            )
        ],
    ),
}

COUNTED_STATUSES = [200, 400, 404, 429]
RATE_LIMIT_HEADERS = [
    OpenApiParameter(
        "X-RateLimit-Limit",
        OpenApiTypes.INT,
        OpenApiParameter.HEADER,
        response=COUNTED_STATUSES,
        description="Requests this key may make per hour.",
    ),
    OpenApiParameter(
        "X-RateLimit-Remaining",
        OpenApiTypes.INT,
        OpenApiParameter.HEADER,
        response=COUNTED_STATUSES,
        description="Requests left in the current window.",
    ),
    OpenApiParameter(
        "X-RateLimit-Reset",
        OpenApiTypes.INT,
        OpenApiParameter.HEADER,
        response=COUNTED_STATUSES,
        description="Unix time at which the current window ends (the next clock hour, UTC).",
    ),
    OpenApiParameter(
        "Retry-After",
        OpenApiTypes.INT,
        OpenApiParameter.HEADER,
        response=[429],
        description="Seconds until the window resets.",
    ),
]


def without_trailing_slashes(endpoints):
    """Preprocessing hook: every path answers with and without the slash; document it without."""
    return [(path.rstrip("/") or "/", regex, method, view) for path, regex, method, view in endpoints]


class ApiAutoSchema(AutoSchema):
    """Adds to each operation what its view's authentication and throttling imply: 401, 429 and the
    rate-limit headers. 400 and 404 come from the views' own `extend_schema` (errors=...)."""

    def _is_authenticated(self) -> bool:
        return bool(self.view.get_authenticators())

    def _is_counted(self) -> bool:
        return bool(self.view.get_throttles())

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        return parameters + RATE_LIMIT_HEADERS if self._is_counted() else parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        statuses = list(getattr(self.view, "error_statuses", ()))
        if self._is_authenticated():
            statuses.append(401)
        if self._is_counted():
            statuses.append(429)
        for status in sorted(set(statuses)):
            responses.setdefault(
                str(status), self._get_response_for_code(ERROR_RESPONSES[status], str(status))
            )
        return responses


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "apikeys.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "nagg_<prefix>_<secret>",
            "description": "Your API key, sent as `Authorization: Bearer <key>`.",
        }
