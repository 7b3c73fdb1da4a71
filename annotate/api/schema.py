"""OpenAPI generation: every operation documents the error answers it can give."""

from typing import Any

from drf_spectacular.openapi import AutoSchema

from annotate.api.serializers import ErrorSerializer

# Any request can be malformed, unauthenticated, refused or aimed at an id the user may not see
# (NotFound hides what exists); 409 is declared by the operations that compare versions.
COMMON_ERRORS = ("400", "401", "403", "404")


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code in COMMON_ERRORS:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ErrorSerializer, code, direction=direction
                )
        return responses
