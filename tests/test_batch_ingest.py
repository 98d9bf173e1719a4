"""Batch ingest with real processes: a second ingest waits for the first (or
gives up at once with --no-wait), searches see each batch as it is committed,
--jobs 2 stores what --jobs 1 stores, a worker that dies costs nothing, and
--watch ingests files dropped into a folder once they have stopped growing."""

import json
import os
import select
import shutil
import signal
import time
from pathlib import Path

import pytest

from beslut.ingest_command import EXIT_BUSY
from beslut.lock import WriterLock

from .conftest import assert_no_traceback, read_db, sha256_of, write_db
from .scanned import SWEDISH_PAGE, render_page_image, write_image_pdf
from .processes import cmdline, descendants, stored
from .test_batch_crash import COMMON_WORD

WAITING = "waiting for another ingest (pid {pid}) to finish…"


@pytest.fixture(scope="session")
def mixed_source(tmp_path_factory, pdf_cache) -> Path:
    """A mixed batch of 16 files: text files (UTF-8, Windows-1252, UTF-16),
    born-digital PDFs, a scanned page, a copy, and a file that fails."""
    folder = tmp_path_factory.mktemp("mixed") / "inkorg"
    folder.mkdir()
    body = (f"Socialnämnden behandlar {COMMON_WORD} och skolskjutsar. Förvaltningen föreslår "
            f"att nämnden godkänner redovisningen.")
    for i in range(6):
        encoding = ("utf-8", "cp1252", "utf-16")[i % 3]
        (folder / f"t{i:02}.txt").write_bytes(f"Yttrande {i}\n\n{body} Diarienummer SN {i}.\n"
                                             .encode(encoding))
    for i in range(6):
        pdf_cache(folder / f"p{i:02}.pdf", [f"Protokoll {i}\n\n{body}", f"Paragraf {i}\n\nBeslut."])
    write_image_pdf(folder / "skannad.pdf", [render_page_image(SWEDISH_PAGE)])
    shutil.copyfile(folder / "t00.txt", folder / "t00-kopia.txt")
    (folder / "trasig.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<\n")  # truncated
    (folder / "tom.txt").write_bytes(b"")
    return folder


@pytest.fixture
def mixed(tmp_path, mixed_source) -> Path:
    folder = tmp_path / "inkorg"
    shutil.copytree(mixed_source, folder)
    return folder


def read_line(stream, timeout: float) -> str:
    """One line from a process's pipe, waiting at most timeout seconds."""
    ready, _, _ = select.select([stream], [], [], timeout)
    assert ready, f"no output within {timeout} s"
    return stream.readline()


def store_snapshot(home: Path) -> dict:
    """What the store holds, without timestamps."""
    return {
        "documents": read_db(home, "SELECT id, status, reason, kind, size, page_count, raw_text, "
                                   "text, doc_type, title, doc_date, metadata, details, "
                                   "pipeline_version FROM documents ORDER BY id"),
        "pages": read_db(home, "SELECT doc_id, number, source, reason, chars, scores FROM pages "
                               "ORDER BY doc_id, number"),
        "paths": read_db(home, "SELECT path, doc_id, size, mtime_ns, status, reason FROM paths "
                               "ORDER BY path"),
        "outbox": read_db(home, "SELECT count(*) FROM index_outbox"),
    }


# ---- one writer at a time ---------------------------------------------------------------

def test_a_second_ingest_waits_for_the_writer_lock(run, run_process, home, doc_folder):
    lock = WriterLock(home, "ingest")
    lock.acquire()
    try:
        proc = run_process.popen("ingest", doc_folder.path)
        line = read_line(proc.stderr, timeout=30)
        assert line.strip() == WAITING.format(pid=os.getpid())
        time.sleep(0.5)
        assert proc.poll() is None, "it did not wait"
        assert stored(home) == 0
    finally:
        lock.release()
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr and "LockError" not in stderr
    assert "4 new" in stdout
    assert run.status()["consistent"] is True


def test_status_says_who_is_writing_while_the_index_catches_up(run, run_process, home, doc_folder):
    run.ingest_ok(doc_folder.path)
    # A batch stored but not yet indexed, as the writer leaves it between its commits.
    write_db(home, "INSERT INTO index_outbox (doc_id, action) SELECT id, 'upsert' FROM documents")
    lock = WriterLock(home, "ingest")
    lock.acquire()
    try:
        busy = run_process("status")  # another process: this one holds the lock
        busy_json = run_process("status", "--json")
    finally:
        lock.release()
    assert f"catching up: ingest (pid {os.getpid()}) is writing; 4 changes pending" in busy.stdout
    assert json.loads(busy_json.stdout)["writer"] == f"ingest (pid {os.getpid()})"
    idle = run_process("status")
    assert "NOT in step" in idle.stdout and "run 'beslut reindex'" in idle.stdout


