"""Search at archive scale: our two engines against plain tantivy on the same documents.

Builds synthetic Swedish archives (10,000 and 100,000 documents of about 1,500
words by default) and measures, for each engine:

  build   index build time, index size on disk, peak memory (the largest RSS of
          the process that builds, from getrusage; each build runs in a fresh
          child process, so one build's memory never counts in another's)
  query   latency p50 / p95 over a fixed mix of queries (single terms, several
          terms, phrases, filters by type / board / municipality / date range,
          filters alone sorted by date, fuzzy terms, facet counts), each engine
          answering the same queries, in a child process of its own; hit counts
          and the overlap of the two engines' top 10 for sanity

Engines:

  ours     the project's default index (whoosh) through its own interface (index.open_index), with
           its real Swedish analysis and schema, built the way `beslut reindex`
           builds it: beslut.indexing.reindex() over StoredDocument records (the
           store is stood in for by the cached corpus file; no OCR, no ingest),
           in worker processes (one per core, two here), whose CPU time and peak
           memory the report gives too.
           Queries go through SearchIndex.search() with the store's text for
           snippets, as `beslut search` runs them (10 hits, snippets on).
  ours-tantivy
           the project's tantivy engine, the same way: built by reindex()
           (`beslut reindex --engine tantivy`: our analysis in worker processes,
           tantivy's writer in threads), queried through SearchIndex.search().
  tantivy  the reference engine (plain tantivy-py, its own analysis): the same
           fields, tokenized by the same word pattern, lower-cased, Snowball's
           Swedish stop words and stemmer (tantivy's own), a folded field
           (ascii_fold after stemming) weighted 0.3, title weighted 2; facets as
           terms aggregations over fast fields; snippets from SnippetGenerator
           over the same stored text.

Ratios are each of ours / tantivy, measured in the same run (this 2-core
machine is noisy; absolute numbers move, the ratios less).

Documents are drawn deterministically (seeded per document, so the first
10,000 of the 100,000 are the 10,000): sentences from the project's fixture
texts (tests/corpus_texts, bench/context_texts) mixed with sentences of words
drawn by wordfreq's Swedish frequencies, with numbers, names of boards and
municipalities; metadata from ingest.document.DOCUMENT_TYPES, the gazetteer's
boards and municipalities, dates 1995-2025 (a few undated) and dnr. They are
generated once (two processes) and cached in bench/out/search-scale-v1/
(git-ignored); indexes are kept there too, so --reuse-index can query again.

    .venv/bin/python bench/search_scale.py --quick             # 2,000 documents, smoke run
    .venv/bin/python bench/search_scale.py --sizes 10000       # one size
    .venv/bin/python bench/search_scale.py                     # 10,000 and 100,000
    .venv/bin/python bench/search_scale.py --engines ours --sizes 10000 --profile
    .venv/bin/python bench/search_scale.py --engines ours-tantivy,tantivy --sizes 100000
    .venv/bin/python bench/search_scale.py --json              # JSON on stdout, tables on stderr

--profile runs our engine's build and query children under cProfile, prints
the functions where the time goes (pstats files kept in bench/out/, one per
query kind too) and adds to the report the share of each part of the build
and of each kind of query. The profiled build runs in one process (its worker
processes run the same code; cProfile would not see them), so it is slower
than the timed one: take its shares, not its times.
--max-build-minutes stops a build that runs longer, reporting the rate it
reached and a linear extrapolation instead of a time.

To measure a committed version while index/ is being changed in the work tree,
run it from an exported tree (the engine is imported from the tree this file
sits in; bench/out/ linked back so the corpus and results are shared):

    git archive HEAD | tar -x -C /tmp/snap && git rev-parse --short HEAD > /tmp/snap/.snapshot-of
    ln -s $PWD/bench/out /tmp/snap/bench/out && ln -sf $PWD/bench/search_scale.py /tmp/snap/bench/
    (cd /tmp/snap && $OLDPWD/.venv/bin/python bench/search_scale.py ...)

Targets (issue 6), for our engines at 100,000 documents: p95 <= 100 ms, build
<= 10 minutes.
"""

import argparse
import bisect
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

REPO = Path(os.path.abspath(__file__)).parents[1]  # not resolved: a snapshot may link this file
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

OUT = REPO / "bench" / "out" / "search-scale-v1"
GENERATOR_VERSION = "1"
SEED = 20240606
VOCABULARY = 200_000  # wordfreq's Swedish words drawn from, by frequency
WORDS_PER_DOC = 1500
FIXTURE_SHARE = 0.35  # sentences taken from the fixture texts
UNDATED_SHARE = 0.03
FIRST_DAY, LAST_DAY = date(1995, 1, 1).toordinal(), date(2025, 12, 31).toordinal()
LIMIT = 10  # hits per query, as `beslut search` shows by default
WARMUP = 10  # queries run before timing, not counted
ENGINES = ("ours", "ours-tantivy", "tantivy")
OURS = ("ours", "ours-tantivy")  # through beslut's SearchIndex; "tantivy" is the reference
OUR_ENGINE = {"ours": "whoosh", "ours-tantivy": "tantivy"}  # index.open_index's engines

# The query mix, per 200 queries.
MIX = {"term": 40, "multi": 40, "phrase": 30, "filter": 30, "browse": 10, "fuzzy": 20, "facets": 30}
KIND_NOTES = {
    "term": "one word",
    "multi": "2-3 words (all must match; ours also scores them as a phrase)",
    "phrase": '"2-3 words"',
    "filter": "a word + 1-2 of type/board/municipality/date range",
    "browse": "filters only, newest first",
    "fuzzy": "word~ with one OCR-like error",
    "facets": "1-2 words + counts per type/board/municipality/year",
}

TYPE_WEIGHTS = {"protokoll": 24, "tjansteutlatande": 22, "kallelse": 10, "delegationsbeslut": 10,
                "yttrande": 8, "avtal": 7, "motion": 6, "utredning": 5, "policy": 4, "okänd": 4}
TITLE_PREFIXES = {
    "protokoll": ["Protokoll", "Protokollsutdrag", "Sammanträdesprotokoll"],
    "tjansteutlatande": ["Tjänsteutlåtande om", "Tjänsteskrivelse om", "Förslag till"],
    "kallelse": ["Kallelse till sammanträde", "Kallelse och föredragningslista"],
    "delegationsbeslut": ["Delegationsbeslut om", "Beslut om"],
    "yttrande": ["Yttrande över", "Remissvar om"],
    "avtal": ["Avtal om", "Samverkansavtal om", "Överenskommelse om"],
    "motion": ["Motion om", "Svar på motion om"],
    "utredning": ["Utredning av", "Förstudie om", "Rapport om"],
    "policy": ["Policy för", "Riktlinjer för", "Reglemente för"],
    "okänd": ["Information om", "Bilaga:"],
}


# ---- the corpus ---------------------------------------------------------------

def _fixture_texts() -> list[str]:
    paths = sorted((REPO / "tests" / "corpus_texts").glob("*.txt")) + \
        sorted((REPO / "bench" / "context_texts").glob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in paths]


SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n|\n(?=[•–\-\d§])")
WORD = re.compile(r"\w+(?:[.:']\w+)*")


def _fixture_pools(texts: list[str]) -> tuple[list[str], list[str]]:
    """Sentences (4-45 words, whitespace collapsed) and headings (2-12 words, no
    full stop, capitalised) of the fixture texts."""
    sentences, headings = [], []
    for text in texts:
        for line in text.splitlines():
            line = line.strip()
            words = line.split()
            if 2 <= len(words) <= 12 and line[0].isupper() and not line.endswith((".", ":", ",")) \
                    and not any(ch.isdigit() for ch in line[:4]):
                headings.append(line)
        for part in SENTENCE_END.split(text):
            part = " ".join(part.split())
            if 4 <= len(part.split()) <= 45:
                sentences.append(part)
    return sorted(set(sentences)), sorted(set(headings))


