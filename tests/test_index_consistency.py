"""The index is derived from the store: rebuilding it changes no answer, losing it
is noticed and repaired, and an interrupted ingest leaves the two in step."""

import shutil
import signal
import sqlite3
import time

import pytest

from .conftest import DB_NAME, ENGINES, assert_no_traceback, read_db, sha256_of

QUERIES = [
    "avtal",
    "Huddinge kommun",
    "socialnämnden",
    "forskning OR innovation",
    "Södertörns högskola",
    "förslag till beslut",
    "samverkan NOT Karolinska",
    '"strategiskt partnerskap"',
]


def answers(run) -> dict[str, tuple[int, list[str]]]:
    out = {}
    for query in QUERIES:
        result = run.json("search", query, "--limit", "50")
        out[query] = (result["total"], [h["id"] for h in result["hits"]])
    return out


@pytest.fixture
def ingested(run, seed_folder, doc_folder, engine):
    """Seeds and the small folder, ingested in two runs (so the index has more than
    one segment before any rebuild), with each engine."""
    run.ingest_ok(seed_folder.path)
    run.ingest_ok(doc_folder.path)
    ids = set(seed_folder.ids.values()) | set(doc_folder.ids.values())
    assert len(ids) == 9
    return ids


def test_status_consistent_after_ingest(run, ingested):
    status = run.status()
    assert status["consistent"] is True
    assert status["missing_from_index"] == [] and status["not_in_store"] == []
    assert status["pending_changes"] == 0
    assert status["documents"]["ok"] == len(ingested)
    assert status["index"]["documents"] == len(ingested)


def test_reindex_gives_the_same_answers(run, ingested):
    before = answers(run)
    # The queries do find things, and in more than one order.
    assert all(ids for _, ids in before.values()), before
    assert len({tuple(ids) for _, ids in before.values()}) > 3

    result = run("reindex")
    assert result.exit_code == 0, result.output
    assert f"Reindexed {len(ingested)} documents." in result.stdout
    assert answers(run) == before
    status = run.status()
    assert status["consistent"] is True
    assert status["index"]["documents"] == len(ingested)


def test_reindex_twice_is_stable(run, ingested):
    assert run("reindex").exit_code == 0
    first = answers(run)
    assert run("reindex").exit_code == 0
    assert answers(run) == first


def test_lost_index_is_noticed_and_reindex_restores_it(run, home, ingested):
    before = answers(run)
    shutil.rmtree(home / "index")

    status = run.status()
    assert status["consistent"] is False
    assert status["missing_from_index"] == sorted(ingested)
    assert status["index"]["documents"] == 0
    assert status["documents"]["ok"] == len(ingested)

    result = run("reindex")
    assert result.exit_code == 0, result.output
    status = run.status()
    assert status["consistent"] is True
    assert status["missing_from_index"] == []
    assert status["index"]["documents"] == len(ingested)
    assert answers(run) == before


def test_damaged_index_is_reported_in_one_line_and_reindex_restores_it(run, run_process, home,
                                                                        ingested, engine):
    before = answers(run)
    # What each engine reads first: whoosh's table of contents, tantivy's meta.json.
    tables = list((home / "index").glob("*.toc" if engine == "whoosh" else "meta.json"))
    assert tables, f"no table of contents of {engine} in {home / 'index'}"
    for table in tables:
        table.write_bytes(b"not a table of contents")

    status = run_process("status", "--json")
    assert status.exit_code == 1
    assert_no_traceback(status)
    lines = status.stderr.strip().splitlines()
    assert len(lines) == 1 and "reindex" in lines[0], status.stderr

    result = run_process("reindex")
    assert result.exit_code == 0, result.output
    assert_no_traceback(result)
    assert run.status()["consistent"] is True
    assert answers(run) == before


def test_documents_pending_in_the_outbox_are_not_consistent(run, home, ingested):
    """A store change the index has not taken is reported, and the next ingest applies it."""
    doc_id = sorted(ingested)[0]
    db = sqlite3.connect(home / DB_NAME)
    with db:
        db.execute("INSERT INTO index_outbox (doc_id, action) VALUES (?, 'upsert')", (doc_id,))
    db.close()
    status = run.status()
    assert status["consistent"] is False
    assert status["pending_changes"] == 1
    assert run("reindex").exit_code == 0
    status = run.status()
    assert status["consistent"] is True and status["pending_changes"] == 0


# ---- Ctrl-C ---------------------------------------------------------------------------

N_PDFS = 60


@pytest.fixture(scope="session")
def many_pdfs(tmp_path_factory, pdf_cache):
    folder = tmp_path_factory.mktemp("many") / "arkiv"
    body = ("Kommunstyrelsen behandlar ärendet om underhåll av kommunens fastigheter. "
            "Förvaltningen föreslår att arbetet upphandlas under året. ") * 3
    for i in range(N_PDFS):
        pdf_cache(folder / f"protokoll-{i:03}.pdf", [f"Protokoll {i} från kommunstyrelsen\n\n{body}"])
    return folder


