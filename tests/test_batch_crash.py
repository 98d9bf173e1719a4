"""Crash safety of batch ingest, for real: `beslut ingest` runs as a process of
its own on a folder of generated files (text files, born-digital PDFs, one
scanned page, a copy), is killed with SIGKILL at a chosen moment, and is run
again. Then every file must be in the store once, store and index must hold the
same documents (none twice), the outbox must be empty, searches must find the
documents, and no worker process of the killed run may be left behind.

The moments: 0.2 s in (workers still starting), at two seeded random times
(1.5 s and 2.9 s; the second with --jobs 1, which reads in the ingest process
itself), in the middle of a batch (documents stored, not yet indexed), while
the index commits (whoosh's write lock held), and twice in a row. Index commits
come every 4 documents here (BESLUT_SYNC_EVERY_DOCS), so that a small batch
has many of them.
"""

import fcntl
import os
import random
import shutil
import signal
import time
from pathlib import Path

import pytest

from .conftest import assert_no_traceback, read_db, sha256_of
from .processes import alive, cmdline, descendants, outbox, stored
from .scanned import SWEDISH_PAGE, render_page_image, write_image_pdf

COMMON_WORD = "fastighetsunderhåll"  # in every document but the scan
SCAN_WORD = "vinterväghållning"  # in the scan only
N_TEXT = 20
N_PDF = 18
SYNC_EVERY = 4
KILL_DEADLINE_S = 30
DPI = "200"  # the scan is rendered for OCR at this resolution: quicker, still read right


def _body(i: int) -> str:
    return (f"Ärende {i}. Kommunstyrelsen behandlar {COMMON_WORD} i kommunens lokaler, "
            f"fastighet nummer {i * 7 + 3}. Förvaltningen föreslår att arbetet upphandlas "
            f"under året och redovisas för nämnden.")


@pytest.fixture(scope="session")
def crash_source(tmp_path_factory, pdf_cache) -> Path:
    """40 files: 20 text, 18 born-digital PDFs (one of two pages), one scanned
    page (image-only PDF, last in walk order), and a copy of a text file in a
    subfolder (a duplicate: one document, two paths)."""
    folder = tmp_path_factory.mktemp("crash") / "arkiv"
    folder.mkdir()
    for i in range(N_TEXT):
        encoding = "cp1252" if i % 5 == 4 else "utf-8"
        (folder / f"t{i:03}.txt").write_bytes(f"Tjänsteutlåtande {i}\n\n{_body(i)}\n".encode(encoding))
    for i in range(N_PDF):
        pages = [f"Protokoll {i}\n\n{_body(100 + i)}"] + ([f"Bilaga\n\n{_body(200 + i)}"] if i == 0 else [])
        pdf_cache(folder / f"p{i:03}.pdf", pages)
    (folder / "kopior").mkdir()
    shutil.copyfile(folder / "t000.txt", folder / "kopior" / "t000-kopia.txt")
    write_image_pdf(folder / "zz-skannad.pdf", [render_page_image(SWEDISH_PAGE)])
    return folder


@pytest.fixture
def crash_folder(tmp_path, crash_source) -> Path:
    folder = tmp_path / "arkiv"
    shutil.copytree(crash_source, folder)
    return folder


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


# ---- watching a process -----------------------------------------------------------------