def _gazetteer() -> tuple[list[tuple[str, str | None]], list[str]]:
    gaz = REPO / "ingest" / "data" / "gazetteer"
    boards = []
    for line in (gaz / "namnder.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, abbr = line.partition("\t")
            boards.append((name.strip(), abbr.strip() or None))
    municipalities = [line.split("\t")[0] for line in (gaz / "kommuner.tsv").read_text(encoding="utf-8").splitlines()
                      if line.strip() and not line.startswith("#")]
    return boards, municipalities


class Generator:
    """Documents by number: document i is the same whatever else is generated."""

    def __init__(self, seed: int = SEED):
        import wordfreq

        from ingest.document import DOCUMENT_TYPES

        self.seed = seed
        freqs = wordfreq.get_frequency_dict("sv", wordlist="large")
        ranked = sorted(((f, w) for w, f in freqs.items() if WORD.fullmatch(w) and not w.isdigit()),
                        key=lambda fw: (-fw[0], fw[1]))[:VOCABULARY]
        self.words = [w for _, w in ranked]
        cum, total = [], 0.0
        for f, _ in ranked:
            total += f
            cum.append(total)
        self.cum = cum
        self.sentences, self.headings = _fixture_pools(_fixture_texts())
        self.boards, self.municipalities = _gazetteer()
        # Zipf-ish weights: a few boards and municipalities hold most documents, as in life.
        self.board_cum = _cumulative([1 / (i + 1) ** 0.8 for i in range(len(self.boards))])
        self.muni_cum = _cumulative([1 / (i + 1) ** 0.9 for i in range(len(self.municipalities))])
        self.types = [t for t in DOCUMENT_TYPES]
        self.type_cum = _cumulative([TYPE_WEIGHTS.get(t, 1) for t in self.types])

    def _pick(self, rng, items, cum):
        return items[bisect.bisect_left(cum, rng.random() * cum[-1])]

    def _synthetic_sentence(self, rng, municipality, board) -> str:
        n = rng.randint(5, 20)
        words = rng.choices(self.words, cum_weights=self.cum, k=n)
        r = rng.random()
        if r < 0.10:
            words.insert(rng.randrange(len(words)), str(rng.randint(1995, 2025)))
        elif r < 0.16:
            words.insert(rng.randrange(len(words)), f"{rng.randint(1, 999)} {rng.randint(0, 999):03d} kronor")
        elif r < 0.20:
            words.insert(rng.randrange(len(words)), f"§ {rng.randint(1, 250)}")
        elif r < 0.25:
            words.insert(rng.randrange(len(words)), municipality if rng.random() < 0.6 else board)
        if n > 9 and rng.random() < 0.4:
            i = rng.randrange(2, len(words) - 1)
            words[i] += ","
        sentence = " ".join(words)
        return sentence[0].upper() + sentence[1:] + "."

    def document(self, i: int) -> dict:
        rng = random.Random(f"{self.seed}-{i}")
        doc_type = self._pick(rng, self.types, self.type_cum)
        board, abbr = self._pick(rng, self.boards, self.board_cum)
        municipality = self._pick(rng, self.municipalities, self.muni_cum)
        if rng.random() < UNDATED_SHARE:
            day = None
        else:
            day = date.fromordinal(rng.randint(FIRST_DAY, LAST_DAY)).isoformat()
        year = day[:4] if day else str(rng.randint(1995, 2025))
        dnr = f"{abbr or 'KS'} {year}/{rng.randint(1, 2999)}"
        if rng.random() < 0.5:
            title = rng.choice(self.headings)
        else:
            a, b = rng.choices(self.words[300:20000], k=2)
            title = f"{rng.choice(TITLE_PREFIXES.get(doc_type, ['Om']))} {a} och {b}"
        target = max(800, min(2500, int(rng.gauss(WORDS_PER_DOC, 250))))
        header = [f"{municipality} kommun", board, title, f"Datum {day}" if day else "", f"Dnr {dnr}", ""]
        parts, count, paragraph = [], sum(len(h.split()) for h in header), []
        while count < target:
            if rng.random() < FIXTURE_SHARE:
                sentence = rng.choice(self.sentences)
            else:
                sentence = self._synthetic_sentence(rng, municipality, board)
            paragraph.append(sentence)
            count += len(sentence.split())
            if len(paragraph) >= rng.randint(3, 8):
                parts.append(" ".join(paragraph))
                paragraph = []
        if paragraph:
            parts.append(" ".join(paragraph))
        text = "\n".join(h for h in header if h) + "\n\n" + "\n\n".join(parts) + "\n"
        return {"id": f"{i:08d}-{rng.getrandbits(64):016x}", "title": title, "type": doc_type,
                "date": day, "board": board, "municipality": municipality, "dnr": dnr, "text": text}


def _cumulative(weights):
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


_GEN = None


def _gen_init(seed):
    global _GEN
    _GEN = Generator(seed)


def _gen_chunk(bounds):
    start, end = bounds
    return [json.dumps(_GEN.document(i), ensure_ascii=False) + "\n" for i in range(start, end)]


class CorpusFile:
    """The generated documents, one JSON object a line, with byte offsets for
    reading any one of them back (the store's part: text for snippets)."""

    def __init__(self, seed: int = SEED):
        self.dir = OUT / f"corpus-g{GENERATOR_VERSION}-s{seed}"
        self.path = self.dir / "docs.jsonl"
        self.offsets_path = self.dir / "offsets.json"
        self.seed = seed
        self._offsets = None
        self._fh = None

    def count(self) -> int:
        try:
            return len(json.loads(self.offsets_path.read_text()))
        except (OSError, ValueError):
            return 0

    def ensure(self, n: int, log) -> None:
        have = self.count()
        if have >= n:
            return
        from multiprocessing import get_context

        self.dir.mkdir(parents=True, exist_ok=True)
        offsets = json.loads(self.offsets_path.read_text()) if have else []
        started = time.perf_counter()
        log(f"generating documents {have:,}..{n:,} into {self.path.relative_to(REPO)}")
        chunks = [(s, min(s + 500, n)) for s in range(have, n, 500)]
        with open(self.path, "ab" if have else "wb") as out, \
                get_context("fork").Pool(2, initializer=_gen_init, initargs=(self.seed,)) as pool:
            if have:
                out.truncate(self._end_of(offsets[-1]))
                out.seek(0, os.SEEK_END)
            position = out.tell()
            for k, lines in enumerate(pool.imap(_gen_chunk, chunks)):
                for line in lines:
                    data = line.encode("utf-8")
                    offsets.append(position)
                    out.write(data)
                    position += len(data)
                if (k + 1) % 40 == 0:
                    log(f"  {len(offsets):,} documents ({time.perf_counter() - started:.0f} s)")
        self.offsets_path.write_text(json.dumps(offsets))
        log(f"generated {n - have:,} documents in {time.perf_counter() - started:.0f} s "
            f"({self.path.stat().st_size / 1e6:.0f} MB)")

    def _end_of(self, last_offset: int) -> int:
        with open(self.path, "rb") as fh:
            fh.seek(last_offset)
            return last_offset + len(fh.readline())

    def iter(self, n: int):
        with open(self.path, encoding="utf-8") as fh:
            for _, line in zip(range(n), fh):
                yield json.loads(line)

    def text(self, i: int) -> str:
        if self._offsets is None:
            self._offsets = json.loads(self.offsets_path.read_text())
            self._fh = open(self.path, "rb")
        self._fh.seek(self._offsets[i])
        return json.loads(self._fh.readline())["text"]


def _number(doc_id: str) -> int:
    return int(doc_id[:8])


# ---- the queries --------------------------------------------------------------

TYPO = [("l", "i"), ("i", "l"), ("rn", "m"), ("m", "rn"), ("e", "c"), ("o", "c"), ("h", "b"), ("n", "u"),
        ("t", "f"), ("a", "e")]


def make_queries(count: int, seed: int = SEED) -> list[dict]:
    """A fixed mix of queries (the same for every engine and size): words from the
    fixture texts (names, places, the archive's vocabulary) and from wordfreq's
    frequency bands; metadata values as the generator draws them."""
    import wordfreq

    from index.analysis import STOP_WORDS

    rng = random.Random(f"queries-{seed}")
    texts = _fixture_texts()
    sentences, _ = _fixture_pools(texts)
    boards, municipalities = _gazetteer()
    top = [w for w in wordfreq.top_n_list("sv", 30000) if WORD.fullmatch(w) and not w.isdigit()
           and w not in STOP_WORDS and len(w) > 2]
    common, mid = top[150:2000], top[2000:25000]
    fixture_words = sorted({w for t in texts for w in WORD.findall(t)
                            if len(w) >= 6 and not w.isdigit() and w.lower() not in STOP_WORDS
                            and w.lower() not in set(top[:2000])})

    def word():
        r = rng.random()
        return rng.choice(common if r < 0.35 else mid if r < 0.7 else fixture_words)

    def sentence_words():
        while True:
            ws = [w for w in WORD.findall(rng.choice(sentences))]
            if len(ws) >= 4:
                return ws

    def cooccurring(k):
        while True:
            ws = [w for w in sentence_words() if w.lower() not in STOP_WORDS and len(w) > 3 and not w.isdigit()]
            if len(ws) >= k:
                return rng.sample(ws, k)

    def phrase():
        while True:
            ws = sentence_words()
            k = rng.choice((2, 2, 3))
            i = rng.randrange(0, len(ws) - k + 1)
            span = ws[i:i + k]
            if span[0].lower() not in STOP_WORDS and span[-1].lower() not in STOP_WORDS \
                    and not any(w.isdigit() for w in span):
                return span

    def filters(k):
        from ingest.document import DOCUMENT_TYPES

        chosen = rng.sample(["type", "board", "municipality", "date"], k)
        f = {}
        for name in chosen:
            if name == "type":
                f["type"] = rng.choice([t for t in DOCUMENT_TYPES])
            elif name == "board":
                f["board"] = boards[min(int(rng.expovariate(1 / 8)), len(boards) - 1)][0]
            elif name == "municipality":
                f["municipality"] = municipalities[min(int(rng.expovariate(1 / 25)), len(municipalities) - 1)]
            else:
                start = rng.randint(1995, 2024)
                f["date_from"] = f"{start}-{rng.randint(1, 12):02d}-01"
                f["date_to"] = f"{min(2025, start + rng.randint(0, 3))}-12-31"
        return f

    def typo(w):
        for _ in range(20):
            a, b = rng.choice(TYPO)
            positions = [m.start() for m in re.finditer(re.escape(a), w) if 0 < m.start() < len(w) - len(a)]
            if positions:
                p = rng.choice(positions)
                return w[:p] + b + w[p + len(a):]
        p = rng.randrange(1, len(w) - 1)
        return w[:p] + w[p + 1:]  # a letter lost

    counts = _scaled_mix(count)
    queries = []
    for kind, n in counts.items():
        for _ in range(n):
            q = {"kind": kind, "words": [], "phrase": False, "fuzzy": False, "filters": {},
                 "sort": "relevance", "facets": False}
            if kind == "term":
                q["words"] = [word()]
            elif kind == "multi":
                q["words"] = cooccurring(rng.choice((2, 2, 3)))
            elif kind == "phrase":
                q["words"], q["phrase"] = phrase(), True
            elif kind == "filter":
                q["words"], q["filters"] = [word()], filters(rng.choice((1, 1, 2)))
            elif kind == "browse":
                q["filters"], q["sort"] = filters(rng.choice((1, 2))), "date"
            elif kind == "fuzzy":
                base = rng.choice([w for w in mid + fixture_words if len(w) >= 6])
                q["words"], q["fuzzy"], q["original"] = [typo(base.lower())], True, base.lower()
            elif kind == "facets":
                q["words"], q["facets"] = (cooccurring(2) if rng.random() < 0.5 else [word()]), True
            q["words"] = [w.lower() if rng.random() < 0.7 else w for w in q["words"]]
            queries.append(q)
    rng.shuffle(queries)  # kinds interleaved: no kind is timed all warm or all cold
    for i, q in enumerate(queries):
        q["n"] = i
        q["text"] = ours_query_text(q)
    return queries


def _scaled_mix(count: int) -> dict[str, int]:
    total = sum(MIX.values())
    counts = {k: max(1, round(v * count / total)) for k, v in MIX.items()}
    while sum(counts.values()) > count and max(counts.values()) > 1:
        counts[max(counts, key=counts.get)] -= 1
    while sum(counts.values()) < count:
        counts[max(counts, key=counts.get)] += 1
    return counts


def ours_query_text(q) -> str | None:
    """The query as a user types it to `beslut search` (whoosh's syntax)."""
    if not q["words"]:
        return None
    if q["phrase"]:
        return '"' + " ".join(q["words"]) + '"'
    if q["fuzzy"]:
        return q["words"][0] + "~"
    return " ".join(q["words"])


# ---- engines ------------------------------------------------------------------

def _stored_document(rec: dict):
    from corpus import StoredDocument

    metadata = {"title": rec["title"], "board": rec["board"], "municipality": rec["municipality"],
                "dnr": rec["dnr"]}
    if rec["date"]:
        metadata["date"] = rec["date"]
    return StoredDocument(
        id=rec["id"], status="ok", reason=None, kind="text", size=len(rec["text"].encode()),
        mtime_ns=None, last_path=f"/archive/{rec['id']}.txt", page_count=1, raw_text=rec["text"],
        text=rec["text"], doc_type=rec["type"], title=rec["title"], date=rec["date"], metadata=metadata,
        details={}, pipeline_version="bench", created_at="", updated_at="",
        paths=(f"/archive/{rec['id']}.txt",))


class _Feed:
    """Documents for a build, timing what reading them costs (not the engine's)
    and stopping the build when it has run longer than allowed."""

    class Timeout(Exception):
        pass

    def __init__(self, corpus: CorpusFile, n: int, make, label: str, max_seconds: float | None):
        self.corpus, self.n, self.make, self.label = corpus, n, make, label
        self.max_seconds = max_seconds
        self.feed_seconds = 0.0
        self.fed = 0
        self.started = None
        self.exhausted_at = None

    def __iter__(self):
        self.started = time.perf_counter()
        last_log = self.started
        step = max(1000, self.n // 20)
        it = self.corpus.iter(self.n)
        while True:
            t0 = time.perf_counter()
            try:
                rec = next(it)
            except StopIteration:
                self.exhausted_at = time.perf_counter()
                return
            doc = self.make(rec)
            t1 = time.perf_counter()
            self.feed_seconds += t1 - t0
            self.fed += 1
            elapsed = t1 - self.started
            if self.fed % step == 0 or t1 - last_log > 120:
                last_log = t1
                rate = self.fed / elapsed
                print(f"  [{self.label}] {self.fed:,}/{self.n:,} documents fed, {elapsed:.0f} s, "
                      f"{rate:.0f} docs/s, feed done in ~{(self.n - self.fed) / rate:.0f} s more",
                      file=sys.stderr, flush=True)
            if self.max_seconds and elapsed > self.max_seconds:
                raise _Feed.Timeout()
            yield doc


class _FakeCorpus:
    """What beslut.indexing.reindex asks of the store."""

    def __init__(self, feed):
        self.feed = feed

    def pending_index_changes(self, limit=None):
        return []

    def iter_documents(self, status="ok"):
        return iter(self.feed)

    def mark_indexed(self, seq):
        pass


def build_ours(corpus, n, directory: Path, max_seconds, knobs: dict, profiled: bool = False,
               engine: str = "ours") -> dict:
    from beslut.indexing import reindex
    from index import open_index

    feed = _Feed(corpus, n, _stored_document, f"{engine} {n}", max_seconds)
    if knobs:
        return _build_ours_with_knobs(feed, directory, knobs)
    index = open_index(directory, OUR_ENGINE[engine])  # <home>/index, as beslut does
    if profiled:  # cProfile sees one process: its worker processes run the same code
        index.rebuild_procs = 1
    count = reindex(_FakeCorpus(feed), index)
    info = {"documents": count, "size_bytes": index.size_bytes(), "doc_count": index.doc_count()}
    index.close()
    return {**info, "feed": feed}


def _build_ours_with_knobs(feed, directory: Path, knobs: dict) -> dict:
    """An experiment: the same schema and fields as index.whoosh_index's rebuild,
    with whoosh writer settings that rebuild() does not expose (procs, limitmb,
    multisegment). Reads, does not change, index/."""
    from index import whoosh_index as wi
    from index.fields import index_fields

    target = Path(directory) / "index"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    ix = wi._create(target)
    writer = ix.writer(**knobs)
    count = 0
    for doc in feed:
        writer.add_document(**index_fields(doc))
        count += 1
    writer.commit(optimize=not knobs.get("multisegment", False))
    ix.close()
    index = wi.WhooshIndex(target)
    info = {"documents": count, "size_bytes": index.size_bytes(), "doc_count": index.doc_count()}
    index.close()
    return {**info, "feed": feed}


TANTIVY_FACETS = {"type": "type_facet", "board": "board_facet", "municipality": "municipality_facet",
                  "year": "year"}


def _tantivy_analyzers():
    import tantivy

    from index.analysis import FOLDED_STOP_WORDS, STOP_WORDS, TOKEN_PATTERN

    def text(stop, fold):
        b = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(TOKEN_PATTERN.pattern))
             .filter(tantivy.Filter.lowercase())
             .filter(tantivy.Filter.custom_stopword(sorted(stop)))
             .filter(tantivy.Filter.stemmer("swedish")))
        return (b.filter(tantivy.Filter.ascii_fold()) if fold else b).build()

    keyword = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.raw()).filter(tantivy.Filter.lowercase()).build()
    return {"sv_stem": text(STOP_WORDS, False), "sv_fold": text(FOLDED_STOP_WORDS, True), "keyword": keyword}


