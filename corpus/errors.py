"""Domain errors raised by the corpus services; each edge (API, admin, command) makes them 4xx."""


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):  # noqa: N818 (the house names: InvalidInput, NotFound, ...)
    status_code = 400


class NotFound(DomainError):  # noqa: N818
    status_code = 404


class Conflict(DomainError):  # noqa: N818
    status_code = 409