def stored_count(home) -> int:
    try:
        return read_db(home, "SELECT count(*) FROM documents")[0][0]
    except sqlite3.Error:
        return 0  # not created yet, or busy


def test_ctrl_c_leaves_store_and_index_consistent(tmp_path, run, run_process, home, many_pdfs, engine):
    folder = tmp_path / "arkiv"
    shutil.copytree(many_pdfs, folder)
    expected = {sha256_of(p) for p in folder.glob("*.pdf")}
    assert len(expected) == N_PDFS

    proc = run_process.popen("ingest", folder)
    try:
        deadline = time.monotonic() + 30
        while (home / DB_NAME).exists() is False or stored_count(home) < 5:
            assert proc.poll() is None, "ingest finished before it could be interrupted"
            assert time.monotonic() < deadline, "ingest stored nothing within 30 s"
            time.sleep(0.02)
        assert proc.poll() is None, "ingest finished before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    assert proc.returncode == 130, (proc.returncode, stdout, stderr)
    assert "Traceback" not in stdout + stderr, stderr
    assert "Interrupted" in stderr

    status = run.status()
    stored = status["documents"]["ok"]
    assert 5 <= stored < N_PDFS, f"{stored} documents stored: the interrupt came too late to test"
    assert status["consistent"] is True, status
    assert status["index"]["documents"] == stored
    assert status["failed_files"] == []

    again = run_process("ingest", folder, "--json")
    assert again.exit_code == 0, again.output
    assert_no_traceback(again)
    report = again.json()
    assert report["failed"] == 0
    assert report["new"] + report["unchanged"] == N_PDFS
    assert report["new"] == N_PDFS - stored

    status = run.status()
    assert status["consistent"] is True
    assert status["documents"]["ok"] == N_PDFS
    assert status["index"]["documents"] == N_PDFS
    assert {r[0] for r in read_db(home, "SELECT id FROM documents WHERE status = 'ok'")} == expected
    assert len(run.search_ids("upphandlas", limit=100)) == N_PDFS


# ---- rebuild, in this process and in worker processes ---------------------------------------

def stored_documents(count: int) -> list:
    from corpus import StoredDocument

    words = ("samverkansavtal Förskolelokalerna partnerskap kommunen beslutar om avtalet med regionen "
             "Södertörns högskola och Karolinska Institutet för barn och unga i Huddinge").split()
    docs = []
    for i in range(count):
        text = " ".join(words[(i * 7 + k) % len(words)] for k in range(40 + i % 13)) + f" ärende {i}"
        if i % 9 == 4:
            text = docs[-1].text  # a copy of the one before: same content key
        date = f"20{10 + i % 12}-0{1 + i % 9}-1{i % 10}" if i % 5 else None
        docs.append(StoredDocument(
            id=f"{i:064x}", status="ok", reason=None, kind="text", size=len(text), mtime_ns=None,
            last_path=f"/arkiv/{i}.txt", page_count=1, raw_text=text, text=text,
            doc_type=("avtal", "protokoll", "tjansteutlatande")[i % 3], title=f"Dokument {i} om avtal",
            date=date, metadata={"board": ("Socialnämnden", "Kommunstyrelsen")[i % 2], "municipality": "Huddinge",
                                 "dnr": f"KS {2010 + i % 12}/{i}"},
            details={}, pipeline_version="test", created_at="", updated_at=""))
    return docs


def index_contents(directory) -> dict:
    """Every field's terms with their postings, lengths, columns and stored fields, by document id."""
    from whoosh import index as whoosh_index

    with whoosh_index.open_dir(directory).searcher() as searcher:
        reader = searcher.reader()
        ids = {docnum: fields["id"] for docnum, fields in reader.iter_docs()}
        postings = {}
        for field, term in reader.all_terms():
            matcher = reader.postings(field, term)
            postings[field, term] = {ids[docnum]: (weight, value) for docnum, weight, value
                                     in ((m.id(), m.weight(), m.value()) for m in _steps(matcher))}
        schema = searcher.schema
        return {"postings": postings,
                "lengths": {(ids[d], f): reader.doc_field_length(d, f) for d in ids for f in schema.scorable_names()},
                "columns": {(ids[d], f): reader.column_reader(f)[d] for d in ids for f in schema.names()
                            if schema[f].column_type},
                "stored": {fields["id"]: fields for _, fields in reader.iter_docs()}}


def _steps(matcher):
    while matcher.is_active():
        yield matcher
        matcher.next()


