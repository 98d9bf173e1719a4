"""OCR benchmark: how close is beslut's OCR ingest to bare Tesseract, and does
a 500-page scan stay within bounded memory?

Throughput (the default). Builds 40 scanned pages from the clean seeds
(000, 002, 003) and the genre texts in tests/genre_texts.py, cycling the texts
as needed: A4 at 300 dpi, light noise (0.05) and a small skew, drawn by
tests/scanned.py as the OCR tests draw theirs. They are saved as 4 image-only
PDFs of 10 pages (for beslut) and as 40 PNGs (for bare Tesseract). The PNGs are
the PDF pages as beslut renders them (ingest.render.render_pdf_page), so both
sides hand Tesseract the very same pixels. Then, interleaved over rounds
(3 by default, the order alternating), the median of each is taken:

  A  bare Tesseract: `tesseract PAGE.png OUT -l swe` (plain text, default page
     segmentation), OMP_THREAD_LIMIT=1, two at a time over the 40 PNGs (a pool
     of 2 threads each running one subprocess after another, as `xargs -P 2`)
  B  beslut: `.venv/bin/beslut --home FRESH ingest --jobs 2 FOLDER_OF_PDFS`,
     the whole command as a subprocess into a fresh data home each round:
     start-up, rendering from PDF, Tesseract, TSV parsing, the store and the index

It reports pages per minute for each and the time ratio B/A (aim: B/A <= 1.15),
the token error of the text beslut stored (and of bare Tesseract's) against the
text that was drawn, and how many pages needed the orientation pass (a first
reading below 60 mean confidence). Wall time is the measure; the CPU time of
the child processes is shown beside it. Both sides keep the machine's two
cores busy, so another program's CPU use stretches wall time: each run waits
for a quiet machine first, counts the CPU other programs took meanwhile (from
/proc/stat) and is run again (at most twice) if that exceeds 3% of the
machine's capacity; the report shows how much that was.

Memory (--big). Builds one 500-page image-only PDF of black-and-white pages
(tests.scanned.to_bilevel, stored as CCITT G4, so the file stays small), the
clean seeds' paragraphs shuffled and cycled to fill every page, and runs
`beslut ingest --jobs 2` on it once while sampling, every 0.2 s from /proc, the
resident memory of the whole process tree: beslut, its OCR workers and their
tesseract children. It reports the peak of the tree's summed RSS (and PSS,
which counts pages shared between forked processes once); each process's own
peak, from its kernel high-water mark (exact, where the sum is sampled); the
sum of those peaks as if all came at once (a bound sampling cannot miss); the
time and pages per minute. The aim is a peak under 1.5 GB. At 300 dpi on two
cores building the PDF takes 3 minutes (once) and the ingest 10; --big-dpi
makes both quicker.

Run it from the repository root:

    .venv/bin/python bench/ocr.py                  # 40 pages, 3 rounds
    .venv/bin/python bench/ocr.py --rounds 5
    .venv/bin/python bench/ocr.py --profile        # and where beslut's extra time goes
    .venv/bin/python bench/ocr.py --big            # the 500-page memory run (only)
    .venv/bin/python bench/ocr.py --big --big-dpi 200
    .venv/bin/python bench/ocr.py --json           # JSON on stdout, report on stderr

--profile adds, after the timed rounds, one in-process ingest with timers in
the main process and in each OCR worker (render, PNM encoding, tesseract,
TSV parsing, orientation re-runs; text-layer extraction, quality scoring,
store and index), laid on a shared clock so idle workers show up; the start-up
cost of the command; and Tesseract alone, one run at a time on every 4th page,
fed three ways: as bare (PNG file, text out), as beslut feeds it (PNM file,
TSV out) and as beslut used to (PNM on standard input, TSV out).

Seeds are read from <repo>/../shared/seeds. Everything generated is kept in
bench/out/ (git-ignored) and reused by later runs; data homes and Tesseract
outputs are made there too and removed after each round.
"""

import argparse
import json
import os
import platform
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path
from time import perf_counter

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from beslut.batch import IngestJob  # noqa: E402
from corpus import open_corpus  # noqa: E402
from index import open_index  # noqa: E402
import ingest.ocr  # noqa: E402
from ingest.ocr_runner import OcrRunner  # noqa: E402
from ingest.options import OcrOptions  # noqa: E402
from ingest.render import render_pdf_page  # noqa: E402
from ingest.walk import walk  # noqa: E402
from tests.genre_texts import GENRE_TEXTS  # noqa: E402
from tests.scanned import (  # noqa: E402
    paginate,
    render_page_image,
    to_bilevel,
    token_edit_distance,
    tokens,
    write_image_pdf,
)

SEEDS_DIR = REPO.parent / "shared" / "seeds"
CLEAN_SEEDS = ("000", "002", "003")
OUT_DIR = REPO / "bench" / "out"
BESLUT = Path(sys.executable).parent / "beslut"  # the one installed beside this Python
GENERATOR_VERSION = 1  # bump when the generated pages change

PAGES = 40
PAGES_PER_PDF = 10
JOBS = 2
DPI = 300
NOISE = 0.05
SKEWS = (-0.3, 0.4, -0.2, 0.5, -0.4, 0.3)  # degrees, cycled page by page
AIM = 1.15

BIG_PAGES = 500
BIG_AIM_BYTES = 1.5e9
SAMPLE_SECONDS = 0.2
UPRIGHT_CONFIDENCE = 60.0  # ingest.ocr: below this a page goes through orientation detection

TESSERACT_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CPUS = os.cpu_count() or 1
# A run during which other programs took more than this share of the machine's
# CPU time is run again (at most RETRIES times), after waiting for quiet.
DISTURBED_SHARE = 0.03
RETRIES = 2
QUIET_WAIT_SECONDS = 300


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---- the scanned pages ---------------------------------------------------------

