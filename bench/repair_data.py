"""Paired data for the repair stage: clean Swedish text (the gold) and what
Tesseract's English model makes of it (the damage), the way the archive got it.

Sources (each one document; the name is the split key):

  tests/corpus_texts/*.txt     the project's own documents in the archive's genres
                               (doc = file stem, e.g. "protokoll_01")
  bench/context_texts/*.txt    105 more, written for the context model (doc =
                               "ctx_" + stem); always training, never held out
  <repo>/../shared/seeds/      the clean seeds 000, 002, 003 (doc = "seed000" ...)
  tests/genre_texts.py         GENRE_TEXTS (doc = "genre_protokoll" ...)

Seeds 001 and 004 are real English-model OCR of Swedish with no gold; they are
never paired, learned from or split, only looked at (``--stats``, and the
harness in bench/repair_eval.py).

How a page is made. The text is laid out on A4 pages with tests/scanned.py's
font (DejaVu Sans, 11 pt; the context texts a quarter each in DejaVu Sans,
DejaVu Serif, Liberation Serif and Liberation Sans, a third of the Liberation
ones at 200 dpi: ``font_of``, ``dpi_of``), margins and line height, but broken into lines the
way a word processor does it: at spaces, after a hyphen inside a word
("FoU-|enheter", kept whole in the gold as "FoU-enheter"), and, in about half of
the documents (HYPHENATE_SHARE, by a stable hash of the name), by Swedish
hyphenation of long words when the free space at the end of a line would
otherwise exceed HYPHENATION_ZONE ("utveck-|ling", "utveckling" in the gold).
No word is broken at the foot of a page. Each page is then drawn and roughened
by tests.scanned.render_page_image at 300 dpi, light noise (0.05) and a small
skew (SKEWS, chosen per page by hash), with a seed per page, saved as PNG and
read by

    OMP_THREAD_LIMIT=1 tesseract PAGE.png stdout -l eng

two pages at a time. The gold of a page is the text drawn on it with the
line-end breaks inside words undone; the damaged text is Tesseract's output
(its final form feed dropped). Pages that render alike are not read again: OCR
output is cached by a key over the drawn text and every setting.

Split. A document is held out when the stable hash
sha256("beslut-repair-split-v1:" + doc) read as a fraction of 2**256 is below
HELDOUT_SHARE (0.30). The held-out documents are never used for learning: the
confusion table (``--learn``) and any tuning use the training split only.

Mojibake slice. The OCR pairs contain no mojibake, so a small synthetic slice
is added, marked kind "mojibake": the first page of every document, its gold
text as it looks when UTF-8 is read as cp1252 ("fÃ¶r"), as Latin-1 (C1
controls) or when cp1252 bytes are read as UTF-8 ("f�r"), one flavour per
document by hash. It is reported apart from the OCR pairs and never learned
from.

Dashes and curly quotes, which Tesseract reads as their ASCII forms, are
flattened on both sides before anything is counted, learned or evaluated
(``flat``); the stored texts are as drawn and as read.

Output: bench/out/repair-pairs-v1/pairs.jsonl (bench/out/ is git-ignored), one
JSON object a line: {doc, page, split, kind, gold, damaged, drawn, skew, seed,
key}; ``drawn`` is the text as drawn, line-end hyphens included.

    .venv/bin/python bench/repair_data.py            # build (or reuse) the pairs, print a summary
    .venv/bin/python bench/repair_data.py --stats    # summary, per-class counts, seed comparison
    .venv/bin/python bench/repair_data.py --learn    # write ingest/data/confusions.json and
                                                     # ingest/data/context.json.gz (training split)

Also importable: ``align`` (token alignment) and ``classify`` (error classes),
which bench/repair_eval.py uses.
"""

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests import scanned  # noqa: E402
from tests.genre_texts import GENRE_TEXTS  # noqa: E402

