"""The `beslut` command line. Heavy modules are imported inside the commands so
that a search starts fast."""

import json
import sys
from pathlib import Path

import click

from corpus.tags import TAG_FIELDS
from ingest.document import DOCUMENT_TYPES
from index import ENGINES
from index.engine import SORT_ORDERS

from .errors import BeslutError, InvalidValue
from .home import ENV_VAR, resolve_home


class App:
    """What every command shares: the data home and the stores opened in it."""

    def __init__(self, home: Path, debug: bool):
        self.home = home
        self.debug = debug
        self._corpus = None
        self._index = None

    @property
    def corpus(self):
        if self._corpus is None:
            from corpus import open_corpus
            self._corpus = open_corpus(self.home)
        return self._corpus

    @property
    def index(self):
        """The search index, rebuilt first if an earlier version of beslut made it."""
        if self._index is None:
            from .indexing import rebuild_if_outdated
            from .lock import WriterLock

            if self.index_as_is.outdated():  # rebuilding writes: not while an ingest runs
                with WriterLock(self.home, "reindex").waiting(
                        lambda holder: click.echo(f"waiting for another {holder} to finish…", err=True)):
                    rebuild_if_outdated(self.corpus, self.index_as_is,
                                        notify=lambda m: click.echo(m, err=True))
        return self._index

    @property
    def index_as_is(self):
        if self._index is None:
            from index import open_index
            self._index = open_index(self.home)
        return self._index

    def index_to_rebuild(self, engine: str | None = None):
        """The index as it is, or (another engine) one of that engine, whose
        rebuild takes the old one's place."""
        if engine is not None and engine != self.index_as_is.engine:
            from index import open_index
            self._index.close()
            self._index = open_index(self.home, engine)
        return self.index_as_is

    def close(self):
        if self._index is not None:
            self._index.close()
        if self._corpus is not None:
            self._corpus.close()


pass_app = click.make_pass_decorator(App)


def ocr_options(command):
    """--ocr, --ocr-lang, --jobs and --dpi, shared by ingest and inspect."""
    from ingest.options import OCR_MODES

    command = click.option("--dpi", default=300, show_default=True, type=click.IntRange(70, 1200),
                           help="Resolution PDF pages are rendered at for OCR.")(command)
    command = click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                           help="Processes (default: the number of cores): ingest reads this many "
                                "files at once, OCR this many pages.")(command)
    command = click.option("--ocr-lang", default="swe", show_default=True,
                           help="Tesseract language(s), e.g. swe or swe+eng.")(command)
    command = click.option("--ocr", "ocr_mode", type=click.Choice(OCR_MODES), default="auto",
                           show_default=True,
                           help="auto: OCR pages without a usable text layer; always: every page; "
                                "never: none.")(command)
    return command


def _ocr_runner(ocr_mode, ocr_lang, jobs, dpi, on_page=None):
    from ingest.ocr_runner import OcrRunner, default_jobs
    from ingest.options import OcrOptions

    runner = OcrRunner(OcrOptions(mode=ocr_mode, lang=ocr_lang, jobs=jobs or default_jobs(), dpi=dpi),
                       on_page=on_page)
    if ocr_mode == "always":
        runner.ensure_available()  # fail before any work rather than on every file
    return runner


def _echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _is_terminal(stream=None) -> bool:
    return (stream or sys.stdout).isatty()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", type=click.Path(file_okay=False, path_type=Path),
              help=f"Data folder (default: ${ENV_VAR}, else the user's data folder).")
@click.option("--debug", is_flag=True, help="Show Python tracebacks for errors.")
@click.version_option(package_name="beslut")
@click.pass_context
def cli(ctx, home, debug):
    """Search a Swedish municipality's archive of board documents."""
    app = App(resolve_home(home), debug)
    ctx.obj = app
    ctx.call_on_close(app.close)


@cli.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--no-wait", is_flag=True,
              help="If another ingest is running, exit at once (code 75) instead of waiting for it.")
