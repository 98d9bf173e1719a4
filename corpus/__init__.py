"""Stage 2: the durable store of documents, the source of truth.

    from corpus import open_corpus
    with open_corpus(home) as corpus:
        corpus.save(doc)
"""

from pathlib import Path

from .records import OutboxEntry, PathState, StoredDocument
from .store import DB_NAME, Corpus


def open_corpus(home: Path) -> Corpus:
    return Corpus(Path(home) / DB_NAME)


__all__ = ["Corpus", "OutboxEntry", "PathState", "StoredDocument", "open_corpus"]
