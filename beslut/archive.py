"""The archive jobs behind `beslut archive ...`, one function each:

- verify: store against index (missing, stale and orphaned entries) and the
  source files against the paths table (gone, changed); --fix mends the index.
- dedupe: near duplicates by text similarity, in groups; --apply links the copies
  to the best one (corpus table duplicate_links).
- prune: documents whose files are all gone; --apply removes them.
- rerun: the current pipeline over stored documents (from their stored raw text,
  or from their files for OCR); only what changed is re-indexed.
- export: every document as a JSON line, streamed.

Each job takes a ``progress(label, length)`` factory (a context manager with
``update(n)``, as click.progressbar) and returns a report with ``as_dict()`` (the
--json output) and ``lines()`` (the text output). The store is the source of
truth throughout: the index is only ever mended from it, and nothing is removed
from the store without --apply.
"""

import hashlib
import json
import os
import re
import sqlite3
import stat
import unicodedata
from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from corpus import Corpus, StoredDocument
from index import SearchIndex

from .errors import BeslutError, InputError, JobRefused
from .indexing import SYNC_CHUNK, sync_index


class _NoBar:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def update(self, n: int = 1, current_item=None) -> None:
        return None


def no_progress(label: str, length: int):
    return _NoBar()


Progress = Callable[[str, int], Any]


def short_id(doc_id: str | None) -> str:
    return (doc_id or "-")[:12]


def count(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


# ---- verify ----------------------------------------------------------------------------


@dataclass
class VerifyReport:
    documents: int = 0  # documents in the store (status ok)
    index_entries: int = 0
    missing_from_index: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # indexed values differ from the store's
    orphaned: list[str] = field(default_factory=list)  # in the index, not in the store
    pending: int = 0  # documents with changes queued for the index (not yet applied)
    paths: int = 0  # source files checked
    hashed: bool = False  # every file hashed, not only those whose size or time changed
    gone: list[tuple[str, str]] = field(default_factory=list)  # (path, doc id)
    changed: list[tuple[str, str]] = field(default_factory=list)  # bytes differ since ingest
    unreadable: list[tuple[str, str, str]] = field(default_factory=list)  # (path, doc id, reason)
    touched: int = 0  # same bytes, another modification time
    fixed: dict[str, int] | None = None  # with --fix
    titles: dict[str, str] = field(default_factory=dict, repr=False)  # for the text output

    @property
    def index_problems(self) -> int:
        return len(self.missing_from_index) + len(self.stale) + len(self.orphaned) + self.pending

    @property
    def source_problems(self) -> int:
        return len(self.gone) + len(self.changed) + len(self.unreadable)

    @property
    def index_ok(self) -> bool:
        return self.index_problems == 0 or (self.fixed is not None and self.fixed["remaining"] == 0)

    @property
    def ok(self) -> bool:
        return self.index_ok and not self.source_problems

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "index": {"documents": self.documents, "entries": self.index_entries,
                      "missing_from_index": self.missing_from_index, "stale": self.stale,
                      "orphaned": self.orphaned, "pending_changes": self.pending,
                      "fixed": self.fixed},
            "sources": {"paths": self.paths, "hashed": self.hashed,
                        "gone": [{"path": p, "id": d} for p, d in self.gone],
                        "changed": [{"path": p, "id": d} for p, d in self.changed],
                        "unreadable": [{"path": p, "id": d, "reason": r} for p, d, r in self.unreadable],
                        "touched": self.touched},
        }

    def lines(self) -> list[str]:
        out = [f"Checked {count(self.documents, 'document')} against "
               f"{count(self.index_entries, 'index entry', 'index entries')}, and "
               f"{count(self.paths, 'source file')}" + (" (every file hashed)." if self.hashed else ".")]
        if self.index_problems:
            out.append(f"Index:   {len(self.missing_from_index)} missing, {len(self.stale)} stale, "
                       f"{len(self.orphaned)} orphaned" + (f", {self.pending} changes pending"
                                                           if self.pending else ""))
            out += [f"  missing:  {short_id(d)}  {self.titles.get(d) or ''}".rstrip()
                    for d in self.missing_from_index]
            out += [f"  stale:    {short_id(d)}  {self.titles.get(d) or ''}".rstrip() for d in self.stale]
            out += [f"  orphaned: {short_id(d)}  (not in the store)" for d in self.orphaned]
            if self.fixed is not None:
                out.append(f"  fixed: {self.fixed['reindexed']} indexed again, {self.fixed['removed']} "
                           f"removed, {self.fixed['applied']} pending changes applied"
                           + (f"; {self.fixed['remaining']} still wrong" if self.fixed["remaining"] else ""))
        else:
            out.append("Index:   in step with the store")
        if self.source_problems:
            out.append(f"Sources: {len(self.gone)} gone, {len(self.changed)} changed since ingest"
                       + (f", {len(self.unreadable)} unreadable" if self.unreadable else ""))
            out += [f"  gone:       {p} ({short_id(d)})" for p, d in self.gone]
            out += [f"  changed:    {p} ({short_id(d)})" for p, d in self.changed]
            out += [f"  unreadable: {p} ({short_id(d)}): {r}" for p, d, r in self.unreadable]
        else:
            out.append("Sources: every file as ingested"
                       + (f" ({self.touched} touched: same bytes, new time)" if self.touched else ""))
        hints = []
        if not self.index_ok:
            hints.append("'beslut archive verify --fix' mends the index from the store")
        if self.changed:
            hints.append("'beslut ingest' reads the changed files")
        if self.gone:
            hints.append("'beslut archive prune' lists the documents whose files are all gone")
        if hints:
            out.append("; ".join(hints) + ".")
        return out


