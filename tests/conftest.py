"""Shared fixtures: a data home, the CLI in-process and as a real process, and
folders of real PDFs and text files.

Nothing here mocks beslut's parts: documents are real PDFs (tests/pdfgen.py),
the store is real SQLite, the index is real whoosh or real tantivy: tests of
search behaviour run with each engine (the engine fixtures).
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from beslut.cli import cli

from .pdfgen import write_pdf

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
BESLUT = Path(sys.executable).parent / "beslut"
DB_NAME = "corpus.sqlite3"
PROCESS_TIMEOUT_S = 60


# ---- small helpers the tests share -------------------------------------------------

def sha256_of(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def seed(number: str) -> Path:
    """The seed file whose name starts with number ("000" .. "004")."""
    matches = sorted(SEEDS.glob(f"{number}_*.txt"))
    assert len(matches) == 1, f"expected one seed {number} in {SEEDS}, found {matches}"
    return matches[0]


def stderr_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def read_db(home: Path, sql: str, params=()) -> list[tuple]:
    """Query the store read-only, as an outside observer."""
    db = sqlite3.connect(f"file:{Path(home) / DB_NAME}?mode=ro", uri=True, timeout=10)
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def write_db(home: Path, sql: str, params=()) -> None:
    db = sqlite3.connect(Path(home) / DB_NAME, timeout=10)
    try:
        with db:
            db.execute(sql, params)
    finally:
        db.close()


def hit_ids(search_json: dict) -> list[str]:
    return [hit["id"] for hit in search_json["hits"]]


# ---- running the CLI -----------------------------------------------------------------

@dataclass
class ProcResult:
    args: list[str]
    exit_code: int
    stdout: str
    stderr: str
    exception: None = None  # as on click's Result: a process reports through its exit code

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def json(self):
        return json.loads(self.stdout)


def assert_no_traceback(result) -> None:
    text = result.stdout + result.stderr
    assert "Traceback" not in text, text
    exc = getattr(result, "exception", None)
    assert exc is None or isinstance(exc, SystemExit), f"uncaught {exc!r}"


class Runner:
    """The CLI in-process through click's CliRunner, on a given data home."""

    def __init__(self, home: Path):
        self.home = home
        self.runner = CliRunner()

    def __call__(self, *args, home: Path | None | bool = True, env=None, input=None):
        argv = [str(a) for a in args]
        if home is True:
            argv = ["--home", str(self.home)] + argv
        elif home:
            argv = ["--home", str(home)] + argv
        return self.runner.invoke(cli, argv, env=env, input=input, catch_exceptions=True)

    def json(self, *args, ok_codes=(0,)):
        """Run a command with --json and return its parsed output."""
        result = self(*args, "--json")
        assert result.exit_code in ok_codes, (result.exit_code, result.output, result.exception)
        assert_no_traceback(result)
        return json.loads(result.stdout)

    def ingest_ok(self, *paths, home: Path | None | bool = True):
        """Ingest and require success (exit 0, no failures)."""
        result = self("ingest", *paths, home=home)
        assert result.exit_code == 0, (result.exit_code, result.output, result.exception)
        assert_no_traceback(result)
        return result

    def search_ids(self, query: str, limit: int = 50) -> list[str]:
        return hit_ids(self.json("search", query, "--limit", str(limit)))

    def status(self) -> dict:
        return self.json("status")


class ProcessRunner:
    """The real console script `beslut` as a subprocess."""

    def __init__(self, home: Path):
        self.home = home

    def env(self, extra: dict | None = None, drop=()) -> dict:
        env = dict(os.environ)
        env.pop("BESLUT_HOME", None)
        for key in drop:
            env.pop(key, None)
        env.update(extra or {})
        env.setdefault("PYTHONIOENCODING", "utf-8")
        return env

    def argv(self, args, home=True) -> list[str]:
        argv = [str(BESLUT)]
        if home is True:
            argv += ["--home", str(self.home)]
        elif home:
            argv += ["--home", str(home)]
        return argv + [str(a) for a in args]

    def __call__(self, *args, home=True, env=None, timeout=PROCESS_TIMEOUT_S) -> ProcResult:
        argv = self.argv(args, home)
        proc = subprocess.run(argv, capture_output=True, text=True, encoding="utf-8",
                              env=env if env is not None else self.env(),
                              stdin=subprocess.DEVNULL, timeout=timeout)
        return ProcResult(argv, proc.returncode, proc.stdout, proc.stderr)

    def popen(self, *args, home=True, env=None) -> subprocess.Popen:
        return subprocess.Popen(self.argv(args, home), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                                encoding="utf-8", env=env if env is not None else self.env())


# ---- search engines --------------------------------------------------------------------

ENGINES = ("whoosh", "tantivy")


