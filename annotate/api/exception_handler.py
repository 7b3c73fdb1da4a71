from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from annotate.errors import DomainError


def handle_exception(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Turn domain errors and Django validation errors into JSON 4xx naming field and reason."""
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"detail": exc.message, "code": type(exc).__name__}
        if exc.field:
            body["field"] = exc.field
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            errors = {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
            first_field, first = next(iter(errors.items()))
            return Response(
                {"detail": first[0], "field": first_field, "errors": errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response({"detail": "; ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
    return exception_handler(exc, context)
