"""Batch ingest benchmark: how much faster is `--jobs 2` than `--jobs 1` on a
mixed archive, and does memory stay flat as the archive grows?

Speed. 1,000 mixed documents, named so that the kinds interleave in walk order:

  35%  born-digital PDFs (1-3 pages)           tests/pdfgen.py
  35%  text files (UTF-8, some Windows-1252)
  15%  scanned PDFs (one image-only A4 page at 300 dpi, light noise and skew)
  15%  PDFs with a bad text layer: the same kind of page, with Tesseract's
       English-model reading as its layer (tests/scanned.write_bad_layer_pdf),
       which ingest judges damaged and reads again with the Swedish model

built from the Swedish texts in tests/corpus_texts/, tests/genre_texts.py and
the seeds (000-004), each document with a number of its own so that no two are
the same bytes. `beslut ingest --jobs 1` and `--jobs 2` each ingest the whole
folder into a fresh data home, as a real process (start-up, workers, Tesseract,
the store and the index included), in alternating order over --rounds rounds;
the median of each is reported: documents per minute, and the speed-up
(time with --jobs 1 / time with --jobs 2; the aim is at least 1.8 on two cores).
After each run the store and index are checked (all documents in, agreeing).

Memory. A 2,000-document folder: every tenth document a scanned or bad-layer
one (the mixed set's), the rest text files and born-digital PDFs (the mixed
set's, then more made the same way), ingested once with --jobs 2 while the
resident memory of the whole process tree (beslut, the fork server, the
document workers, their Tesseract children) is sampled every 0.2 s from /proc.
It reports the peak of the tree's summed RSS (and PSS, which counts pages
shared between processes once) up to the moment the store held 200 documents,
and over the whole run (2,000), and the main process's alone; the aim is a
peak at 2,000 within 20% of the peak at 200.

The machine must be quiet: both sides want both cores, so another program's
CPU use stretches wall time (and with the kernel's autogroup scheduling, another
busy session takes its half of the machine however many processes beslut runs,
so --jobs 2 then gains nothing). Each run waits (up to 5 minutes) for the
machine to be quiet, measures the CPU time the rest of the machine took
meanwhile (from /proc/stat), and the report shows it; over 5% of the machine,
a run is marked disturbed. The CPU time of beslut's own processes is shown too:
its ratio between --jobs 2 and --jobs 1 is what working in parallel costs.

Run it from the repository root:

    .venv/bin/python bench/batch.py              # 1,000 mixed + the 2,000 memory run
    .venv/bin/python bench/batch.py --quick      # smoke run: 80 mixed, memory at 40 and 240
    .venv/bin/python bench/batch.py --rounds 3   # 3 timed rounds of each
    .venv/bin/python bench/batch.py --skip-memory / --skip-speed
    .venv/bin/python bench/batch.py --make-only  # only make the documents, time nothing
    .venv/bin/python bench/batch.py --json       # JSON on stdout, report on stderr

Generated documents are kept in bench/out/batch-v1/ (git-ignored) and reused by
later runs: the first full run spends some minutes making the scans (the bad
layers need Tesseract's English model). Data homes are made there too and
removed after each run.
"""

import argparse
import json
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.genre_texts import GENRE_TEXTS  # noqa: E402

OUT = REPO / "bench" / "out" / "batch-v1"
SEEDS_DIR = REPO.parent / "shared" / "seeds"
BESLUT = Path(sys.executable).parent / "beslut"
CPUS = os.cpu_count() or 1
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SAMPLE_S = 0.2
DISTURBED_SHARE = 0.05
QUIET_WAIT_S = 300
SPEEDUP_AIM = 1.8
MEMORY_AIM = 1.2

# kind -> share of the mixed set; the scanned kinds take turns in walk order.
MIX = {"born": 0.35, "text": 0.35, "scan": 0.15, "badlayer": 0.15}
SUFFIX = {"born": "pdf", "text": "txt", "scan": "pdf", "badlayer": "pdf"}
FULL = {"mixed": 1000, "small": 200, "large": 2000}
QUICK = {"mixed": 80, "small": 40, "large": 240}
MEMORY_SCAN_EVERY = 10  # in the memory folder, one scanned or bad-layer document in ten


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---- the documents ------------------------------------------------------------------------