def gold_texts() -> dict[str, str]:
    """The clean seeds and the genre texts, as tests/test_ocr_ingest.py uses them."""
    texts = {}
    for prefix in CLEAN_SEEDS:
        (path,) = SEEDS_DIR.glob(f"{prefix}_*.txt")
        texts[f"seed{prefix}"] = path.read_text(encoding="utf-8")
    texts.update(GENRE_TEXTS)
    return texts


def page_plan(count: int) -> list[dict]:
    """`count` pages: every page of every text in turn, then round again. Each
    page has its own noise seed and skew, so a text's second round is not the
    same image (nor the same PDF bytes) as its first."""
    flat = [(name, number, gold) for name, text in gold_texts().items()
            for number, gold in enumerate(paginate(text, dpi=DPI), start=1)]
    plan = []
    for k in range(count):
        name, number, gold = flat[k % len(flat)]
        plan.append({"page": k + 1, "text": name, "text_page": number, "round": k // len(flat) + 1,
                     "skew": SKEWS[k % len(SKEWS)], "seed": k, "gold": gold})
    return plan


def build_pages(count: int = PAGES) -> dict:
    """The 40 pages as PDFs and PNGs, made unless an earlier run left them.
    Returns the manifest: the folders, and per page its files and gold text."""
    root = OUT_DIR / f"ocr-v{GENERATOR_VERSION}-n{count}"
    manifest_path = root / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text("utf-8"))
        files = [root / p["png"] for p in manifest["pages"]] + \
                [root / "pdf" / name for name in manifest["pdfs"]]
        if all(f.exists() for f in files):
            return {**manifest, "root": str(root)}
    log(f"building {count} scanned pages in {root.relative_to(REPO)} ...")
    start = perf_counter()
    shutil.rmtree(root, ignore_errors=True)
    (root / "pdf").mkdir(parents=True)
    (root / "png").mkdir()
    plan = page_plan(count)
    pdfs = []
    for first in range(0, count, PAGES_PER_PDF):
        chunk = plan[first:first + PAGES_PER_PDF]
        name = f"scan-{first // PAGES_PER_PDF + 1:02d}.pdf"
        images = [render_page_image(p["gold"], dpi=DPI, skew_degrees=p["skew"], noise=NOISE,
                                    seed=p["seed"]) for p in chunk]
        pdf = write_image_pdf(root / "pdf" / name, images, dpi=DPI)
        del images
        for number, page in enumerate(chunk, start=1):
            # What beslut will hand Tesseract: the PDF page rendered back by pdfium.
            image = render_pdf_page(pdf, number, DPI)
            page["png"] = f"png/page-{page['page']:03d}.png"
            page["pdf"], page["pdf_page"] = name, number
            image.save(root / page["png"], dpi=(DPI, DPI))
        pdfs.append(name)
    manifest = {"version": GENERATOR_VERSION, "dpi": DPI, "noise": NOISE, "pdfs": pdfs,
                "pages": plan}
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    log(f"  done in {perf_counter() - start:.1f} s")
    return {**manifest, "root": str(root)}


def seed_paragraphs() -> list[str]:
    """The clean seeds cut at blank lines, hard line breaks kept (as drawn in the 40 pages)."""
    paragraphs = []
    for prefix in CLEAN_SEEDS:
        (path,) = SEEDS_DIR.glob(f"{prefix}_*.txt")
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            lines = [" ".join(line.split()) for line in block.splitlines()]
            block = "\n".join(line for line in lines if line)
            if block:
                paragraphs.append(block)
    return paragraphs


def big_gold_pages(count: int, dpi: int) -> list[str]:
    """`count` pages of text: the seeds' paragraphs shuffled, round after round."""
    rng = random.Random(f"beslut-ocr-big-{GENERATOR_VERSION}")
    pool, parts, pages = seed_paragraphs(), [], []
    while len(pages) <= count:  # the last page of a batch may be short: one spare
        order = pool[:]
        rng.shuffle(order)
        parts.extend(order)
        if len(parts) >= 60:
            pages.extend(paginate("\n\n".join(parts), dpi=dpi))
            parts = []
    return pages[:count]


def build_big_pdf(count: int, dpi: int) -> tuple[Path, list[str]]:
    """The 500-page black-and-white scan, made unless an earlier run left it."""
    folder = OUT_DIR / f"ocr-big-v{GENERATOR_VERSION}-n{count}-{dpi}dpi"
    pdf, gold_path = folder / "in" / "big-scan.pdf", folder / "gold.json"
    if pdf.exists() and gold_path.exists():
        return pdf, json.loads(gold_path.read_text("utf-8"))
    log(f"building a {count}-page black-and-white scan at {dpi} dpi in "
        f"{folder.relative_to(REPO)} (a few minutes) ...")
    start = perf_counter()
    shutil.rmtree(folder, ignore_errors=True)
    gold = big_gold_pages(count, dpi)

    def images():  # a generator: write_image_pdf holds 20 pages at a time
        for k, text in enumerate(gold):
            image = render_page_image(text, dpi=dpi, skew_degrees=SKEWS[k % len(SKEWS)],
                                      noise=NOISE, seed=10_000 + k)
            yield to_bilevel(image)
            if (k + 1) % 50 == 0:
                log(f"  {k + 1}/{count} pages")

    write_image_pdf(folder / "in" / ".big-scan.pdf.part", images(), dpi=dpi)
    (folder / "in" / ".big-scan.pdf.part").rename(pdf)
    gold_path.write_text(json.dumps(gold, ensure_ascii=False), "utf-8")
    log(f"  done in {perf_counter() - start:.1f} s ({pdf.stat().st_size / 1e6:.1f} MB)")
    return pdf, gold


# ---- measuring: wall time, CPU time, other programs ---------------------------

