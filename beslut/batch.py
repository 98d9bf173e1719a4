"""The ingest job: walk the given paths, skip what is unchanged, run the ingest
stage on the rest, store each document, and keep the index in step."""

import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from beslut.errors import InputError
from corpus import Corpus
from index import SearchIndex
from ingest.ocr_runner import OcrRunner
from ingest.pipeline import process
from ingest.source import read_source, stat_source

from .indexing import sync_index

# Index commits are the expensive part of storing; group them.
SYNC_EVERY_DOCS = 100
SYNC_EVERY_SECONDS = 10.0

OUTCOMES = ("new", "updated", "unchanged", "moved", "duplicate", "failed")


@dataclass
class IngestReport:
    counts: Counter = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)

    @property
    def files(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        core = ["new", "updated", "unchanged", "failed"]
        extra = [o for o in ("moved", "duplicate") if self.counts[o]]
        parts = [f"{self.counts[o]} {o if o != 'duplicate' else 'duplicates'}"
                 for o in core[:3] + extra + core[3:]]
        return f"{self.files} files: " + ", ".join(parts)

    def as_dict(self) -> dict:
        return {"files": self.files, **{o: self.counts[o] for o in OUTCOMES},
                "failures": [{"path": p, "reason": r} for p, r in self.failures]}


class IngestJob:
    def __init__(self, corpus: Corpus, index: SearchIndex, *, ocr: OcrRunner | None = None,
                 debug: bool = False):
        self.corpus = corpus
        self.index = index
        self.ocr = ocr  # None: no page is OCR'd
        self.debug = debug
        self.report = IngestReport()
        self._unsynced = 0
        self._last_sync = time.monotonic()

    def run(self, items, on_item: Callable[[Path | InputError], None] | None = None,
            before_item: Callable[[Path | InputError], None] | None = None) -> IngestReport:
        """items: what ingest.walk.walk yields. Interrupting leaves store and index
        consistent: what was stored is indexed, the rest is done by the next run."""
        sync_index(self.corpus, self.index)  # finish what a crashed run left
        try:
            for item in items:
                if before_item:
                    before_item(item)
                outcome = self.ingest_one(item)
                self.report.counts[outcome] += 1
                if outcome in ("new", "updated", "moved"):
                    self._unsynced += 1
                self._maybe_sync()
                if on_item:
                    on_item(item)
        finally:
            sync_index(self.corpus, self.index)
        return self.report

    def ingest_one(self, item: Path | InputError) -> str:
        if isinstance(item, InputError):
            return self._fail(item)
        path = os.path.abspath(item)
        try:
            st = stat_source(Path(path))
            state = self.corpus.path_state(path)
            if (state and state.status == "ok" and state.doc_id
                    and (state.size, state.mtime_ns) == (st.st_size, st.st_mtime_ns)):
                return "unchanged"
            source = read_source(Path(path))
            if self.corpus.status_of(source.sha256) == "ok":
                return self._known_content(path, source, state)
            doc = process(source, self.ocr)
            self.corpus.save(doc)
            return "updated" if state and state.doc_id else "new"
        except InputError as err:
            return self._fail(err, mtime_ns=_mtime_or_none(path))
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as err:
            if self.debug:
                raise
            return self._fail(InputError(path, f"internal error while reading: "
                                               f"{type(err).__name__}: {err}"))

    def _known_content(self, path: str, source, state) -> str:
        """Bytes already stored: the same file touched, a copy, or a move."""
        previous_paths = self.corpus.paths_of(source.sha256)
        self.corpus.add_path(source.sha256, path, source.size, source.mtime_ns)
        if state and state.doc_id == source.sha256:
            return "unchanged"
        if state:  # the path held other bytes before (e.g. a corrupt copy, now restored)
            return "updated"
        gone = [p for p in previous_paths if p != path and not os.path.lexists(p)]
        for old in gone:
            self.corpus.forget_path(old)
        return "moved" if gone else "duplicate"

    def _fail(self, err: InputError, mtime_ns: int | None = None) -> str:
        path = os.path.abspath(err.path)
        self.corpus.record_failure(path, err.reason, doc_id=err.doc_id, size=err.size,
                                   mtime_ns=mtime_ns)
        self.report.failures.append((path, err.reason))
        return "failed"

    def _maybe_sync(self) -> None:
        due = (self._unsynced >= SYNC_EVERY_DOCS
               or (self._unsynced and time.monotonic() - self._last_sync > SYNC_EVERY_SECONDS))
        if due:
            sync_index(self.corpus, self.index)
            self._unsynced = 0
            self._last_sync = time.monotonic()


def _mtime_or_none(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None