def source_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "tests" / "corpus_texts").glob("*.txt"))]
    texts += list(GENRE_TEXTS.values())
    texts += [p.read_text(encoding="utf-8") for p in sorted(SEEDS_DIR.glob("*.txt"))]
    return texts


def paragraphs_of(text: str) -> list[str]:
    return [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]


def document_text(number: int, texts: list[str], most_chars: int) -> str:
    """A document made of one source text's opening and a few of its paragraphs,
    with a registry number of its own (so its bytes are its own)."""
    rng = random.Random(f"beslut-batch-{number}")
    paragraphs = paragraphs_of(rng.choice(texts))
    keep = paragraphs[:2] + rng.sample(paragraphs[2:], k=min(len(paragraphs) - 2, rng.randint(1, 6)))
    body = f"Dnr BATCH-{number:05d}\n\n" + "\n\n".join(keep)
    return body[:most_chars]


def plan(count: int) -> list[tuple[int, str]]:
    """(number, kind) for a mixed set of count documents, kinds interleaved."""
    kinds = []
    for kind, share in MIX.items():
        kinds += [kind] * round(count * share)
    kinds = (kinds + ["text"] * count)[:count]
    random.Random(f"beslut-batch-mix-{count}").shuffle(kinds)
    return list(enumerate(kinds))


def make_document(job: tuple[int, str, str]) -> str:
    number, kind, path = job
    from tests.pdfgen import write_pdf
    from tests.scanned import paginate, render_page_image, write_bad_layer_pdf, write_image_pdf

    texts = source_texts()
    if kind == "text":
        data = document_text(number, texts, 6000).encode("cp1252" if number % 7 == 0 else "utf-8",
                                                          errors="replace")
        Path(path).write_bytes(data)
    elif kind == "born":
        write_pdf(path, [document_text(number, texts, 7000)])
    else:
        page = paginate(document_text(number, texts, 2500))[0]
        rng = random.Random(f"beslut-batch-scan-{number}")
        image = render_page_image(page, dpi=300, noise=0.05, skew_degrees=rng.uniform(-0.5, 0.5),
                                  seed=number)
        if kind == "scan":
            write_image_pdf(path, [image], dpi=300)
        else:
            write_bad_layer_pdf(path, [image], dpi=300)
    return path


def name(number: int, kind: str) -> str:
    return f"{number:05d}-{kind}.{SUFFIX[kind]}"


def build(folder: Path, jobs: list[tuple[int, str, str]], what: str) -> None:
    todo = [job for job in jobs if not Path(job[2]).exists()]
    if not todo:
        return
    folder.mkdir(parents=True, exist_ok=True)
    log(f"making {len(todo)} {what} in {folder.relative_to(REPO)} (kept for later runs) ...")
    started = time.monotonic()
    with ProcessPoolExecutor(max_workers=CPUS) as pool:
        for done, _ in enumerate(pool.map(make_document, todo, chunksize=4), start=1):
            if done % 100 == 0:
                log(f"  {done}/{len(todo)}")
    log(f"  done in {time.monotonic() - started:.0f} s")


def mixed_folder(count: int) -> Path:
    folder = OUT / f"mixed-{count}"
    build(folder, [(n, kind, str(folder / name(n, kind))) for n, kind in plan(count)],
          "mixed documents")
    return folder


