"""A clerk's corrections (`beslut tag`): shown as set by hand, kept through
re-ingest, a changed file, a pipeline re-run and reindex, and in step with the
index. What the pipeline itself finds is taken from `inspect`, so these tests
hold whatever the tagger makes of the texts."""

import os
import shutil

import pytest

from corpus import open_corpus
from corpus.schema import SCHEMA_VERSION
from beslut.indexing import sync_index
from index import SearchFilters, open_index
from ingest.pipeline import ingest_file
from search import run_query

from .conftest import assert_no_traceback, read_db, sha256_of, write_db

CORRECTION = ["--type", "yttrande", "--board", "Byggnadsnämnden", "--municipality", "Huddinge",
              "--date", "2021-04-14", "--dnr", "BN 2021/77"]
CORRECTED = {"type": "yttrande", "board": "Byggnadsnämnden", "municipality": "Huddinge",
             "date": "2021-04-14", "dnr": "BN 2021/77"}


def one_error_line(result) -> str:
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert_no_traceback(result)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


def tag_ok(run, *args):
    result = run("tag", *args)
    assert result.exit_code == 0, (result.output, result.exception)
    assert_no_traceback(result)
    return result


def bump_mtime(path) -> None:
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


def assert_corrected(run, doc_id, fields=CORRECTED) -> None:
    """show and search both see the corrections, and store and index agree."""
    shown = run.json("show", doc_id)
    for field, value in fields.items():
        got = shown["type"] if field == "type" else shown["date"] if field == "date" else \
            shown["metadata"].get(field)
        assert got == value, (field, got)
        assert shown["manual_tags"][field]["value"] == value
    assert set(shown["metadata"]["tagging"]["manual"]) == set(fields)
    if "board" in fields:
        assert doc_id in run.search_ids(f'board:"{fields["board"]}"')
    if "type" in fields:
        assert doc_id in ids_of(run.json("search", "--type", fields["type"], "--limit", "50"))
    status = run.status()
    assert status["consistent"] is True and status["pending_changes"] == 0


def ids_of(result) -> list[str]:
    return [hit["id"] for hit in result["hits"]]


# ---- setting, showing, clearing, resetting ----------------------------------------------

def test_tag_sets_fields_by_hand_and_show_says_so(run, doc_folder):
    run.ingest_ok(doc_folder.path)
    doc_id = doc_folder.id("yttrande.txt")
    pipeline = run.json("inspect", doc_folder.files["yttrande.txt"])

    result = tag_ok(run, doc_id[:8], *CORRECTION)
    assert "board:        Byggnadsnämnden (set by hand)" in result.stdout.splitlines()
    assert_corrected(run, doc_id)

    shown = run.json("show", doc_id)
    assert shown["metadata"]["tagging"]["manual"] == ["type", "date", "board", "municipality", "dnr"]
    assert shown["manual_tags"]["type"]["pipeline"] == pipeline["type"]
    assert shown["manual_tags"]["date"]["pipeline"] == pipeline["date"]
    assert shown["manual_tags"]["board"]["set_at"]
    assert shown["title"] == pipeline["title"] and "title" not in shown["manual_tags"]

    text = run("show", doc_id[:8]).stdout.splitlines()
    assert "type:         yttrande (set by hand)" in text
    assert "date:         2021-04-14 (set by hand)" in text
    assert "dnr:          BN 2021/77 (set by hand)" in text
    title_line = next(line for line in text if line.startswith("title:"))
    assert "by hand" not in title_line

    assert run.status()["types"].get("yttrande", 0) >= 1
    # The other documents keep what the pipeline gave them.
    other = doc_folder.id("budget.pdf")
    assert run.json("show", other)["manual_tags"] == {}


def test_tag_without_options_shows_the_tags(run, doc_folder):
    run.ingest_ok(doc_folder.path)
    doc_id = doc_folder.id("budget.pdf")
    tag_ok(run, doc_id[:8], "--board", "Kulturnämnden")
    data = run.json("tag", doc_id[:8])
    assert data["id"] == doc_id
    assert set(data["tags"]) == {"type", "title", "date", "board", "municipality", "dnr"}
    assert data["tags"]["board"] == "Kulturnämnden"
    assert list(data["manual_tags"]) == ["board"]
    text = tag_ok(run, doc_id[:8]).stdout.splitlines()
    assert text[0] == f"id:           {doc_id}"
    assert "board:        Kulturnämnden (set by hand)" in text
    assert any(line.startswith("municipality:") for line in text)


