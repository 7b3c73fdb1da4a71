"""OpenAPI generation: every operation documents the error answers it can give."""

from typing import Any

from drf_spectacular.openapi import AutoSchema

from annotate.api.serializers import ErrorSerializer

# Any request can be malformed, unauthenticated, refused or aimed at an id the user may not see
# (NotFound hides what exists); any write can collide with the current state (a stale version, a
# duplicate name, an article already assigned).
COMMON_ERRORS = ("400", "401", "403", "404")
WRITE_ERRORS = ("409",)


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        codes = COMMON_ERRORS + (WRITE_ERRORS if self.method != "GET" else ())
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ErrorSerializer, code, direction=direction
                )
        return responses
