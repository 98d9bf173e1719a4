"""What `beslut ingest` does, behind the option parsing in cli.py: one batch over
the paths given, or a consume folder watched (--watch), each under the writer
lock (beslut/lock.py)."""

import signal
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click

from .lock import WriterBusy, WriterLock

EXIT_FAILED = 1
EXIT_BUSY = 75  # EX_TEMPFAIL: another ingest holds the writer lock and --no-wait was given
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class IngestOptions:
    ocr_mode: str = "auto"
    ocr_lang: str = "swe"
    jobs: int | None = None  # None: the number of cores
    dpi: int = 300
    as_json: bool = False
    no_wait: bool = False


def ingest(app, paths: list[Path], options: IngestOptions) -> int:
    """One batch; returns the exit code."""
    from ingest.walk import walk

    from .batch import IngestJob
    from .progress import IngestProgress

    lock = _take_lock(app, options.no_wait)
    try:
        visible = sys.stderr.isatty() and not options.as_json
        total = sum(1 for _ in walk(paths)) if visible else None  # the bar's length
        progress = IngestProgress(total or 0, visible=visible)
        runner = _ocr_runner(options, on_page=progress.ocr_page)
        job = IngestJob(app.corpus, app.index, ocr=runner, debug=app.debug, jobs=_jobs(options))
        try:
            with _terminate_as_interrupt(), runner, progress:
                report = job.run(walk(paths), on_item=progress.advance, before_item=progress.start,
                                 on_page=progress.ocr_page)
        except KeyboardInterrupt:
            of = f" of {total}" if total is not None else ""
            click.echo(f"Interrupted after {job.report.files}{of} files; what was stored is "
                       f"indexed. Run the same command again to finish.", err=True)
            return EXIT_INTERRUPTED
    finally:
        lock.release()
    _print_report(report, options.as_json)
    return EXIT_FAILED if report.failures else 0


def watch(app, folder: Path, options: IngestOptions, *, interval: float,
          seconds: float | None = None, files: int | None = None) -> int:
    """Ingest files as they arrive in folder until Ctrl-C (or for seconds, or
    until files files have been stored or failed); returns the exit code."""
    from .batch import IngestJob
    from .watch import Watcher

    out_err = options.as_json  # with --json, stdout is for the report alone
    lock = WriterLock(app.home, "ingest")
    _check_free(lock, options.no_wait)
    runner = _ocr_runner(options)
    job = IngestJob(app.corpus, app.index, ocr=runner, debug=app.debug, jobs=_jobs(options),
                    retry_failed=False)
    handled = 0

    def on_item(item, outcome):
        nonlocal handled
        if outcome == "unchanged":
            return
        handled += 1
        if outcome == "failed":
            path, reason = job.report.failures[-1]
            click.echo(f"failed: {path}: {reason}", err=True)
        else:
            click.echo(f"{outcome}: {getattr(item, 'path', item)}", err=out_err)

    try:
        with _terminate_as_interrupt(), runner:
            click.echo(f"Watching {folder} for new files (looking every {interval:g} s); "
                       f"Ctrl-C to stop.", err=True)
            for ready in Watcher(folder, interval).polls(seconds=seconds):
                if ready:
                    _acquire(lock, wait=True)
                    try:
                        job.run(ready, on_item=on_item)
                    finally:
                        lock.release()
                if files is not None and handled >= files:
                    break
    except KeyboardInterrupt:
        click.echo("Stopped watching.", err=True)
    finally:
        lock.release()
    _print_report(job.report, options.as_json, failures=False)
    return EXIT_FAILED if job.report.failures else 0


@contextmanager
def _terminate_as_interrupt():
    """SIGTERM (kill, systemctl stop) stops an ingest as Ctrl-C does: what was
    stored is indexed before it exits."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _take_lock(app, no_wait: bool) -> WriterLock:
    lock = WriterLock(app.home, "ingest")
    _acquire(lock, wait=not no_wait)
    return lock


def _acquire(lock: WriterLock, wait: bool) -> None:
    try:
        lock.acquire(wait=wait, on_wait=lambda holder: click.echo(
            f"waiting for another {holder} to finish…", err=True))
    except WriterBusy as err:
        click.echo(f"Error: {err}", err=True)
        sys.exit(EXIT_BUSY)


def _check_free(lock: WriterLock, no_wait: bool) -> None:
    """--watch --no-wait: give up at once if another ingest runs now."""
    if no_wait:
        _acquire(lock, wait=False)
        lock.release()


def _jobs(options: IngestOptions) -> int:
    from ingest.ocr_runner import default_jobs

    return options.jobs or default_jobs()


def _ocr_runner(options: IngestOptions, on_page=None):
    from ingest.ocr_runner import OcrRunner
    from ingest.options import OcrOptions

    runner = OcrRunner(OcrOptions(mode=options.ocr_mode, lang=options.ocr_lang, jobs=_jobs(options),
                                  dpi=options.dpi), on_page=on_page)
    if options.ocr_mode == "always":
        runner.ensure_available()  # fail before any work rather than on every file
    return runner


def _print_report(report, as_json: bool, failures: bool = True) -> None:
    import json

    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    if failures:
        for path, reason in report.failures:
            click.echo(f"failed: {path}: {reason}", err=True)
    click.echo(report.summary())