def _tantivy_schema():
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_text_field("title", tokenizer_name="sv_stem")
    sb.add_text_field("text", tokenizer_name="sv_stem")
    sb.add_text_field("text_folded", tokenizer_name="sv_fold")
    for name in ("type", "board", "municipality", "dnr"):
        sb.add_text_field(name, tokenizer_name="keyword", index_option="basic")
    for name in ("type_facet", "board_facet", "municipality_facet", "year"):
        sb.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_date_field("date", indexed=True, fast=True)
    return sb.build()


def _tantivy_open(path: Path, create: bool):
    import tantivy

    ix = tantivy.Index(_tantivy_schema(), path=str(path)) if create else tantivy.Index.open(str(path))
    for name, analyzer in _tantivy_analyzers().items():
        ix.register_tokenizer(name, analyzer)
    return ix


TANTIVY_HEAP = 256_000_000  # as our rebuild's limitmb=256


def build_tantivy(corpus, n, directory: Path, max_seconds, knobs: dict, profiled: bool = False) -> dict:
    import datetime as dt

    import tantivy

    target = Path(directory) / "index"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    ix = _tantivy_open(target, create=True)

    def make(rec):
        doc = tantivy.Document(id=rec["id"], title=rec["title"], text=rec["text"], text_folded=rec["text"],
                               type=rec["type"], type_facet=rec["type"], board=rec["board"],
                               board_facet=rec["board"], municipality=rec["municipality"],
                               municipality_facet=rec["municipality"], dnr=rec["dnr"])
        if rec["date"]:
            y, m, d = map(int, rec["date"].split("-"))
            doc.add_date("date", dt.datetime(y, m, d))
            doc.add_text("year", rec["date"][:4])
        return doc

    feed = _Feed(corpus, n, make, f"tantivy {n}", max_seconds)
    writer = ix.writer(heap_size=knobs.get("heap_size", TANTIVY_HEAP), num_threads=knobs.get("num_threads", 0))
    count = 0
    for doc in feed:
        writer.add_document(doc)
        count += 1
    writer.commit()
    writer.wait_merging_threads()
    ix.reload()
    searcher = ix.searcher()
    size = sum(p.stat().st_size for p in target.iterdir() if p.is_file())
    return {"documents": count, "size_bytes": size, "doc_count": searcher.num_docs,
            "segments": searcher.num_segments, "feed": feed}


