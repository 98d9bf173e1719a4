"""Building a whole whoosh index at once, for WhooshIndex.rebuild.

Whoosh handles every posting (a term in a document) one at a time in Python:
the analysis yields it, the writer puts it in a pool, the pool sorts runs of
them and pickles them to temporary files one by one, reads them back one by
one and merges them, and the postings writer looks up the document's field
length for each. A document of 1,500 words has some 1,500 postings, so that is
where a build's time goes. BulkWriter is whoosh's SegmentWriter with two of
those costs taken out, writing the very same segment: the pool pickles its
runs in chunks, and the field lengths are read once per document, not once
per posting. With more than one core, worker processes each write a segment
of their own from every other batch of documents (whoosh's own MpWriter hands
batches to whichever worker is free, so which document went where, and the
order of hits that score the same, would change from one rebuild to the next).
"""

import multiprocessing
import queue
from collections.abc import Callable, Iterable, Iterator
from itertools import count, islice
from pickle import HIGHEST_PROTOCOL, dump, load

from whoosh import index as whoosh_index
from whoosh.writing import PostingPool, SegmentWriter

from .rebuilding import WORKER_POLL_S, chain as _chain, failed as _failed, put as _put

# One file per part of a segment, not one compound file: a search read far more
# of the compound file (index format 6, whoosh_index.INDEX_FORMAT).
COMPOUND_SEGMENTS = False
LIMIT_MB = 256  # each writer's pool of postings in memory before a run goes to disk
RUN_CHUNK = 10_000  # postings pickled together in a run file
BATCH = 50  # documents sent to a worker at a time
# Fewer documents than this are built in this process: starting workers costs
# about a second (each loads the compound lexicon).
PARALLEL_FROM = 1000


def build(directory, documents: Iterable, fields_of: Callable[[object], dict], procs: int,
          progress: Callable[[int], None] | None = None, *, parallel_from: int = PARALLEL_FROM,
          batch: int = BATCH) -> int:
    """Write these documents, as whoosh fields by fields_of, into the empty
    index in directory: in one segment, or one per worker process if procs > 1
    and there are parallel_from documents or more, sent batch at a time. Returns how many."""
    documents = iter(documents)
    first = list(islice(documents, parallel_from))
    if procs < 2 or len(first) < parallel_from:
        return _build_here(directory, _chain(first, documents), fields_of, progress)
    return _build_in_workers(directory, _chain(first, documents), fields_of, procs, progress, batch)


def _build_here(directory, documents: Iterator, fields_of, progress) -> int:
    writer = BulkWriter(whoosh_index.open_dir(directory))
    written = 0
    try:
        for doc in documents:
            writer.add_document(**fields_of(doc))
            written += 1
            if progress:
                progress(1)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return written


def _build_in_workers(directory, documents: Iterator, fields_of, procs: int, progress,
                      batch_size: int) -> int:
    context = multiprocessing.get_context("fork")  # the workers share the parent's imports
    results = context.Queue()
    inboxes = [context.Queue(maxsize=4) for _ in range(procs)]
    workers = [context.Process(target=_worker, args=(directory, k, fields_of, inbox, results), daemon=True)
               for k, inbox in enumerate(inboxes)]
    # The parent holds the index's lock and writes the table of contents.
    writer = BulkWriter(whoosh_index.open_dir(directory))
    sent = 0
    try:
        for worker in workers:
            worker.start()
        for k in count():
            batch = list(islice(documents, batch_size))
            if not batch:
                break
            _put(inboxes[k % procs], batch, workers[k % procs])
            sent += len(batch)
            if progress:
                progress(len(batch))
        for inbox, worker in zip(inboxes, workers):
            _put(inbox, None, worker)
        segments = {}
        while len(segments) < procs:
            try:
                k, segment = results.get(timeout=WORKER_POLL_S)
                segments[k] = segment
            except queue.Empty:
                for worker in workers:
                    if not worker.is_alive() and worker.exitcode:
                        raise _failed(worker) from None
        for worker in workers:
            worker.join()
    except BaseException:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
        writer.cancel()
        raise
    writer._close_segment()  # its own segment is empty
    writer._commit_toc([segments[k] for k in range(procs) if segments[k].doc_count_all()])
    writer._finish()
    return sent


def _worker(directory, k: int, fields_of, inbox, results) -> None:
    writer = BulkWriter(whoosh_index.open_dir(directory), _lk=False)
    while (batch := inbox.get()) is not None:
        for doc in batch:
            writer.add_document(**fields_of(doc))
    results.put((k, writer._finalize_segment()))


class BulkWriter(SegmentWriter):
    """whoosh's SegmentWriter, writing the same segment with less work per posting."""

    def __init__(self, ix, **kwargs):
        kwargs.setdefault("limitmb", LIMIT_MB)
        super().__init__(ix, compound=COMPOUND_SEGMENTS, **kwargs)
        self.pool = _ChunkedPostingPool(self._tempstorage, self.newsegment, limitmb=kwargs["limitmb"])

    def _flush_segment(self):
        # SegmentWriter._flush_segment, the lengths read once per document.
        self.perdocwriter.close()
        lengths = _LengthsInMemory(self.per_document_reader()) if self.codec.length_stats else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if lengths:
            lengths.close()


class _ChunkedPostingPool(PostingPool):
    """Runs pickled RUN_CHUNK postings at a time, not one at a time."""

    def add(self, item):
        # PostingPool.add's estimate of the posting's bytes in memory, in one sum;
        # its type checks left out (the writer makes the postings).
        self.currentsize += 150 + len(item[0]) + 2 * len(item[1]) + len(item[4] or b"")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)

    def _write_run(self, f, items):
        items = iter(items)
        while chunk := list(islice(items, RUN_CHUNK)):
            dump(chunk, f, HIGHEST_PROTOCOL)
        f.close()

    def _read_run(self, path):
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)


class _LengthsInMemory:
    """A segment's per-document reader for the postings writer, which asks for
    a document's field length with each of its postings: each field's lengths
    are read once, for every document, on first use."""

    def __init__(self, reader):
        self._reader = reader
        self._lengths: dict[str, list] = {}

    def doc_field_length(self, docnum, fieldname):
        try:
            lengths = self._lengths[fieldname]
        except KeyError:
            length_of = self._reader.doc_field_length
            lengths = self._lengths[fieldname] = [length_of(d, fieldname)
                                                  for d in range(self._reader.doc_count_all())]
        return lengths[docnum]

    def close(self):
        self._reader.close()