def test_clear_and_reset(run, doc_folder):
    run.ingest_ok(doc_folder.path)
    path = doc_folder.files["protokoll.pdf"]
    doc_id = doc_folder.id("protokoll.pdf")
    pipeline = run.json("inspect", path)

    tag_ok(run, doc_id[:8], "--title", "  Protokoll   om brandstationen ", "--board", "Byggnadsnämnden",
           "--clear", "date", "--clear", "dnr")
    shown = run.json("show", doc_id)
    assert shown["title"] == "Protokoll om brandstationen"  # spaces tidied
    assert shown["date"] is None and "dnr" not in shown["metadata"]
    assert shown["manual_tags"]["date"]["value"] is None
    assert "date:         - (cleared by hand)" in run("show", doc_id).stdout.splitlines()
    assert doc_id not in ids_of(run.json("search", "brandstationen", "--from", "1900-01-01"))

    tag_ok(run, doc_id[:8], "--clear", "type")
    assert run.json("show", doc_id)["type"] == "okänd"
    assert run.json("show", doc_id)["manual_tags"]["type"]["value"] == "okänd"

    tag_ok(run, doc_id[:8], "--reset", "title")
    shown = run.json("show", doc_id)
    assert shown["title"] == pipeline["title"] and "title" not in shown["manual_tags"]
    assert shown["metadata"].get("board") == "Byggnadsnämnden"

    tag_ok(run, doc_id[:8], "--reset", "all")
    shown = run.json("show", doc_id)
    assert shown["manual_tags"] == {}
    for key in ("type", "title", "date", "metadata"):
        assert shown[key] == pipeline[key], key
    assert run.search_ids('board:"Byggnadsnämnden"') == []
    assert run.status()["consistent"] is True


# ---- corrections survive ----------------------------------------------------------------

def test_corrections_survive_reingest_touch_move_and_reindex(run, doc_folder):
    run.ingest_ok(doc_folder.path)
    doc_id = doc_folder.id("yttrande.txt")
    tag_ok(run, doc_id[:8], *CORRECTION)

    run.ingest_ok(doc_folder.path)  # nothing changed
    assert_corrected(run, doc_id)

    bump_mtime(doc_folder.files["yttrande.txt"])  # same bytes, new time: read and hashed again
    assert run.json("ingest", doc_folder.path)["unchanged"] == len(doc_folder.files)
    assert_corrected(run, doc_id)

    moved = doc_folder.path / "arkiv" / "yttrande-granen.txt"
    moved.parent.mkdir()
    shutil.move(doc_folder.files["yttrande.txt"], moved)
    assert run.json("ingest", doc_folder.path)["moved"] == 1
    assert_corrected(run, doc_id)

    result = run("reindex")
    assert result.exit_code == 0, result.output
    assert_corrected(run, doc_id)


def test_changed_file_carries_corrections_to_its_new_version(run, home, doc_folder):
    run.ingest_ok(doc_folder.path)
    target = doc_folder.files["yttrande.txt"]
    old_id = doc_folder.id("yttrande.txt")
    tag_ok(run, old_id[:8], *CORRECTION)

    target.write_text("Yttrande över detaljplan för kvarteret Granen, reviderat\n\n"
                      "Förvaltningen tillstyrker planen och föreslår en ny cykelbana.\n",
                      encoding="utf-8")
    bump_mtime(target)
    new_id = sha256_of(target)
    assert run.json("ingest", doc_folder.path)["updated"] == 1

    assert_corrected(run, new_id)
    assert run("show", old_id).exit_code == 1  # the old version is gone, and its rows with it
    assert read_db(home, "SELECT count(*) FROM manual_tags WHERE doc_id = ?", (old_id,)) == [(0,)]
    assert ids_of(run.json("search", "--dnr", "BN 2021/77")) == [new_id]
    # Fields nobody corrected come from the pipeline, for the new text.
    assert run.json("show", new_id)["title"] == run.json("inspect", target)["title"]


def test_corrections_pass_through_a_corrupt_copy_to_the_next_good_version(run, doc_folder, make_pdf):
    run.ingest_ok(doc_folder.path)
    target = doc_folder.files["protokoll.pdf"]
    tag_ok(run, doc_folder.id("protokoll.pdf")[:8], *CORRECTION)

    target.write_bytes(b"%PDF-1.4\n" + b"0" * 200)  # a broken copy: fails, the good one stays
    bump_mtime(target)
    assert run("ingest", doc_folder.path).exit_code == 1
    make_pdf(target, ["Protokoll från byggnadsnämnden, justerat\n\nNämnden beslutar om "
                      "brandstationen i Flemingsberg och om räddningstjänstens övningsfält."])
    bump_mtime(target)
    run.ingest_ok(doc_folder.path)
    assert_corrected(run, sha256_of(target))


def test_a_new_version_keeps_its_own_corrections(run, tmp_path):
    """The path's old version passes on only the corrections the new one lacks."""
    folder = tmp_path / "texter"
    folder.mkdir()
    a, b = folder / "a.txt", folder / "b.txt"
    a.write_text("Avtal om snöröjning i Flemingsberg.\n", encoding="utf-8")
    b.write_text("Avtal om sandning i Visättra.\n", encoding="utf-8")
    run.ingest_ok(folder)
    a_id, b_id = sha256_of(a), sha256_of(b)
    tag_ok(run, a_id[:8], "--type", "avtal", "--board", "Tekniska nämnden")
    tag_ok(run, b_id[:8], "--board", "Kommunstyrelsen")

    shutil.copyfile(b, a)  # a now holds b's bytes: a known document at a path that held another
    bump_mtime(a)
    assert run.json("ingest", folder)["updated"] == 1
    assert run("show", a_id).exit_code == 1
    shown = run.json("show", b_id)
    assert shown["type"] == "avtal" and shown["manual_tags"]["type"]["value"] == "avtal"
    assert shown["metadata"]["board"] == "Kommunstyrelsen"
    assert b_id in ids_of(run.json("search", "--type", "avtal"))
    assert run.status()["consistent"] is True