def children_cpu() -> float:
    """User + system seconds of every child process waited for so far (and theirs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def machine_busy() -> float:
    """CPU seconds all CPUs have spent busy since boot, from /proc/stat."""
    with open("/proc/stat") as f:
        user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, f.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


class Meter:
    """Wall seconds, CPU seconds of the child processes run meanwhile, and the CPU
    seconds other programs took meanwhile: with 2 cores and 2 jobs, any of the
    latter stretches the wall time."""

    def __enter__(self):
        self._start = (perf_counter(), children_cpu(), own_cpu(), machine_busy())
        return self

    def __exit__(self, *exc):
        now = (perf_counter(), children_cpu(), own_cpu(), machine_busy())
        wall, child, own, busy = (b - a for a, b in zip(self._start, now))
        self.seconds, self.cpu, self.others = wall, child, max(0.0, busy - child - own)

    @property
    def disturbed(self) -> bool:
        return self.others > DISTURBED_SHARE * CPUS * self.seconds


def wait_for_quiet(most_seconds: float = QUIET_WAIT_SECONDS) -> float:
    """Wait (at most `most_seconds`) until other programs leave the CPUs alone
    for two seconds running; returns the seconds waited."""
    start, quiet = perf_counter(), 0
    while perf_counter() - start < most_seconds and quiet < 2:
        busy, own = machine_busy(), own_cpu()
        time.sleep(1.0)
        others = machine_busy() - busy - (own_cpu() - own)
        quiet = quiet + 1 if others < DISTURBED_SHARE * CPUS else 0
    return perf_counter() - start


# ---- A: bare Tesseract ---------------------------------------------------------

def bare_tesseract(pngs: list[Path], jobs: int = JOBS) -> tuple[Meter, list[str]]:
    """A: `tesseract PAGE.png OUT -l swe`, `jobs` at a time. The times, and the
    text of each page."""
    out = Path(tempfile.mkdtemp(prefix="tess-", dir=OUT_DIR))

    def one(index_png):
        index, png = index_png
        base = out / f"{index:03d}"
        done = subprocess.run(["tesseract", str(png), str(base), "-l", "swe"],
                              capture_output=True, env=TESSERACT_ENV)
        if done.returncode != 0:
            raise SystemExit(f"tesseract failed on {png}: {done.stderr.decode()[-300:]}")
        return base.with_suffix(".txt").read_text("utf-8")

    try:
        with Meter() as meter, ThreadPoolExecutor(max_workers=jobs) as pool:
            texts = list(pool.map(one, enumerate(pngs)))
        return meter, texts
    finally:
        shutil.rmtree(out, ignore_errors=True)


# ---- B: beslut ingest ----------------------------------------------------------

def beslut_command(home: Path, folder: Path, jobs: int = JOBS, dpi: int = DPI) -> list[str]:
    return [str(BESLUT), "--home", str(home), "ingest", "--jobs", str(jobs), "--dpi", str(dpi),
            str(folder)]


def beslut_ingest(folder: Path) -> tuple[Meter, dict]:
    """B: the whole `beslut ingest` command into a fresh home. The times, and
    what it stored."""
    home = Path(tempfile.mkdtemp(prefix="home-", dir=OUT_DIR))
    try:
        with Meter() as meter:
            done = subprocess.run(beslut_command(home, folder), capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"beslut ingest failed ({done.returncode}): {done.stdout}{done.stderr}")
        return meter, stored(home)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def stored(home: Path) -> dict:
    """{file name: {"text", "pages": [(raw page text, source, scores)]}} from the store."""
    db = sqlite3.connect(f"file:{home / 'corpus.sqlite3'}?mode=ro", uri=True)
    try:
        docs = {}
        for doc_id, path, raw, text in db.execute(
                "SELECT id, last_path, raw_text, text FROM documents WHERE status = 'ok'"):
            rows = db.execute("SELECT source, scores FROM pages WHERE doc_id = ? ORDER BY number",
                              (doc_id,)).fetchall()
            pages = [(page_text, source, json.loads(scores))
                     for page_text, (source, scores) in zip(raw.split("\f"), rows)]
            docs[Path(path).name] = {"text": text, "pages": pages}
        return docs
    finally:
        db.close()


def orientation_pages(pages) -> int:
    """Pages that went through orientation detection: a first reading below
    UPRIGHT_CONFIDENCE, or a page read turned."""
    return sum(1 for _, _, scores in pages
               if scores.get("rotation", 0) or scores.get("ocr_confidence", 100.0) < UPRIGHT_CONFIDENCE)


def quality(docs: dict, manifest: dict) -> dict:
    """beslut's stored text against the gold, per document and over all tokens."""
    by_pdf = defaultdict(list)
    for page in manifest["pages"]:
        by_pdf[page["pdf"]].append(page["gold"])
    if set(docs) != set(by_pdf):
        raise SystemExit(f"the store holds {sorted(docs)}, not {sorted(by_pdf)}")
    edits = gold_tokens = 0
    per_doc, sources = {}, Counter()
    for name, golds in by_pdf.items():
        doc = docs[name]
        if len(doc["pages"]) != len(golds):
            raise SystemExit(f"{name}: {len(doc['pages'])} pages stored, not {len(golds)}")
        gold = "\n".join(golds)
        distance = token_edit_distance(tokens(doc["text"]), tokens(gold))
        per_doc[name] = round(distance / len(tokens(gold)), 4)
        edits += distance
        gold_tokens += len(tokens(gold))
        sources.update(source for _, source, _ in doc["pages"])
    pages = [p for doc in docs.values() for p in doc["pages"]]
    confidences = [scores.get("ocr_confidence", 0.0) for _, _, scores in pages]
    return {"token_error": round(edits / gold_tokens, 4), "token_edits": edits,
            "gold_tokens": gold_tokens, "token_error_per_pdf": per_doc,
            "page_sources": dict(sources), "orientation_pages": orientation_pages(pages),
            "rotated_pages": sum(1 for _, _, s in pages if s.get("rotation", 0)),
            "min_confidence": min(confidences), "median_confidence": statistics.median(confidences)}