class OursSearch:
    name = "ours"

    def __init__(self, directory: Path, corpus: CorpusFile):
        from index import open_index

        self.index = open_index(directory)
        self.corpus = corpus

    def run(self, q, snippets: bool) -> dict:
        from index import SearchFilters

        text_of = (lambda doc_id: self.corpus.text(_number(doc_id))) if snippets else None
        found = self.index.search(q["text"], limit=LIMIT, text_of=text_of, filters=SearchFilters(**q["filters"]),
                                  sort=q["sort"], facets=q["facets"])
        return {"total": found.total, "ids": [h.id for h in found.hits], "parsed": found.query,
                "facets": {k: sum(v.values()) for k, v in (found.facets or {}).items()},
                "snippet": found.hits[0].snippet.plain[:160] if found.hits and found.hits[0].snippet else None}


class TantivySearch:
    name = "tantivy"

    def __init__(self, directory: Path, corpus: CorpusFile):
        import tantivy

        self.t = tantivy
        self.ix = _tantivy_open(Path(directory) / "index", create=False)
        self.schema = self.ix.schema
        self.searcher = self.ix.searcher()
        self.corpus = corpus
        self.analyzers = _tantivy_analyzers()
        self.boosts = {"title": 2.0, "text_folded": 0.3}

    def _query(self, q):
        t = self.t
        words = q["words"]
        fields = ["title", "text", "text_folded"]
        if not words:
            main = t.Query.all_query()
        elif q["fuzzy"]:
            parts = []
            for field in fields:
                terms = self.analyzers["sv_fold" if field == "text_folded" else "sv_stem"].analyze(words[0])
                if terms:
                    fq = t.Query.fuzzy_term_query(self.schema, field, terms[0], distance=1)
                    parts.append((t.Occur.Should, t.Query.boost_query(fq, self.boosts.get(field, 1.0))))
            main = t.Query.boolean_query(parts) if parts else t.Query.empty_query()
        else:
            joined = " ".join(words)
            text = f'"{joined}"' if q["phrase"] else (f'({joined}) OR "{joined}"^2' if len(words) > 1 else joined)
            main = self.ix.parse_query(text, fields, field_boosts=self.boosts, conjunction_by_default=True)
        filters = []
        f = q["filters"]
        for name in ("type", "board", "municipality", "dnr"):
            if name in f:
                filters.append(t.Query.term_query(self.schema, name, " ".join(f[name].split()).lower()))
        if "date_from" in f or "date_to" in f:
            import datetime as dt
            lo = dt.datetime.fromisoformat(f["date_from"]) if f.get("date_from") else None
            hi = dt.datetime.fromisoformat(f["date_to"]) if f.get("date_to") else None
            filters.append(t.Query.range_query(self.schema, "date", t.FieldType.Date, lo, hi))
        if not filters:
            return main
        return t.Query.boolean_query([(t.Occur.Must, main)] +
                                     [(t.Occur.Must, t.Query.const_score_query(x, 0.0)) for x in filters])

    def run(self, q, snippets: bool) -> dict:
        t = self.t
        query = self._query(q)
        if q["sort"] == "date":
            result = self.searcher.search(query, LIMIT, count=True, order_by_field="date", order=t.Order.Desc)
        else:
            result = self.searcher.search(query, LIMIT, count=True)
        ids = [self.searcher.doc(address)["id"][0] for _, address in result.hits]
        facets = None
        if q["facets"]:
            aggs = {name: {"terms": {"field": field, "size": 1000}} for name, field in TANTIVY_FACETS.items()}
            found = self.searcher.aggregate(query, aggs)
            facets = {name: {b["key"]: b["doc_count"] for b in found[name]["buckets"]} for name in TANTIVY_FACETS}
        snippet = None
        if snippets and ids:
            generator = t.SnippetGenerator.create(self.searcher, query, self.schema, "text")
            generator.set_max_num_chars(240)
            for doc_id in ids:
                text = self.corpus.text(_number(doc_id))
                s = generator.snippet_from_doc(t.Document(text=text))
                fragment = s.fragment() or text[:200]
                if snippet is None:
                    snippet = " ".join(fragment.split())[:160]
        return {"total": result.count, "ids": ids, "parsed": None,
                "facets": {k: sum(v.values()) for k, v in (facets or {}).items()}, "snippet": snippet}