def verify(corpus: Corpus, index: SearchIndex, *, fix: bool = False, hash_all: bool = False,
           progress: Progress = no_progress) -> VerifyReport:
    """Check the index against the store and the source files against the paths
    table; with fix, make the index agree with the store (through the outbox)."""
    report = VerifyReport(hashed=hash_all)
    applied = sync_index(corpus, index) if fix else 0  # what a crashed run left queued
    pending = corpus.pending_ids()
    report.pending = len(pending)
    _check_index(corpus, index, report, pending, progress)
    if fix:
        report.fixed = _fix_index(corpus, index, report, applied)
    _check_sources(corpus, report, progress)
    return report


def _check_index(corpus, index, report, pending, progress) -> None:
    entries = index.stamps()
    report.index_entries = len(entries)
    counts = corpus.counts()["documents"]
    seen = set()
    with progress("Checking the index", counts["ok"]) as bar:
        for doc in corpus.iter_documents("ok"):
            report.documents += 1
            seen.add(doc.id)
            bar.update(1)
            if doc.id in pending:
                continue
            if doc.id not in entries:
                report.missing_from_index.append(doc.id)
                report.titles[doc.id] = doc.title
            elif entries[doc.id] != index.stamp(doc):
                report.stale.append(doc.id)
                report.titles[doc.id] = doc.title
    report.orphaned = sorted(i for i in entries if i not in seen and i not in pending)


def _fix_index(corpus, index, report, applied: int) -> dict[str, int]:
    upserts = report.missing_from_index + report.stale
    corpus.queue_index_changes(upserts=upserts, deletes=report.orphaned)
    sync_index(corpus, index)
    # Look again at what was mended.
    entries = index.stamps()
    stored = corpus.get_many(upserts)
    remaining = sum(1 for d in upserts if d not in entries or d not in stored
                    or entries[d] != index.stamp(stored[d]))
    remaining += sum(1 for d in report.orphaned if d in entries)
    return {"reindexed": len(upserts), "removed": len(report.orphaned),
            "applied": applied + report.pending, "remaining": remaining}


