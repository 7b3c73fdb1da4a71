"""Domain errors of the services of both apps; each edge (API, admin, command) makes them 4xx.

The tree lives in the corpus app, the lower layer, so that `annotate` (which depends on `corpus`)
raises and catches the very same classes.
"""


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):  # noqa: N818 (the house names: InvalidInput, NotFound, ...)
    status_code = 400


class Forbidden(DomainError):  # noqa: N818
    status_code = 403


class NotFound(DomainError):  # noqa: N818
    status_code = 404


class Conflict(DomainError):  # noqa: N818
    status_code = 409
