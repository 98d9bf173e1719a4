"""Does search put the right document first? Relevance on a fixed set of queries.

Corpus: the sample (sample/: the five seeds as .txt and as born-digital .pdf,
so every seed is stored twice) and the fixture documents in tests/corpus_texts/
and tests/tagging_fixtures/: 84 files, 79 texts. They are ingested into a
temporary home by the real `beslut ingest` (clean, repair, tag, index).

Queries: bench/relevance_queries.json, each with the document(s) that must come
first, a category and a note on what it tests. A document is named by its folder
and file stem ("sample/001", "corpus_texts/avtal_01"); a hit names every path of
the document and of the copies folded into it.

Per query, over the first 10 hits: recall@k = relevant documents in the first k
/ min(k, relevant documents), so a perfect ranking scores 1; reciprocal rank =
1 / the rank of the first relevant document (0 if not in the first 10). Reported
overall and per category as recall@1, recall@5 and MRR.

Both of beslut's engines are measured: whoosh (the default; `beslut ingest`
builds its index) and tantivy (built from the same store, as `beslut reindex
--engine tantivy` builds it), through the same search code.

Baseline, built in the same run over the same stored (repaired) texts and tags:
plain whoosh with its default analyzer (StandardAnalyzer: lower case, English stop
words, no stemming), fields title and text, whoosh's query parser (AND between
words), the same filters as keyword and date fields. Its hits are taken with
copies of one document counted once, which spares it the duplicates beslut folds.

Also the cost of compound splitting at index time: the analysis with and without
compound parts over the stored texts, and both indexes' build times.

Targets: recall@5 >= 0.95, MRR >= 0.85, for each engine.

    .venv/bin/python bench/relevance.py           # tables
    .venv/bin/python bench/relevance.py --json    # every figure and each query's ranks
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

QUERIES = REPO / "bench" / "relevance_queries.json"
BESLUT = Path(sys.executable).parent / "beslut"
CORPUS = {"sample": REPO / "sample", "corpus_texts": REPO / "tests" / "corpus_texts",
          "tagging_fixtures": REPO / "tests" / "tagging_fixtures"}
TOP = 10
TARGETS = {"recall@5": 0.95, "mrr": 0.85}
SYSTEMS = ("ours", "ours_tantivy", "baseline")  # beslut with whoosh, beslut with tantivy, plain whoosh
OURS = {"ours": "whoosh", "ours_tantivy": "tantivy"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args()
    queries = json.loads(QUERIES.read_text(encoding="utf-8"))["queries"]
    with tempfile.TemporaryDirectory(prefix="beslut-relevance-") as tmp:
        home = Path(tmp) / "home"
        ingest(home, corpus_files())
        report = evaluate(home, Path(tmp) / "baseline", queries)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_report(report)


def corpus_files() -> list[Path]:
    return sorted(p for folder in CORPUS.values() for p in folder.rglob("*")
                  if p.suffix in (".txt", ".pdf"))


def ingest(home: Path, files: list[Path]) -> None:
    started = time.perf_counter()
    done = subprocess.run([str(BESLUT), "--home", str(home), "ingest", *map(str, files)],
                          capture_output=True, text=True, env={**os.environ, "BESLUT_ENGINE": "whoosh"})
    if done.returncode != 0:
        sys.exit(f"ingest failed ({done.returncode}): {done.stderr}")
    print(f"ingested {len(files)} files in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def doc_name(path: str) -> str:
    """"sample/001" for sample/txt/001_838f….txt and sample/pdf/001_….pdf,
    "corpus_texts/avtal_01" for tests/corpus_texts/avtal_01.txt."""
    path = Path(path)
    for name, folder in CORPUS.items():
        if path.is_relative_to(folder):
            stem = path.stem.split("_")[0] if name == "sample" else path.stem
            return f"{name}/{stem}"
    return str(path)


def evaluate(home: Path, baseline_dir: Path, queries: list[dict]) -> dict:
    from corpus import open_corpus
    from index import open_index
    from index.tantivy_index import TantivyIndex

    corpus, index = open_corpus(home), open_index(home)
    tantivy_index = TantivyIndex(baseline_dir.parent / "tantivy-index")
    try:
        docs = list(corpus.iter_documents("ok"))
        started = time.perf_counter()
        tantivy_index.rebuild(iter(docs))
        tantivy_seconds = time.perf_counter() - started
        baseline = Baseline(baseline_dir, docs)
        rows = []
        for q in queries:
            ours = our_ranking(corpus, index, q)
            ours_tantivy = our_ranking(corpus, tantivy_index, q)
            theirs = baseline.ranking(q)
            rows.append({**q, "ours": scores(ours, q["expect"]), "ours_tantivy": scores(ours_tantivy, q["expect"]),
                         "baseline": scores(theirs, q["expect"]),
                         "ours_top3": ours[:3], "ours_tantivy_top3": ours_tantivy[:3], "baseline_top3": theirs[:3]})
        cost = indexing_cost(docs, index, baseline)
        cost.update(tantivy_build_s=round(tantivy_seconds, 2), tantivy_bytes=tantivy_index.size_bytes())
    finally:
        index.close()
        tantivy_index.close()
        corpus.close()
    return {"documents": len(docs), "queries": len(rows), "targets": TARGETS,
            "overall": summary(rows), "by_category": by_category(rows), "cost": cost,
            "per_query": rows}


def our_ranking(corpus, index, q: dict) -> list[list[str]]:
    """Each hit as the names of the document and the copies folded into it."""
    from search import run_query
    from search.filters import search_filters

    f = q.get("filters", {})
    filters = search_filters(doc_type=f.get("type"), board=f.get("board"),
                             municipality=f.get("municipality"), dnr=f.get("dnr"),
                             date_from=f.get("from"), date_to=f.get("to"))
    results = run_query(corpus, index, q["query"], limit=TOP, filters=filters)
    return [sorted({doc_name(p) for p in hit.paths + tuple(p for c in hit.copies for p in c.paths)})
            for hit in results.hits]


def scores(ranking: list[list[str]], expect: list[str]) -> dict:
    relevant = set(expect)
    found_at = [rank for rank, names in enumerate(ranking, start=1) if relevant & set(names)]

    def recall(k):
        hits = {n for names in ranking[:k] for n in names} & relevant
        return len(hits) / min(k, len(relevant))

    return {"rank": found_at[0] if found_at else None, "recall@1": recall(1), "recall@5": recall(5),
            "rr": 1 / found_at[0] if found_at else 0.0}


def summary(rows: list[dict]) -> dict:
    out = {}
    for system in SYSTEMS:
        n = len(rows)
        out[system] = {metric: round(sum(r[system][key] for r in rows) / n, 3)
                       for metric, key in (("recall@1", "recall@1"), ("recall@5", "recall@5"),
                                           ("mrr", "rr"))}
    return out


def by_category(rows: list[dict]) -> dict:
    categories = sorted({r["category"] for r in rows})
    return {c: {"queries": sum(r["category"] == c for r in rows),
                **summary([r for r in rows if r["category"] == c])} for c in categories}


class Baseline:
    """Plain whoosh, default analyzer, over the same texts and tags."""

    def __init__(self, directory: Path, docs):
        from whoosh import index as whoosh_index
        from whoosh.fields import DATETIME, ID, TEXT, Schema

        schema = Schema(id=ID(stored=True, unique=True), name=ID(stored=True),
                        title=TEXT(stored=True), text=TEXT(),
                        type=ID(), board=ID(), municipality=ID(), dnr=ID(), date=DATETIME())
        directory.mkdir(parents=True)
        started = time.perf_counter()
        self.ix = whoosh_index.create_in(directory, schema)
        writer = self.ix.writer(limitmb=256)
        for doc in docs:
            fields = {"id": doc.id, "name": doc_name(doc.path), "title": doc.title or "",
                      "text": doc.text, "type": (doc.doc_type or "").lower()}
            for key in ("board", "municipality", "dnr"):
                if doc.meta(key):
                    fields[key] = doc.meta(key).lower()
            if doc.date and len(doc.date) == 10:
                fields["date"] = datetime.fromisoformat(doc.date)
            writer.add_document(**fields)
        writer.commit()
        self.build_seconds = time.perf_counter() - started
        self.size = sum(p.stat().st_size for p in directory.iterdir())

    def ranking(self, q: dict) -> list[list[str]]:
        from whoosh import query as whoosh_query
        from whoosh.qparser import MultifieldParser

        parsed = MultifieldParser(["title", "text"], self.ix.schema).parse(q["query"])
        f = q.get("filters", {})
        parts = [whoosh_query.Term(key, f[key].lower()) for key in ("type", "board", "municipality", "dnr")
                 if key in f]
        if "from" in f or "to" in f:
            parts.append(whoosh_query.DateRange("date", *(datetime.fromisoformat(f[k]) if k in f else None
                                                          for k in ("from", "to"))))
        with self.ix.searcher() as searcher:
            results = searcher.search(parsed, limit=4 * TOP,
                                      filter=whoosh_query.And(parts) if parts else None)
            names = []
            for hit in results:
                if hit["name"] not in names:  # copies once, as beslut shows them
                    names.append(hit["name"])
        return [[n] for n in names[:TOP]]


def indexing_cost(docs, index, baseline: Baseline) -> dict:
    """What compound splitting costs when indexing: analysis time and terms, with
    and without compound parts, and the whole index build against the baseline's."""
    from index.analysis import index_terms, terms
    from index.compounds import _lexicon

    started = time.perf_counter()
    _lexicon()
    lexicon_seconds = time.perf_counter() - started
    texts = [doc.text for doc in docs]
    started = time.perf_counter()
    plain = sum(len(terms(t)) for t in texts)
    plain_seconds = time.perf_counter() - started
    started = time.perf_counter()
    with_parts = sum(len(index_terms(t)) for t in texts)
    parts_seconds = time.perf_counter() - started
    started = time.perf_counter()
    index.rebuild(iter(docs))
    build_seconds = time.perf_counter() - started
    return {"terms": plain, "terms_with_parts": with_parts,
            "extra_terms_share": round(with_parts / plain - 1, 3),
            "lexicon_load_s": round(lexicon_seconds, 2),
            "analysis_s": round(plain_seconds, 2), "analysis_with_parts_s": round(parts_seconds, 2),
            "index_build_s": round(build_seconds, 2), "index_bytes": index.size_bytes(),
            "baseline_build_s": round(baseline.build_seconds, 2), "baseline_bytes": baseline.size}