def _check_sources(corpus, report, progress) -> None:
    with progress("Checking source files", corpus.count_paths("ok")) as bar:
        for state in corpus.iter_paths("ok"):
            report.paths += 1
            bar.update(1)
            outcome = _source_state(state, report.hashed)
            if outcome == "ok":
                continue
            if outcome == "touched":
                report.touched += 1
            elif outcome == "gone":
                report.gone.append((state.path, state.doc_id))
            elif outcome == "changed":
                report.changed.append((state.path, state.doc_id))
            else:
                report.unreadable.append((state.path, state.doc_id, outcome))


def _source_state(state, hash_all: bool) -> str:
    """ok, touched, gone, changed, or why the file cannot be read."""
    try:
        st = os.stat(state.path)
    except FileNotFoundError:
        return "gone"
    except OSError as err:
        return f"cannot read: {err.strerror or err}"
    if not stat.S_ISREG(st.st_mode):
        return "changed"
    same_stat = (st.st_size, st.st_mtime_ns) == (state.size, state.mtime_ns)
    if same_stat and not hash_all:
        return "ok"
    if st.st_size != state.size:
        return "changed"
    try:
        digest = _sha256(state.path)
    except OSError as err:
        return f"cannot read: {err.strerror or err}"
    if digest != state.doc_id:
        return "changed"
    return "ok" if same_stat else "touched"