CORPUS_DIR = REPO / "tests" / "corpus_texts"
SEEDS_DIR = REPO.parent / "shared" / "seeds"
CLEAN_SEEDS = ("000", "002", "003")
REAL_OCR_SEEDS = ("001", "004")
OUT_DIR = REPO / "bench" / "out" / "repair-pairs-v1"
PAIRS_PATH = OUT_DIR / "pairs.jsonl"
CONFUSIONS_PATH = REPO / "ingest" / "data" / "confusions.json"
CONTEXT_PATH = REPO / "ingest" / "data" / "context.json.gz"
CONTEXT_TEXTS_DIR = REPO / "bench" / "context_texts"
CONTEXT_PREFIX = "ctx_"
LIBERATION = Path("/usr/share/fonts/truetype/liberation2")  # Debian's fonts-liberation2
FONTS = {"sans": scanned.FONT_PATH, "serif": scanned.FONT_PATH.with_name("DejaVuSerif.ttf"),
         # metric twins of Times New Roman and Arial, the faces of most real board documents
         "times": LIBERATION / "LiberationSerif-Regular.ttf",
         "arial": LIBERATION / "LiberationSans-Regular.ttf"}

GENERATOR_VERSION = 1  # bump when pages would come out differently
DPI = 300
LOW_DPI = 200
NOISE = 0.05
SKEWS = (-0.3, 0.4, -0.2, 0.5, -0.4, 0.3)  # degrees
JOBS = 2
HELDOUT_SHARE = 0.30
SPLIT_SALT = "beslut-repair-split-v1"
HYPHENATE_SHARE = 0.5
HYPHENATION_ZONE = 0.06  # share of the line width left free before a long word is hyphenated
MOJIBAKE_FLAVOURS = ("cp1252", "latin-1", "replacement")
TESSERACT_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}

CLASSES = ("ö", "ä", "å", "I/i", "stripped", "mojibake", "hyphenation", "other")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def stable_fraction(*parts) -> float:
    """A number in [0, 1) from the parts, the same on every machine and run."""
    digest = hashlib.sha256(":".join(map(str, parts)).encode("utf-8")).digest()
    return int.from_bytes(digest, "big") / 2 ** 256


def split_of(doc: str) -> str:
    if doc.startswith(CONTEXT_PREFIX):
        return "train"
    return "heldout" if stable_fraction(SPLIT_SALT, doc) < HELDOUT_SHARE else "train"


def font_of(doc: str) -> str:
    """The font a document is drawn in: DejaVu Sans, or for the context texts
    (by hash, a quarter each) DejaVu Sans, DejaVu Serif, Liberation Serif or
    Liberation Sans, whose shapes the OCR confuses differently ("ndmnden",
    "giller" for "nämnden", "gäller" come from the Times-like face)."""
    if not doc.startswith(CONTEXT_PREFIX):
        return "sans"
    fraction = stable_fraction("beslut-repair-font-v1", doc)
    return ("serif", "times", "arial", "sans")[min(int(fraction * 4), 3)]


def dpi_of(doc: str) -> int:
    """300 dpi, but 200 for a third of the context texts in Liberation faces: the
    coarser scans of older archives, where "å" and "ä" come out as "d" and "i"."""
    if font_of(doc) in ("times", "arial") and stable_fraction("beslut-repair-dpi-v1", doc) < 1 / 3:
        return LOW_DPI
    return DPI


# ---- the clean texts -------------------------------------------------------------

def clean_texts() -> dict[str, str]:
    """Every gold document by name: the corpus texts, the clean seeds, the genre
    texts and the context texts (doc = "ctx_" + file stem, always training)."""
    texts = {path.stem: path.read_text(encoding="utf-8")
             for path in sorted(CORPUS_DIR.glob("*.txt"))}
    texts.update({CONTEXT_PREFIX + path.stem: path.read_text(encoding="utf-8")
                  for path in sorted(CONTEXT_TEXTS_DIR.glob("*.txt"))})
    for prefix in CLEAN_SEEDS:
        (path,) = SEEDS_DIR.glob(f"{prefix}_*.txt")
        texts[f"seed{prefix}"] = path.read_text(encoding="utf-8")
    for name, text in GENRE_TEXTS.items():
        texts[f"genre_{name}"] = text
    return texts