def test_no_wait_exits_at_once_with_its_own_code(run_process, home, doc_folder):
    lock = WriterLock(home, "ingest")
    lock.acquire()
    try:
        started = time.monotonic()
        result = run_process("ingest", "--no-wait", doc_folder.path)
        assert time.monotonic() - started < 20
    finally:
        lock.release()
    assert result.exit_code == EXIT_BUSY == 75
    assert_no_traceback(result)
    assert result.stderr.strip().splitlines() == [
        f"Error: another ingest (pid {os.getpid()}) is running; not waiting for it (--no-wait)"]
    assert result.stdout == ""
    assert stored(home) == 0
    again = run_process("ingest", "--no-wait", doc_folder.path)  # free now: it runs
    assert again.exit_code == 0, again.output


def test_two_real_ingests_at_once_both_complete(run, run_process, home, mixed, doc_folder):
    first = run_process.popen("ingest", "--jobs", "2", mixed)
    deadline = time.monotonic() + 30
    while not (home / "writer.lock").exists() or not (home / "writer.lock").read_text().strip():
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    second = run_process("ingest", doc_folder.path)
    assert second.exit_code == 0, second.output
    assert_no_traceback(second)
    out, err = first.communicate(timeout=120)
    assert first.returncode == 1, err  # trasig.pdf and tom.txt fail
    assert "Traceback" not in err
    status = run.status()
    assert status["consistent"] is True
    assert status["documents"]["ok"] == 13 + 4  # 12 + the scan in mixed; 4 in doc_folder
    assert status["pending_changes"] == 0


def test_searches_work_during_ingest_and_see_each_committed_batch(run, run_process, home, mixed):
    """Index commits every 5 documents; the scan, read last and slowest, keeps
    the run going while 10 of the other 12 are searchable."""
    (mixed / "skannad.pdf").rename(mixed / "zz-skannad.pdf")
    env = run_process.env({"BESLUT_SYNC_EVERY_DOCS": "5"})
    proc = run_process.popen("ingest", "--jobs", "2", mixed, env=env)
    seen = []
    try:
        while proc.poll() is None:
            result = run("search", COMMON_WORD, "--json", "--limit", "50")
            assert result.exit_code == 0, result.output
            assert_no_traceback(result)
            seen.append(len(json.loads(result.stdout)["hits"]))
            time.sleep(0.05)
    finally:
        out, err = proc.communicate(timeout=120)
    assert "Traceback" not in err
    final = len(run.search_ids(COMMON_WORD))
    assert final == 12  # 6 texts (one copied) and 6 PDFs: 12 documents
    assert seen == sorted(seen), f"a search lost documents: {seen}"
    assert any(0 < n < final for n in seen), f"no batch seen before the end: {seen}"


# ---- --jobs -------------------------------------------------------------------------------

def test_jobs_2_stores_what_jobs_1_stores(run_process, tmp_path, mixed):
    homes = {}
    for jobs in ("1", "2"):
        homes[jobs] = tmp_path / f"home-{jobs}"
        result = run_process("ingest", "--jobs", jobs, "--dpi", "200", "--json", mixed, home=homes[jobs],
                             timeout=120)
        assert result.exit_code == 1, result.output  # the two bad files
        assert_no_traceback(result)
        report = result.json()
        assert report["new"] == 13 and report["duplicate"] == 1 and report["failed"] == 2, report
    one, two = store_snapshot(homes["1"]), store_snapshot(homes["2"])
    assert one["paths"] == two["paths"]
    assert one["pages"] == two["pages"]
    assert one["documents"] == two["documents"]
    assert one["outbox"] == two["outbox"] == [(0,)]
    for jobs, home in homes.items():
        status = run_process("status", "--json", home=home).json()
        assert status["consistent"] is True and status["index"]["documents"] == 13, (jobs, status)


def test_a_worker_killed_midway_costs_nothing(run, run_process, home, tmp_path, pdf_cache):
    """A worker that dies (as under the OOM killer) breaks the pool: the files
    in flight are read again, one at a time, and the batch completes."""
    folder = tmp_path / "stor"
    for i in range(40):
        pdf_cache(folder / f"d{i:03}.pdf", [f"Dokument {i}\n\nKommunen redovisar {COMMON_WORD} "
                                            f"för fastighet {i}."] * 2)
    proc = run_process.popen("ingest", "--jobs", "2", "--json", folder)
    deadline = time.monotonic() + 60
    victim = None
    while victim is None:
        assert proc.poll() is None, "finished before a worker could be killed"
        assert time.monotonic() < deadline
        if stored(home) >= 3:
            workers = [pid for pid in descendants(proc.pid) if _is_worker(pid)]
            victim = workers[0] if workers else None
        time.sleep(0.01)
    os.kill(victim, signal.SIGKILL)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    report = json.loads(out)
    assert report["new"] == 40 and report["failed"] == 0, report
    status = run.status()
    assert status["consistent"] is True and status["documents"]["ok"] == 40