def print_report(report: dict) -> None:
    print(f"{report['queries']} queries over {report['documents']} stored documents; first {TOP} hits\n")
    header = (f"{'':18} {'n':>3}   {'whoosh R@1':>10} {'R@5':>5} {'MRR':>5}   {'tantivy R@1':>11} {'R@5':>5} "
              f"{'MRR':>5}   {'plain R@1':>9} {'R@5':>5} {'MRR':>5}")
    print("beslut with each engine, and plain whoosh (the baseline)")
    print(header)
    print("-" * len(header))
    rows = [("overall", report["queries"], report["overall"])]
    rows += [(c, s["queries"], s) for c, s in report["by_category"].items()]
    for name, n, s in rows:
        o, t, b = s["ours"], s["ours_tantivy"], s["baseline"]
        print(f"{name:18} {n:>3}   {o['recall@1']:>10.3f} {o['recall@5']:>5.3f} {o['mrr']:>5.3f}"
              f"   {t['recall@1']:>11.3f} {t['recall@5']:>5.3f} {t['mrr']:>5.3f}"
              f"   {b['recall@1']:>9.3f} {b['recall@5']:>5.3f} {b['mrr']:>5.3f}")
    for system, engine in OURS.items():
        overall = report["overall"][system]
        verdict = ", ".join(f"{k} {overall[k]:.3f} {'meets' if overall[k] >= v else 'MISSES'} {v}"
                            for k, v in TARGETS.items())
        print(f"\ntargets, {engine}: {verdict}")
    for system, engine in OURS.items():
        misses = [r for r in report["per_query"] if r[system]["rank"] != 1]
        if misses:
            print(f"\nnot first with {engine} ({len(misses)}):")
            for r in misses:
                print(f"  [{r['category']}] {r['query']!r} {r.get('filters', '')}: rank {r[system]['rank']}"
                      f" (expected {', '.join(r['expect'])}; got {r[system + '_top3'][:2]})")
    c = report["cost"]
    print(f"\ncompound parts at index time: {c['terms_with_parts']} terms instead of {c['terms']} "
          f"(+{c['extra_terms_share']:.1%}); analysis {c['analysis_with_parts_s']} s instead of "
          f"{c['analysis_s']} s, plus {c['lexicon_load_s']} s to load the lexicon once")
    print(f"index build: beslut with whoosh {c['index_build_s']} s, {c['index_bytes'] / 1024:.0f} KB; "
          f"with tantivy {c['tantivy_build_s']} s, {c['tantivy_bytes'] / 1024:.0f} KB; "
          f"plain whoosh {c['baseline_build_s']} s, {c['baseline_bytes'] / 1024:.0f} KB")


if __name__ == "__main__":
    main()