@pytest.fixture(params=ENGINES)
def engine(request, monkeypatch) -> str:
    """Each search engine in turn: an index made during the test is of this
    engine ($BESLUT_ENGINE, which a home without an index follows)."""
    monkeypatch.setenv("BESLUT_ENGINE", request.param)
    return request.param


@pytest.fixture(scope="module", params=ENGINES)
def module_engine(request):
    """engine, for a module's fixtures: set it while making their home's index
    (with engine_set), which keeps its engine from then on."""
    return request.param


@contextmanager
def engine_set(engine: str):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BESLUT_ENGINE", engine)
        yield


@pytest.fixture
def home(tmp_path) -> Path:
    """A fresh data home (beslut creates it on first use)."""
    return tmp_path / "home"


@pytest.fixture
def run(home) -> Runner:
    return Runner(home)


@pytest.fixture
def run_process(home) -> ProcessRunner:
    assert BESLUT.exists(), f"the console script is not installed next to {sys.executable}"
    return ProcessRunner(home)


# ---- documents -------------------------------------------------------------------------

@pytest.fixture(scope="session")
def pdf_cache(tmp_path_factory):
    """make_pdf(path, pages, user_password=None): write_pdf, with each distinct PDF
    generated once per session and copied (pdfgen is deterministic, so the bytes
    and the document id are the same as writing it again)."""
    cache_dir = tmp_path_factory.mktemp("pdf-cache")
    made: dict[tuple, Path] = {}

    def make_pdf(path, pages, user_password=None) -> Path:
        key = (tuple(pages), user_password)
        if key not in made:
            made[key] = write_pdf(cache_dir / f"{len(made):04}.pdf", list(pages),
                                  user_password=user_password)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(made[key], path)
        return path

    return make_pdf


@pytest.fixture
def make_pdf(pdf_cache):
    return pdf_cache


@dataclass
class DocFolder:
    path: Path
    files: dict[str, Path] = field(default_factory=dict)  # name -> file
    words: dict[str, str] = field(default_factory=dict)  # name -> a word only it holds
    ids: dict[str, str] = field(default_factory=dict)  # name -> sha256 of the bytes written

    def add(self, name: str, path: Path, word: str | None = None) -> None:
        self.files[name] = path
        self.ids[name] = sha256_of(path)
        if word:
            self.words[name] = word

    def id(self, name: str) -> str:
        """The id of the file as first written (a test that rewrites it hashes it anew)."""
        return self.ids[name]


# Each good document holds one word no other document holds.
GOOD_DOCUMENTS = {
    "protokoll.pdf": ("pdf", ["Protokoll från byggnadsnämnden\n\nNämnden beslutar om "
                              "brandstationen i Flemingsberg.",
                              "Paragraf 2\n\nOmbyggnaden av simhallen skjuts upp."]),
    "budget.pdf": ("pdf", ["Budget 2024 för kulturförvaltningen\n\nAnslaget till "
                           "konsthallen höjs med tre miljoner kronor."]),
    "yttrande.txt": ("utf-8", "Yttrande över detaljplan för kvarteret Granen\n\n"
                              "Förvaltningen tillstyrker planen men påpekar att dagvattnet "
                              "måste tas om hand.\n"),
    "skrivelse.txt": ("cp1252", "Skrivelse om skolskjutsar – ”trafiksäkerheten” kring "
                                "Visättraskolan måste förbättras.\n"),
}
GOOD_WORDS = {
    "protokoll.pdf": "brandstationen",
    "budget.pdf": "konsthallen",
    "yttrande.txt": "dagvattnet",
    "skrivelse.txt": "Visättraskolan",
}


def write_good_documents(folder: Path, make_pdf) -> DocFolder:
    folder.mkdir(parents=True, exist_ok=True)
    docs = DocFolder(folder)
    for name, (kind, content) in GOOD_DOCUMENTS.items():
        path = folder / name
        if kind == "pdf":
            make_pdf(path, content)
        else:
            path.write_bytes(content.encode(kind))
        docs.add(name, path, GOOD_WORDS[name])
    return docs


@pytest.fixture
def doc_folder(tmp_path, make_pdf) -> DocFolder:
    """A small folder of good documents: two PDFs (one of two pages) and two text
    files (UTF-8 and Windows-1252), each with a word of its own."""
    return write_good_documents(tmp_path / "docs", make_pdf)


@pytest.fixture
def seed_folder(tmp_path) -> DocFolder:
    """The seed documents copied into a folder of their own."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    docs = DocFolder(folder)
    for path in sorted(SEEDS.glob("*.txt")):
        target = folder / path.name
        shutil.copyfile(path, target)
        docs.add(path.name[:3], target)
    assert len(docs.files) == 5, f"seeds missing from {SEEDS}"
    return docs