@click.option("--watch", "watch_dir", metavar="DIR",
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Consume folder: ingest files as they arrive in DIR (once each has stopped "
                   "growing), until Ctrl-C.")
@click.option("--watch-interval", default=2.0, show_default=True, metavar="SECONDS",
              type=click.FloatRange(min=0.05), help="How often --watch looks at the folder.")
@click.option("--watch-for", type=click.FloatRange(min=0), default=None, hidden=True,
              help="Stop watching after this many seconds (for tests).")
@click.option("--watch-files", type=click.IntRange(min=1), default=None, hidden=True,
              help="Stop watching after this many files were stored or failed (for tests).")
@ocr_options
@pass_app
def ingest_command(app: App, paths, as_json, no_wait, watch_dir, watch_interval, watch_for,
                   watch_files, ocr_mode, ocr_lang, jobs, dpi):
    """Read files and folders (recursively) into the archive: PDFs, images
    (PNG, JPEG, TIFF) and text files.

    Unchanged files are skipped; changed files replace their old version.
    Pages without a usable text layer are OCR'd with Tesseract's Swedish model.
    --jobs files are read at once. Another ingest running is waited for.
    Exits 1 if any file failed, 75 if another ingest runs and --no-wait was given.
    """
    from .ingest_command import IngestOptions, ingest, watch

    if not paths and not watch_dir:
        raise click.UsageError("Missing argument 'PATHS...' (the files and folders to ingest), "
                               "or --watch DIR.")
    if paths and watch_dir:
        raise click.UsageError("Give the files and folders to ingest, or --watch DIR, not both.")
    options = IngestOptions(ocr_mode=ocr_mode, ocr_lang=ocr_lang, jobs=jobs, dpi=dpi,
                            as_json=as_json, no_wait=no_wait)
    if watch_dir:
        sys.exit(watch(app, watch_dir, options, interval=watch_interval, seconds=watch_for,
                       files=watch_files))
    sys.exit(ingest(app, list(paths), options))


@cli.command("search")
@click.argument("query", nargs=-1)
@click.option("--type", "doc_type", metavar="TYPE",
              help=f"Only documents of this type: {', '.join(DOCUMENT_TYPES)}.")
@click.option("--board", metavar="NAME", help="Only documents of this board, e.g. Socialnämnden.")
@click.option("--municipality", metavar="NAME", help="Only documents of this municipality, e.g. Huddinge.")
@click.option("--from", "date_from", metavar="YYYY-MM-DD",
              help="Only documents dated this day or later (undated ones are left out).")
@click.option("--to", "date_to", metavar="YYYY-MM-DD",
              help="Only documents dated this day or earlier (undated ones are left out).")
@click.option("--dnr", metavar="DNR", help='Only documents with this diarienummer, e.g. "SN 2021/123".')
@click.option("--sort", type=click.Choice(SORT_ORDERS), default=None,
              help="relevance (default with words) or date: newest first (default without).")
@click.option("--facets", is_flag=True, help="Count all hits per type, board, municipality and year.")
@click.option("--limit", "-n", default=10, show_default=True, help="How many hits to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@pass_app
def search_command(app: App, query, doc_type, board, municipality, date_from, date_to, dnr, sort,
                   facets, limit, as_json):
    """Search the archive. Words, "phrases", AND / OR / NOT, field:value
    (type:avtal, board:socialnämnden, date:[2020-01-01 TO 2020-12-31], dnr:"SN 2021/123").

    With filters only and no words, lists the documents within them, newest first.
    """
    from search import run_query
    from search.filters import search_filters
    from search.present import results_dict, results_text

    filters = search_filters(doc_type=doc_type, board=board, municipality=municipality, dnr=dnr,
                             date_from=date_from, date_to=date_to)
    if not query and not filters.as_dict():
        raise click.UsageError("Missing argument 'QUERY...' (or a filter such as --type).")
    results = run_query(app.corpus, app.index, " ".join(query), limit=limit, filters=filters,
                        sort=sort, facets=facets)
    if as_json:
        _echo_json(results_dict(results))
    else:
        click.echo(results_text(results, bold=_is_terminal()))


@cli.command("show")
@click.argument("doc_id")
@click.option("--json", "as_json", is_flag=True, help="Print the document as JSON.")
@click.option("--raw", is_flag=True, help="Print only the raw text, as extracted, before repair.")
@pass_app
def show_command(app: App, doc_id, as_json, raw):
    """Show a stored document: its details and text. ID may be a unique prefix."""
    from search.present import document_text, stored_document_dict

    doc = app.corpus.get(app.corpus.resolve_id(doc_id), with_pages=True)
    if raw:
        click.echo(doc.raw_text)
        return
    data = stored_document_dict(doc)
    if as_json:
        _echo_json(data)
    else:
        click.echo(document_text(data))


@cli.command("similar")
@click.argument("doc_id")
@click.option("--limit", "-n", default=10, show_default=True, help="How many documents to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the documents as JSON.")
@pass_app
def similar_command(app: App, doc_id, limit, as_json):
    """Documents most like this one, by the words that set it apart; itself and
    its copies left out. ID may be a unique prefix."""
    from search.present import similar_dict, similar_text
    from search.similar import find_similar

    results = find_similar(app.corpus, app.index, app.corpus.resolve_id(doc_id), limit=limit)
    if as_json:
        _echo_json(similar_dict(results))
    else:
        click.echo(similar_text(results, bold=_is_terminal()))


@cli.command("tag")
@click.argument("doc_id")
@click.option("--type", "doc_type", metavar="TYPE", help=f"One of: {', '.join(DOCUMENT_TYPES)}.")
@click.option("--title", metavar="TEXT")
@click.option("--date", "doc_date", metavar="YYYY-MM-DD", help="The document's own date.")
@click.option("--board", metavar="NAME", help="e.g. Socialnämnden.")
@click.option("--municipality", metavar="NAME", help="e.g. Huddinge, Region Skåne.")
@click.option("--dnr", metavar="DNR", help='Diarienummer, e.g. "SN 2021/123".')
@click.option("--clear", "clear", multiple=True, metavar="FIELD",
              help="Set this field to nothing by hand (type: okänd). Repeatable.")
@click.option("--reset", "reset", multiple=True, metavar="FIELD",
              help="Drop the correction of this field: the pipeline's value shows again "
                   "('all' for every field). Repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print the document's tags as JSON.")
@pass_app
def tag_command(app: App, doc_id, doc_type, title, doc_date, board, municipality, dnr, clear, reset,
                as_json):
    """Correct a document's tags by hand. ID may be a unique prefix.

    A correction holds through re-ingest, new pipeline versions and reindex, and
    passes to the new version when the file changes. Without options, shows the tags.
    Fields: type, title, date, board, municipality, dnr.
    """
    from corpus.tags import tag_field
    from search.present import tags_dict, tags_text

    from .indexing import sync_index

    corpus = app.corpus
    doc_id = corpus.resolve_id(doc_id)
    given = {"type": doc_type, "title": title, "date": doc_date, "board": board,
             "municipality": municipality, "dnr": dnr}
    values = {field: value for field, value in given.items() if value is not None}
    for field in map(tag_field, clear):
        if field in values:
            raise InvalidValue(f"{field} is both set and cleared; give one of them")
        values[field] = None
    if any(r.strip().lower() == "all" for r in reset):
        reset = [field for field in TAG_FIELDS if field not in values]
    if values or reset:
        corpus.set_manual_tags(doc_id, values, reset)
        sync_index(corpus, app.index)
    doc = corpus.get(doc_id)
    if as_json:
        _echo_json(tags_dict(doc))
    else:
        click.echo(tags_text(doc))


@cli.command("inspect")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@ocr_options
@pass_app
def inspect_command(app: App, file, as_json, ocr_mode, ocr_lang, jobs, dpi):
    """Run the ingest pipeline on one file without storing it."""
    from ingest.pipeline import ingest_file
    from search.present import document_dict, document_text

    with _ocr_runner(ocr_mode, ocr_lang, jobs, dpi) as runner:
        data = document_dict(ingest_file(file, runner))
    if as_json:
        _echo_json(data)
    else:
        click.echo(document_text(data))


@cli.command("repair")
@click.argument("file", type=click.File("r", encoding="utf-8", errors="replace"), default="-")
@click.option("--explain", is_flag=True, help="List each change with its reason.")
@click.option("--json", "as_json", is_flag=True, help="Print text, changes and counts as JSON.")
def repair_command(file, explain, as_json):
    """Repair broken Swedish in a text file (or standard input), as ingest does
    with OCR'd text, and print the result."""
    from ingest.repair import repair_text

    result = repair_text(file.read())
    if as_json:
        _echo_json({"text": result.text, "damaged": result.damaged,
                    "changes": [c.as_dict() for c in result.changes],
                    "counts": {"changes": len(result.changes), "by_reason": result.counts()}})
    elif explain:
        for change in result.changes:
            click.echo(f"{change.start}-{change.end}\t{change.before!r} -> {change.after!r}\t{change.reason}")
        click.echo(f"{len(result.changes)} changes", err=True)
    else:
        click.echo(result.text, nl=False)


@cli.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@pass_app
def status_command(app: App, as_json):
    """Counts by status and type, index size, and whether index and store agree."""
    from .indexing import compare

    from .lock import WriterLock

    corpus, index = app.corpus, app.index
    counts = corpus.counts()
    agreement = compare(corpus, index)
    # While an ingest writes, the index trails the store by the batch being committed.
    writer = WriterLock(app.home).busy()
    data = {
        "home": str(app.home),
        "store": {"path": str(corpus.path), "bytes": corpus.size_bytes()},
        **counts,
        "index": {"path": str(getattr(index, "directory", "")), "bytes": index.size_bytes(),
                  "documents": index.doc_count(), "engine": index.engine},
        **agreement,
        "writer": writer,
        "failed_files": [{"path": p.path, "reason": p.reason} for p in corpus.failed_paths()],
    }
    if as_json:
        _echo_json(data)
        return
    docs = data["documents"]
    click.echo(f"Home:      {data['home']}")
    click.echo(f"Store:     {docs['ok']} documents, {data['pages']} pages, {docs['failed']} failed "
               f"({_size(data['store']['bytes'])})")
    if data["types"]:
        click.echo("Types:     " + ", ".join(f"{t} {n}" for t, n in data["types"].items()))
    click.echo(f"Index:     {data['index']['documents']} documents ({_size(data['index']['bytes'])}, "
               f"{data['index']['engine']} engine)")
    if agreement["consistent"]:
        click.echo("Agreement: index and store agree")
    elif writer:
        click.echo(f"Agreement: catching up: {writer} is writing; {agreement['pending_changes']} "
                   f"changes pending, {len(agreement['missing_from_index'])} documents not yet indexed")
    else:
        click.echo(f"Agreement: NOT in step: {len(agreement['missing_from_index'])} missing from the index, "
                   f"{len(agreement['not_in_store'])} not in the store, {agreement['pending_changes']} "
                   f"changes pending; run 'beslut reindex'")
    if data["failed_files"]:
        click.echo(f"Failed files ({len(data['failed_files'])}):")
        for failure in data["failed_files"]:
            click.echo(f"  {failure['path']}: {failure['reason']}")


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024


@cli.command("reindex")
@click.option("--engine", type=click.Choice(ENGINES), default=None,
              help="The search engine to build the index with from now on (default: the one it has; "
                   "whoosh for a new index, or $BESLUT_ENGINE).")
@pass_app
def reindex_command(app: App, engine):
    """Rebuild the search index from the store."""
    from .indexing import reindex
    from .lock import WriterLock

    with WriterLock(app.home, "reindex").waiting(
            lambda holder: click.echo(f"waiting for another {holder} to finish…", err=True)):
        was = app.index_as_is.engine
        index = app.index_to_rebuild(engine)
        total = app.corpus.counts()["documents"]["ok"]
        with click.progressbar(length=total, label="Reindexing", file=sys.stderr,
                               hidden=not _is_terminal(sys.stderr)) as bar:
            count = reindex(app.corpus, index, progress=bar.update)
    if index.engine != was:
        click.echo(f"Search engine: {index.engine} (was {was}).")
    click.echo(f"Reindexed {count} documents.")


# ---- archive jobs (beslut/archive.py) ------------------------------------------------------

@cli.group("archive")
def archive_group():
    """Jobs that keep a large archive in order: verify, dedupe, prune, rerun, export.

    Jobs that delete or merge only report what they would do unless given --apply.
    """


def _archive_progress(visible: bool):
    def progress(label: str, length: int):
        return click.progressbar(length=max(length, 1), label=label, file=sys.stderr,
                                 show_pos=True, hidden=not visible)
    return progress


def _writer_lock(app: App, command: str):
    """Jobs that write hold the writer lock (beslut/lock.py), as ingest does."""
    from .lock import WriterLock

    lock = WriterLock(app.home, command)
    lock.acquire(wait=True, on_wait=lambda holder: click.echo(
        f"waiting for another {holder} to finish…", err=True))
    return lock


def _archive_report(report, as_json: bool) -> None:
    if as_json:
        _echo_json(report.as_dict())
    else:
        click.echo("\n".join(report.lines()))


@archive_group.command("verify")
@click.option("--fix", is_flag=True, help="Mend the index from the store (the store is the source of truth).")
@click.option("--hash", "hash_all", is_flag=True,
              help="Hash every source file, not only those whose size or time changed.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_app
def archive_verify_command(app: App, fix, hash_all, as_json):
    """Check the index against the store (documents missing from it, stale
    entries, orphaned entries) and the source files against what was ingested
    (gone, changed). Exits 1 if a problem remains."""
    from .archive import verify

    lock = _writer_lock(app, "archive verify --fix") if fix else None
    try:
        report = verify(app.corpus, app.index, fix=fix, hash_all=hash_all,
                        progress=_archive_progress(_is_terminal(sys.stderr) and not as_json))
    finally:
        if lock:
            lock.release()
    _archive_report(report, as_json)
    sys.exit(0 if report.ok else 1)


@archive_group.command("dedupe")
@click.option("--apply", is_flag=True, help="Link each group's copies to the copy kept (default: only report).")
@click.option("--threshold", type=click.FloatRange(0.3, 1.0), default=0.7, show_default=True,
              help="Least text similarity (0-1) of two documents called near duplicates.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_app
def archive_dedupe_command(app: App, apply, threshold, as_json):
    """Find near duplicates: one text stored as a scan and a born-digital PDF, a
    re-saved PDF, a text export. Reports groups with their similarity; --apply
    keeps the best copy of each (born-digital over OCR over text export, then
    more pages and text, then newer) and links the others to it."""
    from .archive import dedupe

    lock = _writer_lock(app, "archive dedupe --apply") if apply else None
    try:
        report = dedupe(app.corpus, app.index if apply else None, threshold=threshold, apply=apply,
                        progress=_archive_progress(_is_terminal(sys.stderr) and not as_json))
    finally:
        if lock:
            lock.release()
    _archive_report(report, as_json)


@archive_group.command("prune")
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path))
@click.option("--apply", is_flag=True, help="Remove them from store and index (default: only report).")
@click.option("--force", is_flag=True, help="Remove them even if that is most of the archive.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_app
def archive_prune_command(app: App, folders, apply, force, as_json):
    """Documents whose source files are all gone (only those under FOLDERS, if
    given). --apply removes them from store and index, and forgets the paths of
    files that are gone."""
    from .archive import prune

    lock = _writer_lock(app, "archive prune --apply") if apply else None
    try:
        report = prune(app.corpus, app.index, apply=apply, force=force, under=folders,
                       progress=_archive_progress(_is_terminal(sys.stderr) and not as_json))
    finally:
        if lock:
            lock.release()
    _archive_report(report, as_json)


@archive_group.command("rerun")
@click.argument("doc_ids", nargs=-1, metavar="[ID]...")
@click.option("--stage", type=click.Choice(["ocr", "repair", "tag"]), default="repair", show_default=True,
              help="Where to start: tag (from the stored text), repair (cleaning, repair and "
                   "tagging, from the stored raw text) or ocr (everything, from the file).")
@click.option("--outdated", is_flag=True, help="Only documents an earlier pipeline version made.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@ocr_options
@pass_app
def archive_rerun_command(app: App, doc_ids, stage, outdated, as_json, ocr_mode, ocr_lang, jobs, dpi):
    """Re-process stored documents (all, or the IDs given) with the current
    pipeline, after repair or tagging improved. Only documents whose result
    changed are stored anew and re-indexed; corrections made with 'beslut tag'
    stay. The OCR options count only with --stage ocr. Exits 1 if any failed."""
    from .archive import rerun

    ids = [app.corpus.resolve_id(i) for i in doc_ids] or None
    lock = _writer_lock(app, "archive rerun")
    try:
        visible = _is_terminal(sys.stderr) and not as_json
        if stage == "ocr":
            with _ocr_runner(ocr_mode, ocr_lang, jobs, dpi) as runner:
                report = rerun(app.corpus, app.index, stage=stage, ocr=runner, ids=ids,
                               outdated=outdated, debug=app.debug, progress=_archive_progress(visible))
        else:
            report = rerun(app.corpus, app.index, stage=stage, ids=ids, outdated=outdated,
                           debug=app.debug, progress=_archive_progress(visible))
    finally:
        lock.release()
    if as_json:
        _echo_json(report.as_dict())
    else:
        for line in report.failure_lines():
            click.echo(line, err=True)
        click.echo(report.summary())
    sys.exit(1 if report.failed else 0)


@archive_group.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True,
              help="jsonl: one JSON object per line and document.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (whole or not at all) instead of standard output.")
@click.option("--include-failed", is_flag=True, help="Also the files that failed to ingest (no text).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (on standard error "
                                                      "when the export goes to standard output).")
@pass_app
def archive_export_command(app: App, fmt, output, include_failed, as_json):
    """Every document with its text, raw text, metadata, type, paths, pages and
    corrections, one JSON line each (show --json's keys), for backup and for
    other systems. Streamed: memory stays flat however large the archive."""
    from .archive import export, export_to_file

    progress = _archive_progress(_is_terminal(sys.stderr) and output is not None and not as_json)
    if output is not None:
        report = export_to_file(app.corpus, output, fmt=fmt, include_failed=include_failed,
                                progress=progress)
    else:
        stdout = sys.stdout
        try:
            report = export(app.corpus, stdout, fmt=fmt, include_failed=include_failed,
                            progress=progress)
            stdout.flush()
        except BrokenPipeError:  # `beslut archive export | head`
            sys.stderr.close()
            sys.exit(0)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2), err=output is None)
    else:
        click.echo(report.summary(), err=True)


def main() -> None:
    debug = "--debug" in sys.argv[1:]
    try:
        cli(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except click.exceptions.Exit as err:
        sys.exit(err.exit_code)
    except BeslutError as err:
        if debug:
            raise
        click.echo(f"Error: {err}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as err:
        if debug:
            raise
        click.echo(f"Error: unexpected {type(err).__name__}: {err} (run with --debug for details)",
                   err=True)
        sys.exit(1)