def index_is_writing(home: Path) -> bool:
    """Whether whoosh's write lock is held (the index is taking a batch)."""
    lock = home / "index" / "MAIN_WRITELOCK"
    try:
        fd = os.open(lock, os.O_WRONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def kill_when(proc, condition, what: str, poll: float = 0.005) -> set[int]:
    """SIGKILL proc once condition() holds; returns its descendants at that moment."""
    deadline = time.monotonic() + KILL_DEADLINE_S
    while not condition():
        assert proc.poll() is None, f"ingest finished before {what}: {proc.communicate()}"
        assert time.monotonic() < deadline, f"no {what} within {KILL_DEADLINE_S} s"
        time.sleep(poll)
    below = descendants(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL, proc.returncode
    return below


def assert_none_left(pids: set[int], timeout: float = 20) -> None:
    """The killed run's workers and fork server go with it. (A Tesseract child
    finishes its page and ends: not waited for here.)"""
    pids = {pid for pid in pids if b"python" in cmdline(pid)}
    deadline = time.monotonic() + timeout
    while (left := {pid for pid in pids if alive(pid)}) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not left, f"processes of the killed ingest still running: {left}"


# ---- the checks -----------------------------------------------------------------------

def assert_complete(run, home: Path, folder: Path) -> None:
    files = files_in(folder)
    expected_ids = {sha256_of(p) for p in files}
    paths = read_db(home, "SELECT path, doc_id, status FROM paths")
    assert sorted(p for p, _, _ in paths) == sorted(str(p) for p in files), "every file once in paths"
    assert {status for _, _, status in paths} == {"ok"}, paths
    assert {doc_id for _, doc_id, _ in paths} == expected_ids
    documents = read_db(home, "SELECT id, status FROM documents")
    assert sorted(d for d, _ in documents) == sorted(expected_ids), "every document once"
    assert {status for _, status in documents} == {"ok"}
    assert outbox(home) == 0, "changes left in the outbox"

    status = run.status()
    assert status["consistent"] is True, status
    assert status["pending_changes"] == 0
    assert status["documents"]["ok"] == len(expected_ids)
    assert status["index"]["documents"] == len(expected_ids), "the index holds a document twice"
    hits = run.json("search", COMMON_WORD, "--limit", "100")
    assert hits["total"] == len(expected_ids) - 1  # all but the scan
    assert len(set(h["id"] for h in hits["hits"])) == hits["total"]
    assert len(run.search_ids(SCAN_WORD)) == 1


def rerun(run_process, folder: Path, env) -> dict:
    result = run_process("ingest", "--dpi", DPI, folder, "--json", env=env, timeout=120)
    assert result.exit_code == 0, result.output
    assert_no_traceback(result)
    report = result.json()
    assert report["failed"] == 0, report
    return report


@pytest.fixture
def env(run_process):
    return run_process.env({"BESLUT_SYNC_EVERY_DOCS": str(SYNC_EVERY)})


def start(run_process, folder, env, *extra):
    return run_process.popen("ingest", "--jobs", "2", "--dpi", DPI, *extra, folder, env=env)


# ---- the moments ------------------------------------------------------------------------

def after(seconds: float):
    deadline = time.monotonic() + seconds
    return lambda: time.monotonic() >= deadline


@pytest.mark.parametrize("moment, jobs", [("0.2s", "2"), ("seed-1", "2"), ("seed-3", "1")])
def test_killed_at_a_moment_then_rerun_completes(moment, jobs, run, run_process, home, crash_folder,
                                                 env):
    """--jobs 1 reads every file in the ingest process itself: killed too."""
    seconds = 0.2 if moment == "0.2s" else random.Random(moment).uniform(0.3, 3.0)
    proc = run_process.popen("ingest", "--jobs", jobs, "--dpi", DPI, crash_folder, env=env)
    below = kill_when(proc, after(seconds), f"{seconds:.2f} s")
    assert_none_left(below)
    report = rerun(run_process, crash_folder, env)
    assert report["new"] + report["unchanged"] + report["duplicate"] == len(files_in(crash_folder))
    assert_complete(run, home, crash_folder)


def test_killed_mid_batch_with_documents_stored_but_not_indexed(run, run_process, home,
                                                               crash_folder, env):
    proc = start(run_process, crash_folder, env)
    below = kill_when(proc, lambda: stored(home) >= 6 and outbox(home) > 0,
                      "documents waiting in the outbox")
    assert_none_left(below)
    in_store = stored(home)
    report = rerun(run_process, crash_folder, env)
    assert report["unchanged"] >= in_store  # each stored document with its path
    assert_complete(run, home, crash_folder)


def test_killed_while_the_index_commits(run, run_process, home, crash_folder, env):
    proc = start(run_process, crash_folder, env)
    below = kill_when(proc, lambda: stored(home) >= 2 and index_is_writing(home),
                      "index commit", poll=0.001)
    assert_none_left(below)
    rerun(run_process, crash_folder, env)
    assert_complete(run, home, crash_folder)


def test_killed_twice_then_completes(run, run_process, home, crash_folder, env):
    proc = start(run_process, crash_folder, env)
    assert_none_left(kill_when(proc, lambda: stored(home) >= 3, "3 documents stored"))
    first = stored(home)
    proc = start(run_process, crash_folder, env)
    assert_none_left(kill_when(proc, lambda: stored(home) >= first + 5, "5 more documents stored"))
    rerun(run_process, crash_folder, env)
    assert_complete(run, home, crash_folder)