def _sha256(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


# ---- dedupe ------------------------------------------------------------------------------

# Documents are compared by the character 5-grams of their words, lower-cased and
# without diacritics: robust to OCR's slips (one wrong letter spoils five grams,
# not the whole word's neighbourhood) and to layout. On the 78 labelled tagging
# fixtures against their English-model OCR (unrepaired), pairs of one document
# score 0.85-0.99 and pairs of two documents at most 0.32.
SHINGLE = 5
THRESHOLD = 0.7
MIN_GRAMS = 150  # shorter texts (a cover sheet, "Bilaga 3") are never called duplicates
# One-permutation MinHash: each gram hashed once, the hash range cut into 64
# bins, the least hash in each bin kept; LSH bands of 4 bins. Pairs at 0.7 meet
# in some band 98.8% of the time, at 0.8 99.99%. Python's own hash of bytes
# (SipHash, in C) is fast and differs between runs: that only moves which pairs
# near the threshold are compared; their similarity is always computed exactly.
BINS = 64
ROWS = 4
BIN_WIDTH = 1 << 58  # hash() is a signed 64-bit value: 64 bins of 2**58
LOWEST = -(1 << 63)
EMPTY = (1 << 63) - 1  # a bin no gram fell into
ESTIMATE_MARGIN = 0.2  # pairs whose estimate is this far under the threshold are not compared
SET_CACHE = 64

# Which copy to keep: a born-digital text layer over OCR over a text export.
ORIGINS = {2: "born-digital", 1: "scan (OCR)", 0: "text export"}

WORD = re.compile(r"\w+")
COMBINING = re.compile(r"[\u0300-\u036f]")  # what NFKD splits off å, ä, ö, é, ü


def shingles(text: str) -> set[bytes]:
    """The text's 5-grams (in UTF-8 bytes) of its words, lower-cased and without
    diacritics, one space between words."""
    folded = COMBINING.sub("", unicodedata.normalize("NFKD", text.lower()))
    data = " ".join(WORD.findall(folded)).encode("utf-8", "replace")
    if len(data) <= SHINGLE:
        return {data} if data else set()
    return {data[i:i + SHINGLE] for i in range(len(data) - SHINGLE + 1)}


def similarity(a: set, b: set) -> float:
    """Jaccard similarity of two shingle sets."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def signature(grams: Iterable[bytes]) -> tuple[int, ...]:
    hashes = sorted(map(hash, grams))
    sig = []
    for b in range(BINS):
        low = LOWEST + b * BIN_WIDTH
        i = bisect_left(hashes, low)
        sig.append(hashes[i] if i < len(hashes) and hashes[i] < low + BIN_WIDTH else EMPTY)
    return tuple(sig)


def _estimate(a: bytes, b: bytes) -> float:
    """Jaccard similarity estimated from two packed signatures."""
    both = [(x, y) for x, y in zip(array("q", a), array("q", b)) if x != EMPTY or y != EMPTY]
    return sum(1 for x, y in both if x == y) / len(both) if both else 0.0


@dataclass
class Candidate:
    id: str
    title: str | None
    path: str | None
    origin: int
    pages: int
    chars: int
    mtime_ns: int

    def rank(self) -> tuple:
        return (self.origin, self.pages, self.chars, self.mtime_ns, self.id)

    def as_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "path": self.path,
                "origin": ORIGINS[self.origin], "pages": self.pages, "chars": self.chars}


@dataclass
class DuplicateGroup:
    primary: Candidate
    copies: list[tuple[Candidate, float, bool]]  # (copy, similarity to the primary, already linked)

    @property
    def similarity(self) -> float:
        return min(s for _, s, _ in self.copies)

    def as_dict(self) -> dict:
        return {"similarity": round(self.similarity, 3), "primary": self.primary.as_dict(),
                "copies": [{**c.as_dict(), "similarity": round(s, 3), "linked": linked}
                           for c, s, linked in self.copies]}


@dataclass
class DedupeReport:
    threshold: float
    applied: bool
    documents: int = 0  # compared
    too_short: int = 0
    groups: list[DuplicateGroup] = field(default_factory=list)
    links: int = 0  # made (with --apply) or to make

    def as_dict(self) -> dict:
        return {"threshold": self.threshold, "applied": self.applied, "documents": self.documents,
                "too_short": self.too_short, "groups": [g.as_dict() for g in self.groups],
                "copies": sum(len(g.copies) for g in self.groups),
                ("linked" if self.applied else "to_link"): self.links}

    def lines(self) -> list[str]:
        copies = sum(len(g.copies) for g in self.groups)
        out = [f"{count(len(self.groups), 'group')} of near duplicates "
               f"({count(copies, 'copy', 'copies')}) among {count(self.documents, 'document')} "
               f"(similarity at least {self.threshold:.2f})"
               + (f"; {self.too_short} too short to compare" if self.too_short else "")]
        for n, group in enumerate(self.groups, start=1):
            p = group.primary
            out += ["", f"{n}. {p.title or '(no title)'}",
                    f"   keep  {short_id(p.id)}  {ORIGINS[p.origin]:<12} {p.pages:>3} p.  {p.path}"]
            for copy, sim, linked in group.copies:
                state = "linked" if linked else "link"
                out.append(f"   {state:<5} {short_id(copy.id)}  {ORIGINS[copy.origin]:<12} "
                           f"{copy.pages:>3} p.  {copy.path}  similarity {sim:.2f}")
        if self.groups:
            out.append("")
        if self.applied:
            out.append(f"Linked {count(self.links, 'copy', 'copies')} to the document kept of "
                       f"each group.")
        elif self.links:
            out.append(f"Dry run: nothing changed. --apply links {count(self.links, 'copy', 'copies')} "
                       f"to the document kept of each group.")
        else:
            out.append("Nothing to link.")
        return out


def dedupe(corpus: Corpus, index: SearchIndex | None = None, *, threshold: float = THRESHOLD,
           apply: bool = False, progress: Progress = no_progress) -> DedupeReport:
    """Groups of near duplicates; with apply, each group's copies are linked to
    its best document (the primary), which search may show in their place."""
    report = DedupeReport(threshold=threshold, applied=apply)
    candidates: dict[str, Candidate] = {}
    signatures: dict[str, bytes] = {}
    bands = sqlite3.connect("")  # a private temporary database: the LSH buckets, on disk
    try:
        bands.execute("CREATE TABLE band (key INTEGER NOT NULL, doc TEXT NOT NULL)")
        total = corpus.counts()["documents"]["ok"]
        with progress("Comparing texts", total) as bar:
            batch: list[StoredDocument] = []
            for doc in corpus.iter_documents("ok"):
                batch.append(doc)
                if len(batch) >= 200:
                    _sketch(corpus, batch, candidates, signatures, bands, report)
                    bar.update(len(batch))
                    batch = []
            _sketch(corpus, batch, candidates, signatures, bands, report)
            bar.update(len(batch))
        bands.execute("CREATE INDEX band_key ON band(key)")
        pairs = _candidate_pairs(bands)
    finally:
        bands.close()
    edges = _similar_pairs(corpus, pairs, signatures, threshold)
    links = corpus.duplicate_links()
    report.groups = _groups(edges, candidates, corpus, links)
    for group in report.groups:
        report.links += sum(1 for _, _, linked in group.copies if not linked)
    if apply and report.links:
        for group in report.groups:
            if all(linked for _, _, linked in group.copies):
                continue
            corpus.link_duplicates(group.primary.id, {c.id: s for c, s, _ in group.copies})
        if index is not None:
            sync_index(corpus, index)
    return report


def _sketch(corpus, docs, candidates, signatures, bands, report) -> None:
    if not docs:
        return
    sources = corpus.page_sources([d.id for d in docs])
    rows = []
    for doc in docs:
        grams = shingles(doc.text)
        if len(grams) < MIN_GRAMS:
            report.too_short += 1
            continue
        report.documents += 1
        candidates[doc.id] = Candidate(doc.id, doc.title, doc.path, _origin(doc.kind, sources.get(doc.id, set())),
                                       doc.page_count, len(doc.text), doc.mtime_ns or 0)
        sig = signature(grams)
        signatures[doc.id] = array("q", sig).tobytes()  # 512 bytes a document
        for band in range(BINS // ROWS):
            rows.append((hash((band,) + sig[band * ROWS:(band + 1) * ROWS]), doc.id))
    bands.executemany("INSERT INTO band VALUES (?, ?)", rows)


def _origin(kind: str | None, sources: set[str]) -> int:
    if kind == "pdf" and sources and sources <= {"text-layer"}:
        return 2
    if kind in ("pdf", "image") or sources & {"ocr", "re-ocr"}:
        return 1
    return 0


def _candidate_pairs(bands) -> set[tuple[str, str]]:
    pairs = set()
    for (members,) in bands.execute(
            "SELECT group_concat(doc, ' ') FROM band GROUP BY key HAVING count(*) > 1"):
        ids = sorted(set(members.split()))
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                pairs.add((a, b))
    return pairs


class _ShingleCache:
    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.cache: OrderedDict[str, set[bytes]] = OrderedDict()

    def __call__(self, doc_id: str) -> set[bytes]:
        if doc_id in self.cache:
            self.cache.move_to_end(doc_id)
            return self.cache[doc_id]
        grams = shingles(self.corpus.text_of(doc_id) or "")
        self.cache[doc_id] = grams
        if len(self.cache) > SET_CACHE:
            self.cache.popitem(last=False)
        return grams


def _similar_pairs(corpus, pairs, signatures, threshold) -> dict[tuple[str, str], float]:
    sets = _ShingleCache(corpus)
    edges = {}
    for a, b in sorted(pairs):
        if _estimate(signatures[a], signatures[b]) < threshold - ESTIMATE_MARGIN:
            continue
        score = similarity(sets(a), sets(b))
        if score >= threshold:
            edges[(a, b)] = score
    return edges


def _groups(edges, candidates, corpus, links) -> list[DuplicateGroup]:
    parent: dict[str, str] = {}

    def find(x):
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[str, list[str]] = {}
    for doc_id in {d for pair in edges for d in pair}:
        members.setdefault(find(doc_id), []).append(doc_id)
    sets = _ShingleCache(corpus)
    groups = []
    for ids in members.values():
        ranked = sorted((candidates[i] for i in ids), key=Candidate.rank, reverse=True)
        primary = ranked[0]
        copies = []
        for copy in ranked[1:]:
            key = (min(primary.id, copy.id), max(primary.id, copy.id))
            score = edges.get(key)
            if score is None:
                score = similarity(sets(primary.id), sets(copy.id))
            linked = links.get(copy.id, (None,))[0] == primary.id
            copies.append((copy, score, linked))
        groups.append(DuplicateGroup(primary, copies))
    groups.sort(key=lambda g: (-g.similarity, g.primary.title or "", g.primary.id))
    return groups


# ---- prune -------------------------------------------------------------------------------

# A prune that would remove more than this share of the archive (of at least
# PRUNE_GUARD_MIN documents) more likely means an unmounted disk than deleted files.
PRUNE_GUARD_SHARE = 0.5
PRUNE_GUARD_MIN = 10


@dataclass
class PruneReport:
    applied: bool
    documents: int = 0  # documents looked at
    gone: list[dict] = field(default_factory=list)  # {"id", "title", "paths"}: all files gone
    dead_paths: list[str] = field(default_factory=list)  # gone, their documents kept elsewhere
    failed_paths: list[str] = field(default_factory=list)  # failed files that are gone too
    removed: int = 0

    def as_dict(self) -> dict:
        return {"applied": self.applied, "documents": self.documents, "gone": self.gone,
                "dead_paths": self.dead_paths, "failed_paths": self.failed_paths,
                "removed": self.removed}

    def lines(self) -> list[str]:
        out = [f"{len(self.gone)} of {count(self.documents, 'document')} "
               f"{'has' if len(self.gone) == 1 else 'have'} lost all their files"]
        for doc in self.gone:
            out.append(f"  {short_id(doc['id'])}  {doc['title'] or '(no title)'}")
            out += [f"      {p}" for p in doc["paths"]]
        if self.dead_paths:
            out.append(f"{count(len(self.dead_paths), 'more file')} gone, of documents that have "
                       f"other files:")
            out += [f"  {p}" for p in self.dead_paths]
        if self.failed_paths:
            out.append(f"{count(len(self.failed_paths), 'failed file')} gone:")
            out += [f"  {p}" for p in self.failed_paths]
        if self.applied:
            out.append(f"Removed {count(self.removed, 'document')} from the store and the index; "
                       f"forgot {count(len(self.dead_paths) + len(self.failed_paths), 'path')}.")
        elif self.gone or self.dead_paths or self.failed_paths:
            out.append("Dry run: nothing changed. --apply removes these documents and forgets "
                       "these paths.")
        else:
            out.append("Nothing to prune.")
        return out


def prune(corpus: Corpus, index: SearchIndex, *, apply: bool = False, force: bool = False,
          under: Iterable[Path] = (), progress: Progress = no_progress) -> PruneReport:
    """Documents whose source files are all gone (under these folders, if any
    are given); with apply, remove them from store and index."""
    report = PruneReport(applied=apply)
    roots = [os.path.abspath(p).rstrip(os.sep) + os.sep for p in under]

    def inside(path: str) -> bool:
        return not roots or any((path + os.sep).startswith(r) for r in roots)

    total = corpus.counts()["documents"]["ok"]
    with progress("Looking for files", total) as bar:
        for doc in corpus.iter_documents("ok"):
            report.documents += 1
            bar.update(1)
            paths = list(doc.paths) or ([doc.last_path] if doc.last_path else [])
            if not paths or not any(inside(p) for p in paths):
                continue
            alive = [p for p in paths if _exists(p)]
            if not alive:
                report.gone.append({"id": doc.id, "title": doc.title, "paths": list(doc.paths)})
            else:
                report.dead_paths += [p for p in doc.paths if p not in alive and inside(p)]
        report.failed_paths = [s.path for s in corpus.iter_paths("failed")
                               if inside(s.path) and not os.path.lexists(s.path)]
    if apply and not force and not roots:
        share = len(report.gone) / total if total else 0
        if len(report.gone) >= PRUNE_GUARD_MIN and share > PRUNE_GUARD_SHARE:
            raise JobRefused(f"{len(report.gone)} of {total} documents would go: is a disk or "
                             f"folder missing (unmounted)? Nothing removed; give --force to "
                             f"remove them anyway")
    if apply:
        ids = [d["id"] for d in report.gone]
        for start in range(0, len(ids), SYNC_CHUNK):
            report.removed += corpus.remove_documents(ids[start:start + SYNC_CHUNK])
        corpus.forget_paths(report.dead_paths + report.failed_paths)
        sync_index(corpus, index)
    return report


def _exists(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


# ---- rerun -------------------------------------------------------------------------------

STAGES = ("ocr", "repair", "tag")
SYNC_EVERY = 200


@dataclass
class RerunReport:
    stage: str
    documents: int = 0
    changed: int = 0
    unchanged: int = 0
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (id, path, reason)

    @property
    def failed(self) -> int:
        return len(self.failures)

    def as_dict(self) -> dict:
        return {"stage": self.stage, "documents": self.documents, "changed": self.changed,
                "unchanged": self.unchanged, "failed": self.failed,
                "failures": [{"id": i, "path": p, "reason": r} for i, p, r in self.failures]}

    def failure_lines(self) -> list[str]:
        return [f"failed: {short_id(i)} {p}: {r}" for i, p, r in self.failures]

    def summary(self) -> str:
        return (f"{count(self.documents, 'document')} re-run from the {self.stage} stage: "
                f"{self.changed} changed, {self.unchanged} unchanged, {self.failed} failed")


def rerun(corpus: Corpus, index: SearchIndex, *, stage: str = "repair", ocr=None,
          ids: list[str] | None = None, outdated: bool = False, debug: bool = False,
          progress: Progress = no_progress) -> RerunReport:
    """Run the current pipeline again over stored documents, from a stage on:
    tag (from the stored text), repair (cleaning, repair and tagging, from the
    stored raw page texts) or ocr (everything, from the file, which must still
    hold the document's bytes). Only documents whose result changed are stored
    anew and re-indexed; a clerk's corrections stay (they are kept apart)."""
    from ingest.document import PIPELINE_VERSION

    if stage not in STAGES:
        raise JobRefused(f"unknown stage {stage!r}; the stages are: {', '.join(STAGES)}")
    report = RerunReport(stage=stage)
    chosen = ids if ids is not None else list(
        corpus.ids_in_order("ok", not_version=PIPELINE_VERSION if outdated else None))
    unsynced = 0
    from .archive_lexicon import archive_lexicon

    lexicon = archive_lexicon(tuple(corpus.lent_words())) if stage != "tag" else None
    with progress(f"Re-running ({stage})", len(chosen)) as bar:
        try:
            for doc_id in chosen:
                report.documents += 1
                changed = _rerun_one(corpus, doc_id, stage, ocr, report, debug, lexicon)
                if changed:
                    unsynced += 1
                    if unsynced >= SYNC_EVERY:
                        sync_index(corpus, index)
                        unsynced = 0
                bar.update(1)
        finally:
            sync_index(corpus, index)
    return report


def _rerun_one(corpus, doc_id, stage, ocr, report, debug, lexicon=None) -> bool | None:
    from ingest.clean import clean
    from ingest.document import PIPELINE_VERSION
    from ingest.pipeline import process
    from ingest.repair import repair
    from ingest.tagging import tag
    from ingest.vocabulary import lend_vocabulary

    path = ""
    try:
        old = corpus.result(doc_id)
        path = old.path
        if stage == "tag":
            new = tag(old)
        elif stage == "repair":
            new = lend_vocabulary(tag(repair(clean(old), lexicon)))
        else:
            source = _source_of(corpus, doc_id, old.size)
            path = str(source.path)
            new = process(source, ocr, lexicon)
            # The document keeps what it is stored as; only its content is new.
            new = new.evolve(path=old.path, size=old.size, mtime_ns=old.mtime_ns)
        new = new.evolve(pipeline_version=PIPELINE_VERSION)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BeslutError as err:
        report.failures.append((doc_id, path, getattr(err, "reason", None) or str(err)))
        return None
    except Exception as err:
        if debug:
            raise
        report.failures.append((doc_id, path, f"internal error: {type(err).__name__}: {err}"))
        return None
    changed = _content(new) != _content(old)
    corpus.update_result(new, changed=changed)
    if changed:
        report.changed += 1
    else:
        report.unchanged += 1
    return changed


def _content(doc) -> tuple:
    return (doc.kind, doc.raw_text, doc.text, doc.doc_type,
            json.dumps(doc.metadata, ensure_ascii=False, sort_keys=True, default=str),
            tuple((p.number, p.source, p.reason) for p in doc.pages), doc.encoding,
            json.dumps([list(doc.fixes), list(doc.repairs), list(doc.warnings)],
                       ensure_ascii=False, sort_keys=True, default=str))


def _source_of(corpus, doc_id: str, size: int):
    """The document's bytes at one of its paths, read afresh; InputError if no
    file holds them any more."""
    from ingest.source import read_source

    stored = corpus.get(doc_id)
    paths = corpus.paths_of(doc_id) + ([stored.last_path] if stored and stored.last_path else [])
    for path in dict.fromkeys(paths):
        try:
            if os.stat(path).st_size != size:
                continue
            source = read_source(Path(path))
        except (OSError, InputError):
            continue
        if source.sha256 == doc_id:
            return source
    where = paths[0] if paths else "(no path)"
    raise InputError(where, "no file holds this document's bytes any more (moved, changed or "
                            "deleted); the stages repair and tag work from the store")


# ---- export ------------------------------------------------------------------------------

FORMATS = ("jsonl",)


@dataclass
class ExportReport:
    format: str
    output: str | None
    documents: int = 0
    bytes: int = 0

    def as_dict(self) -> dict:
        return {"format": self.format, "output": self.output, "documents": self.documents,
                "bytes": self.bytes}

    def summary(self) -> str:
        where = self.output or "standard output"
        return f"Exported {count(self.documents, 'document')} to {where} ({count(self.bytes, 'byte')})."


def export_record(doc: StoredDocument) -> dict:
    """One exported document: show --json's keys, and its raw text and links."""
    from search.present import stored_document_dict

    data = stored_document_dict(doc)
    data["raw_text"] = doc.raw_text
    data["duplicate_of"] = doc.duplicate_of
    data["duplicates"] = list(doc.duplicates)
    return data


def export(corpus: Corpus, out: IO[str], *, fmt: str = "jsonl", include_failed: bool = False,
           output: str | None = None, progress: Progress = no_progress) -> ExportReport:
    """Every document as one JSON line, a batch at a time (constant memory)."""
    if fmt not in FORMATS:
        raise JobRefused(f"unknown format {fmt!r}; the formats are: {', '.join(FORMATS)}")
    report = ExportReport(format=fmt, output=output)
    counts = corpus.counts()["documents"]
    statuses = ("ok", "failed") if include_failed else ("ok",)
    with progress("Exporting", sum(counts[s] for s in statuses)) as bar:
        for status in statuses:
            for doc in corpus.iter_documents(status, with_pages=True):
                line = json.dumps(export_record(doc), ensure_ascii=False) + "\n"
                out.write(line)
                report.documents += 1
                report.bytes += len(line.encode("utf-8", "surrogatepass"))
                bar.update(1)
    return report


def export_to_file(corpus: Corpus, path: Path, **options) -> ExportReport:
    """Export into a file, whole or not at all: written beside it, then renamed."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        with open(temporary, "w", encoding="utf-8", errors="surrogatepass", newline="\n") as out:
            report = export(corpus, out, output=str(path), **options)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError as err:
        temporary.unlink(missing_ok=True)
        raise JobRefused(f"cannot write {path}: {err.strerror or err}") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return report
