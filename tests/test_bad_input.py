"""Bad files among good ones: each is reported once, on one line, with a reason;
the good files go in regardless; the run exits 1; nothing crashes."""

import io
import json
import os
import random
import re
import zipfile
from pathlib import Path

import pytest

from .conftest import assert_no_traceback, sha256_of, stderr_lines, write_good_documents

# ---- building bad files -----------------------------------------------------------------


def _real_pdf_bytes(make_pdf, tmp: Path) -> bytes:
    return make_pdf(tmp / "_original.pdf", ["Ett riktigt protokoll om vägunderhåll.",
                                             "Sida två om snöröjning."]).read_bytes()


def bad_empty(folder, make_pdf, tmp):
    path = folder / "tomt.pdf"
    path.write_bytes(b"")
    return [(path, r"empty")]


def bad_truncated(folder, make_pdf, tmp):
    data = _real_pdf_bytes(make_pdf, tmp)
    path = folder / "avbruten.pdf"
    path.write_bytes(data[: len(data) // 2])
    return [(path, r"damaged|truncated")]


def bad_corrupt(folder, make_pdf, tmp):
    path = folder / "trasig.pdf"
    path.write_bytes(b"%PDF-1.7\n" + random.Random(20240101).randbytes(6000))
    return [(path, r"damaged")]


def bad_encrypted(folder, make_pdf, tmp):
    path = make_pdf(folder / "hemlig.pdf", ["Sekretessbelagd uppgift om brukaren."],
                    user_password="hemligt")
    return [(path, r"password|encrypted")]


def bad_html(folder, make_pdf, tmp):
    path = folder / "webbsida.pdf"
    path.write_text("<!DOCTYPE html>\n<html><head><title>Protokoll</title></head>"
                    "<body><p>Sidan kunde inte hittas</p></body></html>\n", encoding="utf-8")
    return [(path, r"not a PDF.*HTML")]


def bad_docx(folder, make_pdf, tmp):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("word/document.xml", "<w:document>Beslut om bygglov</w:document>")
    path = folder / "beslut.docx"
    path.write_bytes(buffer.getvalue())
    return [(path, r"unsupported.*\.docx")]


def bad_dangling_symlink(folder, make_pdf, tmp):
    path = folder / "borta.pdf"
    os.symlink(folder / "finns-inte.pdf", path)
    return [(path, r"broken symbolic link")]


def bad_fifo(folder, make_pdf, tmp):
    path = folder / "ror.txt"
    os.mkfifo(path)
    return [(path, r"not a regular file|pipe")]


def bad_symlink_loops(folder, make_pdf, tmp):
    nested = folder / "underlag"
    nested.mkdir()
    (nested / "bilaga.txt").write_text("Bilaga om fotbollsplanen vid Stuvsta.\n", encoding="utf-8")
    up = nested / "upp"
    os.symlink("..", up)  # a subfolder leading back to its parent's parent
    self_link = folder / "sjalv.pdf"
    os.symlink("sjalv.pdf", self_link)  # a link to itself
    return [(up, r"loop"), (self_link, r"loop")]


BAD_CASES = {
    "empty": bad_empty,
    "truncated-pdf": bad_truncated,
    "corrupt-pdf": bad_corrupt,
    "encrypted-pdf": bad_encrypted,
    "html-as-pdf": bad_html,
    "docx": bad_docx,
    "dangling-symlink": bad_dangling_symlink,
    "fifo": bad_fifo,
    "symlink-loops": bad_symlink_loops,
}
# A FIFO opened for reading blocks: run those cases in a real process with a timeout.
NEEDS_PROCESS = {"fifo"}


def check_failure_lines(stderr: str, bad: list[tuple[Path, str]]) -> None:
    lines = stderr_lines(stderr)
    assert len(lines) == len(bad), f"expected {len(bad)} error lines, got:\n{stderr}"
    for path, reason in bad:
        naming = [line for line in lines if str(path) in line]
        assert len(naming) == 1, f"{path} named in {len(naming)} lines:\n{stderr}"
        reason_text = naming[0].split(str(path), 1)[1].lstrip(": ")
        assert reason_text, f"no reason given: {naming[0]}"
        assert re.search(reason, reason_text, re.IGNORECASE), f"{reason!r} not in {naming[0]!r}"


def check_failed_files(status: dict, bad: list[tuple[Path, str]]) -> None:
    failed = {entry["path"]: entry["reason"] for entry in status["failed_files"]}
    assert set(failed) == {os.path.abspath(path) for path, _ in bad}
    for path, reason in bad:
        assert re.search(reason, failed[os.path.abspath(path)], re.IGNORECASE)


def check_good_searchable(run, docs) -> None:
    for name, word in docs.words.items():
        ids = run.search_ids(word)
        assert ids == [docs.id(name)], f"{word} should find {name} only, got {ids}"


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_file_among_good_ones(case, tmp_path, make_pdf, run, run_process):
    docs = write_good_documents(tmp_path / "docs", make_pdf)
    bad = BAD_CASES[case](docs.path, make_pdf, tmp_path)

    if case in NEEDS_PROCESS:
        result = run_process("ingest", docs.path, timeout=30)
    else:
        result = run("ingest", docs.path)

    assert result.exit_code == 1, (result.output, result.exception)
    assert_no_traceback(result)
    check_failure_lines(result.stderr, bad)
    # The summary on stdout counts them.
    summary = result.stdout.strip().splitlines()[-1]
    extra_good = 1 if case == "symlink-loops" else 0  # underlag/bilaga.txt
    assert summary.startswith(f"{len(docs.files) + extra_good + len(bad)} files:"), summary
    assert f"{len(docs.files) + extra_good} new" in summary, summary
    assert f"{len(bad)} failed" in summary, summary

    status = run.status()
    check_failed_files(status, bad)
    assert status["documents"]["ok"] == len(docs.files) + extra_good
    assert status["consistent"] is True
    check_good_searchable(run, docs)
    if case == "symlink-loops":
        bilaga = docs.path / "underlag" / "bilaga.txt"
        found = run.json("search", "fotbollsplanen")
        assert [h["id"] for h in found["hits"]] == [sha256_of(bilaga)]
        # Walked once, not once more through the loop.
        assert found["hits"][0]["paths"] == [str(bilaga)]


def test_all_bad_kinds_in_one_folder(tmp_path, make_pdf, run, run_process):
    docs = write_good_documents(tmp_path / "docs", make_pdf)
    bad = []
    for build in BAD_CASES.values():
        bad += build(docs.path, make_pdf, tmp_path)

    result = run_process("ingest", docs.path, timeout=60)
    assert result.exit_code == 1, (result.output, result.exception)
    assert_no_traceback(result)
    check_failure_lines(result.stderr, bad)

    status = run_process("status", "--json")
    assert status.exit_code == 0, (status.output, status.exception)
    status = status.json()
    check_failed_files(status, bad)
    assert status["consistent"] is True
    check_good_searchable(run, docs)


def test_each_failure_line_is_one_line_in_json_mode_too(tmp_path, make_pdf, run):
    docs = write_good_documents(tmp_path / "docs", make_pdf)
    bad = bad_corrupt(docs.path, make_pdf, tmp_path) + bad_empty(docs.path, make_pdf, tmp_path)
    result = run("ingest", docs.path, "--json")
    assert result.exit_code == 1, (result.output, result.exception)
    assert_no_traceback(result)
    report = json.loads(result.stdout)
    assert report["failed"] == 2
    assert report["new"] == len(docs.files)
    assert {f["path"] for f in report["failures"]} == {str(p) for p, _ in bad}
    assert all("\n" not in f["reason"] and f["reason"] for f in report["failures"])


def test_missing_path_on_command_line(tmp_path, make_pdf, run):
    docs = write_good_documents(tmp_path / "docs", make_pdf)
    missing = tmp_path / "finns-inte"
    result = run("ingest", docs.path, missing)
    assert result.exit_code == 1, (result.output, result.exception)
    assert_no_traceback(result)
    check_failure_lines(result.stderr, [(missing, r"no such file")])
    check_good_searchable(run, docs)


def test_fifo_named_on_command_line_does_not_hang(tmp_path, run_process):
    fifo = tmp_path / "kanal.txt"
    os.mkfifo(fifo)
    result = run_process("ingest", fifo, timeout=30)
    assert result.exit_code == 1
    assert_no_traceback(result)
    check_failure_lines(result.stderr, [(fifo, r"not a regular file|pipe")])


@pytest.mark.parametrize("corrupt", ["truncated", "random", "empty"])
def test_stored_document_survives_a_corrupt_replacement(corrupt, tmp_path, make_pdf, run):
    docs = write_good_documents(tmp_path / "docs", make_pdf)
    target = docs.files["protokoll.pdf"]
    good_id = docs.id("protokoll.pdf")
    run.ingest_ok(docs.path)
    assert run.search_ids("brandstationen") == [good_id]

    data = target.read_bytes()
    if corrupt == "truncated":
        target.write_bytes(data[: len(data) // 2])
    elif corrupt == "random":
        target.write_bytes(b"%PDF-1.4\n" + random.Random(7).randbytes(len(data)))
    else:
        target.write_bytes(b"")
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000_000))

    second = run("ingest", docs.path)
    assert second.exit_code == 1, (second.output, second.exception)
    assert_no_traceback(second)
    check_failure_lines(second.stderr, [(target, r"damaged|truncated|empty")])

    # The old, good version is still stored and searchable.
    assert run.search_ids("brandstationen") == [good_id]
    shown = run.json("show", good_id)
    assert shown["status"] == "ok"
    assert "brandstationen" in shown["text"]
    status = run.status()
    assert [f["path"] for f in status["failed_files"]] == [str(target)]
    assert status["documents"]["ok"] == len(docs.files)
    assert status["consistent"] is True
    # The other documents are untouched.
    check_good_searchable(run, docs)

    # Running again changes nothing: still one failure, the old document still there.
    third = run("ingest", docs.path)
    assert third.exit_code == 1, (third.output, third.exception)
    check_failure_lines(third.stderr, [(target, r"damaged|truncated|empty")])
    assert run.search_ids("brandstationen") == [good_id]


def test_restoring_the_good_file_after_a_corrupt_copy(tmp_path, make_pdf, run):
    """Good bytes, then corrupt bytes, then the good bytes again at the same path:
    the failure clears, and the path is not reported as a copy of itself."""
    docs = write_good_documents(tmp_path / "docs", make_pdf)
    target = docs.files["protokoll.pdf"]
    good = target.read_bytes()
    run.ingest_ok(docs.path)

    target.write_bytes(good[: len(good) // 2])
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000_000))
    failing = run("ingest", docs.path)
    assert failing.exit_code == 1, (failing.output, failing.exception)

    target.write_bytes(good)
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 20_000_000_000))
    result = run("ingest", docs.path, "--json")
    assert result.exit_code == 0, (result.output, result.exception)
    report = json.loads(result.stdout)
    assert report["failed"] == 0
    status = run.status()
    assert status["failed_files"] == []
    assert status["documents"] == {"ok": len(docs.files), "failed": 0}
    assert run.json("show", docs.id("protokoll.pdf"))["paths"] == [str(target)]
    # One path holding the document it held before: not a duplicate, not a move.
    assert report["duplicate"] == 0 and report["moved"] == 0, report
    assert report["unchanged"] + report["updated"] == len(docs.files), report