def real_ocr_seeds() -> dict[str, str]:
    """Seeds 001 and 004: real English-model OCR of Swedish, no gold."""
    texts = {}
    for prefix in REAL_OCR_SEEDS:
        (path,) = SEEDS_DIR.glob(f"{prefix}_*.txt")
        texts[f"seed{prefix}"] = path.read_text(encoding="utf-8")
    return texts


# ---- layout: lines as a word processor breaks them ---------------------------------

VOWELS = frozenset("aeiouyåäöéAEIOUYÅÄÖÉ")
UNBREAKABLE = frozenset({"ck", "ng", "ch", "sj", "tj", "kj", "ph", "th"})
CORE = re.compile(r"^(\W*)(.*?)(\W*)$", re.DOTALL)


@dataclass
class Page:
    drawn: str  # what is drawn: the lines as broken, line-end hyphens included
    gold: str  # the same words with every word whole


def soft_points(word: str) -> list[int]:
    """Where a word may be hyphenated, as offsets into ``word``: before a
    consonant followed by a vowel, with a vowel before it, three letters on
    each side at least, never inside ck, ng, sj, tj and the like. Only words of
    eight or more letters, not all capitals."""
    lead, core, _ = CORE.match(word).groups()
    if len(core) < 8 or not core.isalpha() or core.isupper():
        return []
    points = []
    for i in range(3, len(core) - 2):
        if (core[i] not in VOWELS and core[i + 1] in VOWELS
                and any(c in VOWELS for c in core[:i])
                and core[i - 1:i + 1].lower() not in UNBREAKABLE):
            points.append(len(lead) + i)
    return points


def hard_points(word: str) -> list[int]:
    """Offsets just after a hyphen inside a word ("FoU-|enheter", "e-|post")."""
    return [i + 1 for i in range(1, len(word) - 1)
            if word[i] == "-" and word[i - 1].isalnum() and word[i + 1].isalnum()]


def layout(text: str, *, hyphenate: bool, dpi: int = DPI, font: str = "sans") -> list[Page]:
    """The text on pages of tests.scanned's geometry, lines broken at spaces,
    after hyphens inside words and (``hyphenate``) inside long words."""
    font = scanned._font(dpi, FONTS[font])
    width = scanned._page_size(dpi)[0] - 2 * scanned._margin(dpi)
    per_page = scanned._lines_per_page(dpi)
    zone = HYPHENATION_ZONE * width
    drawn_lines: list[str] = []
    gold_lines: list[list[str]] = []

    for paragraph in scanned.drawable(text).replace("\f", "\n").split("\n"):
        words = paragraph.split()
        if not words:
            if drawn_lines and drawn_lines[-1]:
                drawn_lines.append("")
                gold_lines.append([])
            continue
        line, gold = "", []
        queue = [(word, True) for word in words]  # (piece, whether the gold word starts here)
        while queue:
            piece, owns = queue.pop(0)
            candidate = f"{line} {piece}" if line else piece
            if not line or font.getlength(candidate) <= width:
                line = candidate
                if owns:
                    gold.append(piece)
                continue
            split = None
            if len(drawn_lines) % per_page != per_page - 1:  # never across a page foot
                free = width - font.getlength(line)
                options = [(p, piece[:p]) for p in hard_points(piece)]
                if hyphenate and free > zone:
                    options += [(p, piece[:p] + "-") for p in soft_points(piece)]
                fitting = [(p, head) for p, head in options
                           if font.getlength(f"{line} {head}") <= width]
                if fitting:
                    split = max(fitting, key=lambda option: len(option[1]))
            if split:
                point, head = split
                line = f"{line} {head}"
                if owns:
                    gold.append(piece)
                rest = piece[point:]
                drawn_lines.append(line)
                gold_lines.append(gold)
                line, gold = "", []
                queue.insert(0, (rest, False))
            else:
                drawn_lines.append(line)
                gold_lines.append(gold)
                line, gold = "", []
                queue.insert(0, (piece, owns))
        drawn_lines.append(line)
        gold_lines.append(gold)

    pages = []
    for first in range(0, len(drawn_lines), per_page):
        drawn = "\n".join(drawn_lines[first:first + per_page]).strip("\n")
        gold = "\n".join(" ".join(words) for words in gold_lines[first:first + per_page]).strip("\n")
        if drawn.strip():
            pages.append(Page(drawn=drawn, gold=gold))
    return pages