def test_a_pipeline_rerun_keeps_corrections(home, tmp_path):
    """Whatever re-processes a document (a new pipeline version, a better tagger)
    stores it through Corpus.save; the corrections stay on top of its new values."""
    path = tmp_path / "beslut.txt"
    path.write_text("Tjänsteutlåtande om hemtjänsten i Huddinge.\n", encoding="utf-8")
    doc = ingest_file(path)
    with open_corpus(home) as corpus:
        index = open_index(home)
        corpus.save(doc)
        corpus.set_manual_tags(doc.id, {"type": "tjansteutlatande", "board": "Socialnämnden"})
        rerun = doc.evolve(pipeline_version="99", doc_type="protokoll",
                           metadata={**doc.metadata, "board": "Äldrenämnden", "municipality": "Huddinge"})
        corpus.save(rerun)
        sync_index(corpus, index)

        stored = corpus.get(doc.id)
        assert stored.pipeline_version == "99"
        assert stored.doc_type == "tjansteutlatande"
        assert stored.metadata["board"] == "Socialnämnden"
        assert stored.metadata["municipality"] == "Huddinge"  # the re-run's own, uncorrected
        assert stored.manual["board"]["pipeline"] == "Äldrenämnden"
        assert stored.manual["type"]["pipeline"] == "protokoll"
        found = run_query(corpus, index, "", filters=SearchFilters(board="socialnämnden"))
        assert [hit.id for hit in found.hits] == [doc.id]
        assert run_query(corpus, index, "", filters=SearchFilters(type="protokoll")).total == 0
        index.close()


# ---- older stores and indexes ------------------------------------------------------------

def test_store_of_schema_2_is_migrated(run, home, doc_folder):
    run.ingest_ok(doc_folder.path)
    write_db(home, "DROP TABLE manual_tags")
    write_db(home, "UPDATE meta SET value = '2' WHERE key = 'schema_version'")

    doc_id = doc_folder.id("budget.pdf")
    tag_ok(run, doc_id[:8], "--type", "policy")
    assert read_db(home, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    assert read_db(home, "SELECT field, value FROM manual_tags") == [("type", "policy")]
    assert ids_of(run.json("search", "--type", "policy")) == [doc_id]


def test_index_from_an_earlier_version_is_rebuilt_with_one_line(run, run_process, home, doc_folder):
    run.ingest_ok(doc_folder.path)
    doc_id = doc_folder.id("budget.pdf")
    tag_ok(run, doc_id[:8], "--type", "policy")
    # Indexes made before the type, board and date fields carry no format file.
    (home / "index" / "beslut-index-format").unlink()

    result = run_process("search", "--type", "policy", "--json")
    assert result.exit_code == 0, result.output
    assert ids_of(result.json()) == [doc_id]
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "earlier version" in lines[0] and "rebuilding" in lines[0], lines
    again = run_process("search", "--type", "policy")
    assert again.exit_code == 0 and again.stderr == ""
    assert run.status()["consistent"] is True


# ---- wrong input: one line each ---------------------------------------------------------

@pytest.mark.parametrize("args, words", [
    (["--type", "protokol"], ["protokol", "protokoll", "tjansteutlatande", "okänd"]),
    (["--date", "14 april 2021"], ["14 april 2021", "YYYY-MM-DD"]),
    (["--date", "2021-02-29"], ["2021-02-29", "YYYY-MM-DD"]),
    (["--clear", "styrelse"], ["styrelse", "board"]),
    (["--reset", "styrelse"], ["styrelse", "board"]),
    (["--board", "Kommunstyrelsen", "--clear", "board"], ["board", "both"]),
    (["--board", "  "], ["board", "--clear"]),
])
def test_invalid_tags_are_one_line_errors(run, run_process, doc_folder, args, words):
    run.ingest_ok(doc_folder.path)
    doc_id = doc_folder.id("budget.pdf")
    line = one_error_line(run_process("tag", doc_id[:8], *args))
    for word in words:
        assert word in line, line
    assert read_db(run.home, "SELECT count(*) FROM manual_tags") == [(0,)]


def test_tag_unknown_or_failed_document_is_one_line_error(run, run_process, doc_folder, tmp_path):
    run.ingest_ok(doc_folder.path)
    line = one_error_line(run_process("tag", "0000ffff", "--type", "avtal"))
    assert "no document" in line and "0000ffff" in line

    broken = tmp_path / "trasig" / "kallelse.pdf"
    broken.parent.mkdir()
    broken.write_bytes(b"%PDF-1.4\n" + b"0" * 200)
    assert run("ingest", broken.parent).exit_code == 1
    line = one_error_line(run_process("tag", sha256_of(broken)[:12], "--type", "kallelse"))
    assert "failed" in line