def test_a_rebuild_writes_what_whoosh_writes_in_one_process_or_in_workers(tmp_path):
    from index.fields import index_fields
    from index.whoosh_index import WhooshIndex, _create

    docs = stored_documents(120)
    plain = tmp_path / "plain"
    plain.mkdir()
    writer = _create(plain).writer()  # whoosh's own SegmentWriter
    for doc in docs:
        writer.add_document(**index_fields(doc))
    writer.commit()
    expected = index_contents(plain)
    assert len(expected["stored"]) == len(docs) and len(expected["postings"]) > 100

    answers = {}
    for procs in (1, 2):
        # Workers from 10 documents, 7 at a time: several turns each, with a short last batch.
        index = WhooshIndex(tmp_path / f"procs{procs}" / "index", rebuild_procs=procs,
                            rebuild_parallel_from=10, rebuild_batch=7)
        assert index.rebuild(iter(docs)) == len(docs)
        assert index_contents(index.directory) == expected, procs
        answers[procs] = [
            (found.total, {(frozenset((hit.id,) + hit.copies), round(hit.score, 9)) for hit in found.hits},
             {facet: sum(counts.values()) for facet, counts in found.facets.items()})
            for found in (index.search(q, limit=200, facets=True) for q in ("avtal", "barn unga", '"för barn"'))]
        index.close()
    # Worker processes number the documents otherwise: the same hits with the same scores, but
    # which of two copies stands for both (and gives its tags to the facets) may differ.
    assert answers[1] == answers[2]


def engine_answers(index) -> list:
    """Totals, hits with their copies and scores, and facet sums of a few searches."""
    return [(found.total, [(hit.id, hit.copies, round(hit.score, 5)) for hit in found.hits],
             {facet: sum(counts.values()) for facet, counts in found.facets.items()})
            for found in (index.search(q, limit=200, facets=True, sort=sort)
                          for q in ("avtal", "barn unga", '"för barn"', '"avtal med regionen"', "samverkan~",
                                    "date:[2015 TO 2018] OR board:kommunstyrelsen")
                          for sort in ("relevance", "date"))]


def test_a_tantivy_rebuild_in_workers_holds_what_one_process_and_updates_hold(tmp_path):
    from index.tantivy_index import TantivyIndex

    docs = stored_documents(120)
    answers = {}
    for procs in (1, 2):
        # Workers from 10 documents, 7 at a time: several turns each, with a short last batch.
        index = TantivyIndex(tmp_path / f"procs{procs}" / "index", rebuild_procs=procs,
                             rebuild_parallel_from=10, rebuild_batch=7)
        assert index.rebuild(iter(docs)) == len(docs)
        assert index.stamps() == {doc.id: index.stamp(doc) for doc in docs}
        answers[procs] = engine_answers(index)
    assert answers[1] == answers[2]
    assert sum(len(hits) for _, hits, _ in answers[1]) > 500

    updated = TantivyIndex(tmp_path / "updated" / "index")
    updated.apply(docs[:50], [])
    updated.apply(docs[40:], [docs[0].id])
    updated.apply(docs[:1], [])
    assert updated.stamps() == index.stamps()
    # The same hits, copies and facets; scores differ by the deleted documents' terms,
    # which count until segments are merged.
    assert ([(total, {hit[:2] for hit in hits}, facets) for total, hits, facets in engine_answers(updated)]
            == [(total, {hit[:2] for hit in hits}, facets) for total, hits, facets in answers[1]])


def test_copies_beyond_what_one_tantivy_aggregation_returns_still_fold(tmp_path):
    from index.tantivy_index import TantivyIndex

    docs = stored_documents(120)  # 13 texts held twice
    whole = TantivyIndex(tmp_path / "whole" / "index")
    whole.rebuild(iter(docs))
    small = TantivyIndex(tmp_path / "small" / "index", shared_keys_limit=4)
    small.rebuild(iter(docs))
    assert len(small._searcher()[1]) == len(whole._searcher()[1]) > 4
    assert engine_answers(small) == engine_answers(whole)


@pytest.mark.parametrize("engine_name", ENGINES)
def test_a_failed_rebuild_worker_leaves_the_old_index(tmp_path, engine_name):
    import dataclasses

    from beslut.errors import SearchIndexError
    from index.tantivy_index import TantivyIndex
    from index.whoosh_index import WhooshIndex

    index_class = {"whoosh": WhooshIndex, "tantivy": TantivyIndex}[engine_name]
    docs = stored_documents(60)
    index = index_class(tmp_path / "index", rebuild_procs=2, rebuild_parallel_from=10, rebuild_batch=7)
    index.rebuild(iter(docs[:5]))
    broken = docs[5:]
    broken[30] = dataclasses.replace(broken[30], text=None)  # fails in a worker, making its fields
    with pytest.raises(SearchIndexError, match="worker process"):
        index.rebuild(iter(broken))
    assert index.ids() == {doc.id for doc in docs[:5]}
    assert not (tmp_path / "index.new").exists()