BUILDERS = {"ours": build_ours, "ours-tantivy": lambda *args: build_ours(*args, engine="ours-tantivy"),
            "tantivy": build_tantivy}
SEARCHERS = {"ours": OursSearch, "ours-tantivy": OursSearch, "tantivy": TantivySearch}


# ---- children: one process per build and per query run --------------------------

def _rss_now_kb() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _peak_kb() -> tuple[int, int]:
    import resource

    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


def _profiled(fn, profile_path: str | None):
    if not profile_path:
        return fn()
    import cProfile

    profiler = cProfile.Profile()
    try:
        return profiler.runcall(fn)
    finally:
        profiler.dump_stats(profile_path)


def child_build(args: dict) -> dict:
    corpus = CorpusFile(args["seed"])
    directory = Path(args["dir"])
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    # Import the engine before the baseline: the build's memory, not the imports'.
    if args["engine"] == "ours":
        import beslut.indexing  # noqa: F401
        import index.whoosh_index  # noqa: F401
    elif args["engine"] == "ours-tantivy":
        import beslut.indexing  # noqa: F401
        import index.tantivy_index  # noqa: F401
    else:
        import tantivy  # noqa: F401
    baseline_kb = _rss_now_kb()
    started = time.perf_counter()
    cpu0 = time.process_time()
    max_seconds = args["max_build_minutes"] * 60 if args.get("max_build_minutes") else None
    try:
        info = _profiled(lambda: BUILDERS[args["engine"]](corpus, args["n"], directory, max_seconds,
                                                          args.get("knobs") or {}, bool(args.get("profile"))),
                         args.get("profile"))
        timed_out = False
    except _Feed.Timeout:
        info, timed_out = None, True
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu0
    self_kb, children_kb = _peak_kb()
    import resource
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # ours builds in worker processes
    out = {"engine": args["engine"], "n": args["n"], "wall_s": wall, "cpu_s": cpu, "loadavg_end": os.getloadavg(),
           "children_cpu_s": kids.ru_utime + kids.ru_stime,
           "peak_rss_mb": self_kb / 1024, "children_peak_rss_mb": children_kb / 1024,
           "baseline_rss_mb": baseline_kb / 1024, "knobs": args.get("knobs") or {}}
    if timed_out:
        # The feed's last log line holds the rate; the parent extrapolates from it.
        shutil.rmtree(directory, ignore_errors=True)
        out.update(timed_out=True)
        return out
    feed = info.pop("feed")
    out.update(info)
    out["feed_s"] = feed.feed_seconds
    out["build_s"] = wall - feed.feed_seconds  # the engine's own time
    out["commit_s"] = (started + wall) - feed.exhausted_at if feed.exhausted_at else None
    return out


def child_query(args: dict) -> dict:
    corpus = CorpusFile(args["seed"])
    queries = json.loads(Path(args["queries"]).read_text())
    engine = SEARCHERS[args["engine"]](Path(args["dir"]), corpus)
    snippets = args["snippets"]

    profilers = {}  # {kind: cProfile.Profile}, with --profile

    def run_all():
        for q in queries[:WARMUP]:
            engine.run(q, snippets)
        rows = []
        for q in queries:
            if args.get("profile"):
                import cProfile
                profilers.setdefault(q["kind"], cProfile.Profile()).enable()
            t0, c0 = time.perf_counter(), time.thread_time()
            try:
                r = engine.run(q, snippets)
                r["error"] = None
            except Exception as err:  # reported per query, never silently dropped
                r = {"total": None, "ids": [], "parsed": None, "facets": {}, "snippet": None,
                     "error": f"{type(err).__name__}: {err}"}
            r["ms"] = (time.perf_counter() - t0) * 1000
            r["cpu_ms"] = (time.thread_time() - c0) * 1000  # this thread's CPU: what a busy machine does not stretch
            if args.get("profile"):
                profilers[q["kind"]].disable()
            r["n"] = q["n"]
            rows.append(r)
        return rows

    started = time.perf_counter()
    rows = run_all()
    if args.get("profile"):
        import pstats
        for kind, profiler in profilers.items():
            profiler.dump_stats(_kind_profile(args["profile"], kind))
        pstats.Stats(*[_kind_profile(args["profile"], kind) for kind in profilers]).dump_stats(args["profile"])
    self_kb, _ = _peak_kb()
    return {"engine": args["engine"], "snippets": snippets, "rows": rows, "loadavg_end": os.getloadavg(),
            "wall_s": time.perf_counter() - started, "peak_rss_mb": self_kb / 1024}


def _child_main(argv):
    args = json.loads(argv[0])
    out = child_build(args) if args["job"] == "build" else child_query(args)
    Path(args["result"]).write_text(json.dumps(out, ensure_ascii=False))


def _spawn(job: dict, log) -> dict:
    result = Path(job["dir"]).parent / f"result-{job['job']}-{job['engine']}-{job['n']}-{os.getpid()}.json"
    job = {**job, "result": str(result)}
    cmd = [sys.executable, os.path.abspath(__file__), "_child", json.dumps(job)]
    last_lines = []
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, cwd=REPO)
    for line in proc.stderr:
        last_lines = (last_lines + [line.rstrip()])[-30:]
        log(line.rstrip())
    if proc.wait() != 0:
        raise SystemExit(f"{job['job']} {job['engine']} {job['n']} failed:\n" + "\n".join(last_lines))
    out = json.loads(result.read_text())
    result.unlink()
    if out.get("timed_out"):
        out["progress"] = [line for line in last_lines if "documents fed" in line][-1:]
    return out


# ---- the report ---------------------------------------------------------------

def _pct(values, p):
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def summarize(queries, runs: dict) -> dict:
    """runs: {engine: child_query output}. Per kind and overall p50/p95, hits."""
    kinds = list(MIX) + ["all"]
    out = {}
    for engine, run in runs.items():
        per, cpu = defaultdict(list), defaultdict(list)
        for q, r in zip(queries, run["rows"]):
            for key in (q["kind"], "all"):
                per[key].append(r["ms"])
                cpu[key].append(r["cpu_ms"])
        out[engine] = {k: {"p50": _pct(per[k], 50), "p95": _pct(per[k], 95), "max": max(per[k]) if per[k] else None,
                           "cpu_p50": _pct(cpu[k], 50), "cpu_p95": _pct(cpu[k], 95), "n": len(per[k])}
                       for k in kinds}
        out[engine]["errors"] = sum(1 for r in run["rows"] if r["error"])
        out[engine]["peak_rss_mb"] = run["peak_rss_mb"]
        out[engine]["loadavg_end"] = run.get("loadavg_end")
    return out


HIT_PAIRS = (("ours-tantivy", "ours"), ("ours", "tantivy"), ("ours-tantivy", "tantivy"))