def bare_quality(texts: list[str], manifest: dict) -> dict:
    edits = sum(token_edit_distance(tokens(t), tokens(p["gold"]))
                for t, p in zip(texts, manifest["pages"]))
    gold_tokens = sum(len(tokens(p["gold"])) for p in manifest["pages"])
    return {"token_error": round(edits / gold_tokens, 4), "token_edits": edits,
            "gold_tokens": gold_tokens}


# ---- the throughput measurement ------------------------------------------------

def warm_up(manifest: dict) -> None:
    """Load Tesseract's model, beslut's modules and the page files into the page cache."""
    log("warming up (Tesseract's model, Python modules, page files) ...")
    root = Path(manifest["root"])
    for path in list((root / "png").iterdir()) + list((root / "pdf").iterdir()):
        path.read_bytes()
    bare_tesseract([root / manifest["pages"][0]["png"]], jobs=1)
    home = Path(tempfile.mkdtemp(prefix="warmup-", dir=OUT_DIR))
    try:
        subprocess.run(beslut_command(home, root / manifest["pages"][1]["png"]), check=True,
                       capture_output=True)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def measure(manifest: dict, rounds: int) -> dict:
    root = Path(manifest["root"])
    pngs = [root / p["png"] for p in manifest["pages"]]
    pages = len(pngs)
    warm_up(manifest)
    names = {"A": "bare tesseract", "B": "beslut ingest"}
    times, cpu_times, others = ({"A": [], "B": []} for _ in range(3))
    b_quality, a_quality, differing, reruns, waited = None, None, 0, 0, 0.0
    for r in range(rounds):
        for key in ("AB" if r % 2 == 0 else "BA"):
            for attempt in range(RETRIES + 1):
                waited += wait_for_quiet()
                if key == "A":
                    meter, texts = bare_tesseract(pngs)
                    a_quality = a_quality or bare_quality(texts, manifest)
                else:
                    meter, docs = beslut_ingest(root / "pdf")
                    q = quality(docs, manifest)
                    if b_quality and q["token_edits"] != b_quality["token_edits"]:
                        differing += 1
                    b_quality = b_quality or q
                if not meter.disturbed or attempt == RETRIES:
                    break
                reruns += 1
                log(f"  round {r + 1}/{rounds}  {key} {meter.seconds:7.2f} s, disturbed: other "
                    f"programs took {meter.others:.1f} CPU s meanwhile; again")
            times[key].append(meter.seconds)
            cpu_times[key].append(meter.cpu)
            others[key].append(meter.others)
            log(f"  round {r + 1}/{rounds}  {key} {names[key]:<15} {meter.seconds:7.2f} s "
                f"({pages / meter.seconds * 60:5.1f} pages/min, child CPU {meter.cpu:.1f} s, "
                f"other programs' CPU {meter.others:.1f} s)")
    median = {k: statistics.median(v) for k, v in times.items()}
    cpu_median = {k: statistics.median(v) for k, v in cpu_times.items()}
    ratio = median["B"] / median["A"]
    return {
        "pages": pages, "pdfs": len(manifest["pdfs"]), "jobs": JOBS, "dpi": DPI, "rounds": rounds,
        "seconds": {names[k]: [round(s, 2) for s in v] for k, v in times.items()},
        "median_seconds": {names[k]: round(v, 2) for k, v in median.items()},
        "pages_per_minute": {names[k]: round(pages / v * 60, 1) for k, v in median.items()},
        "cpu_seconds": {names[k]: [round(s, 1) for s in v] for k, v in cpu_times.items()},
        "median_cpu_seconds": {names[k]: round(v, 1) for k, v in cpu_median.items()},
        # CPU seconds other programs took during each round: on a shared machine
        # they stretch wall time, so the fastest rounds are compared as well.
        "others_cpu_seconds": {names[k]: [round(s, 1) for s in v] for k, v in others.items()},
        "ratio_beslut_to_tesseract": round(ratio, 3),
        "best_ratio_beslut_to_tesseract": round(min(times["B"]) / min(times["A"]), 3),
        "cpu_ratio_beslut_to_tesseract": round(cpu_median["B"] / cpu_median["A"], 3),
        "aim": AIM, "aim_met": ratio <= AIM,
        "beslut_quality": b_quality, "tesseract_quality": a_quality,
        "rounds_with_other_text": differing, "reruns": reruns,
        "seconds_waited_for_quiet": round(waited, 1),
    }


# ---- memory: the 500-page scan -------------------------------------------------

def _proc_tree(root: int) -> list[int]:
    """root and every process descended from it, from /proc/*/stat."""
    children = defaultdict(list)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue  # gone meanwhile
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        children[ppid].append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, ()))
    return tree


def _status(pid: int) -> tuple[str, int, int]:
    """The process's name, resident memory and its high-water mark (bytes)."""
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    rss, hwm = (int(fields.get(key, "0 kB").split()[0]) * 1024 for key in ("VmRSS", "VmHWM"))
    return fields.get("Name", "?"), rss, hwm  # a zombie has neither: 0


def _pss(pid: int) -> int:
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    return 0


class TreeSampler(threading.Thread):
    """Samples the memory of a process tree every SAMPLE_SECONDS until stopped.

    The tree's summed RSS is only as good as the sampling; each process's own
    peak is exact, from its kernel high-water mark (VmHWM), as last seen."""

    def __init__(self, root: int):
        super().__init__(daemon=True)
        self.root = root
        self.stop = threading.Event()
        self.samples = 0
        self.peak_rss = self.peak_pss = 0
        self.peak_rss_parts: dict[str, int] = {}
        self.peak_processes = 0
        self.hwm = Counter()  # role -> the largest high-water mark of a process in it
        self.seen = defaultdict(set)  # role -> pids

    def run(self) -> None:
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(SAMPLE_SECONDS)

    def sample(self) -> None:
        rss = pss = alive = 0
        parts = Counter()
        for pid in _proc_tree(self.root):
            try:
                name, one, hwm = _status(pid)
                share = _pss(pid)
            except (OSError, ValueError):
                continue  # ended between the listing and the reading
            role = "main" if pid == self.root else ("tesseract" if name == "tesseract" else "workers")
            alive += 1
            rss += one
            pss += share
            parts[role] += one
            self.hwm[role] = max(self.hwm[role], hwm)
            self.seen[role].add(pid)
        self.samples += 1
        self.peak_processes = max(self.peak_processes, alive)
        if rss > self.peak_rss:
            self.peak_rss, self.peak_rss_parts = rss, dict(parts)
        self.peak_pss = max(self.peak_pss, pss)


