"""The few exception types a user can meet. Each message is meant for a clerk."""

from pathlib import Path


class BeslutError(Exception):
    """Base of every error beslut reports to the user as one line."""


class InputError(BeslutError):
    """A file that cannot be turned into a document.

    ``doc_id`` and ``size`` are set when the file could be read and hashed,
    so that the store can record the failure against the exact bytes.
    """

    def __init__(self, path, reason: str, *, doc_id: str | None = None, size: int | None = None):
        self.path = Path(path)
        self.reason = reason
        self.doc_id = doc_id
        self.size = size
        super().__init__(f"{self.path}: {reason}")

    def __reduce__(self):  # errors travel back from OCR worker processes
        return (_input_error, (self.path, self.reason, self.doc_id, self.size))


def _input_error(path, reason, doc_id, size) -> InputError:
    return InputError(path, reason, doc_id=doc_id, size=size)


class StoreError(BeslutError):
    """The corpus store cannot be opened or written."""


class SearchIndexError(BeslutError):
    """The full-text index cannot be opened, written or searched."""


class QueryError(BeslutError):
    """A search query that cannot be understood."""


class InvalidValue(BeslutError):
    """A value given on the command line that beslut cannot take (a type, a date, a field)."""


class NotFound(BeslutError):
    """No document matches the given id."""


class JobRefused(BeslutError):
    """An archive job that will not do what was asked, and says why (a prune that
    would empty most of the archive, an export file that cannot be written)."""
