"""Keep the index in step with the store: apply queued changes, rebuild, compare."""

from collections.abc import Callable

from corpus import Corpus
from index import SearchIndex

SYNC_CHUNK = 200


def sync_index(corpus: Corpus, index: SearchIndex) -> int:
    """Apply every change the store has queued for the index; returns how many."""
    applied = 0
    while True:
        entries = corpus.pending_index_changes(limit=SYNC_CHUNK)
        if not entries:
            return applied
        final_action = {}
        for entry in entries:  # the last change to a document wins
            final_action[entry.doc_id] = entry.action
        upserts, deletes = [], []
        for doc_id, action in final_action.items():
            doc = corpus.get(doc_id) if action == "upsert" else None
            if doc is not None and doc.status == "ok":
                upserts.append(doc)
            else:
                deletes.append(doc_id)
        index.apply(upserts, deletes)
        corpus.mark_indexed(entries[-1].seq)
        applied += len(final_action)


def reindex(corpus: Corpus, index: SearchIndex, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the index from the store alone."""
    pending = corpus.pending_index_changes()
    count = index.rebuild(corpus.iter_documents("ok"), progress=progress)
    if pending:
        corpus.mark_indexed(pending[-1].seq)
    return count


def rebuild_if_outdated(corpus: Corpus, index: SearchIndex,
                        notify: Callable[[str], None] | None = None) -> bool:
    """An index built by an earlier version of beslut lacks fields this one
    searches by; the store holds everything needed to build it anew, so do."""
    if not index.outdated():
        return False
    if notify:
        notify(f"The search index was built by an earlier version of beslut; rebuilding it "
               f"from the store ({corpus.counts()['documents']['ok']} documents).")
    reindex(corpus, index)
    return True


def compare(corpus: Corpus, index: SearchIndex) -> dict:
    """Do store and index hold the same documents?"""
    stored, indexed = corpus.ids("ok"), index.ids()
    missing = sorted(stored - indexed)
    orphaned = sorted(indexed - stored)
    pending = len(corpus.pending_index_changes())
    return {"consistent": not missing and not orphaned and not pending,
            "missing_from_index": missing, "not_in_store": orphaned, "pending_changes": pending}