def memory_folder(count: int, mixed: Path) -> Path:
    """count documents: one in MEMORY_SCAN_EVERY a scanned or bad-layer file of the
    mixed set, the others its text and born-digital files (hard links: the same
    bytes, no copy), then new ones made the same way once those run out."""
    folder = OUT / f"memory-{count}-from-{mixed.name}"
    folder.mkdir(parents=True, exist_ok=True)
    scans = sorted(p for p in mixed.iterdir() if "-scan." in p.name or "-badlayer." in p.name)
    light = sorted(p for p in mixed.iterdir() if "-text." in p.name or "-born." in p.name)
    to_make = []
    for i in range(count):
        heavy = i % MEMORY_SCAN_EVERY == 0
        pool = scans if heavy else light
        if pool:
            source = pool.pop(0)
            target = folder / f"{i:05d}-{source.name.split('-', 1)[1]}"
            if not target.exists():
                try:
                    os.link(source, target)
                except OSError:
                    shutil.copyfile(source, target)
            continue
        kind = ("scan" if (i // MEMORY_SCAN_EVERY) % 2 else "badlayer") if heavy else \
            ("text" if i % 2 else "born")
        to_make.append((100_000 + i, kind, str(folder / name(i, kind))))
    build(folder, to_make, "more documents for the memory run")
    return folder


# ---- watching a run ----------------------------------------------------------------------

def tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [pid], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def rss_pss(pid: int, main: int | None = None) -> tuple[int, int, int]:
    """(RSS, PSS, CPU ticks) of one process; zeros if it is gone.

    The ticks count a process's own CPU time and that of the children it has
    reaped (Tesseract, reaped by the worker or ingest process that ran it), so
    Tesseract processes count 0 themselves (they live too briefly to sample
    well), and the fork server only its own (its children are the workers)."""
    try:
        rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
        own, children = int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])
    except (OSError, IndexError, ValueError):
        return 0, 0, 0
    if command.startswith(b"tesseract"):
        ticks = 0
    elif b"forkserver" in command and int(fields[1]) == main:
        ticks = own
    else:
        ticks = own + children
    pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024
                break
    except OSError:
        pass
    return rss, pss, ticks


def machine_busy_ticks() -> int:
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields[:8]) - idle


class Sampler(threading.Thread):
    """Samples a process tree's memory and CPU every SAMPLE_S, and how many
    documents the store holds; keeps the peaks up to `small` documents and overall."""

    def __init__(self, pid: int, store: Path, small: int | None):
        super().__init__(daemon=True)
        self.pid, self.store, self.small = pid, store, small
        self.stop = threading.Event()
        self.peak = {"rss": 0, "pss": 0, "main_rss": 0}
        self.peak_small = {"rss": 0, "pss": 0, "main_rss": 0}
        self.ticks: dict[int, int] = {}
        self.documents = 0

    def run(self) -> None:
        db = None
        while not self.stop.is_set():
            rss = pss = main = 0
            for pid in tree(self.pid):
                r, p, t = rss_pss(pid, main=self.pid)
                rss, pss = rss + r, pss + p
                if pid == self.pid:
                    main = r
                if t:
                    self.ticks[pid] = max(t, self.ticks.get(pid, 0))
            if self.small is not None:
                try:
                    if db is None and self.store.exists():
                        db = sqlite3.connect(f"file:{self.store}?mode=ro", uri=True, timeout=1)
                    if db is not None:
                        self.documents = db.execute("SELECT count(*) FROM documents").fetchone()[0]
                except sqlite3.Error:
                    pass
            for peak in [self.peak] + ([self.peak_small] if self.small is None
                                       or self.documents <= self.small else []):
                peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)
                peak["main_rss"] = max(peak["main_rss"], main)
            self.stop.wait(SAMPLE_S)
        if db is not None:
            db.close()

    @property
    def cpu_seconds(self) -> float:
        return sum(self.ticks.values()) / CLOCK_TICKS


def wait_for_quiet(most_seconds: float = QUIET_WAIT_S) -> float:
    """Wait (at most most_seconds) until other programs use under DISTURBED_SHARE
    of the machine over a second; returns the share last seen."""
    deadline, said = time.monotonic() + most_seconds, False
    while True:
        before = machine_busy_ticks()
        time.sleep(1.0)
        share = (machine_busy_ticks() - before) / CLOCK_TICKS / CPUS
        if share < DISTURBED_SHARE or time.monotonic() >= deadline:
            return share
        if not said:
            log(f"  waiting for a quiet machine (other programs use {share:.0%} of it; "
                f"at most {most_seconds:.0f} s) ...")
            said = True


