"""The search engine of a home: whoosh unless $BESLUT_ENGINE or `beslut reindex
--engine` says tantivy; kept by the index from then on, by every process that
opens it; switched by rebuilding from the store without changing an answer.
And the tantivy engine's fields hold the terms whoosh's hold."""

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from index.engine import ENGINE_FILE, FORMAT_FILE

from .conftest import assert_no_traceback

REPO = Path(__file__).resolve().parents[1]
QUERIES = ["avtal", "Huddinge kommun", "forskning OR innovation", '"strategiskt partnerskap"',
           "samverkan NOT Karolinska", "konsthallen", "partnerskap~", "type:avtal", "date:2020"]


def answers(run) -> dict:
    """Per query: how many texts match, and which documents (with their copies)."""
    out = {}
    for query in QUERIES:
        result = run.json("search", query, "--limit", "50")
        assert result["total"] == len(result["hits"]) < 50
        out[query] = (result["total"], {frozenset([hit["id"]] + [c["id"] for c in hit["copies"]])
                                        for hit in result["hits"]})
    return out


def engine_of(run) -> str:
    return run.status()["index"]["engine"]


@pytest.fixture
def archive(run, seed_folder, doc_folder):
    run.ingest_ok(seed_folder.path)
    run.ingest_ok(doc_folder.path)
    return run


def test_a_new_home_gets_whoosh_or_the_engine_beslut_engine_names(run_process, tmp_path, doc_folder):
    plain = run_process("ingest", doc_folder.path, home=tmp_path / "plain",
                        env=run_process.env(drop=["BESLUT_ENGINE"]))
    assert plain.exit_code == 0, plain.output
    assert (tmp_path / "plain" / "index" / ENGINE_FILE).read_text().strip() == "whoosh"
    chosen = run_process("ingest", doc_folder.path, home=tmp_path / "chosen",
                         env=run_process.env({"BESLUT_ENGINE": "tantivy"}))
    assert chosen.exit_code == 0, chosen.output
    assert (tmp_path / "chosen" / "index" / ENGINE_FILE).read_text().strip() == "tantivy"
    # Another process, without the variable, opens each with its own engine.
    for name, engine in (("plain", "whoosh"), ("chosen", "tantivy")):
        status = run_process("status", "--json", home=tmp_path / name, env=run_process.env(drop=["BESLUT_ENGINE"]))
        assert status.json()["index"]["engine"] == engine
        found = run_process("search", "konsthallen", "--json", home=tmp_path / name,
                            env=run_process.env(drop=["BESLUT_ENGINE"]))
        assert [hit["id"] for hit in found.json()["hits"]] == [doc_folder.id("budget.pdf")], name


def test_an_index_keeps_its_engine_whatever_beslut_engine_says(run, archive, monkeypatch):
    monkeypatch.delenv("BESLUT_ENGINE", raising=False)
    before = answers(run)
    assert engine_of(run) == "whoosh"
    monkeypatch.setenv("BESLUT_ENGINE", "tantivy")
    assert engine_of(run) == "whoosh"
    assert answers(run) == before


def test_reindex_engine_switches_the_engine_with_the_same_answers(run, run_process, archive, monkeypatch):
    monkeypatch.delenv("BESLUT_ENGINE", raising=False)
    before = answers(run)
    assert all(total for total, _ in before.values()), before

    result = run("reindex", "--engine", "tantivy")
    assert result.exit_code == 0, result.output
    assert "Search engine: tantivy (was whoosh)." in result.stdout
    assert "Reindexed 9 documents." in result.stdout
    assert engine_of(run) == "tantivy"
    assert run.status()["consistent"] is True
    assert answers(run) == before

    again = run_process("reindex")  # keeps the engine the index has
    assert again.exit_code == 0, again.output
    assert "Search engine" not in again.stdout
    assert engine_of(run) == "tantivy"
    assert answers(run) == before

    back = run("reindex", "--engine", "whoosh")
    assert back.exit_code == 0 and "Search engine: whoosh (was tantivy)." in back.stdout
    assert engine_of(run) == "whoosh"
    assert answers(run) == before
    assert not list(run.home.glob("index.*")), "the old index is gone"


