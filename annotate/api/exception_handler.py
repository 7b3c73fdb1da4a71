"""One error shape for every API failure: `{"detail", "code", "field"?, "errors"?}` with a 4xx.

DRF's default handler knows only its own exceptions, `Http404` and `PermissionDenied`; anything else
becomes a 500. Domain errors from the services and Django `ValidationError` (model constraints,
`full_clean`) are mapped here, and DRF's own errors are reshaped so a client reads one format.
"""

import logging
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from annotate.errors import DomainError

logger = logging.getLogger(__name__)

# The `code` of a DRF exception in our error body; codes a client can switch on.
DRF_CODES: dict[type[exceptions.APIException], str] = {
    exceptions.ValidationError: "InvalidInput",
    exceptions.ParseError: "InvalidInput",
    exceptions.NotAuthenticated: "NotAuthenticated",
    exceptions.AuthenticationFailed: "NotAuthenticated",
    exceptions.PermissionDenied: "Forbidden",
    exceptions.NotFound: "NotFound",
    exceptions.MethodNotAllowed: "MethodNotAllowed",
    exceptions.NotAcceptable: "NotAcceptable",
    exceptions.UnsupportedMediaType: "UnsupportedMediaType",
    exceptions.Throttled: "Throttled",
}

# Services name keyword arguments; the API names the JSON fields a client sent.
API_FIELD_NAMES = {
    "speaker_id": "speaker",
    "nested_in_id": "nested_in",
    "target_actor_id": "target_actor",
    "expected_version": "version",
    "assignment_id": "assignment",
    "article_id": "article",
    "annotator_id": "annotator",
    "project_id": "project",
    "member_id": "user",
    "target_id": "into",
}


def api_field(field: str) -> str:
    return ".".join(API_FIELD_NAMES.get(part, part) for part in field.split("."))


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """{"stances.0.polarity": ["This field is required."]} from DRF's nested error structure."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = str(key) if key != "non_field_errors" or prefix else "non_field_errors"
            flat.update(_flatten(value, f"{prefix}.{name}" if prefix else name))
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            if item:
                flat.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or "non_field_errors": [str(detail)]}


def _validation_body(errors: dict[str, list[str]]) -> dict[str, Any]:
    first_field, reasons = next(iter(errors.items()), ("non_field_errors", ["Invalid input."]))
    body: dict[str, Any] = {"detail": reasons[0], "code": "InvalidInput", "errors": errors}
    if first_field != "non_field_errors":
        body["field"] = first_field
        body["detail"] = f"{first_field}: {reasons[0]}"
    return body


def handle_exception(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Turn domain, Django and DRF errors into one JSON body naming field and reason."""
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"detail": exc.message, "code": type(exc).__name__}
        if exc.field:
            body["field"] = api_field(exc.field)
        current = getattr(exc, "current", None)
        if current is not None:
            body["current"] = current
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            errors = {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
            field = next(iter(errors))
            if field == "__all__":
                errors["non_field_errors"] = errors.pop("__all__")
        else:
            errors = {"non_field_errors": [str(m) for m in exc.messages]}
        return Response(_validation_body(errors), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, SuspiciousOperation):
        # Too many form fields, a request body over DATA_UPLOAD_MAX_MEMORY_SIZE, and the like.
        return Response(
            {"detail": str(exc) or type(exc).__name__, "code": "InvalidInput"},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, OverflowError):
        # An id or offset beyond what the database can store (SQLite raises this before querying).
        return Response(
            {
                "detail": "A number is too large: ids and offsets fit in 64 bits.",
                "code": "InvalidInput",
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, DataError):
        # A value the database cannot hold (an out-of-range number, a string too long) that input
        # validation let through: the client's fault, and the transaction is rolled back already.
        logger.warning("Database refused a value: %s", exc)
        return Response(
            {
                "detail": "A value is out of range or too long for the database.",
                "code": "InvalidInput",
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    code = next(
        (name for cls, name in DRF_CODES.items() if isinstance(exc, cls)),
        type(exc).__name__,
    )
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(_flatten(exc.detail))
    else:
        data = response.data
        detail = data.get("detail", data) if isinstance(data, dict) else data
        response.data = {"detail": str(detail), "code": code}
    return response