def ingest(folder: Path, jobs: int, *, small: int | None = None) -> dict:
    """One `beslut ingest --jobs N` into a fresh home; times, memory, checks."""
    wait_for_quiet()
    home = OUT / f"home-jobs{jobs}"
    shutil.rmtree(home, ignore_errors=True)
    env = {**os.environ}
    env.pop("BESLUT_HOME", None)
    busy_before = machine_busy_ticks()
    started = time.perf_counter()
    proc = subprocess.Popen([str(BESLUT), "--home", str(home), "ingest", "--jobs", str(jobs), "--json",
                             str(folder)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    sampler = Sampler(proc.pid, home / "corpus.sqlite3", small)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    others = max(0.0, (machine_busy_ticks() - busy_before) / CLOCK_TICKS - sampler.cpu_seconds)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"beslut ingest --jobs {jobs} failed ({proc.returncode}): {err[-2000:]}")
    report = json.loads(out)
    status = json.loads(subprocess.run([str(BESLUT), "--home", str(home), "status", "--json"],
                                       capture_output=True, text=True, env=env, check=True).stdout)
    shutil.rmtree(home, ignore_errors=True)
    files = sum(1 for p in folder.iterdir() if p.is_file())
    problems = []
    if report["failed"]:
        problems.append(f"{report['failed']} failed: {report['failures'][:3]}")
    if report["files"] != files:
        problems.append(f"{report['files']} of {files} files reported")
    if not status["consistent"] or status["index"]["documents"] != status["documents"]["ok"]:
        problems.append("store and index disagree")
    other_share = others / (seconds * CPUS)
    return {
        "jobs": jobs, "seconds": round(seconds, 2), "documents": status["documents"]["ok"],
        "files": report["files"], "docs_per_minute": round(report["files"] / seconds * 60, 1),
        "cpu_seconds": round(sampler.cpu_seconds, 1), "other_cpu_share": round(other_share, 3),
        "disturbed": other_share > DISTURBED_SHARE,
        "peak": sampler.peak, "peak_at_small": sampler.peak_small if small is not None else None,
        "problems": problems,
    }


# ---- the report -----------------------------------------------------------------------------

def mb(n: int) -> str:
    return f"{n / 1e6:.0f} MB"


def speed(mixed: Path, rounds: int) -> dict:
    runs = {1: [], 2: []}
    for round_ in range(rounds):
        for jobs in ((1, 2) if round_ % 2 == 0 else (2, 1)):
            log(f"round {round_ + 1}/{rounds}: ingest --jobs {jobs} of {mixed.name} ...")
            run = ingest(mixed, jobs)
            log(f"  {run['seconds']:.1f} s, {run['docs_per_minute']:.0f} documents/min, "
                f"CPU {run['cpu_seconds']:.0f} s, other programs {run['other_cpu_share']:.0%} of the machine"
                + (" (DISTURBED)" if run["disturbed"] else "")
                + (f"; PROBLEMS: {run['problems']}" if run["problems"] else ""))
            runs[jobs].append(run)
    median = {jobs: statistics.median(r["seconds"] for r in rs) for jobs, rs in runs.items()}
    cpu = {jobs: statistics.median(r["cpu_seconds"] for r in rs) for jobs, rs in runs.items()}
    return {"folder": mixed.name, "rounds": rounds, "runs": runs,
            "median_seconds": median, "speedup": round(median[1] / median[2], 2),
            "median_cpu_seconds": cpu, "cpu_ratio": round(cpu[2] / cpu[1], 3) if cpu[1] else None,
            "docs_per_minute": {jobs: round(runs[jobs][0]["files"] / s * 60, 1) for jobs, s in median.items()}}


def memory(folder: Path, small: int) -> dict:
    log(f"memory: ingest --jobs 2 of {folder.name}, sampling every {SAMPLE_S} s ...")
    run = ingest(folder, 2, small=small)
    at_small, at_large = run["peak_at_small"], run["peak"]
    run["ratio_rss"] = round(at_large["rss"] / at_small["rss"], 3) if at_small["rss"] else None
    run["ratio_pss"] = round(at_large["pss"] / at_small["pss"], 3) if at_small["pss"] else None
    run["small"], run["large"] = small, run["documents"]
    return run


def report_text(result: dict) -> str:
    lines = [f"beslut batch benchmark ({result['machine']})", ""]
    if "speed" in result:
        s = result["speed"]
        counts = result["mix"]
        lines += [f"Speed: {s['runs'][1][0]['files']} mixed documents ({counts}), {s['rounds']} round(s), "
                  "median:",
                  f"  --jobs 1  {s['median_seconds'][1]:7.1f} s  {s['docs_per_minute'][1]:7.0f} documents/min",
                  f"  --jobs 2  {s['median_seconds'][2]:7.1f} s  {s['docs_per_minute'][2]:7.0f} documents/min",
                  f"  speed-up  {s['speedup']:.2f}x   (aim: at least {SPEEDUP_AIM}x)"
                  + ("" if s["speedup"] >= SPEEDUP_AIM else "   BELOW AIM"),
                  f"  CPU time  {s['median_cpu_seconds'][1]:.0f} s with --jobs 1, "
                  f"{s['median_cpu_seconds'][2]:.0f} s with --jobs 2 (x{s['cpu_ratio']}: what "
                  f"parallel work costs on top)"]
        disturbed = [r for rs in s["runs"].values() for r in rs if r["disturbed"]]
        if disturbed:
            lines.append(f"  {len(disturbed)} run(s) disturbed by other programs: run again on a quiet machine")
        problems = [p for rs in s["runs"].values() for r in rs for p in r["problems"]]
        if problems:
            lines.append(f"  PROBLEMS: {problems}")
        lines.append("")
    if "memory" in result:
        m = result["memory"]
        lines += [f"Memory: {m['large']} documents (one in {MEMORY_SCAN_EVERY} scanned or bad-layer), "
                  f"--jobs 2, {m['seconds']:.0f} s; peak of the process tree:",
                  f"  at {m['small']:5d} documents  RSS {mb(m['peak_at_small']['rss']):>8}  "
                  f"PSS {mb(m['peak_at_small']['pss']):>8}  main process {mb(m['peak_at_small']['main_rss'])}",
                  f"  at {m['large']:5d} documents  RSS {mb(m['peak']['rss']):>8}  "
                  f"PSS {mb(m['peak']['pss']):>8}  main process {mb(m['peak']['main_rss'])}",
                  f"  ratio {m['ratio_rss']:.2f} (RSS), {m['ratio_pss']:.2f} (PSS)   (aim: at most {MEMORY_AIM})"
                  + ("" if (m["ratio_rss"] or 9) <= MEMORY_AIM else "   ABOVE AIM")]
        if m["disturbed"]:
            lines.append("  (disturbed by other programs; memory is not affected much)")
        if m["problems"]:
            lines.append(f"  PROBLEMS: {m['problems']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: fewer documents")
    parser.add_argument("--rounds", type=int, default=1, help="timed rounds of each --jobs")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--make-only", action="store_true",
                        help="only make the documents (no timing: needs no quiet machine)")
    parser.add_argument("--json", action="store_true", help="JSON on stdout, report on stderr")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    if not BESLUT.exists():
        raise SystemExit(f"no beslut command next to {sys.executable}; run scripts/setup.sh")
    mixed = mixed_folder(sizes["mixed"])
    if args.make_only:
        memory_folder(sizes["large"], mixed)
        log(f"documents ready in {OUT.relative_to(REPO)}")
        return
    kinds = [p.name.split("-")[1].split(".")[0] for p in mixed.iterdir()]
    result = {"machine": f"{platform.node()}, {CPUS} cores, Python {platform.python_version()}",
              "mix": {k: kinds.count(k) for k in MIX}}
    if not args.skip_speed:
        result["speed"] = speed(mixed, args.rounds)
    if not args.skip_memory:
        result["memory"] = memory(memory_folder(sizes["large"], mixed), sizes["small"])
    text = report_text(result)
    if args.json:
        log(text)
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(text)


if __name__ == "__main__":
    main()
