"""The part of ingesting one file that needs no writing: read and hash it, and
unless its bytes are stored already, run the ingest stage on it. Runs in the
ingest process itself (--jobs 1, small batches) or in a document worker
(beslut/workers.py); the writer stores what comes back (beslut/batch.py)."""

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from beslut.errors import InputError
from ingest.document import Document
from ingest.ocr_runner import OcrRunner
from ingest.pipeline import process
from ingest.source import read_source


@dataclass(frozen=True)
class Prepared:
    """What became of one file: a processed document, bytes the store already
    holds as a good document ("known"), or a failure."""
    path: str  # absolute
    outcome: str  # "document" | "known" | "failed"
    sha256: str | None = None
    size: int | None = None
    mtime_ns: int | None = None
    doc: Document | None = None
    error: InputError | None = None


def prepare(path: str, *, known: Callable[[str], bool], ocr: OcrRunner | None,
            debug: bool = False, lexicon=None) -> Prepared:
    try:
        source = read_source(Path(path))
        if known(source.sha256):
            return Prepared(path, "known", source.sha256, source.size, source.mtime_ns)
        doc = process(source, ocr, lexicon)
        return Prepared(path, "document", source.sha256, source.size, source.mtime_ns, doc=doc)
    except InputError as err:
        return failed(path, err)
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as err:
        if debug:
            raise
        return failed(path, internal_error(path, err))


def failed(path: str, err: InputError) -> Prepared:
    return Prepared(path, "failed", mtime_ns=mtime_or_none(path), error=err)


def internal_error(path: str, err: BaseException, doing: str = "reading") -> InputError:
    return InputError(path, f"internal error while {doing}: {type(err).__name__}: {err}")


def mtime_or_none(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None
