"""The command line: JSON shapes, ids by prefix, inspect, the data home, and
searching Swedish text."""

import hashlib
import json
import os
import re
import sys

import pytest

from .conftest import assert_no_traceback, read_db, seed, sha256_of

SEARCH_KEYS = {"query", "parsed_query", "filters", "sort", "total", "match", "hits",
               "did_you_mean", "suggestions"}
HIT_KEYS = {"rank", "id", "score", "title", "date", "type", "board", "municipality", "dnr", "path",
            "paths", "copies", "snippet"}
STATUS_KEYS = {"home", "store", "documents", "pages", "types", "paths", "index", "consistent",
               "missing_from_index", "not_in_store", "pending_changes", "writer", "failed_files"}
SHOW_KEYS = {"id", "status", "reason", "title", "type", "date", "metadata", "path", "paths",
             "kind", "size", "mtime", "page_count", "pages", "encoding", "fixes", "repairs", "warnings",
             "pipeline_version", "manual_tags", "created_at", "updated_at", "text"}


def one_error_line(result) -> str:
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert_no_traceback(result)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def ingested(run, doc_folder, seed_folder, engine):
    run.ingest_ok(doc_folder.path)
    run.ingest_ok(seed_folder.path)
    return doc_folder, seed_folder


# ---- search --json ----------------------------------------------------------------------

def test_search_json_shape(run, ingested):
    doc_folder, seed_folder = ingested
    all_ids = set(doc_folder.ids.values()) | set(seed_folder.ids.values())
    result = run.json("search", "avtal")
    assert set(result) == SEARCH_KEYS
    assert result["query"] == "avtal"
    assert isinstance(result["parsed_query"], str) and "avtal" in result["parsed_query"]
    assert isinstance(result["total"], int) and result["total"] >= len(result["hits"]) >= 2
    assert [h["rank"] for h in result["hits"]] == list(range(1, len(result["hits"]) + 1))
    scores = [h["score"] for h in result["hits"]]
    assert scores == sorted(scores, reverse=True)
    for hit in result["hits"]:
        assert set(hit) == HIT_KEYS
        assert hit["id"] in all_ids
        assert re.fullmatch(r"[0-9a-f]{64}", hit["id"])
        assert isinstance(hit["score"], float)
        assert hit["path"] in hit["paths"]
        assert os.path.isabs(hit["path"])
        assert sha256_of(hit["path"]) == hit["id"]
        assert hit["type"]
        # Piped, not a terminal: matches are marked **like this**, no escape codes.
        assert re.search(r"\*\*[Aa]vtal\w*\*\*", hit["snippet"]), hit["snippet"]
        assert "\x1b[" not in hit["snippet"]


def test_search_json_title_and_date(run, ingested):
    _, seed_folder = ingested
    result = run.json("search", "akademiska noder")
    hit = next(h for h in result["hits"] if h["id"] == seed_folder.id("002"))
    assert hit["title"] == "Akademiska noder för stärkt samverkan"
    assert hit["date"] == "2020-06-16"


def test_search_limit(run, ingested):
    result = run.json("search", "kommun", "--limit", "2")
    assert len(result["hits"]) == 2
    assert result["total"] > 2


def test_search_text_output_marks_matches_when_piped(run_process, run, doc_folder, engine):
    run.ingest_ok(doc_folder.path)
    result = run_process("search", "konsthallen")
    assert result.exit_code == 0, result.output
    assert "**konsthallen**" in result.stdout
    assert "\x1b[" not in result.stdout
    assert doc_folder.id("budget.pdf")[:12] in result.stdout


def test_search_without_hits(run, doc_folder, engine):
    run.ingest_ok(doc_folder.path)
    result = run.json("search", "zxqvjk")
    assert result["total"] == 0 and result["hits"] == []
    text = run("search", "zxqvjk")
    assert text.exit_code == 0
    assert "No documents match" in text.stdout


@pytest.mark.parametrize("query", ["", "   "])
def test_empty_query_is_a_clear_error(run_process, doc_folder, run, query):
    run.ingest_ok(doc_folder.path)
    line = one_error_line(run_process("search", query))
    assert "empty query" in line.lower()
    assert line.startswith("Error:")


def test_search_without_query_argument_is_a_usage_error(run_process):
    result = run_process("search")
    assert result.exit_code == 2
    assert_no_traceback(result)
    assert "QUERY" in result.stderr