def hyphenates(doc: str) -> bool:
    return stable_fraction("beslut-repair-hyphenate-v1", doc) < HYPHENATE_SHARE


# ---- OCR -----------------------------------------------------------------------

def page_settings(doc: str, number: int) -> tuple[float, int]:
    """The skew and noise seed of a document's page, from the names alone."""
    fraction = stable_fraction("beslut-repair-page-v1", doc, number)
    return SKEWS[int(fraction * len(SKEWS))], int(fraction * 2 ** 31)


def tesseract_version() -> str:
    done = subprocess.run(["tesseract", "--version"], capture_output=True, text=True)
    return (done.stdout or done.stderr).splitlines()[0].strip()


def page_key(drawn: str, skew: float, seed: int, version: str, font: str = "sans",
             dpi: int = DPI) -> str:
    settings = [GENERATOR_VERSION, DPI, NOISE, skew, seed, version, drawn]
    if font != "sans":  # keys of pages in the first font stay as they were
        settings.append(font)
    if dpi != DPI:
        settings.append(dpi)
    settings = json.dumps(settings, ensure_ascii=False)
    return hashlib.sha256(settings.encode("utf-8")).hexdigest()[:20]


def ocr_page(job: tuple[str, str, float, int, str, int]) -> tuple[str, str]:
    """Draw one page and read it with the English model: (key, text)."""
    key, drawn, skew, seed, font, dpi = job
    image = scanned.render_page_image(drawn, dpi=dpi, skew_degrees=skew, noise=NOISE, seed=seed,
                                      font_path=FONTS[font])
    with tempfile.TemporaryDirectory(prefix="beslut-repair-") as tmp:
        png = Path(tmp) / "page.png"
        image.save(png, dpi=(dpi, dpi))
        done = subprocess.run(["tesseract", str(png), "stdout", "-l", "eng"],
                              capture_output=True, env=TESSERACT_ENV)
    if done.returncode != 0:
        raise RuntimeError(f"tesseract failed: {done.stderr.decode('utf-8', 'replace')[-300:]}")
    return key, done.stdout.decode("utf-8").rstrip("\f\n ")


def mojibake(text: str, flavour: str) -> str:
    if flavour == "cp1252":
        return text.encode("utf-8").decode("cp1252", errors="replace")
    if flavour == "latin-1":
        return text.encode("utf-8").decode("latin-1")
    return text.encode("cp1252", errors="replace").decode("utf-8", errors="replace")


def build(jobs: int = JOBS, force: bool = False) -> list[dict]:
    """Make the pairs (OCR only for pages not read before) and write PAIRS_PATH."""
    version = tesseract_version()
    cached = {} if force else {r["key"]: r["damaged"] for r in read_pairs() if r.get("key")}
    records, todo = [], {}
    for doc, text in clean_texts().items():
        split, font, dpi = split_of(doc), font_of(doc), dpi_of(doc)
        for number, page in enumerate(layout(text, hyphenate=hyphenates(doc), font=font, dpi=dpi),
                                      start=1):
            skew, seed = page_settings(doc, number)
            key = page_key(page.drawn, skew, seed, version, font, dpi)
            records.append({"doc": doc, "page": number, "split": split, "kind": "ocr",
                            "gold": page.gold, "damaged": cached.get(key), "drawn": page.drawn,
                            "skew": skew, "seed": seed, "font": font, "dpi": dpi, "key": key})
            if key not in cached:
                todo[key] = (key, page.drawn, skew, seed, font, dpi)
            if number == 1:
                flavour = MOJIBAKE_FLAVOURS[int(stable_fraction("beslut-repair-mojibake-v1", doc)
                                                * len(MOJIBAKE_FLAVOURS))]
                records.append({"doc": doc, "page": number, "split": split, "kind": "mojibake",
                                "flavour": flavour, "gold": page.gold,
                                "damaged": mojibake(page.gold, flavour), "drawn": page.gold,
                                "skew": 0.0, "seed": 0, "key": None})
    if todo:
        log(f"OCR of {len(todo)} pages with `tesseract -l eng`, {jobs} at a time ...")
        start = time.perf_counter()
        done = {}
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for count, (key, text) in enumerate(pool.map(ocr_page, todo.values()), start=1):
                done[key] = text
                if count % 10 == 0 or count == len(todo):
                    log(f"  {count}/{len(todo)} pages, {time.perf_counter() - start:.0f} s")
        for record in records:
            if record["damaged"] is None:
                record["damaged"] = done[record["key"]]
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    temporary = PAIRS_PATH.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    temporary.replace(PAIRS_PATH)
    return records