def compare_hits(queries, runs: dict) -> dict:
    """{"a vs b": {kind: counts}} for each pair of engines run: ours-tantivy
    against ours should agree (the same syntax and analysis), both against the
    reference roughly (its own analysis)."""
    return {f"{a} vs {b}": _compare(queries, runs[a]["rows"], runs[b]["rows"])
            for a, b in HIT_PAIRS if a in runs and b in runs}


def _compare(queries, a, b) -> dict:
    per = defaultdict(lambda: {"queries": 0, "equal": 0, "within_10pct": 0, "a_hits": 0, "b_hits": 0,
                               "top10_overlap": []})
    for q, x, y in zip(queries, a, b):
        for key in (q["kind"], "all"):
            s = per[key]
            s["queries"] += 1
            if x["total"] is None or y["total"] is None:
                continue
            s["a_hits"] += x["total"]
            s["b_hits"] += y["total"]
            s["equal"] += x["total"] == y["total"]
            s["within_10pct"] += abs(x["total"] - y["total"]) <= 0.1 * max(x["total"], y["total"], 1)
            if x["ids"] or y["ids"]:
                s["top10_overlap"].append(len(set(x["ids"]) & set(y["ids"])) / max(len(x["ids"]), len(y["ids"])))
    for s in per.values():
        s["top10_overlap"] = statistics.mean(s["top10_overlap"]) if s["top10_overlap"] else None
    return dict(per)


def _fmt_ms(v):
    return "-" if v is None else (f"{v:,.0f}" if v >= 100 else f"{v:.1f}")


def _ratio(a, b):
    return "-" if a is None or b in (None, 0) else f"{a / b:.1f}x"


def report(result: dict) -> str:
    lines = []
    for size in result["sizes"]:
        n = size["n"]
        builds, engines = size["builds"], list(size["builds"])
        lines.append(f"\n== {n:,} documents ({size['corpus_mb']:.0f} MB of text, "
                     f"{size['words_per_doc']:.0f} words a document on average) ==\n")
        if size.get("profile"):
            lines.append("(a --profile run: ours ran under cProfile, in one process to build; its times are "
                         "inflated, its shares are at the end)\n")
        reference = "tantivy" if "tantivy" in engines and len(engines) > 1 else None
        compared = [e for e in engines if reference and e != reference]  # each as a ratio to the reference
        head = f"{'':28}" + "".join(f"{e:>14}" for e in engines) + "".join(f"{e + '/tantivy':>22}" for e in compared)
        lines.append(head)

        def row(label, values, fmt, ratio=True):
            cells = "".join(f"{fmt(v):>14}" for v in values)
            extra = "".join(f"{_ratio(values[engines.index(e)], values[engines.index(reference)]):>22}"
                            for e in compared) if ratio else ""
            lines.append(f"{label:28}{cells}{extra}")

        def build_value(e, key):
            b = builds[e]
            return None if b.get("timed_out") else b.get(key)

        row("build, engine (s)", [build_value(e, "build_s") for e in engines], lambda v: "DNF" if v is None else f"{v:,.1f}")
        row("  after the last document (s)", [build_value(e, "commit_s") for e in engines],
            lambda v: "-" if v is None else f"{v:,.1f}")
        row("  feeding documents (s)", [build_value(e, "feed_s") for e in engines], lambda v: "-" if v is None else f"{v:,.1f}", ratio=False)
        row("build CPU (s)", [None if build_value(e, "cpu_s") is None
                              else builds[e]["cpu_s"] + builds[e].get("children_cpu_s", 0) for e in engines],
            lambda v: "-" if v is None else f"{v:,.1f}")
        row("docs/s", [None if build_value(e, "build_s") is None else n / builds[e]["wall_s"] for e in engines],
            lambda v: "-" if v is None else f"{v:,.0f}")
        row("index size (MB)", [None if build_value(e, "size_bytes") is None else builds[e]["size_bytes"] / 1e6
                                for e in engines], lambda v: "-" if v is None else f"{v:,.0f}")
        row("peak RSS, build (MB)", [build_value(e, "peak_rss_mb") for e in engines],
            lambda v: "-" if v is None else f"{v:,.0f}")
        if any(build_value(e, "children_peak_rss_mb") for e in engines):
            row("  each worker process (MB)", [build_value(e, "children_peak_rss_mb") or None for e in engines],
                lambda v: "-" if v is None else f"{v:,.0f}", ratio=False)
        lines.append("  (tantivy indexes in background threads: its documents are queued fast and the time after "
                     "the last one is the indexing; ours spends it sorting and writing postings, then merging)"
                     if "tantivy" in engines else "")
        for e in engines:
            if builds[e].get("timed_out"):
                lines.append(f"  {e}: stopped after {builds[e]['wall_s']:.0f} s: {_extrapolate(builds[e], n)}; "
                             f"peak RSS until then {builds[e]['peak_rss_mb']:,.0f} MB")
        for mode in ("snippets", "nosnippets"):
            lat = size.get("latency", {}).get(mode)
            if not lat:
                continue
            title = ("query latency (ms), 10 hits with snippets, as `beslut search`" if mode == "snippets"
                     else "query latency (ms), 10 hits, no snippets (the index alone)")
            for clock, k50, k95 in (("wall", "p50", "p95"), ("CPU", "cpu_p50", "cpu_p95")):
                lines.append(f"\n{title}: {clock} time" + (" (this thread's: what other programs on the "
                                                          "machine do not stretch)" if clock == "CPU" else ""))
                ratios = [e for e in lat if "tantivy" in lat and e != "tantivy"]
                lines.append(f"{'':28}" + "".join(f"{e + ' p50':>18}{e + ' p95':>18}" for e in lat)
                             + "".join(f"{e + '/tantivy p50':>26}{'p95':>7}" for e in ratios))
                for kind in list(MIX) + ["all"]:
                    vals = {e: (lat[e][kind][k50], lat[e][kind][k95]) for e in lat}
                    cells = "".join(f"{_fmt_ms(p50):>18}{_fmt_ms(p95):>18}" for p50, p95 in vals.values())
                    extra = "".join(f"{_ratio(vals[e][0], vals['tantivy'][0]):>26}"
                                    f"{_ratio(vals[e][1], vals['tantivy'][1]):>7}" for e in ratios)
                    label = f"{kind} ({lat[next(iter(lat))][kind]['n']})"
                    lines.append(f"{label:28}{cells}{extra}")
            errs = {e: lat[e]["errors"] for e in lat if lat[e]["errors"]}
            if errs:
                lines.append(f"  query errors: {errs}")
            lines.append("  peak RSS while querying (MB): " +
                         ", ".join(f"{e} {lat[e]['peak_rss_mb']:,.0f}" for e in lat))
        for pair, hits in (size.get("hits") or {}).items():
            a, b = pair.split(" vs ")
            lines.append(f"\nhits, {pair} (" + ("the same syntax and analysis: should agree)" if b == "ours"
                                                  else "sanity: the reference has its own analysis)"))
            lines.append(f"{'':28}{'queries':>9}{'equal':>7}{'±10%':>7}{a + ' hits':>18}{b + ' hits':>18}"
                         f"{'top-10 overlap':>16}")
            for kind in list(MIX) + ["all"]:
                s = hits.get(kind)
                if s:
                    overlap = "-" if s["top10_overlap"] is None else f"{s['top10_overlap']:.2f}"
                    lines.append(f"{kind:28}{s['queries']:>9}{s['equal']:>7}{s['within_10pct']:>7}"
                                 f"{s['a_hits']:>18,}{s['b_hits']:>18,}{overlap:>16}")
        if size.get("hits"):
            lines.append("  (counts that differ are a difference of the engines or a bug: each query's counts are "
                         "under per_query in the results file)")
        if size.get("profile"):
            lines.append(_profile_report(size["profile"]))
        targets = _targets(n, builds, size.get("latency", {}))
        if targets:
            lines.append("\n" + targets)
    return "\n".join(lines)