def test_documents_ingested_after_a_switch_are_searched_by_the_new_engine(run, archive, tmp_path, monkeypatch):
    monkeypatch.delenv("BESLUT_ENGINE", raising=False)
    assert run("reindex", "--engine", "tantivy").exit_code == 0
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "ny.txt").write_text("Beslut om badplatsen vid Lilla Sickla sjö.\n", encoding="utf-8")
    run.ingest_ok(folder)
    assert len(run.search_ids("badplatsen")) == 1
    assert run.status()["consistent"] is True


def test_an_unknown_engine_is_a_one_line_error(run_process, doc_folder):
    result = run_process("ingest", doc_folder.path, env=run_process.env({"BESLUT_ENGINE": "lucene"}))
    assert result.exit_code == 1
    assert_no_traceback(result)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "lucene" in lines[0] and "whoosh, tantivy" in lines[0], result.stderr
    usage = run_process("reindex", "--engine", "lucene")
    assert usage.exit_code == 2 and "lucene" in usage.stderr


def test_an_outdated_tantivy_index_is_rebuilt_from_the_store(run, archive, monkeypatch):
    monkeypatch.delenv("BESLUT_ENGINE", raising=False)
    assert run("reindex", "--engine", "tantivy").exit_code == 0
    before = answers(run)
    marker = run.home / "index" / FORMAT_FILE
    marker.write_text("tantivy-0\n")
    result = run("search", "avtal")
    assert result.exit_code == 0
    assert "earlier version of beslut; rebuilding" in result.stderr
    assert marker.read_text().strip() != "tantivy-0"
    assert engine_of(run) == "tantivy"
    assert answers(run) == before


@pytest.mark.parametrize("engine_name, loaded", [("whoosh", "[]"), ("tantivy", "['tantivy']")])
def test_a_search_loads_only_its_own_engine(run, archive, monkeypatch, engine_name, loaded):
    monkeypatch.delenv("BESLUT_ENGINE", raising=False)
    assert run("reindex", "--engine", engine_name).exit_code == 0
    probe = ("import sys\nfrom beslut.cli import main\n"
             f"sys.argv = ['beslut', '--home', {str(run.home)!r}, 'search', 'avtal']\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print('LOADED', sorted(m for m in ('tantivy',) if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert f"LOADED {loaded}" in done.stdout, done.stdout + done.stderr


# ---- the tantivy engine's fields -------------------------------------------------------------

def archive_texts() -> list[Path]:
    return sorted((REPO / "sample" / "txt").glob("*.txt")) + sorted((REPO / "tests" / "corpus_texts").glob("*.txt"))


@pytest.mark.parametrize("path", archive_texts()[:12], ids=lambda p: p.name)
@pytest.mark.parametrize("folded", [False, True])
def test_tantivy_fields_hold_whoosh_terms_at_whoosh_positions(path, folded):
    """The tokens of a tantivy text field are whoosh's terms, as often as whoosh
    has them; its words stand one position apart; its compounds' parts stand
    apart from everything, each listed with its compound."""
    from index.tantivy_fields import PART_OF, SEPARATOR, _analysed
    from index.whoosh_analysis import SwedishTokenizer

    text = path.read_text(encoding="utf-8")
    compounds: set[str] = set()
    folded_compounds: set[str] = set()
    values = _analysed(text, compounds, folded_compounds)
    tokens = values[folded].split(" ")
    compounds = folded_compounds if folded else compounds
    whoosh = SwedishTokenizer(folded=folded).term_positions(text)
    assert Counter(token for token in tokens if token != SEPARATOR) == {
        term: len(positions) for term, positions in whoosh.items()}
    words = tokens[:tokens.index(SEPARATOR)] if SEPARATOR in tokens else tokens
    parts = tokens[len(words):]
    assert parts[0::2] == [SEPARATOR] * (len(parts) // 2) and SEPARATOR not in parts[1::2]
    start = min(p for positions in whoosh.values() for p in positions) if whoosh else 0
    for position, word in enumerate(words, start):
        assert position in whoosh[word], (word, position)
    for pair in compounds:
        part, whole = pair.split(PART_OF)
        assert set(whoosh[part]) & set(whoosh[whole]), pair
    assert compounds or not parts
