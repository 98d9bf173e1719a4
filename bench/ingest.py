"""Ingest benchmark: how close is a full beslut ingest to bare pdfplumber?

Generates born-digital PDFs of three full A4 pages of Swedish text each (200 by
default), then times, in the same process and on the same files:

  A  bare pdfplumber: page.extract_text() for every page (what ingest reads with)
  B  pypdfium2: PdfDocument(path)[i].get_textpage().get_text_range() for every page
  C  a full beslut ingest into a fresh data home: IngestJob over ingest.walk,
     hashing, ftfy, tagging, the SQLite store and the whoosh index, commits included

The three are run interleaved in rounds, in a rotated order each round, and the
median of each is reported, with pages per second and the ratios C/A and B/A.
The aim is C/A <= 1.3: ingest within 1.3 times bare pdfplumber extraction.
Wall time (time.perf_counter) is the measure; the process's CPU time is shown
beside it, since on a busy machine other programs stretch wall time only.

Run it from the repository root:

    .venv/bin/python bench/ingest.py                # 200 documents, 3 rounds
    .venv/bin/python bench/ingest.py --docs 50 --rounds 5
    .venv/bin/python bench/ingest.py --profile      # and where ingest's time goes
    .venv/bin/python bench/ingest.py --json         # JSON on stdout, report on stderr

--profile runs two more ingest rounds after the timed ones: one with a timer
around each pipeline stage (accurate seconds per stage), one under cProfile
(the functions outside pdfminer/pdfplumber that cost the most).

Seed texts are read from <repo>/../shared/seeds (the clean ones: 000, 002, 003).
Generated PDFs are kept in bench/out/ (git-ignored) and reused by later runs;
data homes are created there too and removed after each round.
"""

import argparse
import cProfile
import functools
import gc
import hashlib
import json
import os
import platform
import pstats
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from importlib import metadata
from pathlib import Path
from time import perf_counter, process_time

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pdfplumber  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402
from pdfplumber.page import Page as PlumberPage  # noqa: E402
from whoosh.writing import SegmentWriter  # noqa: E402

import beslut.batch  # noqa: E402
import beslut.prepare  # noqa: E402
import ingest.pdf  # noqa: E402
import ingest.pipeline  # noqa: E402
from beslut.batch import SYNC_EVERY_SECONDS as SYNC_SECONDS, IngestJob  # noqa: E402
from corpus import Corpus, open_corpus  # noqa: E402
from index import open_index  # noqa: E402
from index.whoosh_index import WhooshIndex  # noqa: E402
from ingest.walk import walk  # noqa: E402
from tests import pdfgen  # noqa: E402

SEEDS_DIR = REPO.parent / "shared" / "seeds"
CLEAN_SEEDS = ("000", "002", "003")
OUT_DIR = REPO / "bench" / "out"
GENERATOR_VERSION = 1  # bump when the generated documents change
PAGES_PER_DOC = 3
LINE_HEIGHT = 5.5  # the line height tests.pdfgen.write_pdf uses
SHORT_LINE = 40  # in the seeds, a line shorter than this ends a heading or a signature line
MIN_PARAGRAPH = 80  # shorter blocks (lone headings, signatures) make no sense out of order
AIM = 1.3