def test_limit_below_one_is_an_error(run_process, run, doc_folder):
    run.ingest_ok(doc_folder.path)
    line = one_error_line(run_process("search", "avtal", "--limit", "0"))
    assert "limit" in line


# ---- Swedish search ------------------------------------------------------------------

def test_sodertorns_hogskola_finds_seed_001(run, seed_folder, engine):
    run.ingest_ok(seed_folder.path)
    result = run.json("search", "Södertörns högskola")
    ids = [h["id"] for h in result["hits"]]
    assert sha256_of(seed("001")) in ids
    assert seed_folder.id("001") in ids
    hit = next(h for h in result["hits"] if h["id"] == seed_folder.id("001"))
    # Seed 001 is English-model OCR ("Sodertorns hogskola"); the index holds its repaired text.
    assert "**Södertörns** **högskola**" in hit["snippet"]


@pytest.fixture
def swedish_docs(tmp_path, run, engine):
    folder = tmp_path / "svenska"
    folder.mkdir()
    texts = {
        "avtal.txt": "Kommunen tecknar ett avtal med regionen om färdtjänst.\n",
        "avtalet.txt": "Nämnden säger upp avtalet om städning av skolorna.\n",
        "forutsattningar.txt": "Ekonomiska förutsättningar för äldreomsorgen i Södertörns kommuner.\n",
        "annat.txt": "Protokoll om snöröjning och gatubelysning.\n",
    }
    ids = {}
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
        ids[name] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    run.ingest_ok(folder)
    return ids


def test_stemming_avtalet_finds_avtal(run, swedish_docs):
    ids = run.search_ids("avtalet")
    assert swedish_docs["avtal.txt"] in ids  # holds only "avtal"
    assert swedish_docs["avtalet.txt"] in ids
    assert swedish_docs["annat.txt"] not in ids


def test_stemming_avtal_finds_avtalet(run, swedish_docs):
    ids = run.search_ids("avtal")
    assert swedish_docs["avtalet.txt"] in ids  # holds only "avtalet"


def test_search_without_diacritics(run, swedish_docs):
    ids = run.search_ids("forutsattningar")
    assert ids == [swedish_docs["forutsattningar.txt"]]
    assert run.search_ids("Sodertorns") == [swedish_docs["forutsattningar.txt"]]
    assert run.search_ids("aldreomsorgen") == [swedish_docs["forutsattningar.txt"]]


def test_search_with_diacritics(run, swedish_docs):
    assert run.search_ids("förutsättningar") == [swedish_docs["forutsattningar.txt"]]
    assert run.search_ids("snöröjning") == [swedish_docs["annat.txt"]]


def test_query_typed_decomposed_finds_the_same(run, swedish_docs):
    """macOS and some paste buffers give "ö" as "o" + U+0308 (NFD); stored text is NFC."""
    import unicodedata

    for query in ("förutsättningar", "snöröjning"):
        decomposed = unicodedata.normalize("NFD", query)
        assert decomposed != query
        assert run.search_ids(decomposed) == run.search_ids(query) != []


def test_search_without_diacritics_finds_seed_002(run, seed_folder, engine):
    assert "förutsättningar" in seed("002").read_text(encoding="utf-8")
    run.ingest_ok(seed_folder.path)
    assert seed_folder.id("002") in run.search_ids("forutsattningar")


# ---- show -----------------------------------------------------------------------------

def test_show_json_with_unique_prefix(run, doc_folder):
    run.ingest_ok(doc_folder.path)
    doc_id = doc_folder.id("protokoll.pdf")
    for prefix in (doc_id[:8], doc_id[:8].upper(), doc_id):
        data = run.json("show", prefix)
        assert data["id"] == doc_id
    data = run.json("show", doc_id[:8])
    assert set(data) == SHOW_KEYS
    assert data["status"] == "ok"
    assert data["kind"] == "pdf"
    assert data["page_count"] == 2 == len(data["pages"])
    assert data["text"].count("\f") == 1
    assert "brandstationen" in data["text"]
    assert data["paths"] == [str(doc_folder.files["protokoll.pdf"])]
    assert data["size"] == doc_folder.files["protokoll.pdf"].stat().st_size
    text = run("show", doc_id[:8])
    assert text.exit_code == 0
    assert doc_id in text.stdout and "brandstationen" in text.stdout


