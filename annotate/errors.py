"""Domain errors of the annotate services: the same classes as the corpus app's, in one tree."""

from corpus.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound

__all__ = ["Conflict", "DomainError", "Forbidden", "InvalidInput", "NotFound"]