TITLES = [
    "Uppsägning av partneravtal med forskningsinstitut",
    "Akademiska noder för stärkt samverkan",
    "Avtal om samverkan mellan kommunen och universitetet",
    "Uppföljning av innovationssamarbeten inom socialtjänsten",
    "Yttrande över förslag till samverkansavtal",
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---- generating the documents ------------------------------------------------

def seed_paragraphs() -> list[str]:
    """The clean seeds cut into paragraphs, hard line breaks reflowed; headings
    stay with the paragraph they head."""
    paragraphs = []
    for prefix in CLEAN_SEEDS:
        (path,) = SEEDS_DIR.glob(f"{prefix}_*.txt")
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            lines = [" ".join(line.split()) for line in block.splitlines()]
            lines = [line for line in lines if line]
            if not lines:
                continue
            text = lines[0]
            for previous, line in zip(lines, lines[1:]):
                text += ("\n" if len(previous) < SHORT_LINE else " ") + line
            if len(text) >= MIN_PARAGRAPH:
                paragraphs.append(text)
    return paragraphs


class PageFiller:
    """Fills A4 pages to the brim, measuring lines with fpdf2's dry run in the
    same font, size and margins as tests.pdfgen.write_pdf."""

    def __init__(self):
        self.pdf = pdfgen._new_pdf()
        self.pdf.add_page()
        usable = self.pdf.page_break_trigger - self.pdf.t_margin
        self.max_lines = int(usable // LINE_HEIGHT) - 1  # one line of slack

    def lines(self, text: str) -> int:
        return len(self.pdf.multi_cell(0, LINE_HEIGHT, text, dry_run=True, output="LINES"))

    def page(self, header: str, paragraphs) -> str:
        parts, used = [header], self.lines(header)
        for paragraph in paragraphs:
            need = 1 + self.lines(paragraph)  # a blank line, then the paragraph
            if used + need <= self.max_lines:
                parts.append(paragraph)
                used += need
                continue
            room = self.max_lines - used - 1
            if room >= 2:  # end the page with as much of this paragraph as fits
                parts.append(self._cut(paragraph, room))
            break
        return "\n\n".join(parts)

    def _cut(self, paragraph: str, max_lines: int) -> str:
        words = paragraph.split(" ")
        low, high = 1, len(words)  # the most words that fit: binary search
        while low < high:
            mid = (low + high + 1) // 2
            if self.lines(" ".join(words[:mid])) <= max_lines:
                low = mid
            else:
                high = mid - 1
        return " ".join(words[:low])


def endless_shuffle(items: list[str], rng: random.Random):
    while True:
        order = items[:]
        rng.shuffle(order)
        yield from order


def document_pages(number: int, pool: list[str], filler: PageFiller) -> list[str]:
    rng = random.Random(f"beslut-bench-{GENERATOR_VERSION}-{number}")
    paragraphs = endless_shuffle(pool, rng)
    dnr = f"SN 2024/{number:04d}"
    first = (f"Socialnämnden\nTjänsteutlåtande\nDnr {dnr}\n"
             f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\n\n"
             f"{rng.choice(TITLES)}, ärende {number}")
    pages = [filler.page(first, paragraphs)]
    for page in range(2, PAGES_PER_DOC + 1):
        pages.append(filler.page(f"Dnr {dnr}    Sida {page} ({PAGES_PER_DOC})", paragraphs))
    return pages


def generate(docs: int) -> Path:
    """The folder of `docs` PDFs, generated unless an earlier run left them."""
    folder = OUT_DIR / f"pdfs-v{GENERATOR_VERSION}-n{docs}"
    paths = [folder / f"beslut-{n:04d}.pdf" for n in range(1, docs + 1)]
    missing = [p for p in paths if not p.exists()]
    if missing:
        log(f"generating {len(missing)} PDFs in {folder.relative_to(REPO)} ...")
        pool, filler = seed_paragraphs(), PageFiller()
        start = perf_counter()
        for path in missing:
            pdfgen.write_pdf(path, document_pages(int(path.stem.split("-")[1]), pool, filler))
        log(f"  done in {perf_counter() - start:.1f} s")
    stray = sorted(set(folder.iterdir()) - set(paths))
    if stray:
        raise SystemExit(f"unexpected files in {folder}: {[p.name for p in stray[:5]]}")
    digests = {hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
    if len(digests) != docs:
        raise SystemExit(f"only {len(digests)} distinct documents among {docs}")
    for path in paths:
        pages = len(pdfium.PdfDocument(path))
        if pages != PAGES_PER_DOC:
            raise SystemExit(f"{path.name} has {pages} pages, not {PAGES_PER_DOC}")
    return folder


# ---- the three measurements --------------------------------------------------

def extract_pdfplumber(paths: list[Path]) -> tuple[int, int]:
    """A: bare pdfplumber, as ingest.pdf reads (page.close() drops page caches)."""
    pages = chars = 0
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                chars += len(page.extract_text() or "")
                page.close()
                pages += 1
    return pages, chars


def extract_pdfium(paths: list[Path]) -> tuple[int, int]:
    """B: pypdfium2's text extraction."""
    pages = chars = 0
    for path in paths:
        pdf = pdfium.PdfDocument(path)
        try:
            for i in range(len(pdf)):
                page = pdf[i]
                textpage = page.get_textpage()
                chars += len(textpage.get_text_range())
                textpage.close()
                page.close()
                pages += 1
        finally:
            pdf.close()
    return pages, chars


def run_ingest(sources: list[Path], home: Path):
    """C: what `beslut ingest SOURCES` does, into `home`."""
    corpus, index = open_corpus(home), open_index(home)
    try:
        items = list(walk(sources))
        return IngestJob(corpus, index).run(items)
    finally:
        index.close()
        corpus.close()


def ingest_into_fresh_home(folder: Path, expected_docs: int) -> tuple[float, float, int]:
    """Time one full ingest of `folder` into a new data home (wall and CPU
    seconds); check what it stored."""
    home = Path(tempfile.mkdtemp(prefix="home-", dir=OUT_DIR))
    try:
        gc.collect()
        start, cpu_start = perf_counter(), process_time()
        report = run_ingest([folder], home)
        seconds, cpu = perf_counter() - start, process_time() - cpu_start
        check_home(home, report, expected_docs)
        with open_corpus(home) as corpus:
            pages = corpus.counts()["pages"]
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return seconds, cpu, pages


def check_home(home: Path, report, expected_docs: int) -> None:
    if report.failures or report.counts["new"] != expected_docs:
        raise SystemExit(f"ingest did not store every document: {report.summary()} "
                         f"{report.failures[:3]}")
    index = open_index(home)
    try:
        indexed = index.doc_count()
    finally:
        index.close()
    if indexed != expected_docs:
        raise SystemExit(f"the index holds {indexed} documents, not {expected_docs}")


def timed(function, paths) -> tuple[float, float, int, int]:
    """Wall and CPU seconds of function(paths), and the pages and characters it read."""
    gc.collect()
    start, cpu_start = perf_counter(), process_time()
    pages, chars = function(paths)
    return perf_counter() - start, process_time() - cpu_start, pages, chars


def measure(folder: Path, docs: int, rounds: int) -> dict:
    paths = sorted(folder.glob("*.pdf"))
    expected_pages = docs * PAGES_PER_DOC

    log("warming up (imports, font and model loading) ...")
    extract_pdfplumber(paths[:1])
    extract_pdfium(paths[:1])
    warm_home = Path(tempfile.mkdtemp(prefix="warmup-", dir=OUT_DIR))
    try:
        run_ingest(paths[:2], warm_home)
    finally:
        shutil.rmtree(warm_home, ignore_errors=True)

    names = {"A": "bare pdfplumber", "B": "pypdfium2", "C": "beslut ingest"}
    times = {key: [] for key in names}
    cpu_times = {key: [] for key in names}
    chars = {}
    for r in range(rounds):
        order = "ABC"[r % 3:] + "ABC"[:r % 3]  # rotate, so no one always runs first
        for key in order:
            if key == "A":
                seconds, cpu, pages, chars["A"] = timed(extract_pdfplumber, paths)
            elif key == "B":
                seconds, cpu, pages, chars["B"] = timed(extract_pdfium, paths)
            else:
                seconds, cpu, pages = ingest_into_fresh_home(folder, docs)
            if pages != expected_pages:
                raise SystemExit(f"{names[key]} saw {pages} pages, not {expected_pages}")
            times[key].append(seconds)
            cpu_times[key].append(cpu)
            log(f"  round {r + 1}/{rounds}  {key} {names[key]:<16} {seconds:8.2f} s "
                f"(CPU {cpu:.2f} s)")

    median = {key: statistics.median(values) for key, values in times.items()}
    cpu_median = {key: statistics.median(values) for key, values in cpu_times.items()}
    return {
        "docs": docs, "pages": expected_pages, "rounds": rounds,
        "chars_per_page": {"pdfplumber": round(chars["A"] / expected_pages),
                           "pypdfium2": round(chars["B"] / expected_pages)},
        "seconds": {names[k]: [round(s, 3) for s in v] for k, v in times.items()},
        "median_seconds": {names[k]: round(v, 3) for k, v in median.items()},
        "pages_per_second": {names[k]: round(expected_pages / v, 1) for k, v in median.items()},
        "ratio_ingest_to_pdfplumber": round(median["C"] / median["A"], 3),
        "ratio_pypdfium2_to_pdfplumber": round(median["B"] / median["A"], 4),
        # Process CPU time: less disturbed by other programs on a busy machine.
        "cpu_seconds": {names[k]: [round(s, 3) for s in v] for k, v in cpu_times.items()},
        "median_cpu_seconds": {names[k]: round(v, 3) for k, v in cpu_median.items()},
        "cpu_ratio_ingest_to_pdfplumber": round(cpu_median["C"] / cpu_median["A"], 3),
        "aim": AIM,
        "aim_met": median["C"] / median["A"] <= AIM,
    }


# ---- where ingest's time goes ------------------------------------------------

# (label, owner, attribute, depth): the calls timed in the stage breakdown.
STAGES = [
    ("read_source: stat, read, sha256", beslut.prepare, "read_source", 1),
    ("extract_pdf_pages: pdfplumber", ingest.pipeline, "extract_pdf_pages", 1),
    ("page_text: textmap, then paragraph gaps", ingest.pdf, "page_text", 2),
    ("Page._get_textmap: pdfminer layout", PlumberPage, "_get_textmap", 3),
    ("clean: ftfy fix_and_explain", ingest.pipeline, "clean", 1),
    ("tag: title and date", ingest.pipeline, "tag", 1),
    ("Corpus.save: SQLite write", Corpus, "save", 1),
    ("sync_index", beslut.batch, "sync_index", 1),
    ("Corpus.get: SQLite read", Corpus, "get", 2),
    ("WhooshIndex.apply", WhooshIndex, "apply", 2),
    ("update_document", SegmentWriter, "update_document", 3),
    ("add_document: analysis, postings", SegmentWriter, "add_document", 4),
    ("commit: segment write, merge", SegmentWriter, "commit", 3),
]
PDF_PARTS = ("/pdfminer/", "/pdfplumber/")
# Frames that only pass the call down to pdfplumber among other things.
PIPELINE_FRAMES = {str(REPO / p) for p in ("beslut/batch.py", "beslut/prepare.py", "ingest/pipeline.py",
                                           "ingest/pdf.py", "bench/ingest.py")}


class StageTimer:
    """Wraps each STAGES call in a perf_counter timer while active."""

    def __init__(self):
        self.seconds = Counter()
        self.calls = Counter()
        self.installed = []
        self._undo = []

    def __enter__(self):
        for label, owner, attribute, _ in STAGES:
            original = getattr(owner, attribute, None)
            if original is None:  # beslut changed under the benchmark: leave it out
                continue
            own = attribute in vars(owner)
            setattr(owner, attribute, self._timed(label, original))
            self._undo.append((owner, attribute, original, own))
            self.installed.append(label)
        return self

    def __exit__(self, *exc):
        for owner, attribute, original, own in reversed(self._undo):
            if own:
                setattr(owner, attribute, original)
            else:
                delattr(owner, attribute)

    def _timed(self, label, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            start = perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[label] += perf_counter() - start
                self.calls[label] += 1
        return wrapper


def stage_breakdown(folder: Path, docs: int, pdfplumber_seconds: float) -> dict:
    home = Path(tempfile.mkdtemp(prefix="stages-", dir=OUT_DIR))
    try:
        with StageTimer() as timer:
            gc.collect()
            start = perf_counter()
            report = run_ingest([folder], home)
            total = perf_counter() - start
        check_home(home, report, docs)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    top_level = sum(timer.seconds[label] for label, *_, depth in STAGES if depth == 1)
    rows = [{"stage": label, "depth": depth, "calls": timer.calls[label],
             "seconds": round(timer.seconds[label], 3)}
            for label, _, _, depth in STAGES if label in timer.installed]
    rows.append({"stage": "other: walk, path_state, status_of, detect, open/close",
                 "depth": 1, "calls": None, "seconds": round(total - top_level, 3)})
    beyond = total - timer.seconds["extract_pdf_pages: pdfplumber"]
    return {"total_seconds": round(total, 3), "beyond_pdfplumber_seconds": round(beyond, 3),
            "pdfplumber_median_seconds": round(pdfplumber_seconds, 3), "stages": rows}


def _pdf_side(stats: dict) -> dict:
    """For each profiled function, the cumulative time it spent on pdfplumber's
    behalf: all of it inside pdfminer/pdfplumber, else what its pdf-side callers
    account for (repeated, so helpers of helpers count too)."""
    def in_pdf(func):
        return any(part in func[0] for part in PDF_PARTS)

    pdf_time = {f: (v[3] if in_pdf(f) else 0.0) for f, v in stats.items()}
    for _ in range(8):
        for func, (_, _, _, cumulative, callers) in stats.items():
            if in_pdf(func):
                continue
            via_pdf = sum(c[3] * min(1.0, pdf_time.get(caller, 0.0) / max(stats[caller][3], 1e-12))
                          for caller, c in callers.items() if caller in stats)
            pdf_time[func] = min(cumulative, via_pdf)
    return pdf_time


def _name(func) -> str:
    filename, line, name = func
    if filename == "~":
        return name
    for marker in ("site-packages/", str(REPO) + "/"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    else:
        filename = os.path.basename(filename)
    return f"{filename}:{line}({name})"


def _package(func) -> str:
    """Who a profiled function belongs to: a package, 'stdlib', or for a C
    function the module it comes from (sqlite3, hashlib, ...)."""
    filename, _, name = func
    if filename == "~":
        match = re.search(r"of '_?(\w+)|method _?(\w+)\.", name)
        return (match.group(1) or match.group(2)) if match else "builtins"
    for marker in ("site-packages/", str(REPO) + "/"):
        if marker in filename:
            return filename.split(marker, 1)[1].split("/")[0].removesuffix(".py")
    return "stdlib"


def profile_top(folder: Path, docs: int, limit: int = 20) -> dict:
    home = Path(tempfile.mkdtemp(prefix="profile-", dir=OUT_DIR))
    profiler = cProfile.Profile()
    try:
        gc.collect()
        profiler.enable()
        report = run_ingest([folder], home)
        profiler.disable()
        check_home(home, report, docs)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    stats = pstats.Stats(profiler).stats
    total = sum(v[2] for v in stats.values())  # all own time: the profiled run
    pdf_time = _pdf_side(stats)
    rows = []
    for func, (_, calls, own, cumulative, _) in stats.items():
        outside = cumulative - pdf_time[func]
        if func[0] in PIPELINE_FRAMES or outside < 0.5 * cumulative or "cProfile" in func[2]:
            continue
        rows.append({"function": _name(func), "calls": calls, "own_seconds": round(own, 3),
                     "cumulative_seconds": round(outside, 3)})
    rows.sort(key=lambda row: -row["cumulative_seconds"])
    by_package = Counter()  # own time outside pdfplumber's side, by package
    for func, (_, _, own, cumulative, _) in stats.items():
        if func[0] not in PIPELINE_FRAMES and "cProfile" not in func[2]:
            share = 1.0 - (pdf_time[func] / cumulative if cumulative else 0.0)
            by_package[_package(func)] += own * share
    packages = {name: round(sec, 3) for name, sec in by_package.most_common() if sec >= 0.005}
    pdf_total = sum(v[2] for f, v in stats.items() if pdf_time[f] >= 0.5 * v[3])
    commits = sum(v[1] for f, v in stats.items()
                  if f[0].endswith("whoosh/writing.py") and f[2] == "commit")
    return {"profiled_seconds": round(total, 3), "pdf_side_own_seconds": round(pdf_total, 3),
            "index_commits": commits, "own_seconds_by_package": packages,
            "top": rows[:limit]}


# ---- the report --------------------------------------------------------------

def versions() -> dict:
    """The versions measured; called at the start, before any code can change."""
    packages = ("pdfplumber", "pdfminer.six", "pypdfium2", "ftfy", "whoosh-reloaded", "PyStemmer")
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"],
                                capture_output=True, text=True, timeout=10).stdout.strip()
    except OSError:
        commit = ""
    return {"beslut_commit": commit or None, "python": platform.python_version(),
            "cpus": os.cpu_count(),
            **{p: metadata.version(p) for p in packages}}


def print_report(result: dict, out) -> None:
    def say(line=""):
        print(line, file=out)

    env = result["environment"]
    say(f"beslut ingest benchmark: {result['docs']} born-digital PDFs x {PAGES_PER_DOC} pages = "
        f"{result['pages']} pages, {result['rounds']} interleaved rounds (median)")
    say(f"  beslut {env['beslut_commit']}, Python {env['python']}, {env['cpus']} CPUs, "
        f"pdfplumber {env['pdfplumber']} (pdfminer.six {env['pdfminer.six']}), "
        f"pypdfium2 {env['pypdfium2']}; "
        f"load average {result['load_before']} -> {result['load_after']}")
    say()
    say(f"  {'':<22}{'median s':>10}{'pages/s':>9}{'CPU s':>9}   rounds, wall s")
    for key, name in (("A", "bare pdfplumber"), ("B", "pypdfium2"), ("C", "beslut ingest")):
        label = {"A": "A  bare pdfplumber", "B": "B  pypdfium2 text", "C": "C  beslut ingest"}[key]
        rounds = " ".join(f"{s:.2f}" for s in result["seconds"][name])
        say(f"  {label:<22}{result['median_seconds'][name]:>10.2f}"
            f"{result['pages_per_second'][name]:>9.1f}{result['median_cpu_seconds'][name]:>9.2f}"
            f"   {rounds}")
    say()
    ratio = result["ratio_ingest_to_pdfplumber"]
    say(f"  C/A  ingest / bare pdfplumber    {ratio:.2f}x   "
        f"(aim <= {AIM}x: {'met' if result['aim_met'] else 'MISSED'}); "
        f"on CPU time {result['cpu_ratio_ingest_to_pdfplumber']:.2f}x")
    b_ratio = result["ratio_pypdfium2_to_pdfplumber"]
    say(f"  B/A  pypdfium2 / pdfplumber      {b_ratio:.3f}x  "
        f"(pypdfium2 is {1 / b_ratio:.0f}x faster)")
    say(f"  text per page: pdfplumber {result['chars_per_page']['pdfplumber']} chars, "
        f"pypdfium2 {result['chars_per_page']['pypdfium2']} chars")

    stages = result.get("stages")
    if stages:
        a = stages["pdfplumber_median_seconds"]
        say()
        say(f"Where one ingest round's time goes (timers around each stage, no profiler): "
            f"{stages['total_seconds']:.2f} s,")
        say(f"of which beyond pdfplumber {stages['beyond_pdfplumber_seconds']:.2f} s "
            f"(= {stages['beyond_pdfplumber_seconds'] / a:.2f} of A's median; "
            f"the C/A budget over 1.0 is {AIM - 1:.2f})")
        say(f"  {'stage':<58}{'calls':>7}{'seconds':>9}{'/ A':>7}  (/ A: seconds / A's median)")
        for row in stages["stages"]:
            label = "  " * (row["depth"] - 1) + row["stage"]
            calls = "" if row["calls"] is None else str(row["calls"])
            say(f"  {label:<58}{calls:>7}{row['seconds']:>9.2f}{row['seconds'] / a:>7.3f}")

    profile = result.get("profile")
    if profile:
        say()
        say(f"cProfile of one more ingest round ({profile['profiled_seconds']:.1f} s under the "
            f"profiler, {profile['pdf_side_own_seconds']:.1f} s of it on pdfplumber's side);")
        stage_commits = next((row["calls"] for row in (stages or {}).get("stages", [])
                              if row["stage"].startswith("commit")), None)
        if stage_commits is not None and stage_commits != profile["index_commits"]:
            say(f"(the profiler slows the run, so IngestJob's every-{SYNC_SECONDS:g}-seconds index "
                f"sync fires more: {profile['index_commits']} whoosh commits here, "
                f"{stage_commits} without the profiler)")
        packages = list(profile["own_seconds_by_package"].items())[:8]
        say("own time outside pdfminer/pdfplumber, by package: "
            + ", ".join(f"{name} {sec:.2f} s" for name, sec in packages))
        say("top cumulative entries outside pdfminer/pdfplumber (their pdf-side share removed):")
        say(f"  {'cum s':>7}{'own s':>7}{'calls':>9}  function")
        for row in profile["top"]:
            say(f"  {row['cumulative_seconds']:>7.2f}{row['own_seconds']:>7.2f}"
                f"{row['calls']:>9}  {row['function']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=200, help="how many PDFs (default 200)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (default 3)")
    parser.add_argument("--profile", action="store_true",
                        help="also break one ingest round down by stage, and cProfile another")
    parser.add_argument("--json", action="store_true",
                        help="print the result as JSON on stdout (the report goes to stderr)")
    args = parser.parse_args()
    if args.docs < 2 or args.rounds < 1:
        parser.error("--docs must be at least 2 and --rounds at least 1")

    environment = versions()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    folder = generate(args.docs)
    load_before = os.getloadavg()[0]
    result = measure(folder, args.docs, args.rounds)
    if args.profile:
        log("stage timing round ...")
        result["stages"] = stage_breakdown(folder, args.docs,
                                           result["median_seconds"]["bare pdfplumber"])
        log("cProfile round ...")
        result["profile"] = profile_top(folder, args.docs)
    result["load_before"] = round(load_before, 2)
    result["load_after"] = round(os.getloadavg()[0], 2)
    result["environment"] = environment

    print_report(result, sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
