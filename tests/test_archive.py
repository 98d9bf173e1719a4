"""The archive jobs (`beslut archive verify|dedupe|prune|rerun|export`) through the
command line, on real stores and indexes."""

import json
import os
import re
import shutil
from dataclasses import replace

from corpus import open_corpus
from index import open_index

from .conftest import SEEDS, assert_no_traceback, read_db, seed, sha256_of, write_db
from .pdfgen import write_text_as_pdf


def _bump_mtime(path, seconds=10):
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 1_000_000_000))


# ---- verify ------------------------------------------------------------------------------


def test_verify_finds_index_problems_and_fix_mends_them(run, doc_folder, home):
    run.ingest_ok(doc_folder.path)
    assert run("archive", "verify").exit_code == 0
    gone_id, stale_id = doc_folder.id("budget.pdf"), doc_folder.id("yttrande.txt")
    corpus, index = open_corpus(home), open_index(home)
    try:
        index.apply([], [gone_id])  # an index that lost an entry...
        orphan = replace(corpus.get(doc_folder.id("skrivelse.txt")), id="0" * 64)
        index.apply([orphan], [])  # ...kept one the store no longer has...
    finally:
        index.close()
        corpus.close()
    # ...and holds an older version of a document (the store's title changed since).
    write_db(home, "UPDATE documents SET title = 'Nytt yttrande om Granen' WHERE id = ?", (stale_id,))

    result = run("archive", "verify", "--json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)["index"]
    assert report["missing_from_index"] == [gone_id]
    assert report["stale"] == [stale_id]
    assert report["orphaned"] == ["0" * 64]
    assert run.search_ids("konsthallen") == []

    text = run("archive", "verify")
    assert "1 missing, 1 stale, 1 orphaned" in text.stdout and "--fix" in text.stdout

    fixed = run("archive", "verify", "--fix", "--json")
    assert fixed.exit_code == 0, fixed.output
    assert json.loads(fixed.stdout)["index"]["fixed"] == {"reindexed": 2, "removed": 1, "applied": 0,
                                                           "remaining": 0}
    again = run.json("archive", "verify")
    assert again["ok"] is True and again["index"]["stale"] == []
    assert run.search_ids("konsthallen") == [gone_id]
    assert run.json("search", "Granen")["hits"][0]["title"] == "Nytt yttrande om Granen"
    assert run.status()["consistent"] is True


def test_verify_finds_gone_changed_and_touched_source_files(run, doc_folder):
    run.ingest_ok(doc_folder.path)
    files = doc_folder.files
    files["budget.pdf"].unlink()
    files["yttrande.txt"].write_text("Ett helt annat yttrande.\n", encoding="utf-8")
    _bump_mtime(files["skrivelse.txt"])  # same bytes, new time
    # Same size and time, other bytes: only --hash sees it.
    protokoll = files["protokoll.pdf"]
    st = protokoll.stat()
    data = bytearray(protokoll.read_bytes())
    data[-20] ^= 0x01
    protokoll.write_bytes(bytes(data))
    os.utime(protokoll, ns=(st.st_atime_ns, st.st_mtime_ns))

    result = run("archive", "verify", "--json")
    assert result.exit_code == 1
    sources = json.loads(result.stdout)["sources"]
    assert sources["gone"] == [{"path": str(files["budget.pdf"]), "id": doc_folder.id("budget.pdf")}]
    assert sources["changed"] == [{"path": str(files["yttrande.txt"]), "id": doc_folder.id("yttrande.txt")}]
    assert sources["touched"] == 1
    hashed = run.json("archive", "verify", "--hash", ok_codes=(1,))["sources"]
    assert {c["path"] for c in hashed["changed"]} == {str(files["yttrande.txt"]), str(protokoll)}

    text = run("archive", "verify")
    assert f"gone:       {files['budget.pdf']}" in text.stdout
    assert "prune" in text.stdout and "'beslut ingest'" in text.stdout
    assert_no_traceback(text)


# ---- dedupe ------------------------------------------------------------------------------


def _ocr_damage(text: str) -> str:
    """What English-model OCR makes of Swedish letters."""
    return text.translate(str.maketrans({"å": "a", "ä": "a", "ö": "6", "Ö": "O", "Å": "A", "Ä": "A"}))


def test_dedupe_groups_a_txt_and_its_pdf_and_apply_links_them(run, tmp_path, home):
    folder = tmp_path / "docs"
    folder.mkdir()
    text = seed("002").read_text(encoding="utf-8")
    txt = folder / "tjansteutlatande.txt"
    shutil.copyfile(seed("002"), txt)
    pdf = write_text_as_pdf(folder / "tjansteutlatande.pdf", text)
    # Saved again, without its page breaks and its last lines.
    resaved = write_text_as_pdf(folder / "sparad-igen.pdf", text.replace("\f", "\n")[: len(text) * 9 // 10])
    ocr = folder / "inlast.txt"
    ocr.write_text(_ocr_damage(text), encoding="utf-8")
    other = folder / "avtal.txt"
    shutil.copyfile(seed("003"), other)
    run.ingest_ok(folder)

    result = run("archive", "dedupe", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["applied"] is False and report["documents"] == 5
    [group] = report["groups"]
    assert group["primary"]["id"] == sha256_of(pdf)  # born-digital, and more text than the re-saved copy
    assert group["primary"]["origin"] == "born-digital"
    copies = {c["id"]: c for c in group["copies"]}
    assert set(copies) == {sha256_of(txt), sha256_of(resaved), sha256_of(ocr)}
    assert copies[sha256_of(txt)]["similarity"] > 0.95
    assert copies[sha256_of(ocr)]["similarity"] > 0.7  # å/ä/ö lost: still one text
    assert not any(c["linked"] for c in group["copies"])
    assert report["to_link"] == 3
    assert read_db(home, "SELECT count(*) FROM duplicate_links") == [(0,)]  # a dry run

    text_report = run("archive", "dedupe")
    assert "1 group of near duplicates (3 copies) among 5 documents" in text_report.stdout
    assert "Dry run" in text_report.stdout

    applied = run.json("archive", "dedupe", "--apply")
    assert applied["linked"] == 3
    links = dict(read_db(home, "SELECT doc_id, primary_id FROM duplicate_links"))
    assert links == {copy: sha256_of(pdf) for copy in copies}
    corpus = open_corpus(home)
    try:
        assert corpus.get(sha256_of(txt)).duplicate_of == sha256_of(pdf)
        assert set(corpus.get(sha256_of(pdf)).duplicates) == set(copies)
        assert corpus.get(sha256_of(other)).duplicate_of is None
    finally:
        corpus.close()
    # Linking again changes nothing; the copies stay stored and searchable by id.
    again = run.json("archive", "dedupe", "--apply")
    assert again["linked"] == 0 and all(c["linked"] for c in again["groups"][0]["copies"])
    assert run.json("show", sha256_of(ocr))["status"] == "ok"
    assert run.status()["consistent"] is True
    # Search shows the primary once, its near copies under it, and the avtal apart.
    found = run.json("search", "akademiska noder", "--limit", "5")
    [hit] = [h for h in found["hits"] if h["id"] in {sha256_of(pdf), *copies}]
    assert hit["id"] == sha256_of(pdf)
    near = {c["id"]: c["similarity"] for c in hit["copies"]}
    assert set(near) == set(copies) and all(similarity > 0.7 for similarity in near.values())
    assert found["total"] == len(found["hits"])
    similar = run.json("similar", sha256_of(pdf))
    assert not {h["id"] for h in similar["hits"]} & set(copies)  # its copies are itself


def test_dedupe_keeps_different_documents_apart_and_skips_short_ones(run, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for path in sorted(SEEDS.glob("*.txt")):
        shutil.copyfile(path, folder / path.name)
    (folder / "kort-a.txt").write_text("Bilaga 3\n", encoding="utf-8")
    (folder / "kort-b.txt").write_text("Bilaga 3.\n", encoding="utf-8")
    run.ingest_ok(folder)
    report = run.json("archive", "dedupe")
    assert report["groups"] == [] and report["documents"] == 5 and report["too_short"] == 2


# ---- prune -------------------------------------------------------------------------------


def test_prune_dry_run_then_apply(run, doc_folder, home):
    copy = doc_folder.path / "kopia" / "budget.pdf"
    copy.parent.mkdir()
    shutil.copyfile(doc_folder.files["budget.pdf"], copy)
    run.ingest_ok(doc_folder.path)
    gone_id = doc_folder.id("yttrande.txt")
    run("tag", gone_id, "--board", "Byggnadsnämnden")
    doc_folder.files["yttrande.txt"].unlink()  # its only file
    doc_folder.files["budget.pdf"].unlink()  # one of two
    bad = doc_folder.path / "trasig.pdf"
    bad.write_bytes(b"%PDF-1.4\nskrap")
    assert run("ingest", doc_folder.path).exit_code == 1
    bad.unlink()

    dry = run("archive", "prune", "--json")
    assert dry.exit_code == 0, dry.output
    report = json.loads(dry.stdout)
    assert [d["id"] for d in report["gone"]] == [gone_id]
    assert report["dead_paths"] == [str(doc_folder.files["budget.pdf"])]
    assert report["failed_paths"] == [str(bad)]
    assert report["removed"] == 0
    assert run.search_ids("dagvattnet") == [gone_id]  # nothing changed
    assert run.status()["documents"]["ok"] == 4
    text = run("archive", "prune")
    assert "1 of 4 documents has lost all their files" in text.stdout and "Dry run" in text.stdout

    applied = run.json("archive", "prune", "--apply")
    assert applied["removed"] == 1
    assert run.search_ids("dagvattnet") == []
    assert run.search_ids("konsthallen") == [doc_folder.id("budget.pdf")]
    assert run.json("show", doc_folder.id("budget.pdf"))["paths"] == [str(copy)]
    status = run.status()
    assert status["documents"]["ok"] == 3 and status["consistent"] is True
    assert status["failed_files"] == []
    assert read_db(home, "SELECT count(*) FROM manual_tags WHERE doc_id = ?", (gone_id,)) == [(0,)]
    assert run.json("archive", "prune")["gone"] == []


def test_prune_refuses_to_empty_the_archive(run, tmp_path, run_process):
    folder = tmp_path / "utdelning"
    folder.mkdir()
    for n in range(12):
        (folder / f"kallelse-{n}.txt").write_text(f"Kallelse nummer {n} till nämnden.\n", encoding="utf-8")
    run.ingest_ok(folder)
    shutil.rmtree(folder)  # or an unmounted disk
    refused = run_process("archive", "prune", "--apply")
    assert refused.exit_code == 1
    assert_no_traceback(refused)
    [line] = refused.stderr.splitlines()
    assert re.match(r"Error: 12 of 12 documents would go: .*--force", line), line
    assert run.status()["documents"]["ok"] == 12
    assert run.json("archive", "prune", "--apply", "--force")["removed"] == 12


# ---- rerun -------------------------------------------------------------------------------


def test_rerun_changes_only_what_changed_and_keeps_manual_tags(run, seed_folder, home):
    run.ingest_ok(seed_folder.path)
    damaged, other = seed_folder.id("001"), seed_folder.id("003")
    run("tag", damaged, "--dnr", "KS-2019/77", "--board", "Kommunstyrelsen")
    # As an earlier pipeline left them: 001 unrepaired and untagged, 003 untagged.
    write_db(home, """UPDATE documents SET text = raw_text, doc_type = 'okänd', metadata = '{}',
                      pipeline_version = '1' WHERE id = ?""", (damaged,))
    write_db(home, "UPDATE documents SET doc_type = 'okänd', pipeline_version = '1' WHERE id = ?",
             (other,))
    assert run("reindex").exit_code == 0
    assert "Sodertorns" in run.json("show", damaged)["text"]
    before = dict(read_db(home, "SELECT id, updated_at FROM documents"))

    tagged = run.json("archive", "rerun", "--stage", "tag")
    assert (tagged["changed"], tagged["unchanged"], tagged["failed"]) == (2, 3, 0)
    assert run.json("show", other)["type"] == "avtal"
    assert "Sodertorns" in run.json("show", damaged)["text"]  # tag does not repair

    repaired = run.json("archive", "rerun", "--stage", "repair")
    assert (repaired["documents"], repaired["changed"], repaired["unchanged"]) == (5, 1, 4)
    shown = run.json("show", damaged)
    assert "Södertörns" in shown["text"] and "Sodertorns" not in shown["text"]
    assert shown["pipeline_version"] != "1"
    assert shown["manual_tags"]["dnr"]["value"] == "KS-2019/77"
    assert shown["metadata"]["board"] == "Kommunstyrelsen"
    after = dict(read_db(home, "SELECT id, updated_at FROM documents"))
    untouched = set(before) - {damaged, other}
    assert all(after[i] == before[i] for i in untouched)  # stored and indexed anew only if changed
    assert run.search_ids("dnr:ks-2019/77") == [damaged]
    assert run.json("archive", "verify")["index"]["stale"] == []
    # Nothing left to change: a second run changes nothing.
    assert run.json("archive", "rerun")["changed"] == 0
    assert run.json("archive", "rerun", "--outdated")["documents"] == 0


def test_rerun_from_the_file_needs_the_file(run, doc_folder, run_process):
    run.ingest_ok(doc_folder.path)
    report = run.json("archive", "rerun", "--stage", "ocr", doc_folder.id("budget.pdf"),
                      doc_folder.id("skrivelse.txt"))
    assert (report["documents"], report["changed"], report["failed"]) == (2, 0, 0)
    doc_folder.files["budget.pdf"].unlink()
    failed = run_process("archive", "rerun", "--stage", "ocr")
    assert failed.exit_code == 1
    assert_no_traceback(failed)
    [line] = failed.stderr.splitlines()
    assert str(doc_folder.files["budget.pdf"]) in line and "no file holds" in line
    assert "4 documents re-run from the ocr stage: 0 changed, 3 unchanged, 1 failed" in failed.stdout
    assert run.search_ids("konsthallen") == [doc_folder.id("budget.pdf")]  # kept as it was


# ---- export ------------------------------------------------------------------------------


def test_export_round_trips_every_document(run, doc_folder, tmp_path, home):
    bad = doc_folder.path / "trasig.pdf"
    bad.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    assert run("ingest", doc_folder.path).exit_code == 1
    run("tag", doc_folder.id("budget.pdf"), "--type", "policy")

    result = run("archive", "export")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert {r["id"] for r in records} == set(doc_folder.ids.values())
    for record in records:
        shown = run.json("show", record["id"])
        for key in ("text", "title", "type", "metadata", "paths", "manual_tags", "page_count", "pages"):
            assert record[key] == shown[key], key
        assert record["raw_text"] and record["duplicate_of"] is None
    budget = next(r for r in records if r["id"] == doc_folder.id("budget.pdf"))
    assert budget["type"] == "policy" and budget["manual_tags"]["type"]["value"] == "policy"
    assert "Exported 4 documents to standard output" in result.stderr

    out = tmp_path / "backup.jsonl"
    report = run.json("archive", "export", "--output", out, "--include-failed")
    assert report["documents"] == 5 and report["bytes"] == out.stat().st_size
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert exported[:4] == records
    assert exported[4]["id"] == sha256_of(bad) and exported[4]["status"] == "failed"
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_export_to_an_unwritable_place_is_one_line(run_process, tmp_path, doc_folder):
    assert run_process("ingest", doc_folder.path).exit_code == 0
    result = run_process("archive", "export", "--output", tmp_path / "finns-inte" / "ut.jsonl")
    assert result.exit_code == 1
    assert_no_traceback(result)
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: cannot write ") and "No such file or directory" in line


def test_store_of_schema_3_gains_the_links_table(run, home, doc_folder):
    run.ingest_ok(doc_folder.path)
    write_db(home, "DROP TABLE duplicate_links")
    write_db(home, "UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    assert run.json("archive", "dedupe")["groups"] == []
    assert read_db(home, "SELECT value FROM meta WHERE key = 'schema_version'") == [("5",)]
    assert read_db(home, "SELECT count(*) FROM duplicate_links") == [(0,)]


def test_store_of_schema_4_gains_the_words_table_and_rerun_fills_it(run, home, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a", "b"):  # two clean documents that write the same local name
        (folder / f"{name}.txt").write_text(
            f"Förskolan på Glömstavägen flyttar ({name}). Föräldrarna på Glömstavägen har fått "
            "information om flytten och om tidplanen för arbetet med de nya lokalerna.\n",
            encoding="utf-8")
    run.ingest_ok(folder)
    write_db(home, "DROP TABLE document_words")
    write_db(home, "UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    run.json("archive", "rerun", "--stage", "tag")
    assert read_db(home, "SELECT value FROM meta WHERE key = 'schema_version'") == [("5",)]
    assert read_db(home, "SELECT count(*) FROM document_words") == [(0,)]
    run.json("archive", "rerun", "--stage", "repair")  # reads them again: now they lend their words
    assert read_db(home, "SELECT count(*) FROM document_words WHERE word = 'glömstavägen'") == [(2,)]