def _profile_report(profile: dict) -> str:
    lines = ["\nwhere our time goes (cProfile, which slows small frequent calls most: shares, not times)"]
    build = profile.get("build")
    if build:
        lines.append(f"build, in one process ({build['profiled_s']:,.0f} s profiled):")
        lines += [f"  {share:6.1%}  {label}" for label, share in build["shares"].items()]
    for mode in ("snippets", "nosnippets"):
        kinds = {kind: b for kind, b in (profile.get(f"query_{mode}") or {}).items() if b}
        if not kinds:
            continue
        labels = list(next(iter(kinds.values()))["shares"])
        lines.append(f"queries ({'with' if mode == 'snippets' else 'without'} snippets), share of each kind's time:")
        lines.append(f"  {'':40}" + "".join(f"{kind:>9}" for kind in kinds))
        for label in labels:
            lines.append(f"  {label[:40]:40}" + "".join(f"{kinds[k]['shares'][label]:>9.0%}" for k in kinds))
    return "\n".join(lines)


def _targets(n, builds, latency) -> str | None:
    lines = [_engine_targets(e, n, builds, latency) for e in OURS if builds.get(e)]
    return "\n".join(lines) if lines else None


def _engine_targets(engine: str, n, builds, latency) -> str:
    ours = builds[engine]
    lat = (latency.get("snippets") or latency.get("nosnippets") or {}).get(engine)
    parts = []
    if ours.get("timed_out"):
        parts.append(f"build: stopped ({_extrapolate(ours, n)}); target 10 min: MISSED")
    else:
        verdict = "met" if ours["wall_s"] <= 600 else "MISSED"
        parts.append(f"build {ours['wall_s'] / 60:.1f} min (target 10 min: {verdict}" +
                     (")" if n == 100_000 else " even at this size)" if verdict == "MISSED" else "; the target is for 100,000)"))
    if lat:
        p95 = lat["all"]["p95"]
        verdict = "met" if p95 <= 100 else "MISSED"
        parts.append(f"p95 {p95:,.0f} ms with snippets (target 100 ms: {verdict}" +
                     (")" if n == 100_000 else " even at this size)" if verdict == "MISSED" else "; the target is for 100,000)"))
    return f"{engine} against the targets: " + "; ".join(parts)


def _extrapolate(b: dict, n: int) -> str:
    line = (b.get("progress") or [""])[0]
    m = re.search(r"([\d,]+)/[\d,]+ documents fed, (\d+) s, (\d+) docs/s", line)
    if not m:
        return "no progress recorded"
    fed, secs, rate = int(m.group(1).replace(",", "")), int(m.group(2)), int(m.group(3))
    text = (f"{fed:,} of {n:,} documents fed in {secs} s ({rate} docs/s): feeding all would take "
            f"~{n / max(rate, 1) / 60:.0f} min on this machine as loaded, before the final sort and merge")
    if b.get("cpu_s") and fed:
        cpu = b["cpu_s"] + b.get("children_cpu_s", 0)
        text += (f"; {cpu:,.0f} s of CPU so far ({cpu / fed * 1000:.0f} ms a document): all would need "
                 f"~{cpu / fed * n / 60:.0f} min of CPU, before the final sort and merge")
    return text


def _environment() -> dict:
    from importlib import metadata

    def version(dist):
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return None

    snapshot = REPO / ".snapshot-of"  # a tree exported with `git archive` (see the docstring)
    if snapshot.exists():
        head, dirty = snapshot.read_text().strip(), ""
    else:
        try:
            head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                                  text=True).stdout.strip()
            dirty = subprocess.run(["git", "status", "--porcelain", "index", "search"], cwd=REPO,
                                   capture_output=True, text=True).stdout.strip()
        except OSError:
            head, dirty = None, ""
    from index import tantivy_index, whoosh_index

    return {"python": platform.python_version(), "cpus": os.cpu_count(),
            "whoosh": version("Whoosh-Reloaded"), "tantivy": version("tantivy"), "git": head,
            "index_uncommitted_changes": bool(dirty), "index_format": whoosh_index.INDEX_FORMAT,
            "tantivy_index_format": tantivy_index.INDEX_FORMAT, "load_avg_start": os.getloadavg()}


def _kind_profile(path: str, kind: str) -> str:
    return path.replace(".pstats", f"-{kind}.pstats")


# Where our engine's time goes, from cProfile's cumulative times: (label, [(file, function), ...]
# whose times add up, [(file, function), ...] whose times are taken out (they are counted in
# another row)). The shares are of the profiled run: cProfile slows small, frequent calls most.
BUILD_PARTS = [
    ("analysis: words to terms to postings (SwedishText.index)", [("whoosh_analysis.py", "index")], []),
    ("document fields: content key, stamp (_fields)", [("whoosh_index.py", "_fields")], []),
    ("other fields: id, keywords, dates (whoosh)", [("fields.py", "index")], []),
    ("posting pool: collect, sort, spill runs", [("whoosh_rebuild.py", "add")], []),
    ("per-document values: stored fields, columns, lengths",
     [("writing.py", "add_document")],
     [("whoosh_analysis.py", "index"), ("fields.py", "index"), ("whoosh_rebuild.py", "add")]),
    ("writing postings: merge runs, blocks, term table", [("codec/base.py", "add_postings")], []),
    ("reading the corpus file (bench, not the engine)", [("search_scale.py", "__iter__")], []),
]
FUZZY_EXPANSION = [("codec/base.py", "terms_within"), ("codec/base.py", "find_matches")]
QUERY_PARTS = [
    ("parse the query", [("whoosh_index.py", "_parse")], []),
    ("expand fuzzy terms (term dictionary)", FUZZY_EXPANSION, []),
    ("phrases: the words' positions", [("whoosh_phrase.py", "_get_spans")], []),
    ("match, score, count, facets: the rest", [("whoosh_collect.py", "collect_all")],
     FUZZY_EXPANSION + [("whoosh_phrase.py", "_get_spans")]),
    ("snippets", [("whoosh_snippets.py", "snippet")], []),
    ("hits: stored fields, copies", [("whoosh_index.py", "_hits")],
     [("whoosh_snippets.py", "snippet"), ("search_scale.py", "text")]),
    ("the store's text for snippets (bench)", [("search_scale.py", "text")], []),
    ("did you mean", [("whoosh_index.py", "_with_suggestions")], []),
]


def profile_breakdown(path: str, total_function: tuple[str, str], parts) -> dict:
    """{label: share of the total} for parts (see BUILD_PARTS), and "other"."""
    import pstats

    stats = pstats.Stats(path).stats  # {(file, line, function): (cc, nc, tt, ct, callers)}

    def cumulative(file: str, function: str) -> float:
        return sum(ct for (f, _, fn), (_, _, _, ct, _) in stats.items() if f.endswith(file) and fn == function)

    total = cumulative(*total_function)
    if not total:
        return {}
    shares = {}
    for label, plus, minus in parts:
        seconds = sum(cumulative(*f) for f in plus) - sum(cumulative(*f) for f in minus)
        shares[label] = seconds / total
    shares["other"] = 1 - sum(shares.values())
    return {"profiled_s": total, "shares": shares}


def _print_profile(path: Path, title: str, log, top: int = 25):
    import io
    import pstats

    for order in ("tottime", "cumulative"):
        buf = io.StringIO()
        stats = pstats.Stats(str(path), stream=buf)
        stats.strip_dirs().sort_stats(order).print_stats(top)
        text = buf.getvalue()
        start = text.find("   ncalls")
        log(f"\n-- profile: {title}, by {order} (full: {path.relative_to(REPO)}) --\n" + text[start:].rstrip())