def measure_big(dpi: int) -> dict:
    pdf, gold = build_big_pdf(BIG_PAGES, dpi)
    home = Path(tempfile.mkdtemp(prefix="home-big-", dir=OUT_DIR))
    log(f"ingesting the {BIG_PAGES}-page scan with --jobs {JOBS} at {dpi} dpi, sampling memory "
        f"every {SAMPLE_SECONDS} s ...")
    waited = wait_for_quiet()
    try:
        with Meter() as meter:
            process = subprocess.Popen(beslut_command(home, pdf.parent, dpi=dpi),
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            sampler = TreeSampler(process.pid)
            sampler.start()
            out, err = process.communicate()
            sampler.stop.set()
            sampler.join()
        if process.returncode != 0:
            raise SystemExit(f"beslut ingest failed ({process.returncode}): {out}{err}")
        (doc,) = stored(home).values()
    finally:
        shutil.rmtree(home, ignore_errors=True)
    pages = doc["pages"]
    edits = sum(token_edit_distance(tokens(text), tokens(g)) for (text, _, _), g in zip(pages, gold))
    gold_tokens = sum(len(tokens(g)) for g in gold)
    return {
        "pages": BIG_PAGES, "stored_pages": len(pages), "dpi": dpi, "jobs": JOBS,
        "pdf_bytes": pdf.stat().st_size, "seconds": round(meter.seconds, 1),
        "pages_per_minute": round(BIG_PAGES / meter.seconds * 60, 1),
        "child_cpu_seconds": round(meter.cpu, 1), "others_cpu_seconds": round(meter.others, 1),
        "seconds_waited_for_quiet": round(waited, 1),
        "samples": sampler.samples, "peak_processes": sampler.peak_processes,
        "peak_tree_rss": sampler.peak_rss, "peak_tree_rss_parts": sampler.peak_rss_parts,
        "peak_tree_pss": sampler.peak_pss,
        # Each process's own peak (VmHWM), the largest per role, and how many there were.
        "peak_process_rss": dict(sampler.hwm),
        "processes": {role: len(pids) for role, pids in sampler.seen.items()},
        # No sample misses these: the main process, both workers and both their
        # tesseracts each at their own peak, at once.
        "bound_tree_rss": sampler.hwm["main"] + JOBS * (sampler.hwm["workers"] + sampler.hwm["tesseract"]),
        "aim_bytes": BIG_AIM_BYTES, "aim_met": sampler.peak_rss < BIG_AIM_BYTES,
        "page_sources": dict(Counter(source for _, source, _ in pages)),
        "orientation_pages": orientation_pages(pages),
        "token_error": round(edits / gold_tokens, 4),
    }


# ---- where beslut's time goes --------------------------------------------------

# (label, module, attribute, where it runs). Patched before the OCR pool forks,
# so the workers inherit the timers; each process appends its spans to its own file.
PROFILED = [
    ("read_source: sha256", "beslut.prepare", "read_source", "main"),
    ("extract_pdf_pages: pdfplumber layer", "ingest.pipeline", "extract_pdf_pages", "main"),
    ("image_coverage: pdfium", "ingest.page_sources", "image_coverage", "main"),
    ("OcrRunner.read: the pool at work", "ingest.ocr_runner", "OcrRunner.read", "main"),
    ("ensure_available: tesseract --version, --list-langs", "ingest.ocr_runner",
     "OcrRunner.ensure_available", "main"),
    ("text_quality: scores (lexicon load inside)", "ingest.page_sources", "text_quality", "main"),
    ("swedish_words: lexicon load", "ingest.quality", "swedish_words", "main"),
    ("clean: ftfy", "ingest.pipeline", "clean", "main"),
    ("repair: OCR error repair", "ingest.pipeline", "repair", "main"),
    ("tag", "ingest.pipeline", "tag", "main"),
    ("Corpus.save: SQLite", "corpus.store", "Corpus.save", "main"),
    ("sync_index: whoosh", "beslut.batch", "sync_index", "main"),
    ("read_page: one page, all of it", "ingest.ocr_runner", "read_page", "worker"),
    ("render_pdf_page: open PDF, pdfium render", "ingest.ocr_runner", "render_pdf_page", "worker"),
    ("tesseract_ready", "ingest.ocr", "tesseract_ready", "worker"),
    ("_tesseract: PNM file, tesseract subprocess", "ingest.ocr", "_tesseract", "worker"),
    ("parse_tsv", "ingest.ocr", "parse_tsv", "worker"),
    ("detect_rotation: OSD", "ingest.ocr", "detect_rotation", "worker"),
]


class SpanRecorder:
    """Wraps the PROFILED functions; every call appends (label, start, end) to
    OUT/<pid>.tsv. perf_counter is CLOCK_MONOTONIC, one clock for all processes."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._undo = []

    def __enter__(self):
        import functools
        import importlib

        for label, module_name, attribute, _ in PROFILED:
            owner = importlib.import_module(module_name)
            *path, name = attribute.split(".")
            for part in path:
                owner = getattr(owner, part)
            original = getattr(owner, name, None)
            if original is None:  # beslut changed under the benchmark: leave it out
                continue
            folder = self.folder

            def make(original=original, label=label):
                @functools.wraps(original)
                def timed(*args, **kwargs):
                    start = perf_counter()
                    try:
                        return original(*args, **kwargs)
                    finally:
                        end = perf_counter()
                        with open(folder / f"{os.getpid()}.tsv", "a") as f:
                            f.write(f"{label}\t{start}\t{end}\n")
                return timed

            setattr(owner, name, make())
            self._undo.append((owner, name, original))
        return self

    def __exit__(self, *exc):
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)

    def spans(self) -> dict[int, list[tuple[str, float, float]]]:
        spans = {}
        for path in self.folder.glob("*.tsv"):
            rows = [line.split("\t") for line in path.read_text().splitlines()]
            spans[int(path.stem)] = [(label, float(a), float(b)) for label, a, b in rows]
        return spans


def profiled_ingest(folder: Path) -> dict:
    """One in-process `ingest --jobs 2` of the PDFs with every PROFILED call timed."""
    work = Path(tempfile.mkdtemp(prefix="profile-", dir=OUT_DIR))
    try:
        (work / "spans").mkdir()
        with SpanRecorder(work / "spans") as recorder:
            start = perf_counter()
            corpus, index = open_corpus(work / "home"), open_index(work / "home")
            try:
                with OcrRunner(OcrOptions(jobs=JOBS, dpi=DPI)) as runner:
                    report = IngestJob(corpus, index, ocr=runner).run(list(walk([folder])))
            finally:
                index.close()
                corpus.close()
            end = perf_counter()
        if report.failures or report.counts["new"] != len(list(folder.glob("*.pdf"))):
            raise SystemExit(f"profiled ingest failed: {report.summary()} {report.failures[:2]}")
        return {"start": start, "end": end, "spans": recorder.spans(), "main": os.getpid()}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _child_cpu_of(args: list[str], **kwargs) -> tuple[float, float, subprocess.CompletedProcess]:
    cpu = children_cpu()
    start = perf_counter()
    done = subprocess.run(args, capture_output=True, env=TESSERACT_ENV, **kwargs)
    if done.returncode != 0:
        raise SystemExit(f"{args[:3]} failed: {done.stderr.decode()[-300:]}")
    return perf_counter() - start, children_cpu() - cpu, done


def tesseract_paths(manifest: dict, every: int = 4) -> dict:
    """Tesseract alone, one process at a time, on every `every`-th page, three ways:
    bare (PNG file in, text out), as beslut runs it (PNM file in, TSV out), and
    as beslut ran it before (PNM on standard input, TSV out). Also the time
    beslut takes to write the PNM file (ingest.ocr._page_file)."""
    root = Path(manifest["root"])
    ways = ("png file -> txt (bare)", "pnm file -> tsv (beslut)", "pnm stdin -> tsv (before)")
    wall, cpu = {way: [] for way in ways}, {way: [] for way in ways}
    writes = []
    out = Path(tempfile.mkdtemp(prefix="tess-", dir=OUT_DIR))
    tsv = ["-l", "swe", "--psm", "3", "--dpi", str(DPI), "tsv"]
    page_file = getattr(ingest.ocr, "_page_file", None)  # absent before the change
    try:
        for page in manifest["pages"][::every]:
            image = render_pdf_page(root / "pdf" / page["pdf"], page["pdf_page"], DPI)
            pnm = ingest.ocr._pnm(image)
            start = perf_counter()
            if page_file:
                with page_file(image) as name:
                    writes.append(perf_counter() - start)
                    shutil.copy(name, out / "page.pnm")
            else:
                (out / "page.pnm").write_bytes(pnm)
            runs = {ways[0]: (["tesseract", str(root / page["png"]), str(out / "p"), "-l", "swe"], {}),
                    ways[1]: (["tesseract", str(out / "page.pnm"), "stdout", *tsv], {}),
                    ways[2]: (["tesseract", "stdin", "stdout", *tsv], {"input": pnm})}
            for way, (args, kwargs) in runs.items():
                seconds, used, _ = _child_cpu_of(args, **kwargs)
                wall[way].append(seconds)
                cpu[way].append(used)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return {"pages": len(wall[ways[0]]),
            "mean_seconds": {w: round(statistics.mean(v), 3) for w, v in wall.items()},
            "mean_cpu_seconds": {w: round(statistics.mean(v), 3) for w, v in cpu.items()},
            "pnm_file_write_ms": round(statistics.mean(writes) * 1000, 1) if writes else None}


def startup_cost() -> dict:
    """`beslut ingest` of an empty folder: interpreter, CLI, store and index creation."""
    work = Path(tempfile.mkdtemp(prefix="startup-", dir=OUT_DIR))
    try:
        (work / "empty").mkdir()
        runs = [_child_cpu_of(beslut_command(work / f"home{i}", work / "empty")) for i in range(3)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"seconds": round(statistics.median(r[0] for r in runs), 3),
            "cpu_seconds": round(statistics.median(r[1] for r in runs), 3)}


def profile(manifest: dict) -> dict:
    log("profile: one in-process ingest with timers ...")
    run = profiled_ingest(Path(manifest["root"]) / "pdf")
    log("profile: Tesseract alone on every 4th page, fed three ways ...")
    paths = tesseract_paths(manifest)
    wall = run["end"] - run["start"]
    main_spans = run["spans"].get(run["main"], [])
    worker_spans = {pid: s for pid, s in run["spans"].items() if pid != run["main"]}
    labels = {label: where for label, _, _, where in PROFILED}

    main_total, main_calls = Counter(), Counter()
    for label, a, b in main_spans:
        main_total[label] += b - a
        main_calls[label] += 1
    worker_total, worker_calls = Counter(), Counter()
    for spans in worker_spans.values():
        for label, a, b in spans:
            worker_total[label] += b - a
            worker_calls[label] += 1
    # The pool at work: the spans of OcrRunner.read; worker idle time inside them.
    reads = sorted((a, b) for label, a, b in main_spans if label.startswith("OcrRunner.read"))
    pool_seconds = sum(b - a for a, b in reads)
    busy = worker_total["read_page: one page, all of it"]
    idle = JOBS * pool_seconds - busy
    # How long each read waited, from its start to the first page a worker took
    # up (pool start-up), and from the first worker done to the end (the tail).
    tails, heads = [], []
    for a, b in reads:
        inside = [(s, e) for spans in worker_spans.values() for label, s, e in spans
                  if label.startswith("read_page") and a <= s <= b]
        if inside:
            heads.append(min(s for s, _ in inside) - a)
            last_by_worker = [max((e for label, s, e in spans if label.startswith("read_page")
                                   and a <= s <= b), default=a) for spans in worker_spans.values()]
            tails.append(b - min(last_by_worker))
    pages = worker_calls["read_page: one page, all of it"]
    top_main = ("read_source", "extract_pdf_pages", "image_coverage", "OcrRunner.read", "text_quality",
                "clean", "repair", "tag", "Corpus.save", "sync_index")
    outside_pool = wall - pool_seconds
    return {
        "wall_seconds": round(wall, 2), "pages": pages, "workers": len(worker_spans),
        "main": {label: {"calls": main_calls[label], "seconds": round(main_total[label], 3)}
                 for label, where in labels.items() if where == "main" and main_calls[label]},
        "main_serial_seconds": round(outside_pool, 3),
        "main_serial_accounted": round(sum(seconds for label, seconds in main_total.items()
                                           if label.startswith(top_main)
                                           and not label.startswith("OcrRunner")), 3),
        "pool_seconds": round(pool_seconds, 2), "pool_reads": len(reads),
        "worker_busy_seconds": round(busy, 2), "worker_idle_seconds": round(idle, 2),
        "first_page_wait_seconds": [round(h, 3) for h in heads],
        "tail_seconds": [round(t, 3) for t in tails],
        "worker": {label: {"calls": worker_calls[label], "seconds": round(worker_total[label], 3),
                           "per_page_ms": round(worker_total[label] / max(pages, 1) * 1000, 1)}
                   for label, where in labels.items() if where == "worker"},
        "tesseract_paths": paths,
        "startup": startup_cost(),
    }


def print_profile(p: dict, say) -> None:
    say()
    say(f"Where beslut's time goes: one in-process ingest of the same PDFs with timers, "
        f"{p['wall_seconds']:.2f} s wall for {p['pages']} pages on {p['workers']} workers")
    s = p["startup"]
    say(f"  not in it: `beslut ingest` start-up (empty folder: interpreter, CLI, store, index) "
        f"{s['seconds']:.2f} s wall, {s['cpu_seconds']:.2f} s CPU")
    say(f"  main process, workers idle ({p['main_serial_seconds']:.2f} s in all, "
        f"{p['main_serial_accounted']:.2f} s of it in the stages timed):")
    for label, row in p["main"].items():
        if not label.startswith("OcrRunner.read"):
            say(f"    {label:<56}{row['calls']:>5} calls {row['seconds']:>8.3f} s")
    say(f"  OCR pool at work: {p['pool_reads']} reads (one per PDF), {p['pool_seconds']:.2f} s; "
        f"worker capacity {JOBS} x {p['pool_seconds']:.2f} = {JOBS * p['pool_seconds']:.2f} s, "
        f"busy {p['worker_busy_seconds']:.2f} s, idle {p['worker_idle_seconds']:.2f} s")
    say(f"    wait for the first page to start, per read: "
        + ", ".join(f"{x:.2f}" for x in p["first_page_wait_seconds"]) + " s")
    say(f"    tail (one worker done, the other still on the PDF's last page), per read: "
        + ", ".join(f"{x:.2f}" for x in p["tail_seconds"]) + " s")
    say(f"  in the workers, per page (mean over {p['pages']} pages):")
    for label, row in p["worker"].items():
        say(f"    {label:<56}{row['calls']:>5} calls {row['per_page_ms']:>8.1f} ms")
    tp = p["tesseract_paths"]
    say(f"  Tesseract alone, one at a time, {tp['pages']} pages (every 4th), mean per page:")
    for way, seconds in tp["mean_seconds"].items():
        say(f"    {way:<30}{seconds:>7.3f} s wall {tp['mean_cpu_seconds'][way]:>7.3f} s CPU")
    if tp["pnm_file_write_ms"] is not None:
        say(f"    writing beslut's PNM file (ingest.ocr._page_file) {tp['pnm_file_write_ms']:.1f} ms")


# ---- the report ----------------------------------------------------------------

def versions() -> dict:
    """The versions measured; called at the start, before any code can change."""
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"],
                                capture_output=True, text=True, timeout=10).stdout.strip()
    except OSError:
        commit = ""
    tesseract = subprocess.run(["tesseract", "--version"], capture_output=True, text=True)
    first = (tesseract.stdout + tesseract.stderr).splitlines()[0].split()[-1]
    return {"beslut_commit": commit or None, "python": platform.python_version(),
            "cpus": os.cpu_count(), "tesseract": first,
            "pypdfium2": metadata.version("pypdfium2"), "Pillow": metadata.version("Pillow")}


def _mb(n: float) -> str:
    return f"{n / 1e6:,.0f} MB"


def print_report(result: dict, out) -> None:
    def say(line=""):
        print(line, file=out)

    env = result["environment"]
    say(f"  beslut {env['beslut_commit']}, Python {env['python']}, {env['cpus']} CPUs, "
        f"Tesseract {env['tesseract']}, pypdfium2 {env['pypdfium2']}, Pillow {env['Pillow']}; "
        f"load average {result['load_before']} -> {result['load_after']}")
    t = result.get("throughput")
    if t:
        say()
        say(f"beslut OCR benchmark: {t['pages']} scanned pages ({t['pdfs']} image-only PDFs, "
            f"{t['dpi']} dpi, noise {NOISE}, skew up to 0.5 deg), --jobs {t['jobs']}, "
            f"{t['rounds']} interleaved rounds (median)")
        say(f"  {'':<24}{'median s':>9}{'pages/min':>11}{'CPU s':>8}   rounds, wall s")
        for key, name in (("A", "bare tesseract"), ("B", "beslut ingest")):
            label = {"A": "A  bare tesseract x2", "B": "B  beslut ingest -j2"}[key]
            rounds = " ".join(f"{s:.2f}" for s in t["seconds"][name])
            say(f"  {label:<24}{t['median_seconds'][name]:>9.2f}{t['pages_per_minute'][name]:>11.1f}"
                f"{t['median_cpu_seconds'][name]:>8.1f}   {rounds}")
        say(f"  B/A  beslut / bare tesseract   {t['ratio_beslut_to_tesseract']:.3f}x  "
            f"(aim <= {AIM}x: {'met' if t['aim_met'] else 'MISSED'}); fastest round against "
            f"fastest {t['best_ratio_beslut_to_tesseract']:.3f}x; on CPU time "
            f"{t['cpu_ratio_beslut_to_tesseract']:.3f}x")
        busy = t["others_cpu_seconds"]
        say(f"  other programs' CPU during the rounds: A " + " ".join(f"{x:.1f}" for x in busy["bare tesseract"])
            + " s, B " + " ".join(f"{x:.1f}" for x in busy["beslut ingest"])
            + f" s; {t['reruns']} disturbed runs done again, {t['seconds_waited_for_quiet']:.0f} s "
            f"waited for quiet")
        q, qa = t["beslut_quality"], t["tesseract_quality"]
        say(f"  token error against the drawn text: beslut {q['token_error']:.4f} "
            f"({q['token_edits']} edits / {q['gold_tokens']} tokens; per PDF "
            + ", ".join(f"{v:.4f}" for v in q["token_error_per_pdf"].values())
            + f"), bare tesseract {qa['token_error']:.4f} ({qa['token_edits']} edits)")
        say(f"  pages by source: " + ", ".join(f"{k} {v}" for k, v in q["page_sources"].items())
            + f"; orientation pass on {q['orientation_pages']} of {t['pages']} pages "
            f"({q['rotated_pages']} turned); mean word confidence median {q['median_confidence']:.1f}, "
            f"lowest {q['min_confidence']:.1f}")
        if t["rounds_with_other_text"]:
            say(f"  NOTE: {t['rounds_with_other_text']} rounds stored other text than the first")
    profile = result.get("profile")
    if profile:
        print_profile(profile, say)
    big = result.get("big")
    if big:
        say()
        say(f"beslut OCR memory: one {big['pages']}-page black-and-white scanned PDF "
            f"({_mb(big['pdf_bytes'])}, {big['dpi']} dpi), --jobs {big['jobs']}, "
            f"tree sampled every {SAMPLE_SECONDS} s ({big['samples']} samples)")
        parts = big["peak_tree_rss_parts"]
        say(f"  peak RSS, whole tree      {_mb(big['peak_tree_rss'])}  (aim < {_mb(big['aim_bytes'])}: "
            f"{'met' if big['aim_met'] else 'MISSED'}); at that moment main "
            f"{_mb(parts.get('main', 0))}, workers {_mb(parts.get('workers', 0))}, "
            f"tesseract {_mb(parts.get('tesseract', 0))}")
        say(f"  peak PSS, whole tree      {_mb(big['peak_tree_pss'])}  (pages shared by forked "
            f"processes counted once)")
        hwm, count = big["peak_process_rss"], big["processes"]
        say(f"  peak RSS per process      main {_mb(hwm.get('main', 0))}, largest of "
            f"{count.get('workers', 0)} workers {_mb(hwm.get('workers', 0))}, largest of "
            f"{count.get('tesseract', 0)} tesseract runs {_mb(hwm.get('tesseract', 0))} "
            f"(kernel high-water marks)")
        say(f"  all at their peak at once {_mb(big['bound_tree_rss'])}  (main + {JOBS} x (worker + "
            f"tesseract): a bound no sampling can miss)")
        say(f"  time {big['seconds']:.1f} s = {big['pages_per_minute']:.1f} pages/min "
            f"(child CPU {big['child_cpu_seconds']:.0f} s, other programs' CPU "
            f"{big['others_cpu_seconds']:.0f} s); {big['stored_pages']} pages stored ("
            + ", ".join(f"{k} {v}" for k, v in big["page_sources"].items())
            + f"), orientation pass on {big['orientation_pages']}, token error {big['token_error']:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (default 3)")
    parser.add_argument("--profile", action="store_true",
                        help="also show where beslut's time goes, page by page and stage by stage")
    parser.add_argument("--big", action="store_true",
                        help=f"instead: the {BIG_PAGES}-page memory run")
    parser.add_argument("--big-dpi", type=int, default=DPI,
                        help=f"resolution of the {BIG_PAGES}-page scan and its rendering "
                             f"(default {DPI})")
    parser.add_argument("--json", action="store_true",
                        help="print the result as JSON on stdout (the report goes to stderr)")
    args = parser.parse_args()
    if args.rounds < 1 or not 70 <= args.big_dpi <= 1200:
        parser.error("--rounds must be at least 1 and --big-dpi between 70 and 1200")
    if not BESLUT.exists():
        parser.error(f"{BESLUT} is missing: install beslut into the repository's .venv")

    result = {"environment": versions()}
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    if args.big:
        load_before = os.getloadavg()[0]
        result["big"] = measure_big(args.big_dpi)
    else:
        manifest = build_pages()
        load_before = os.getloadavg()[0]
        result["throughput"] = measure(manifest, args.rounds)
        if args.profile:
            result["profile"] = profile(manifest)
    result["load_before"] = round(load_before, 2)
    result["load_after"] = round(os.getloadavg()[0], 2)

    print_report(result, sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
