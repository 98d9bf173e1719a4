"""The corpus store: one SQLite database (WAL) holding every document whole."""

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from beslut.errors import InvalidValue, NotFound, StoreError
from ingest.document import PIPELINE_VERSION, UNKNOWN_TYPE, Document, Page

from .records import OutboxEntry, PathState, StoredDocument
from .schema import SCHEMA, migrate
from .tags import ManualTag, tag_field, tag_value

DB_NAME = "corpus.sqlite3"


def storable(text: str) -> str:
    """SQLite takes only valid UTF-8: a file name with other bytes (kept by Python as
    lone surrogates) is stored with those bytes written as \\xNN."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Corpus:
    """Reads and writes the store. Every write method is one transaction:
    a document is stored whole or not at all."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.executescript(SCHEMA)  # idempotent: CREATE ... IF NOT EXISTS
            with self.transaction():
                migrate(self.db)
        except sqlite3.DatabaseError as err:
            raise StoreError(f"cannot open the corpus store {self.path}: {err}") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @contextmanager
    def transaction(self):
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    # ---- writing -------------------------------------------------------------

    def save(self, doc: Document) -> None:
        """Store a processed document, point its path at it, queue it for the index.
        The document its path held before is dropped if no other path holds it."""
        now = _now()
        details = {"encoding": doc.encoding, "fixes": list(doc.fixes), "repairs": list(doc.repairs),
                   "warnings": list(doc.warnings)}
        with self.transaction() as db:
            previous = self._doc_at(doc.path)
            db.execute(
                """INSERT INTO documents (id, status, reason, kind, size, mtime_ns, last_path,
                       page_count, raw_text, text, doc_type, title, doc_date, metadata, details,
                       pipeline_version, created_at, updated_at)
                   VALUES (?, 'ok', NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (id) DO UPDATE SET status='ok', reason=NULL, kind=excluded.kind,
                       size=excluded.size, mtime_ns=excluded.mtime_ns, last_path=excluded.last_path,
                       page_count=excluded.page_count, raw_text=excluded.raw_text,
                       text=excluded.text, doc_type=excluded.doc_type, title=excluded.title,
                       doc_date=excluded.doc_date, metadata=excluded.metadata,
                       details=excluded.details, pipeline_version=excluded.pipeline_version,
                       updated_at=excluded.updated_at""",
                (doc.id, doc.kind, doc.size, doc.mtime_ns, doc.path, doc.page_count, doc.raw_text,
                 doc.text, doc.doc_type, doc.title, doc.date,
                 json.dumps(doc.metadata, ensure_ascii=False), json.dumps(details, ensure_ascii=False),
                 doc.pipeline_version, now, now))
            db.execute("DELETE FROM pages WHERE doc_id = ?", (doc.id,))
            db.executemany(
                "INSERT INTO pages (doc_id, number, source, reason, chars, scores) VALUES (?, ?, ?, ?, ?, ?)",
                [(doc.id, p.number, p.source, p.reason, len(p.text), json.dumps(p.scores))
                 for p in doc.pages])
            self._set_words(doc)
            self._set_path(doc.path, doc.id, doc.size, doc.mtime_ns, "ok", None, now)
            self._queue(doc.id, "upsert")
            if previous and previous != doc.id:
                self._carry_manual_tags(previous, doc.id)
                self._drop_if_pathless(previous)

    def add_path(self, doc_id: str, path: str, size: int, mtime_ns: int) -> None:
        """Record a known document at another path (a copy, or a moved file)."""
        with self.transaction():
            previous = self._doc_at(path)
            self._set_path(path, doc_id, size, mtime_ns, "ok", None, _now())
            self.db.execute("UPDATE documents SET last_path = ?, mtime_ns = ? WHERE id = ?",
                            (path, mtime_ns, doc_id))
            if previous and previous != doc_id:
                if self._carry_manual_tags(previous, doc_id):
                    self._queue(doc_id, "upsert")
                self._drop_if_pathless(previous)

    def forget_path(self, path: str) -> None:
        """The file at this path is gone: its document keeps its other paths."""
        with self.transaction():
            self.db.execute("DELETE FROM paths WHERE path = ?", (path,))

    def record_failure(self, path: str, reason: str, *, doc_id: str | None = None,
                       size: int | None = None, mtime_ns: int | None = None) -> None:
        """Remember that a file failed, and why. A good document its path held before
        stays in the store and the index: nothing stored is lost to a bad new copy."""
        path = storable(path)
        now = _now()
        with self.transaction() as db:
            if doc_id:
                db.execute(
                    """INSERT INTO documents (id, status, reason, size, mtime_ns, last_path,
                           pipeline_version, created_at, updated_at)
                       VALUES (?, 'failed', ?, ?, ?, ?, ?, ?, ?)
                       ON CONFLICT (id) DO UPDATE SET reason=excluded.reason,
                           last_path=excluded.last_path, updated_at=excluded.updated_at
                       WHERE status = 'failed'""",
                    (doc_id, reason, size or 0, mtime_ns, path, PIPELINE_VERSION, now, now))
            previous = self._doc_at(path)
            if doc_id is None:  # unreadable: keep whatever the path held
                doc_id = previous
            self._set_path(path, doc_id, size, mtime_ns, "failed", reason, now)
            if previous and previous != doc_id:
                if doc_id:  # held for the good version that will replace the bad copy
                    self._carry_manual_tags(previous, doc_id)
                self._drop_if_pathless(previous, keep_ok=True)

    def delete(self, doc_id: str) -> None:
        with self.transaction():
            self._delete(doc_id)

    def set_manual_tags(self, doc_id: str, values: dict[str, str | None],
                        reset: tuple[str, ...] | list[str] = ()) -> None:
        """A clerk's corrections: set these fields (None clears one) and drop the
        corrections of the fields in reset, so the pipeline's values show again.
        Values are checked (corpus.tags.tag_value); InvalidValue if one is wrong."""
        values = {tag_field(f): tag_value(tag_field(f), v) for f, v in values.items()}
        reset = [tag_field(f) for f in reset]
        if set(values) & set(reset):
            field = sorted(set(values) & set(reset))[0]
            raise InvalidValue(f"{field} is both set and reset; give one of them")
        now = _now()
        with self.transaction() as db:
            if self.status_of(doc_id) != "ok":
                raise NotFound(f"document {doc_id[:12]} failed to ingest; it has no tags to correct")
            db.executemany(
                """INSERT INTO manual_tags (doc_id, field, value, set_at) VALUES (?, ?, ?, ?)
                   ON CONFLICT (doc_id, field) DO UPDATE SET value=excluded.value, set_at=excluded.set_at""",
                [(doc_id, field, value, now) for field, value in values.items()])
            db.executemany("DELETE FROM manual_tags WHERE doc_id = ? AND field = ?",
                           [(doc_id, field) for field in reset])
            self._queue(doc_id, "upsert")

    def _carry_manual_tags(self, old_id: str, new_id: str) -> int:
        """A new version of a file keeps the corrections made to the version it
        replaces at that path, except in fields corrected on the new one itself."""
        return self.db.execute(
            """INSERT OR IGNORE INTO manual_tags (doc_id, field, value, set_at)
               SELECT ?, field, value, set_at FROM manual_tags WHERE doc_id = ?""",
            (new_id, old_id)).rowcount

    def _set_path(self, path, doc_id, size, mtime_ns, status, reason, now) -> None:
        self.db.execute(
            """INSERT INTO paths (path, doc_id, size, mtime_ns, status, reason, seen_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (path) DO UPDATE SET doc_id=excluded.doc_id, size=excluded.size,
                   mtime_ns=excluded.mtime_ns, status=excluded.status, reason=excluded.reason,
                   seen_at=excluded.seen_at""",
            (path, doc_id, size, mtime_ns, status, reason, now))

    def _doc_at(self, path: str) -> str | None:
        row = self.db.execute("SELECT doc_id FROM paths WHERE path = ?", (path,)).fetchone()
        return row["doc_id"] if row else None

    def _drop_if_pathless(self, doc_id: str, keep_ok: bool = False) -> None:
        if self.db.execute("SELECT 1 FROM paths WHERE doc_id = ? LIMIT 1", (doc_id,)).fetchone():
            return
        status = self.db.execute("SELECT status FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if status and not (keep_ok and status["status"] == "ok"):
            self._delete(doc_id)

    def _delete(self, doc_id: str) -> None:
        row = self.db.execute("SELECT status FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            return
        # Its near-duplicate links go with it (ON DELETE CASCADE); the documents on
        # the other end change, so the index hears of them again.
        linked = [r[0] for r in self.db.execute(
            """SELECT doc_id FROM duplicate_links WHERE primary_id = ?
               UNION SELECT primary_id FROM duplicate_links WHERE doc_id = ?""", (doc_id, doc_id))]
        self.db.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
        if row["status"] == "ok":
            self._queue(doc_id, "delete")
        for other in linked:
            self._queue(other, "upsert")

    def _queue(self, doc_id: str, action: str) -> None:
        self.db.execute("INSERT INTO index_outbox (doc_id, action) VALUES (?, ?)", (doc_id, action))

    # ---- the index outbox ----------------------------------------------------

    def pending_index_changes(self, limit: int | None = None) -> list[OutboxEntry]:
        sql = "SELECT seq, doc_id, action FROM index_outbox ORDER BY seq"
        rows = self.db.execute(sql + (f" LIMIT {int(limit)}" if limit else "")).fetchall()
        return [OutboxEntry(r["seq"], r["doc_id"], r["action"]) for r in rows]

    def mark_indexed(self, up_to_seq: int) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM index_outbox WHERE seq <= ?", (up_to_seq,))

    def clear_outbox(self) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM index_outbox")

    # ---- reading -------------------------------------------------------------

    def path_state(self, path: str) -> PathState | None:
        row = self.db.execute("SELECT * FROM paths WHERE path = ?", (path,)).fetchone()
        if row is None:
            return None
        return PathState(row["path"], row["doc_id"], row["size"], row["mtime_ns"],
                         row["status"], row["reason"])

    def status_of(self, doc_id: str) -> str | None:
        row = self.db.execute("SELECT status FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return row["status"] if row else None

    def paths_of(self, doc_id: str) -> list[str]:
        rows = self.db.execute("SELECT path FROM paths WHERE doc_id = ? AND status = 'ok' "
                               "ORDER BY path", (doc_id,))
        return [r["path"] for r in rows]

    def get(self, doc_id: str, *, with_pages: bool = False) -> StoredDocument | None:
        row = self.db.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            return None
        pages = self._pages(doc_id) if with_pages else ()
        links = self._links([doc_id])
        return StoredDocument.from_row(row, self.paths_of(doc_id), pages,
                                       self._manual_tags([doc_id]).get(doc_id, ()),
                                       *links.get(doc_id, (None, ())))

    def _pages(self, doc_id: str) -> list[dict]:
        return [{"number": p["number"], "source": p["source"], "reason": p["reason"],
                 "chars": p["chars"], "scores": json.loads(p["scores"])}
                for p in self.db.execute("SELECT * FROM pages WHERE doc_id = ? ORDER BY number",
                                         (doc_id,))]

    def _links(self, doc_ids: list[str]) -> dict[str, tuple[str | None, list[str]]]:
        """{id: (the primary it is a copy of, its own copies)} for the linked ones."""
        found: dict[str, tuple[str | None, list[str]]] = {}
        marks = ",".join("?" * len(doc_ids))
        for r in self.db.execute(
                f"""SELECT doc_id, primary_id FROM duplicate_links
                    WHERE doc_id IN ({marks}) OR primary_id IN ({marks}) ORDER BY doc_id""",
                doc_ids + doc_ids):
            if r["doc_id"] in doc_ids:
                found[r["doc_id"]] = (r["primary_id"], found.get(r["doc_id"], (None, []))[1])
            if r["primary_id"] in doc_ids:
                entry = found.setdefault(r["primary_id"], (None, []))
                entry[1].append(r["doc_id"])
        return found

    def _manual_tags(self, doc_ids: list[str]) -> dict[str, list[ManualTag]]:
        found: dict[str, list[ManualTag]] = {}
        marks = ",".join("?" * len(doc_ids))
        for r in self.db.execute(f"SELECT * FROM manual_tags WHERE doc_id IN ({marks})", doc_ids):
            found.setdefault(r["doc_id"], []).append(ManualTag(r["field"], r["value"], r["set_at"]))
        return found

    def get_many(self, doc_ids: list[str]) -> dict[str, StoredDocument]:
        found = {}
        for doc_id in doc_ids:
            doc = self.get(doc_id)
            if doc is not None:
                found[doc_id] = doc
        return found

    def resolve_id(self, prefix: str) -> str:
        """The one document id starting with prefix (at least 4 characters)."""
        prefix = prefix.strip().lower()
        if len(prefix) < 4 or any(c not in "0123456789abcdef" for c in prefix):
            raise NotFound(f"'{prefix}' is not a document id (give at least 4 hex characters)")
        rows = self.db.execute("SELECT id FROM documents WHERE id >= ? AND id < ? LIMIT 2",
                               (prefix, prefix + "g")).fetchall()
        if not rows:
            raise NotFound(f"no document with id {prefix}")
        if len(rows) > 1:
            raise NotFound(f"id prefix {prefix} matches several documents; give more characters")
        return rows[0]["id"]

    def iter_documents(self, status: str = "ok", batch: int = 200, *,
                       with_pages: bool = False) -> Iterator[StoredDocument]:
        """Every document with this status, in id order, without holding them all in memory."""
        last = ""
        while True:
            rows = self.db.execute(
                "SELECT * FROM documents WHERE status = ? AND id > ? ORDER BY id LIMIT ?",
                (status, last, batch)).fetchall()
            if not rows:
                return
            ids = [row["id"] for row in rows]
            manual, links = self._manual_tags(ids), self._links(ids)
            for row in rows:
                pages = self._pages(row["id"]) if with_pages else ()
                yield StoredDocument.from_row(row, self.paths_of(row["id"]), pages,
                                              manual.get(row["id"], ()),
                                              *links.get(row["id"], (None, ())))
            last = rows[-1]["id"]

    def ids(self, status: str = "ok") -> set[str]:
        return {r["id"] for r in self.db.execute("SELECT id FROM documents WHERE status = ?", (status,))}

    def counts(self) -> dict:
        by_status = {r["status"]: r["n"] for r in self.db.execute(
            "SELECT status, count(*) AS n FROM documents GROUP BY status")}
        by_type = {(r["doc_type"] or UNKNOWN_TYPE): r["n"] for r in self.db.execute(
            """SELECT coalesce(m.value, d.doc_type) AS doc_type, count(*) AS n FROM documents d
               LEFT JOIN manual_tags m ON m.doc_id = d.id AND m.field = 'type'
               WHERE d.status = 'ok' GROUP BY 1 ORDER BY n DESC, 1""")}
        paths = {r["status"]: r["n"] for r in self.db.execute(
            "SELECT status, count(*) AS n FROM paths GROUP BY status")}
        pages = self.db.execute(
            "SELECT coalesce(sum(page_count), 0) AS n FROM documents WHERE status = 'ok'").fetchone()["n"]
        return {"documents": {"ok": by_status.get("ok", 0), "failed": by_status.get("failed", 0)},
                "pages": pages, "types": by_type,
                "paths": {"ok": paths.get("ok", 0), "failed": paths.get("failed", 0)}}

    def failed_paths(self) -> list[PathState]:
        rows = self.db.execute("SELECT * FROM paths WHERE status = 'failed' ORDER BY path")
        return [PathState(r["path"], r["doc_id"], r["size"], r["mtime_ns"], r["status"], r["reason"])
                for r in rows]

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*"))

    # ---- for the archive jobs (beslut/archive.py) ------------------------------

    def queue_index_changes(self, upserts=(), deletes=()) -> None:
        """Ask the index to take these documents afresh and to drop these ids
        (`archive verify --fix`); sync_index carries it out."""
        with self.transaction():
            for doc_id in upserts:
                self._queue(doc_id, "upsert")
            for doc_id in deletes:
                self._queue(doc_id, "delete")

    def pending_ids(self) -> set[str]:
        """Documents with changes queued for the index."""
        return {r[0] for r in self.db.execute("SELECT DISTINCT doc_id FROM index_outbox")}

    def iter_paths(self, status: str = "ok", batch: int = 500) -> Iterator[PathState]:
        """Every recorded path with this status, in path order, a batch at a time."""
        last = ""
        while True:
            rows = self.db.execute("SELECT * FROM paths WHERE status = ? AND path > ? ORDER BY path "
                                   "LIMIT ?", (status, last, batch)).fetchall()
            if not rows:
                return
            for r in rows:
                yield PathState(r["path"], r["doc_id"], r["size"], r["mtime_ns"], r["status"], r["reason"])
            last = rows[-1]["path"]

    def count_paths(self, status: str = "ok") -> int:
        return self.db.execute("SELECT count(*) FROM paths WHERE status = ?", (status,)).fetchone()[0]

    def ids_in_order(self, status: str = "ok", *, not_version: str | None = None,
                     batch: int = 1000) -> Iterator[str]:
        """Document ids in order; with not_version, only those another pipeline version made."""
        last = ""
        while True:
            rows = self.db.execute("SELECT id, pipeline_version FROM documents WHERE status = ? "
                                   "AND id > ? ORDER BY id LIMIT ?", (status, last, batch)).fetchall()
            if not rows:
                return
            yield from (r[0] for r in rows if not_version is None or r[1] != not_version)
            last = rows[-1][0]

    def text_of(self, doc_id: str) -> str | None:
        row = self.db.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def page_sources(self, doc_ids: list[str]) -> dict[str, set[str]]:
        """{id: the sources of its pages' text (text-layer, text-file, ocr, re-ocr)}."""
        found: dict[str, set[str]] = {}
        marks = ",".join("?" * len(doc_ids))
        for r in self.db.execute(f"SELECT DISTINCT doc_id, source FROM pages WHERE doc_id IN ({marks})",
                                 doc_ids):
            found.setdefault(r[0], set()).add(r[1])
        return found

    def result(self, doc_id: str) -> Document:
        """A stored document as the pipeline made it (without a clerk's corrections),
        each page with its raw text again: what `archive rerun` starts from."""
        row = self.db.execute("SELECT * FROM documents WHERE id = ? AND status = 'ok'",
                              (doc_id,)).fetchone()
        if row is None:
            raise NotFound(f"no stored document with id {doc_id}")
        rows = self.db.execute("SELECT * FROM pages WHERE doc_id = ? ORDER BY number", (doc_id,)).fetchall()
        texts = row["raw_text"].split("\f")
        if len(texts) != len(rows):
            raise StoreError(f"document {doc_id[:12]}: its stored text has {len(texts)} pages, its "
                             f"page records {len(rows)}; re-read it from its file (--stage ocr)")
        details = json.loads(row["details"])
        pages = tuple(Page(number=r["number"], text=text, source=r["source"], reason=r["reason"],
                           scores=json.loads(r["scores"])) for r, text in zip(rows, texts))
        return Document(
            id=row["id"], path=row["last_path"] or "", size=row["size"], mtime_ns=row["mtime_ns"] or 0,
            kind=row["kind"] or "text", pages=pages, text=row["text"],
            doc_type=row["doc_type"] or UNKNOWN_TYPE, metadata=json.loads(row["metadata"]),
            encoding=details.get("encoding"), fixes=tuple(details.get("fixes", ())),
            repairs=tuple(details.get("repairs", ())), warnings=tuple(details.get("warnings", ())),
            vocabulary=tuple(r[0] for r in self.db.execute(
                "SELECT word FROM document_words WHERE doc_id = ? ORDER BY word", (doc_id,))),
            pipeline_version=row["pipeline_version"])

    def update_result(self, doc: Document, *, changed: bool) -> None:
        """Store what the pipeline makes of a stored document now (`archive rerun`).
        Only its content changes: its paths, a clerk's corrections and its links stay.
        A changed result is queued for the index; an unchanged one only records
        the pipeline version that confirmed it."""
        with self.transaction() as db:
            if not changed:
                updated = db.execute("UPDATE documents SET pipeline_version = ? WHERE id = ? AND status = 'ok'",
                                     (doc.pipeline_version, doc.id)).rowcount
                if updated:  # a document stored before schema 5 lends its words now
                    self._set_words(doc)
                return
            details = {"encoding": doc.encoding, "fixes": list(doc.fixes),
                       "repairs": list(doc.repairs), "warnings": list(doc.warnings)}
            updated = db.execute(
                """UPDATE documents SET kind = ?, page_count = ?, raw_text = ?, text = ?, doc_type = ?,
                       title = ?, doc_date = ?, metadata = ?, details = ?, pipeline_version = ?,
                       updated_at = ?
                   WHERE id = ? AND status = 'ok'""",
                (doc.kind, doc.page_count, doc.raw_text, doc.text, doc.doc_type, doc.title, doc.date,
                 json.dumps(doc.metadata, ensure_ascii=False), json.dumps(details, ensure_ascii=False),
                 doc.pipeline_version, _now(), doc.id)).rowcount
            if not updated:  # deleted meanwhile (a concurrent ingest replaced it)
                return
            db.execute("DELETE FROM pages WHERE doc_id = ?", (doc.id,))
            db.executemany(
                "INSERT INTO pages (doc_id, number, source, reason, chars, scores) VALUES (?, ?, ?, ?, ?, ?)",
                [(doc.id, p.number, p.source, p.reason, len(p.text), json.dumps(p.scores))
                 for p in doc.pages])
            self._set_words(doc)
            self._queue(doc.id, "upsert")

    def _set_words(self, doc: Document) -> None:
        self.db.execute("DELETE FROM document_words WHERE doc_id = ?", (doc.id,))
        self.db.executemany("INSERT OR IGNORE INTO document_words (doc_id, word) VALUES (?, ?)",
                            [(doc.id, word) for word in doc.vocabulary])

    def lent_words(self, min_documents: int = 2) -> list[str]:
        """The words clean documents lend repair: those at least ``min_documents``
        good documents write (one document's slip is no word of the archive)."""
        return [r[0] for r in self.db.execute(
            """SELECT w.word FROM document_words w JOIN documents d ON d.id = w.doc_id
               WHERE d.status = 'ok' GROUP BY w.word HAVING COUNT(*) >= ? ORDER BY w.word""",
            (min_documents,))]

    def duplicate_links(self) -> dict[str, tuple[str, float]]:
        """{copy: (primary, similarity)} for every near-duplicate link."""
        return {r[0]: (r[1], r[2]) for r in self.db.execute(
            "SELECT doc_id, primary_id, similarity FROM duplicate_links")}

    def link_duplicates(self, primary_id: str, copies: dict[str, float]) -> int:
        """Link near duplicates (`archive dedupe --apply`): each copy (id: similarity)
        points at primary_id, which is nobody's copy; copies linked to one of them
        before follow it to the primary. Returns how many links are new or changed."""
        copies = {doc_id: sim for doc_id, sim in copies.items() if doc_id != primary_id}
        now = _now()
        changed = 0
        with self.transaction() as db:
            if self.status_of(primary_id) != "ok":
                raise NotFound(f"no stored document with id {primary_id}")
            touched = set()
            if db.execute("DELETE FROM duplicate_links WHERE doc_id = ?", (primary_id,)).rowcount:
                changed += 1
                touched.add(primary_id)
            for doc_id, similarity in copies.items():
                if self.status_of(doc_id) != "ok":
                    continue
                row = db.execute("SELECT primary_id FROM duplicate_links WHERE doc_id = ?",
                                 (doc_id,)).fetchone()
                db.execute(
                    """INSERT INTO duplicate_links (doc_id, primary_id, similarity, linked_at)
                       VALUES (?, ?, ?, ?)
                       ON CONFLICT (doc_id) DO UPDATE SET primary_id = excluded.primary_id,
                           similarity = excluded.similarity,
                           linked_at = CASE WHEN primary_id = excluded.primary_id THEN linked_at
                                            ELSE excluded.linked_at END""",
                    (doc_id, primary_id, round(float(similarity), 4), now))
                if row is None or row[0] != primary_id:
                    changed += 1
                    touched.add(doc_id)
                for (follower,) in db.execute("SELECT doc_id FROM duplicate_links WHERE primary_id = ?",
                                              (doc_id,)).fetchall():
                    db.execute("UPDATE duplicate_links SET primary_id = ? WHERE doc_id = ?",
                               (primary_id, follower))
                    changed += 1
                    touched.add(follower)
            if touched:
                touched.add(primary_id)
            for doc_id in sorted(touched):
                self._queue(doc_id, "upsert")
        return changed

    def forget_paths(self, paths: list[str]) -> None:
        """`archive prune --apply`: these files are gone. A failed document left
        without a path goes too; good ones go only through remove_documents."""
        with self.transaction():
            held = set()
            for path in paths:
                doc_id = self._doc_at(path)
                self.db.execute("DELETE FROM paths WHERE path = ?", (path,))
                if doc_id:
                    held.add(doc_id)
            for doc_id in held:
                self._drop_if_pathless(doc_id, keep_ok=True)

    def remove_documents(self, doc_ids: list[str]) -> int:
        """`archive prune --apply`: delete these documents with every path recorded
        for them, and queue their removal from the index. One transaction."""
        removed = 0
        with self.transaction():
            for doc_id in doc_ids:
                if self.status_of(doc_id) is None:
                    continue
                self.db.execute("DELETE FROM paths WHERE doc_id = ?", (doc_id,))
                self._delete(doc_id)
                removed += 1
        return removed