def test_failed_document_can_be_shown(tmp_path, make_pdf, run):
    docs = write_good_documents(tmp_path / "docs", make_pdf)
    [(path, _)] = bad_encrypted(docs.path, make_pdf, tmp_path)
    failing = run("ingest", docs.path)
    assert failing.exit_code == 1, (failing.output, failing.exception)
    shown = run.json("show", sha256_of(path))
    assert shown["status"] == "failed"
    assert "password" in shown["reason"]
    assert run.status()["documents"]["failed"] == 1


def test_hidden_files_in_folders_are_skipped(tmp_path, make_pdf, run):
    docs = write_good_documents(tmp_path / "docs", make_pdf)
    (docs.path / ".~lock.protokoll.pdf#").write_text("lås", encoding="utf-8")
    hidden_dir = docs.path / ".git"
    hidden_dir.mkdir()
    (hidden_dir / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (docs.path / ".dold.txt").write_text("Hemlig anteckning om fjärrvärmen.", encoding="utf-8")
    result = run("ingest", docs.path)
    assert result.exit_code == 0, (result.output, result.exception)
    assert result.stderr == ""
    assert run.status()["documents"]["ok"] == len(docs.files)
    assert run.search_ids("fjärrvärmen") == []
    # Named on the command line, a hidden file is taken.
    run.ingest_ok(docs.path / ".dold.txt")
    assert run.search_ids("fjärrvärmen") == [sha256_of(docs.path / ".dold.txt")]
