"""Building a whole tantivy index at once, for TantivyIndex.rebuild.

tantivy's writer indexes in threads of its own; what costs is our analysis,
in Python (index.tantivy_fields). With more than one core it runs in worker
processes, one per core, each given every procs-th batch of documents in turn
(as whoosh_rebuild does), and the parent takes their results back in that
order and hands them to the writer: documents go in in the order they came.
"""

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from .fields import index_fields
from .rebuilding import chain, get, put
from .tantivy_fields import document_values

# Fewer documents than this are analysed in this process: starting workers costs
# about a second (each loads the compound lexicon).
PARALLEL_FROM = 1000
BATCH = 50  # documents sent to a worker at a time
AHEAD = 4  # batches a worker may have waiting, or done and not yet taken
WRITER_HEAP = 512_000_000  # the writer's memory, shared by its threads, before it writes a segment


def build(ix, schema, documents: Iterable, procs: int, progress: Callable[[int], None] | None = None,
          *, parallel_from: int = PARALLEL_FROM, batch: int = BATCH) -> int:
    """Add these documents to the empty index ix and commit; returns how many."""
    import tantivy

    documents = iter(documents)
    first = list(islice(documents, parallel_from))
    in_workers = procs >= 2 and len(first) >= parallel_from
    # Worker processes are forked before the writer starts its threads.
    analysed = (_analysed_in_workers(chain(first, documents), procs, batch) if in_workers
                else (document_values(index_fields(doc)) for doc in chain(first, documents)))
    pending = next(analysed, None)
    writer = ix.writer(heap_size=WRITER_HEAP)
    written = 0
    try:
        while pending is not None:
            writer.add_document(tantivy.Document.from_dict(pending, schema))
            written += 1
            if progress:
                progress(1)
            pending = next(analysed, None)
        writer.commit()
    except BaseException:
        analysed.close()
        writer.rollback()
        writer.wait_merging_threads()
        raise
    writer.wait_merging_threads()
    return written


def _analysed_in_workers(documents: Iterator, procs: int, batch_size: int) -> Iterator[dict]:
    context = multiprocessing.get_context("fork")  # the workers share the parent's imports
    inboxes = [context.Queue(maxsize=AHEAD) for _ in range(procs)]
    outboxes = [context.Queue(maxsize=AHEAD) for _ in range(procs)]
    workers = [context.Process(target=_worker, args=(inbox, outbox), daemon=True)
               for inbox, outbox in zip(inboxes, outboxes)]
    try:
        for worker in workers:
            worker.start()
        sent = taken = 0
        more = True
        while True:
            while more and sent - taken < procs * AHEAD:
                batch = list(islice(documents, batch_size))
                if not batch:
                    more = False
                    break
                put(inboxes[sent % procs], batch, workers[sent % procs])
                sent += 1
            if taken == sent:
                break
            yield from get(outboxes[taken % procs], workers[taken % procs])
            taken += 1
        for inbox, worker in zip(inboxes, workers):
            put(inbox, None, worker)
        for worker in workers:
            worker.join()
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()


def _worker(inbox, outbox) -> None:
    while (batch := inbox.get()) is not None:
        outbox.put([document_values(index_fields(doc)) for doc in batch])
