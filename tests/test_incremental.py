"""Ingest is incremental: unchanged files are not read again, changed files replace
their old version, moved and copied files are recognised by their bytes."""

import os
import shutil

from .conftest import assert_no_traceback, read_db, sha256_of, write_db

SENTINEL = "2000-01-01T00:00:00+00:00"


def ingest_report(run, *paths) -> dict:
    return run.json("ingest", *paths)


def mark_documents(home) -> None:
    """Stamp every stored document with an old updated_at: storing a document again
    (that is, extracting it again) sets it to now."""
    write_db(home, "UPDATE documents SET updated_at = ?", (SENTINEL,))


def restamped(home) -> list[str]:
    """Ids of documents stored again since mark_documents."""
    return [r[0] for r in read_db(home, "SELECT id FROM documents WHERE updated_at != ?",
                                  (SENTINEL,))]


def bump_mtime(path, seconds=10) -> None:
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 1_000_000_000))


def test_first_ingest_reports_all_new(run, home, doc_folder):
    report = ingest_report(run, doc_folder.path)
    n = len(doc_folder.files)
    assert report["files"] == n
    assert report["new"] == n
    assert report["unchanged"] == report["updated"] == report["failed"] == 0
    stored = {r[0] for r in read_db(home, "SELECT id FROM documents WHERE status = 'ok'")}
    assert stored == set(doc_folder.ids.values())


def test_rerun_reports_unchanged_and_does_not_reextract(run, home, doc_folder):
    ingest_report(run, doc_folder.path)
    mark_documents(home)
    before = read_db(home, "SELECT id, text, page_count FROM documents ORDER BY id")

    report = ingest_report(run, doc_folder.path)
    n = len(doc_folder.files)
    assert report["files"] == n
    assert report["unchanged"] == n
    assert report["new"] == report["updated"] == report["moved"] == report["failed"] == 0
    assert restamped(home) == []
    assert read_db(home, "SELECT id, text, page_count FROM documents ORDER BY id") == before
    assert run.status()["consistent"] is True


def test_rerun_in_a_new_process_is_unchanged_too(run_process, home, doc_folder):
    first = run_process("ingest", doc_folder.path)
    assert first.exit_code == 0, first.output
    mark_documents(home)
    second = run_process("ingest", doc_folder.path, "--json")
    assert second.exit_code == 0, second.output
    assert_no_traceback(second)
    report = second.json()
    assert report["unchanged"] == len(doc_folder.files) and report["new"] == 0
    assert restamped(home) == []


def test_touched_file_is_unchanged(run, home, doc_folder):
    ingest_report(run, doc_folder.path)
    mark_documents(home)
    touched = doc_folder.files["protokoll.pdf"]
    bump_mtime(touched)

    report = ingest_report(run, doc_folder.path)
    assert report["unchanged"] == len(doc_folder.files)
    assert report["new"] == report["updated"] == report["moved"] == report["duplicate"] == 0
    assert restamped(home) == []  # hashed, recognised, not extracted again
    # The new modification time is remembered: the next run skips it without hashing.
    (mtime,) = read_db(home, "SELECT mtime_ns FROM paths WHERE path = ?", (str(touched),))[0]
    assert mtime == os.stat(touched).st_mtime_ns
    shown = run.json("show", doc_folder.id("protokoll.pdf"))
    assert shown["paths"] == [str(touched)]


def test_changed_file_replaces_old_version(run, home, doc_folder):
    ingest_report(run, doc_folder.path)
    target = doc_folder.files["yttrande.txt"]
    old_id = doc_folder.id("yttrande.txt")
    assert run.search_ids("dagvattnet") == [old_id]
    count = run.status()["documents"]["ok"]

    target.write_text("Yttrande över detaljplan för kvarteret Granen, reviderat\n\n"
                      "Förvaltningen tillstyrker planen och föreslår en ny cykelbana.\n",
                      encoding="utf-8")
    bump_mtime(target)
    new_id = sha256_of(target)
    assert new_id != old_id
    mark_documents(home)

    report = ingest_report(run, doc_folder.path)
    assert report["updated"] == 1
    assert restamped(home) == [new_id]  # extracted: only the changed file
    assert report["unchanged"] == len(doc_folder.files) - 1
    assert report["new"] == 0

    assert run.search_ids("dagvattnet") == []  # the old text is gone from the index
    assert run.search_ids("cykelbana") == [new_id]
    status = run.status()
    assert status["documents"]["ok"] == count
    assert status["consistent"] is True
    ids = {r[0] for r in read_db(home, "SELECT id FROM documents")}
    assert old_id not in ids and new_id in ids
    shown = run.json("show", new_id)
    assert shown["paths"] == [str(target)]
    assert "cykelbana" in shown["text"]
    gone = run("show", old_id)
    assert gone.exit_code == 1