def test_show_reports_encoding_and_fixes(run, tmp_path):
    folder = tmp_path / "texter"
    folder.mkdir()
    cp = folder / "cp1252.txt"
    cp.write_bytes("Förslag till beslut om vägar – ”snarast”".encode("cp1252"))
    moji = folder / "mojibake.txt"
    moji.write_text("NÃ¤mnden beslutar om vÃ¤gar.", encoding="utf-8")
    run.ingest_ok(folder)
    shown = run.json("show", sha256_of(cp))
    assert shown["encoding"] == "cp1252" and shown["fixes"] == []
    shown = run.json("show", sha256_of(moji))
    assert shown["text"] == "Nämnden beslutar om vägar."
    assert shown["fixes"] and shown["fixes"][0]["page"] == 1


def shared_prefix_texts() -> tuple[str, str, str]:
    """Two texts whose sha256 share their first 4 hex digits, and that prefix."""
    seen = {}
    for i in range(100_000):
        text = f"Anteckning nummer {i} om kommunens arkiv.\n"
        prefix = hashlib.sha256(text.encode("utf-8")).hexdigest()[:4]
        if prefix in seen:
            return seen[prefix], text, prefix
        seen[prefix] = text
    raise AssertionError("no shared prefix found")


def test_show_ambiguous_prefix_is_one_line_error(run, run_process, tmp_path):
    first, second, prefix = shared_prefix_texts()
    folder = tmp_path / "anteckningar"
    folder.mkdir()
    (folder / "a.txt").write_text(first, encoding="utf-8")
    (folder / "b.txt").write_text(second, encoding="utf-8")
    run.ingest_ok(folder)
    ids = sorted(r[0] for r in read_db(run.home, "SELECT id FROM documents"))
    assert len(ids) == 2 and all(i.startswith(prefix) for i in ids)

    line = one_error_line(run_process("show", prefix))
    assert "several" in line and prefix in line
    assert run_process("show", prefix, "--json").exit_code == 1
    # A longer prefix that tells them apart works.
    common = os.path.commonprefix(ids)
    data = run_process("show", ids[1][: len(common) + 1], "--json")
    assert data.exit_code == 0
    assert data.json()["id"] == ids[1]


@pytest.mark.parametrize("what", ["unknown", "not-hex", "too-short"])
def test_show_unknown_prefix_is_one_line_error(run, run_process, doc_folder, what):
    run.ingest_ok(doc_folder.path)
    ids = set(doc_folder.ids.values())
    if what == "unknown":
        prefix = next(p for p in (f"{n:08x}" for n in range(1000))
                      if not any(i.startswith(p) for i in ids))
    elif what == "not-hex":
        prefix = "zzzz1234"
    else:
        prefix = next(iter(ids))[:3]
    line = one_error_line(run_process("show", prefix))
    assert line.startswith("Error:")
    assert "document" in line
    assert run_process("show", prefix, "--json").stdout == ""


# ---- inspect -----------------------------------------------------------------------------

def test_inspect_stores_nothing(run, doc_folder):
    result = run.json("inspect", doc_folder.files["protokoll.pdf"])
    assert result["id"] == doc_folder.id("protokoll.pdf")
    assert "brandstationen" in result["text"]
    status = run.status()
    assert status["documents"] == {"ok": 0, "failed": 0}
    assert status["paths"] == {"ok": 0, "failed": 0}
    assert status["index"]["documents"] == 0
    assert run.search_ids("brandstationen") == []


@pytest.mark.parametrize("name", ["protokoll.pdf", "skrivelse.txt"])
def test_inspect_has_shows_keys_but_timestamps(run, tmp_path, doc_folder, name):
    path = doc_folder.files[name]
    inspected = run.json("inspect", path)
    other_home = tmp_path / "other-home"
    run.ingest_ok(path, home=other_home)
    result = run("show", doc_folder.id(name), "--json", home=other_home)
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert set(shown) == SHOW_KEYS
    assert set(inspected) == set(shown) - {"created_at", "updated_at"}
    for key in inspected:
        assert inspected[key] == shown[key], key


def test_inspect_bad_file_is_one_line_error(run_process, tmp_path):
    bad = tmp_path / "trasig.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    line = one_error_line(run_process("inspect", bad))
    assert str(bad) in line and "damaged" in line