def _is_worker(pid: int) -> bool:
    """A document worker: forked by the fork server, so its parent runs forkserver too."""
    try:
        ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return False
    return b"forkserver" in cmdline(pid) and b"forkserver" in cmdline(ppid)


# ---- --watch --------------------------------------------------------------------------------

def test_watch_ingests_files_as_they_arrive_once_they_stop_growing(run, run_process, home, tmp_path,
                                                                    pdf_cache):
    inbox = tmp_path / "inkorg"
    inbox.mkdir()
    (inbox / "redan-har.txt").write_text(f"Redan här när bevakningen börjar: {COMMON_WORD}.\n")
    proc = run_process.popen("ingest", "--watch", inbox, "--watch-interval", "0.3",
                             "--watch-for", "60", "--watch-files", "4")
    try:
        assert "Watching" in read_line(proc.stderr, timeout=30)
        lines = [read_line(proc.stdout, timeout=30).strip()]
        assert lines == [f"new: {inbox / 'redan-har.txt'}"]

        # Written slowly, pausing less than the interval: taken whole, once.
        growing = inbox / "protokoll.txt"
        text = "".join(f"§ {i}. Nämnden beslutar om {COMMON_WORD} i kvarter {i}.\n" for i in range(40))
        with open(growing, "w", encoding="utf-8") as f:
            for start in range(0, len(text), 200):
                f.write(text[start:start + 200])
                f.flush()
                time.sleep(0.1)
        pdf = pdf_cache(tmp_path / "ut" / "beslut.pdf", [f"Beslut om {COMMON_WORD}."])
        os.replace(pdf, inbox / "beslut.pdf")
        (inbox / "trasig.pdf").write_bytes(b"%PDF-1.4\ntrunkerad")
        got = {read_line(proc.stdout, timeout=30).strip() for _ in range(2)}
        assert got == {f"new: {growing}", f"new: {inbox / 'beslut.pdf'}"}
        failed = read_line(proc.stderr, timeout=30).strip()
        assert failed.startswith(f"failed: {inbox / 'trasig.pdf'}: "), failed
        out, err = proc.communicate(timeout=30)  # --watch-files 4: it stops by itself
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 1  # a file failed
    assert "Traceback" not in err
    assert "4 files: 3 new" in out
    assert read_db(home, "SELECT doc_id FROM paths WHERE path = ?", (str(growing),)) == [
        (sha256_of(growing),)]
    assert read_db(home, "SELECT count(*) FROM documents WHERE status = 'ok'") == [(3,)]
    assert len(run.search_ids(COMMON_WORD)) == 3
    assert run.status()["consistent"] is True


def test_watch_stops_after_its_time_and_on_ctrl_c(run_process, tmp_path):
    inbox = tmp_path / "inkorg"
    inbox.mkdir()
    started = time.monotonic()
    result = run_process("ingest", "--watch", inbox, "--watch-interval", "0.1", "--watch-for", "0.5")
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 20
    assert "0 files" in result.stdout

    for stop in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C, or kill / systemctl stop
        proc = run_process.popen("ingest", "--watch", inbox, "--watch-interval", "0.1")
        assert "Watching" in read_line(proc.stderr, timeout=30)
        proc.send_signal(stop)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        assert "Stopped watching." in err and "Traceback" not in err
        assert "0 files" in out


def test_sigterm_stops_an_ingest_as_ctrl_c_does(run, run_process, home, tmp_path, pdf_cache):
    folder = tmp_path / "arkiv"
    for i in range(40):
        pdf_cache(folder / f"d{i:03}.pdf", [f"Dokument {i} om {COMMON_WORD}."] * 2)
    proc = run_process.popen("ingest", "--jobs", "2", folder)
    deadline = time.monotonic() + 60
    while stored(home) < 3:
        assert proc.poll() is None, "finished before it could be stopped"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    assert "Interrupted after" in err and "Traceback" not in err
    status = run.status()
    assert status["consistent"] is True and status["pending_changes"] == 0
    assert status["index"]["documents"] == status["documents"]["ok"] >= 3


def test_watch_and_paths_together_is_a_usage_error(run_process, tmp_path):
    result = run_process("ingest", "--watch", tmp_path, tmp_path)
    assert result.exit_code == 2
    assert "--watch" in result.stderr
    result = run_process("ingest")
    assert result.exit_code == 2