def read_pairs() -> list[dict]:
    if not PAIRS_PATH.exists():
        return []
    with PAIRS_PATH.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def load_pairs(split: str = "all", kind: str = "ocr", *, build_missing: bool = True) -> list[dict]:
    """The pairs of a split ("train", "heldout" or "all") and kind ("ocr",
    "mojibake" or "all"), built first if the cache is missing or stale."""
    records = read_pairs()
    if build_missing and not _current(records):
        records = build()
    return [r for r in records if (split == "all" or r["split"] == split)
            and (kind == "all" or r["kind"] == kind)]


def _current(records: list[dict]) -> bool:
    """Whether the cached pairs cover exactly the documents and pages there are now."""
    if not records:
        return False
    have = {(r["doc"], r["page"], r["gold"]) for r in records if r["kind"] == "ocr"}
    want = {(doc, number, page.gold) for doc, text in clean_texts().items()
            for number, page in enumerate(layout(text, hyphenate=hyphenates(doc), font=font_of(doc),
                                                 dpi=dpi_of(doc)), start=1)}
    return have == want


# ---- alignment -----------------------------------------------------------------

def fold(text: str) -> str:
    """Lower case without diacritics: "Sodertörns" -> "sodertorns"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def levenshtein(a: str, b: str) -> int:
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def dissimilarity(a: str, b: str) -> float:
    """0 for equal tokens, near 0 for tokens that differ by OCR damage, 1 for unrelated."""
    if a == b:
        return 0.0
    fa, fb = fold(a), fold(b)
    return max(0.05, levenshtein(fa, fb) / max(len(fa), len(fb), 1))


GAP_CELLS = 250_000  # larger unmatched stretches are paired in order, without the search
MERGE_PENALTY = 0.5


def align_indices(damaged: list[str], gold: list[str]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Token alignment as pairs of half-open index ranges (damaged, gold), each
    side 0, 1 or 2 tokens long: identical runs anchored by difflib, the
    stretches between them by edit distance where substituting a token costs
    twice its dissimilarity (so similar tokens pair up, unrelated ones are an
    insertion and a deletion), inserting or deleting costs 1, and two damaged
    tokens may pair with one gold token (a word broken at a line end) or one
    damaged with two gold (two words run together), at a small extra cost,
    when the pieces look like pieces of a word (see ``_joinable``)."""
    out = []
    matcher = SequenceMatcher(None, damaged, gold, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(((i, i + 1), (j, j + 1)) for i, j in zip(range(i1, i2), range(j1, j2)))
        else:
            out.extend(_align_gap(damaged, gold, i1, i2, j1, j2))
    return out


def _align_gap(d: list[str], g: list[str], i1: int, i2: int, j1: int, j2: int):
    n, m = i2 - i1, j2 - j1
    if n * m > GAP_CELLS:
        pairs = [((i1 + k, i1 + k + 1), (j1 + k, j1 + k + 1)) for k in range(min(n, m))]
        pairs += [((i1 + k, i1 + k + 1), (j2, j2)) for k in range(m, n)]
        pairs += [((i2, i2), (j1 + k, j1 + k + 1)) for k in range(n, m)]
        return pairs
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            here = cost[i][j]
            if here == inf:
                continue
            steps = []
            if i < n and j < m:
                steps.append((1, 1, 2 * dissimilarity(d[i1 + i], g[j1 + j])))
            if i + 1 < n and j < m and _joinable(d[i1 + i], d[i1 + i + 1]):
                steps.append((2, 1, MERGE_PENALTY + 2 * _merge_dissimilarity(
                    d[i1 + i], d[i1 + i + 1], g[j1 + j])))
            if i < n and j + 1 < m and _joinable(g[j1 + j], g[j1 + j + 1]):
                steps.append((1, 2, MERGE_PENALTY + 2 * dissimilarity(
                    d[i1 + i], g[j1 + j] + g[j1 + j + 1])))
            if i < n:
                steps.append((1, 0, 1.0))
            if j < m:
                steps.append((0, 1, 1.0))
            for di, dj, step in steps:
                total = here + step
                if total < cost[i + di][j + dj] - 1e-9:
                    cost[i + di][j + dj] = total
                    back[i + di][j + dj] = (di, dj)
    pairs = []
    i, j = n, m
    while i or j:
        di, dj = back[i][j]
        pairs.append(((i1 + i - di, i1 + i), (j1 + j - dj, j1 + j)))
        i, j = i - di, j - dj
    return pairs[::-1]


def _joinable(first: str, second: str) -> bool:
    """Whether two tokens may stand for one: a word piece ending in a hyphen
    ("utveck-", "FoU-") and what follows, or two pieces of two or more
    characters each. A lone bullet, dash or letter is a token of its own."""
    if len(first) >= 2 and first.endswith("-") and first[-2].isalnum():
        return True
    return min(len(first), len(second)) >= 2


def _merge_dissimilarity(first: str, second: str, gold: str) -> float:
    joined = [first + second]
    if first.endswith("-"):
        joined.append(first[:-1] + second)
    return min(dissimilarity(candidate, gold) for candidate in joined)


def align(damaged: str, gold: str) -> list[tuple[str | None, str | None]]:
    """Whitespace tokens of the two texts paired up: (damaged, gold), with None
    for a token the other side lacks. A gold word the damaged text broke at a
    line end comes as one damaged "token" holding both pieces and the line
    break ("utveck-\\nling", "utveckling"); two gold words the damaged text ran
    together come as one gold "token" holding both ("Södertörns högskola")."""
    d, g = scanned.tokens(damaged), scanned.tokens(gold)
    return [(_join(d, ds, "\n"), _join(g, gs, " ")) for ds, gs in align_indices(d, g)]


def _join(tokens: list[str], span: tuple[int, int], separator: str) -> str | None:
    return separator.join(tokens[span[0]:span[1]]) if span[1] > span[0] else None


# ---- error classes ---------------------------------------------------------------

MOJIBAKE = re.compile(r"Ã.|Â.|â€|�|[\x80-\x9f]")
I_LOOKALIKES = frozenset("|1l")
LETTER_CLASSES = {"ö": "ö", "ä": "ä", "å": "å"}


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def classify(damaged: str | None, gold: str | None) -> set[str]:
    """The error classes of an aligned pair; empty when the tokens are equal.

    "ö", "ä", "å": the gold has the letter (either case) and the damaged token
    something else at its place ("férutsattningar": ö and ä). "I/i": the gold's
    I or i is |, 1 or l in the damaged token. "stripped": the damaged token is
    the gold with some diacritics removed ("hogskola"; also counts as ö).
    "hyphenation": a gold word in two pieces across a line end, the first
    ending in a hyphen; the joined pieces are then classified as well (a word
    torn in two without a hyphen is "other", and classified further too).
    "mojibake": encoding debris (Ã¶, �), which is the whole story of such a
    token. "other": anything else, including a token missing from either side."""
    if damaged is None or gold is None:
        return {"other"}
    if damaged == gold:
        return set()
    classes = set()
    if any(c.isspace() for c in damaged) and not any(c.isspace() for c in gold):
        first, second = damaged.split(None, 1)
        if first.endswith("-"):  # broken at a line end, hyphen kept or soft
            damaged = min((first + second, first[:-1] + second), key=lambda j: levenshtein(j, gold))
            classes.add("hyphenation")
        else:  # a word torn in two by a stray space
            damaged = first + second
            classes.add("other")
        if damaged == gold:
            return classes
    if MOJIBAKE.search(damaged) and not MOJIBAKE.search(gold):
        return classes | {"mojibake"}
    if len(damaged) == len(gold) and all(
            a == b or a == strip_diacritics(b) for a, b in zip(damaged, gold)):
        classes.add("stripped")
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, damaged, gold, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        seen = damaged[i1:i2]
        for char in gold[j1:j2]:
            letter = LETTER_CLASSES.get(char.lower())
            if letter:
                classes.add(letter)
            elif char in "Ii" and any(c in I_LOOKALIKES for c in seen):
                classes.add("I/i")
    return classes or {"other"}


def flat(text: str) -> str:
    """The text with dashes and curly quotes as their ASCII forms
    (tests.scanned.TYPOGRAPHIC): Tesseract flattens them, and restoring them is
    no part of repair, so counts, learning and evaluation compare flattened text."""
    return text.translate(scanned.TYPOGRAPHIC)


def aligned_records(records: list[dict]):
    """Every aligned token pair of the records, typography flattened, as (record, damaged, gold)."""
    for record in records:
        for d, g in align(flat(record["damaged"]), flat(record["gold"])):
            yield record, d, g


# ---- learning the confusion table --------------------------------------------------

def learn_table(path: Path = CONFUSIONS_PATH) -> dict:
    """Learn the confusions from the training split's OCR pairs and write them."""
    from ingest.confusions import learn

    records = load_pairs("train", "ocr")
    pairs = [(d, g) for _, d, g in aligned_records(records)]
    table = learn(pairs)
    table = {"version": table.pop("version"), "source": {
        "generated_by": "bench/repair_data.py --learn",
        "data": f"{PAIRS_PATH.relative_to(REPO)} (kind ocr, split train)",
        "documents": len({r["doc"] for r in records}),
        "pages": len(records),
        "gold_tokens": sum(len(scanned.tokens(r["gold"])) for r in records),
        "ocr": f"{tesseract_version()} -l eng, {DPI} dpi ({LOW_DPI} for some), noise {NOISE}",
    }, **table}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_table_json(table), encoding="utf-8")
    return table


