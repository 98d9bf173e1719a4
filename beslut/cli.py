"""The `beslut` command line. Heavy modules are imported inside the commands so
that a search starts fast."""

import json
import sys
from pathlib import Path

import click

from .errors import BeslutError
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
        if self._index is None:
            from index import open_index
            self._index = open_index(self.home)
        return self._index

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
                           help="OCR processes (default: the number of cores).")(command)
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
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@ocr_options
@pass_app
def ingest_command(app: App, paths, as_json, ocr_mode, ocr_lang, jobs, dpi):
    """Read files and folders (recursively) into the archive: PDFs, images
    (PNG, JPEG, TIFF) and text files.

    Unchanged files are skipped; changed files replace their old version.
    Pages without a usable text layer are OCR'd with Tesseract's Swedish model.
    Exits 1 if any file failed.
    """
    from ingest.walk import walk
    from .batch import IngestJob
    from .progress import IngestProgress

    items = list(walk(paths))
    progress = IngestProgress(len(items), visible=_is_terminal(sys.stderr) and not as_json)
    runner = _ocr_runner(ocr_mode, ocr_lang, jobs, dpi, on_page=progress.ocr_page)
    job = IngestJob(app.corpus, app.index, ocr=runner, debug=app.debug)
    try:
        with runner, progress:
            report = job.run(items, on_item=progress.advance, before_item=progress.start)
    except KeyboardInterrupt:
        click.echo(f"Interrupted after {job.report.files} of {len(items)} files; what was stored is "
                   f"indexed. Run the same command again to finish.", err=True)
        sys.exit(130)
    if as_json:
        _echo_json(report.as_dict())
    else:
        for path, reason in report.failures:
            click.echo(f"failed: {path}: {reason}", err=True)
        click.echo(report.summary())
    sys.exit(1 if report.failures else 0)


@cli.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", "-n", default=10, show_default=True, help="How many hits to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@pass_app
def search_command(app: App, query, limit, as_json):
    """Search the archive. Words, "phrases", AND / OR / NOT, field:value."""
    from search import run_query
    from search.present import results_dict, results_text

    results = run_query(app.corpus, app.index, " ".join(query), limit=limit)
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

    corpus, index = app.corpus, app.index
    counts = corpus.counts()
    agreement = compare(corpus, index)
    data = {
        "home": str(app.home),
        "store": {"path": str(corpus.path), "bytes": corpus.size_bytes()},
        **counts,
        "index": {"path": str(getattr(index, "directory", "")), "bytes": index.size_bytes(),
                  "documents": index.doc_count()},
        **agreement,
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
    click.echo(f"Index:     {data['index']['documents']} documents ({_size(data['index']['bytes'])})")
    if agreement["consistent"]:
        click.echo("Agreement: index and store agree")
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
@pass_app
def reindex_command(app: App):
    """Rebuild the search index from the store."""
    from .indexing import reindex

    total = app.corpus.counts()["documents"]["ok"]
    with click.progressbar(length=total, label="Reindexing", file=sys.stderr,
                           hidden=not _is_terminal(sys.stderr)) as bar:
        count = reindex(app.corpus, app.index, progress=bar.update)
    click.echo(f"Reindexed {count} documents.")


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