def test_changed_pdf_replaces_old_version(run, home, doc_folder, make_pdf):
    ingest_report(run, doc_folder.path)
    target = doc_folder.files["budget.pdf"]
    old_id = doc_folder.id("budget.pdf")
    make_pdf(target, ["Budget 2025 för kulturförvaltningen\n\nAnslaget till bibliotekets "
                      "meröppna filial minskas."])
    bump_mtime(target)
    new_id = sha256_of(target)

    report = ingest_report(run, doc_folder.path)
    assert report["updated"] == 1
    assert run.search_ids("konsthallen") == []
    assert run.search_ids("filial") == [new_id]
    assert old_id not in {r[0] for r in read_db(home, "SELECT id FROM documents")}
    assert run.status()["documents"]["ok"] == len(doc_folder.files)


def test_moved_file_is_recognised_by_hash(run, home, doc_folder):
    ingest_report(run, doc_folder.path)
    mark_documents(home)
    old = doc_folder.files["protokoll.pdf"]
    doc_id = doc_folder.id("protokoll.pdf")
    new = old.with_name("protokoll-2024-03-12.pdf")
    old.rename(new)

    report = ingest_report(run, doc_folder.path)
    assert report["moved"] == 1
    assert report["new"] == report["updated"] == report["duplicate"] == 0
    assert report["unchanged"] == len(doc_folder.files) - 1
    assert restamped(home) == []  # not extracted again

    shown = run.json("show", doc_id)
    assert shown["id"] == doc_id
    assert shown["paths"] == [str(new)]
    assert shown["path"] == str(new)
    hits = run.json("search", "brandstationen")["hits"]
    assert [h["id"] for h in hits] == [doc_id]
    assert hits[0]["paths"] == [str(new)]
    status = run.status()
    assert status["documents"]["ok"] == len(doc_folder.files)
    assert status["paths"]["ok"] == len(doc_folder.files)
    assert status["consistent"] is True


def test_moved_into_subfolder(run, home, doc_folder):
    ingest_report(run, doc_folder.path)
    old = doc_folder.files["skrivelse.txt"]
    doc_id = doc_folder.id("skrivelse.txt")
    (doc_folder.path / "arkiv").mkdir()
    new = doc_folder.path / "arkiv" / "skrivelse.txt"
    old.rename(new)

    report = ingest_report(run, doc_folder.path)
    assert report["moved"] == 1
    assert run.json("show", doc_id)["paths"] == [str(new)]


def test_copy_is_one_document_with_two_paths(run, home, doc_folder):
    ingest_report(run, doc_folder.path)
    mark_documents(home)
    original = doc_folder.files["budget.pdf"]
    doc_id = doc_folder.id("budget.pdf")
    copy = original.with_name("budget-kopia.pdf")
    shutil.copy2(original, copy)

    report = ingest_report(run, doc_folder.path)
    assert report["duplicate"] == 1
    assert report["new"] == report["moved"] == report["updated"] == 0
    assert restamped(home) == []

    shown = run.json("show", doc_id)
    assert sorted(shown["paths"]) == sorted([str(original), str(copy)])
    status = run.status()
    assert status["documents"]["ok"] == len(doc_folder.files)
    assert status["paths"]["ok"] == len(doc_folder.files) + 1
    hits = run.json("search", "konsthallen")["hits"]
    assert [h["id"] for h in hits] == [doc_id]  # one hit, not two
    assert sorted(hits[0]["paths"]) == sorted([str(original), str(copy)])

    # And a third run sees both paths as unchanged.
    again = ingest_report(run, doc_folder.path)
    assert again["unchanged"] == len(doc_folder.files) + 1
    assert again["duplicate"] == 0


def test_copy_ingested_in_the_same_run(run, home, doc_folder):
    shutil.copy2(doc_folder.files["yttrande.txt"], doc_folder.path / "yttrande-kopia.txt")
    report = ingest_report(run, doc_folder.path)
    assert report["new"] == len(doc_folder.files)
    assert report["duplicate"] == 1
    assert run.status()["documents"]["ok"] == len(doc_folder.files)
    assert len(run.json("show", doc_folder.id("yttrande.txt"))["paths"]) == 2


def test_file_overwritten_with_another_documents_bytes(run, home, doc_folder):
    """yttrande.txt now holds skrivelse.txt's bytes: its old document has no path
    left and goes; skrivelse's document gains a path."""
    ingest_report(run, doc_folder.path)
    target = doc_folder.files["yttrande.txt"]
    shutil.copyfile(doc_folder.files["skrivelse.txt"], target)
    bump_mtime(target)

    ingest_report(run, doc_folder.path)
    assert run.search_ids("dagvattnet") == []
    skrivelse = run.json("show", doc_folder.id("skrivelse.txt"))
    assert sorted(skrivelse["paths"]) == sorted([str(target), str(doc_folder.files["skrivelse.txt"])])
    status = run.status()
    assert status["documents"]["ok"] == len(doc_folder.files) - 1
    assert status["consistent"] is True