def main(argv=None):
    if argv is None:
        argv = sys.argv[1:]
    if argv and argv[0] == "_child":
        return _child_main(argv[1:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000", help="archive sizes, comma-separated")
    ap.add_argument("--engines", default="ours,ours-tantivy,tantivy",
                    help="any of ours (whoosh), ours-tantivy and tantivy (the reference), comma-separated")
    ap.add_argument("--queries", type=int, default=200, help="queries in the mix")
    ap.add_argument("--quick", action="store_true", help="a smoke run: 2,000 documents")
    ap.add_argument("--json", action="store_true", help="the results as JSON on stdout, tables on stderr")
    ap.add_argument("--profile", action="store_true",
                    help="run our engine's build and queries under cProfile and print the top functions")
    ap.add_argument("--no-snippets-pass", action="store_true",
                    help="skip the second query pass without snippets")
    ap.add_argument("--reuse-index", action="store_true",
                    help="query the indexes an earlier run left in bench/out/ instead of building")
    ap.add_argument("--max-build-minutes", type=float, default=None,
                    help="stop a build that runs longer and report its rate instead")
    ap.add_argument("--knobs", default=None,
                    help='whoosh writer settings for an experimental build of ours, as JSON, e.g. '
                         '\'{"procs": 2, "limitmb": 512}\' (builds with index.whoosh_index\'s schema '
                         'and fields, outside rebuild(); kept apart in bench/out/)')
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--report", metavar="RESULTS_JSON", help="print the tables of an earlier run's results file")
    args = ap.parse_args(argv)
    if args.report:
        print(report(json.loads(Path(args.report).read_text())))
        return

    log = (lambda s: print(s, file=sys.stderr, flush=True))
    sizes = [2000] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    for e in engines:
        if e not in ENGINES:
            raise SystemExit(f"unknown engine {e!r}; the engines are {', '.join(ENGINES)}")
    engines = [e for e in ENGINES if e in engines]  # reported in this order: ratios are each of ours / tantivy
    run_order = sorted(engines, key=lambda e: e != "tantivy")  # the reference first: a stopped build leaves it
    if "tantivy" in engines:
        try:
            import tantivy  # noqa: F401
        except ImportError:
            raise SystemExit("tantivy is not installed: .venv/bin/pip install -e .") from None
    knobs = json.loads(args.knobs) if args.knobs else {}

    OUT.mkdir(parents=True, exist_ok=True)
    corpus = CorpusFile(args.seed)
    corpus.ensure(max(sizes), log)
    queries = make_queries(args.queries, args.seed)
    qpath = OUT / f"queries-{args.queries}-s{args.seed}.json"
    qpath.write_text(json.dumps(queries, ensure_ascii=False, indent=1))
    result = {"environment": _environment(), "queries": args.queries, "mix": _scaled_mix(args.queries),
              "kinds": KIND_NOTES, "knobs": knobs, "sizes": []}
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in sizes:
        words = chars = 0
        for rec in corpus.iter(min(n, 2000)):
            words += len(rec["text"].split())
            chars += len(rec["text"].encode())
        size = {"n": n, "words_per_doc": words / min(n, 2000), "corpus_mb": chars / min(n, 2000) * n / 1e6,
                "builds": {}, "latency": {}}
        dirs = {e: OUT / "idx" / (f"{e}-{n}" + ("-knobs" if knobs and e == "ours" else "")) for e in engines}
        for e in run_order:
            profile = str(OUT / f"profile-build-{e}-{n}.pstats") if args.profile and e == "ours" else None
            if args.reuse_index:
                size["builds"][e] = json.loads((dirs[e] / "build.json").read_text())
                continue
            log(f"building {e} at {n:,} documents ...")
            b = _spawn({"job": "build", "engine": e, "n": n, "dir": str(dirs[e]), "seed": args.seed,
                        "max_build_minutes": args.max_build_minutes, "profile": profile,
                        "knobs": knobs if e == "ours" else {}}, log)
            if b.get("timed_out"):
                b["extrapolation"] = _extrapolate(b, n)
                log(f"  {e}: stopped: {b['extrapolation']}")
            else:
                (dirs[e] / "build.json").write_text(json.dumps(b))
                log(f"  {e}: {b['wall_s']:.1f} s wall ({b['feed_s']:.1f} s feeding), "
                    f"{b['size_bytes'] / 1e6:.0f} MB, peak RSS {b['peak_rss_mb']:.0f} MB")
            size["builds"][e] = b
            if profile:
                _print_profile(Path(profile), f"build of ours at {n:,}", log)
                size.setdefault("profile", {})["build"] = profile_breakdown(
                    profile, ("search_scale.py", "build_ours"), BUILD_PARTS)
        size["builds"] = {e: size["builds"][e] for e in engines}
        runs = {"snippets": {}, "nosnippets": {}}
        for mode in ("snippets",) + (() if args.no_snippets_pass else ("nosnippets",)):
            for e in run_order:
                if size["builds"][e].get("timed_out"):
                    continue
                profile = (str(OUT / f"profile-query-{e}-{n}-{mode}.pstats")
                           if args.profile and e == "ours" else None)
                log(f"querying {e} at {n:,} ({mode}) ...")
                runs[mode][e] = _spawn({"job": "query", "engine": e, "n": n, "dir": str(dirs[e]),
                                        "seed": args.seed, "queries": str(qpath), "snippets": mode == "snippets",
                                        "profile": profile}, log)
                if profile:
                    _print_profile(Path(profile), f"{len(queries)} queries on ours at {n:,} ({mode})", log)
                    size.setdefault("profile", {})[f"query_{mode}"] = {
                        kind: profile_breakdown(_kind_profile(profile, kind), ("search_scale.py", "run"),
                                                QUERY_PARTS) for kind in MIX}
            runs[mode] = {e: runs[mode][e] for e in engines if e in runs[mode]}
            if runs[mode]:
                size["latency"][mode] = summarize(queries, runs[mode])
        main_runs = runs["snippets"] or runs["nosnippets"]
        size["hits"] = compare_hits(queries, main_runs)
        size["targets"] = _targets(n, size["builds"], size["latency"])
        size["per_query"] = [
            {"n": q["n"], "kind": q["kind"], "query": q["text"], "filters": q["filters"], "sort": q["sort"],
             "facets": q["facets"],
             **{f"{e}_{mode}_ms": runs[mode][e]["rows"][i]["ms"] for mode in runs for e in runs[mode]},
             **{f"{e}_hits": main_runs[e]["rows"][i]["total"] for e in main_runs},
             **{f"{e}_error": main_runs[e]["rows"][i]["error"] for e in main_runs if main_runs[e]["rows"][i]["error"]},
             **({"ours_parsed": main_runs["ours"]["rows"][i]["parsed"]} if "ours" in main_runs else {})}
            for i, q in enumerate(queries)]
        result["sizes"].append(size)
        (OUT / f"results-{stamp}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
        log(report({**result, "sizes": [size]}))
    text = report(result)
    fuzzy = [p for s in result["sizes"] for p in s["per_query"] if p["kind"] == "fuzzy" and p.get("ours_parsed")]
    note = ""
    if fuzzy and not any("~" in p["ours_parsed"] for p in fuzzy):
        note = ("\nnote: ours parsed 'word~' as a plain term (no fuzzy support in the query parser yet): "
                f"e.g. {fuzzy[0]['query']!r} -> {fuzzy[0]['ours_parsed']}")
    env = result["environment"]
    header = (f"search_scale: {', '.join(engines)}; {args.queries} queries; python {env['python']}, "
              f"whoosh-reloaded {env['whoosh']}, tantivy {env['tantivy']}, {env['cpus']} cores; "
              f"git {env['git']}{' + uncommitted index/search changes' if env['index_uncommitted_changes'] else ''}"
              f"; results in {(OUT / f'results-{stamp}.json').relative_to(REPO)}")
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        log(header + text + note)
    else:
        print(header + text + note)


if __name__ == "__main__":
    main()