def context_sources() -> dict[str, str]:
    """The clean texts the context model learns from: the training split, that
    is bench/context_texts/ and the training documents of the other sources."""
    return {doc: text for doc, text in clean_texts().items() if split_of(doc) == "train"}


def learn_context(path: Path = CONTEXT_PATH) -> dict:
    """Count the words and word pairs of the context sources and write them."""
    import gzip

    from ingest.context import learn

    sources = context_sources()
    counts = learn(flat(text) for text in sources.values())
    counts["source"] = {"generated_by": "bench/repair_data.py --learn",
                        "texts": len(sources),
                        "context_texts": sum(1 for name in sources if name.startswith(CONTEXT_PREFIX)),
                        "training_documents": sum(1 for name in sources
                                                  if not name.startswith(CONTEXT_PREFIX))}
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same counts give the same bytes
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle:
        handle.write(json.dumps(counts, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return counts


def _table_json(table: dict) -> str:
    """The table as JSON with one substitution a line, so that a relearned table diffs well."""
    rules = ",\n".join("  " + json.dumps(rule, ensure_ascii=False) for rule in table["substitutions"])
    head = {key: value for key, value in table.items() if key != "substitutions"}
    return (json.dumps(head, ensure_ascii=False, indent=1)[:-2]
            + f',\n "substitutions": [\n{rules}\n ]\n}}\n')


# ---- summary -------------------------------------------------------------------

def summary(records: list[dict]) -> dict:
    """Documents, pages, tokens, token error and per-class counts, per split."""
    out = {}
    for split in ("train", "heldout", "all"):
        chosen = [r for r in records if r["kind"] == "ocr" and (split == "all" or r["split"] == split)]
        gold_tokens = sum(len(scanned.tokens(r["gold"])) for r in chosen)
        distance = sum(scanned.token_edit_distance(scanned.tokens(flat(r["damaged"])),
                                                   scanned.tokens(flat(r["gold"]))) for r in chosen)
        classes, damaged_tokens, extra = Counter(), 0, 0
        for _, d, g in aligned_records(chosen):
            found = classify(d, g)
            if g is None:
                extra += 1
                continue
            if found:
                damaged_tokens += 1 + g.count(" ")
                classes.update(found)
        out[split] = {"documents": len({r["doc"] for r in chosen}), "pages": len(chosen),
                      "chars": sum(len(r["gold"]) for r in chosen), "gold_tokens": gold_tokens,
                      "token_error": round(distance / max(gold_tokens, 1), 4),
                      "damaged_gold_tokens": damaged_tokens, "extra_damaged_tokens": extra,
                      "classes": {c: classes[c] for c in CLASSES}}
    return out


DAMAGE_MARKS = {"é": "é", "6 in a word": r"[^\W\d_]6|6[^\W\d_]", "&": "&", "|": r"\|", "¢": "¢",
                "ar/pa/for": r"\b(?:ar|pa|for)\b"}


def damage_signature(text: str) -> dict:
    """Marks of English-model OCR per 1,000 tokens, and the quality score of ingest.quality."""
    from ingest.quality import text_quality

    count = max(len(scanned.tokens(text)), 1)
    marks = {name: round(1000 * len(re.findall(pattern, text)) / count, 1)
             for name, pattern in DAMAGE_MARKS.items()}
    return {"quality": text_quality(text).score, **marks}


def print_summary(records: list[dict], *, stats: bool) -> None:
    table = summary(records)
    print(f"{'split':8} {'docs':>5} {'pages':>5} {'chars':>8} {'tokens':>7} {'tok.err':>8} "
          f"{'damaged':>8} {'extra':>6}")
    for split, row in table.items():
        print(f"{split:8} {row['documents']:5} {row['pages']:5} {row['chars']:8} "
              f"{row['gold_tokens']:7} {row['token_error']:8.2%} {row['damaged_gold_tokens']:8} "
              f"{row['extra_damaged_tokens']:6}")
    heldout = sorted({r["doc"] for r in records if r["split"] == "heldout"})
    print(f"held out: {', '.join(heldout)}")
    if not stats:
        return
    print("\ndamaged gold tokens per class (a token may be in several):")
    print(f"{'class':12} " + " ".join(f"{s:>8}" for s in table))
    for name in CLASSES:
        print(f"{name:12} " + " ".join(f"{table[s]['classes'][name]:8}" for s in table))
    print("\nmarks of English-model OCR per 1,000 tokens, and ingest.quality's score:")
    ocr = "\n".join(r["damaged"] for r in records if r["kind"] == "ocr")
    gold = "\n".join(r["gold"] for r in records if r["kind"] == "ocr")
    rows = {"gold (all)": gold, "damaged (all)": ocr, **real_ocr_seeds()}
    names = list(damage_signature("").keys())
    print(f"{'text':16} " + " ".join(f"{n:>11}" for n in names))
    for name, text in rows.items():
        signature = damage_signature(text)
        print(f"{name:16} " + " ".join(f"{signature[n]:11}" for n in names))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learn", action="store_true",
                        help="learn the confusion table from the training split")
    parser.add_argument("--stats", action="store_true", help="per-class counts and seed comparison")
    parser.add_argument("--force", action="store_true", help="OCR every page again")
    parser.add_argument("--jobs", type=int, default=JOBS)
    args = parser.parse_args()
    records = read_pairs()
    if args.force or not _current(records):
        records = build(jobs=args.jobs, force=args.force)
    print_summary(records, stats=args.stats)
    if args.learn:
        table = learn_table()
        print(f"\nwrote {CONFUSIONS_PATH.relative_to(REPO)}: "
              f"{len(table['substitutions'])} substitutions from {table['source']['pages']} "
              f"training pages; the most frequent:")
        for rule in table["substitutions"][:30]:
            print(f"  {rule['seen']!r:>8} -> {rule['gold']!r:<6} {rule['count']:6} "
                  f"of {rule['seen_total']:7}  P = {rule['count'] / rule['seen_total']:.4f}")
        counts = learn_context()
        print(f"\nwrote {CONTEXT_PATH.relative_to(REPO)}: {counts['tokens']:,} words "
              f"({len(counts['unigrams']):,} distinct, {len(counts['bigrams']):,} pairs) from "
              f"{counts['source']['context_texts']} context texts and "
              f"{counts['source']['training_documents']} training documents")


if __name__ == "__main__":
    main()