# ---- status --------------------------------------------------------------------------------

def test_status_json_keys(run, home, doc_folder, engine):
    run.ingest_ok(doc_folder.path)
    status = run.status()
    assert set(status) == STATUS_KEYS
    assert set(status["store"]) == {"path", "bytes"}
    assert set(status["index"]) == {"path", "bytes", "documents", "engine"}
    assert status["index"]["engine"] == engine
    assert set(status["documents"]) == {"ok", "failed"}
    assert set(status["paths"]) == {"ok", "failed"}
    assert status["home"] == str(home)
    assert status["store"]["path"] == str(home / "corpus.sqlite3")
    assert status["store"]["bytes"] > 0 and status["index"]["bytes"] > 0
    n = len(doc_folder.files)
    assert status["documents"] == {"ok": n, "failed": 0}
    assert status["paths"] == {"ok": n, "failed": 0}
    assert status["index"]["documents"] == n
    assert status["pages"] == 5  # 2 + 1 PDF pages, 1 + 1 text pages
    assert sum(status["types"].values()) == n
    assert status["consistent"] is True
    assert status["failed_files"] == []


def test_status_text(run, doc_folder, engine):
    run.ingest_ok(doc_folder.path)
    result = run("status")
    assert result.exit_code == 0
    assert f"{len(doc_folder.files)} documents" in result.stdout
    assert f"{engine} engine)" in result.stdout
    assert "index and store agree" in result.stdout


# ---- the data home ------------------------------------------------------------------------

def test_home_option_beats_environment(run_process, tmp_path):
    env_home, option_home = tmp_path / "env-home", tmp_path / "option-home"
    env = run_process.env({"BESLUT_HOME": str(env_home)})
    result = run_process("status", "--json", home=option_home, env=env)
    assert result.exit_code == 0, result.output
    assert result.json()["home"] == str(option_home)
    assert (option_home / "corpus.sqlite3").exists()
    assert not env_home.exists()


def test_environment_beats_platform_default(run_process, tmp_path, doc_folder):
    env_home, xdg = tmp_path / "env-home", tmp_path / "xdg"
    env = run_process.env({"BESLUT_HOME": str(env_home), "XDG_DATA_HOME": str(xdg),
                           "HOME": str(tmp_path / "user")})
    assert run_process("ingest", doc_folder.files["budget.pdf"], home=None, env=env).exit_code == 0
    result = run_process("status", "--json", home=None, env=env)
    assert result.exit_code == 0, result.output
    assert result.json()["home"] == str(env_home)
    assert result.json()["documents"]["ok"] == 1
    assert (env_home / "corpus.sqlite3").exists()
    assert not xdg.exists()
    found = run_process("search", "konsthallen", "--json", home=env_home)
    assert [h["id"] for h in found.json()["hits"]] == [doc_folder.id("budget.pdf")]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG data folder is Linux's")
def test_platform_default_home(run_process, tmp_path):
    xdg = tmp_path / "xdg"
    env = run_process.env({"XDG_DATA_HOME": str(xdg), "HOME": str(tmp_path / "user")})
    assert "BESLUT_HOME" not in env
    result = run_process("status", "--json", home=None, env=env)
    assert result.exit_code == 0, result.output
    assert result.json()["home"] == str(xdg / "beslut")
    assert (xdg / "beslut" / "corpus.sqlite3").exists()


def test_empty_environment_variable_falls_back_to_default(run_process, tmp_path):
    xdg = tmp_path / "xdg"
    env = run_process.env({"BESLUT_HOME": "", "XDG_DATA_HOME": str(xdg),
                           "HOME": str(tmp_path / "user")})
    result = run_process("status", "--json", home=None, env=env)
    assert result.exit_code == 0, result.output
    assert result.json()["home"] == str(xdg / "beslut")


def test_home_in_process_with_env(run, tmp_path):
    env_home = tmp_path / "env-home"
    result = run("status", "--json", home=False, env={"BESLUT_HOME": str(env_home)})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["home"] == str(env_home)


def test_version_and_help(run_process):
    version = run_process("--version", home=None)
    assert version.exit_code == 0 and "0.1.0" in version.stdout
    helped = run_process("--help", home=None)
    assert helped.exit_code == 0
    for command in ("ingest", "search", "show", "tag", "inspect", "status", "reindex"):
        assert command in helped.stdout
