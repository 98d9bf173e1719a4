"""How well does the repair stage undo English-model OCR of Swedish?

Data: the paired pages of bench/repair_data.py (clean Swedish drawn on A4 by
tests/scanned.py and read by `tesseract -l eng`; the clean text is the gold),
built on first use. By default the held-out split, which nothing is tuned or
learned on. Dashes and curly quotes are flattened on both sides (Tesseract reads
them as ASCII and restoring them is no part of repair); the strict token error
is shown beside it.

For each page the damaged text goes through ``ingest.repair.repair_text`` and,
in the same run, through a plain baseline: every out-of-lexicon token becomes
its most probable in-lexicon variant under the confusion table
(ingest/data/confusions.json), without context. Measured against the gold:

  token error      word-level edit distance per gold token (tests.scanned),
                   before and after
  fixed            share of the damaged gold tokens (those the OCR got wrong,
                   found by token alignment, bench/repair_data.align) that are
                   right after repair
  broken           share of the correct gold tokens that are wrong after repair
  per class        the damaged tokens by error class (bench/repair_data.classify:
                   ö, ä, å, I/i, stripped, mojibake, hyphenation, other; a token
                   may be in several): how many, their share of all gold tokens
                   before and after (the class's part of the token error), and
                   the share fixed; "extra" counts tokens with no gold at all
  changes          repair's changes by reason, each judged by what became of the
                   gold tokens under it: right, broke (was correct), or wrong
  speed            in a fresh subprocess: start-up (import and a first call on
                   a warm-up text, the first 2,000 characters of seed 001) and
                   then characters per second over one pass of the split's
                   damaged pages, in one process (CPU time shown); the median
                   of --rounds such processes (3)

Also: the synthetic mojibake slice, and seeds 001 and 004 (real English-model
OCR, no gold): ingest.quality's score before and after, and the changes made.

Targets (held-out): token error after repair <= 1%; >= 95% of damaged tokens
fixed; <= 0.1% of correct tokens broken; >= 300,000 chars/s after start-up;
start-up <= 1 s.

    .venv/bin/python bench/repair_eval.py                  # held-out split, table
    .venv/bin/python bench/repair_eval.py --split train    # or all
    .venv/bin/python bench/repair_eval.py --identity       # repair that changes nothing
    .venv/bin/python bench/repair_eval.py --json           # JSON on stdout
"""

import argparse
import json
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
for path in (str(REPO), str(BENCH)):
    if path not in sys.path:
        sys.path.insert(0, path)

TARGETS = {"token_error_after": 0.01, "fixed": 0.95, "broken": 0.001, "chars_per_s": 300_000,
           "startup_s": 1.0}
WARM_UP_CHARS = 2000  # of seed 001, for the first call in the timing child
EDGE = re.compile(r"^[^\w|&¢]+|[^\w|&¢]+$")


# ---- the systems ----------------------------------------------------------------

class Identity:
    name = "identity"

    def __call__(self, text: str):
        return text, []


class Repair:
    name = "repair"

    def __init__(self):
        from ingest.repair import repair_text

        self.repair_text = repair_text

    def __call__(self, text: str):
        result = self.repair_text(text)
        return result.text, list(result.changes)


class Baseline:
    """Each out-of-lexicon token (its edge punctuation aside; numbers skipped)
    becomes its most probable in-lexicon variant under the confusion table."""
    name = "baseline"

    def __init__(self):
        from ingest.confusions import ConfusionTable

        self.table = ConfusionTable.default()
        self.knows = _lexicon()

    def __call__(self, text: str):
        out, changes, position = [], [], 0
        for match in re.finditer(r"\S+", text):
            token = match.group()
            core = EDGE.sub("", token)
            if not core or core.replace(",", "").replace(".", "").isdigit() or self.knows(core):
                continue
            for candidate, _ in self.table.variants(core):
                if self.knows(candidate):
                    start = match.start() + token.index(core)
                    out += [text[position:start], candidate]
                    changes.append(_Change(start, start + len(core), core, candidate, "variant"))
                    position = start + len(core)
                    break
        out.append(text[position:])
        return "".join(out), changes


class _Change:
    def __init__(self, start, end, before, after, reason):
        self.start, self.end, self.before, self.after, self.reason = start, end, before, after, reason


def _lexicon():
    """The project's lexicon: ingest.lexicon's Lexicon where there is one, else wordfreq's words."""
    try:
        from ingest.lexicon import default_lexicon
        return default_lexicon().knows
    except ImportError:
        from ingest.lexicon import swedish_words
        words = swedish_words()
        return lambda word: word.lower() in words


# ---- scoring --------------------------------------------------------------------

def score_pages(records: list[dict], system) -> dict:
    """Run ``system`` on every page and score it against the gold."""
    import repair_data as rd
    from tests.scanned import token_edit_distance, tokens

    totals = Counter()
    classes = defaultdict(Counter)
    reasons = defaultdict(Counter)
    contract = Counter()
    examples = defaultdict(list)
    for record in records:
        damaged, gold = record["damaged"], rd.flat(record["gold"])
        repaired, changes = system(damaged)
        contract["changes"] += len(changes)
        contract["position_mismatch"] += sum(1 for c in changes if damaged[c.start:c.end] != c.before)
        contract["text_mismatch"] += _apply(damaged, changes) != repaired

        d_tokens, g_tokens, r_tokens = (tokens(rd.flat(t)) for t in (damaged, gold, repaired))
        totals["gold_tokens"] += len(g_tokens)
        totals["distance_before"] += token_edit_distance(d_tokens, g_tokens)
        totals["distance_after"] += token_edit_distance(r_tokens, g_tokens)
        totals["strict_before"] += token_edit_distance(tokens(damaged), tokens(record["gold"]))
        totals["strict_after"] += token_edit_distance(tokens(repaired), tokens(record["gold"]))

        before, extra_before = _gold_view(d_tokens, g_tokens, "\n")
        after, extra_after = _gold_view(r_tokens, g_tokens, "\n")
        totals["extra_before"] += extra_before
        totals["extra_after"] += extra_after
        for j, gold_token in enumerate(g_tokens):
            (seen, gold_seg, ok_before), (now, _, ok_after) = before[j], after[j]
            if ok_before:
                totals["correct"] += 1
                if not ok_after:
                    totals["broken"] += 1
                    examples["broken"].append((seen, now, gold_token, " ".join(g_tokens[max(0, j - 4):j + 4])))
                continue
            totals["damaged"] += 1
            totals["fixed"] += ok_after
            for name in rd.classify(seen, gold_seg):
                classes[name]["tokens"] += 1
                classes[name]["fixed"] += ok_after
            if not ok_after:
                examples["unfixed"].append((seen, now, gold_token, " ".join(g_tokens[max(0, j - 4):j + 4])))

        _judge_changes(changes, damaged, d_tokens, g_tokens, before, after, reasons)

    gold_tokens = max(totals["gold_tokens"], 1)
    result = {
        "pages": len(records),
        "chars": sum(len(r["damaged"]) for r in records),
        "gold_tokens": totals["gold_tokens"],
        "token_error_before": totals["distance_before"] / gold_tokens,
        "token_error_after": totals["distance_after"] / gold_tokens,
        "strict_token_error_before": totals["strict_before"] / gold_tokens,
        "strict_token_error_after": totals["strict_after"] / gold_tokens,
        "damaged_tokens": totals["damaged"],
        "fixed_tokens": totals["fixed"],
        "fixed": totals["fixed"] / max(totals["damaged"], 1),
        "correct_tokens": totals["correct"],
        "broken_tokens": totals["broken"],
        "broken": totals["broken"] / max(totals["correct"], 1),
        "extra_tokens_before": totals["extra_before"],
        "extra_tokens_after": totals["extra_after"],
        "classes": {name: {"tokens": classes[name]["tokens"],
                           "share_before": classes[name]["tokens"] / gold_tokens,
                           "share_after": (classes[name]["tokens"] - classes[name]["fixed"]) / gold_tokens,
                           "fixed": classes[name]["fixed"] / classes[name]["tokens"]
                           if classes[name]["tokens"] else None}
                    for name in rd.CLASSES},
        "changes": {"total": contract["changes"],
                    "by_reason": {reason: dict(counts) for reason, counts in
                                  sorted(reasons.items(), key=lambda item: -item[1]["changes"])},
                    "position_mismatches": contract["position_mismatch"],
                    "pages_where_changes_do_not_give_text": contract["text_mismatch"]},
        "examples": {kind: [list(e) for e in found] for kind, found in examples.items()},
    }
    return result


def _gold_view(system_tokens: list[str], gold_tokens: list[str], joiner: str):
    """Per gold token: (the system's aligned string or None, the aligned gold
    string, whether it is exactly right); and the number of extra system tokens."""
    import repair_data as rd

    view, extra = [None] * len(gold_tokens), 0
    for (i1, i2), (j1, j2) in rd.align_indices(system_tokens, gold_tokens):
        seen = joiner.join(system_tokens[i1:i2]) if i2 > i1 else None
        if j2 == j1:
            extra += 1
            continue
        gold = " ".join(gold_tokens[j1:j2])
        ok = i2 - i1 == 1 and j2 - j1 == 1 and seen == gold
        for j in range(j1, j2):
            view[j] = (seen, gold, ok)
    return view, extra


def _judge_changes(changes, damaged, d_tokens, g_tokens, before, after, reasons):
    """Each change judged by the gold tokens under it: right (all right after),
    broke (one was right before and is not after) or wrong."""
    import repair_data as rd

    if not changes:
        return
    spans = [m.span() for m in re.finditer(r"\S+", rd.flat(damaged))]
    d_to_gold = defaultdict(list)
    for (i1, i2), (j1, j2) in rd.align_indices(d_tokens, g_tokens):
        for i in range(i1, i2):
            d_to_gold[i].extend(range(j1, j2))
    for change in changes:
        end = max(change.end, change.start + 1)
        hit = [k for k, (s, e) in enumerate(spans) if s < end and e > change.start]
        golds = sorted({j for k in hit for j in d_to_gold.get(k, [])})
        counts = reasons[change.reason]
        counts["changes"] += 1
        if golds and all(after[j][2] for j in golds):
            counts["right"] += 1
        elif any(before[j][2] and not after[j][2] for j in golds):
            counts["broke"] += 1
        else:
            counts["wrong"] += 1


def _apply(text: str, changes) -> str:
    out, position = [], 0
    for change in sorted(changes, key=lambda c: c.start):
        if change.start < position:
            return "<overlapping changes>"
        out += [text[position:change.start], change.after]
        position = change.end
    out.append(text[position:])
    return "".join(out)


# ---- speed, in a fresh process -------------------------------------------------------

def timing(system: str, split: str, rounds: int = 3) -> dict:
    """Start-up and throughput of ``system``, each round in a fresh interpreter;
    the median round (by throughput; start-up is its own median)."""
    runs = []
    for _ in range(rounds):
        done = subprocess.run([sys.executable, __file__, "--_time", system, "--split", split],
                              capture_output=True, text=True, cwd=REPO)
        if done.returncode != 0:
            lines = done.stderr.strip().splitlines()
            return {"error": lines[-1] if lines else "failed"}
        runs.append(json.loads(done.stdout))
    runs.sort(key=lambda run: run["chars_per_s"] or 0)
    median = dict(runs[len(runs) // 2])
    median["startup_s"] = sorted(run["startup_s"] for run in runs)[len(runs) // 2]
    median["rounds"] = {key: [run[key] for run in runs] for key in ("chars_per_s", "startup_s")}
    return median


def _time_child(system: str, split: str) -> None:
    """The timing child: reads the pairs itself so that nothing of ingest is loaded early."""
    pairs = REPO / "bench" / "out" / "repair-pairs-v1" / "pairs.jsonl"
    lines = pairs.read_text("utf-8").split("\n")  # not splitlines: the mojibake holds U+0085
    texts = [r["damaged"] for r in map(json.loads, filter(None, lines))
             if r["kind"] == "ocr" and (split == "all" or r["split"] == split)]
    seed = next((REPO.parent / "shared" / "seeds").glob("001_*.txt")).read_text("utf-8")
    warm_up = seed[:WARM_UP_CHARS]
    start = time.perf_counter()
    run = {"identity": Identity, "repair": Repair, "baseline": Baseline}[system]()
    imported = time.perf_counter()
    run(warm_up)
    ready = time.perf_counter()
    cpu = time.process_time()
    for text in texts:
        run(text)
    seconds, cpu = time.perf_counter() - ready, time.process_time() - cpu
    chars = sum(map(len, texts))
    print(json.dumps({"import_s": round(imported - start, 4), "first_call_s": round(ready - imported, 4),
                      "startup_s": round(ready - start, 4), "chars": chars,
                      "seconds": round(seconds, 4), "cpu_seconds": round(cpu, 4),
                      "chars_per_s": round(chars / seconds) if seconds else None,
                      "chars_per_cpu_s": round(chars / cpu) if cpu else None}))


# ---- the real seeds ------------------------------------------------------------------

def real_seeds(system) -> dict:
    import repair_data as rd
    from ingest.quality import text_quality

    out = {}
    for name, text in rd.real_ocr_seeds().items():
        repaired, changes = system(text)
        out[name] = {"quality_before": text_quality(text).score,
                     "quality_after": text_quality(repaired).score,
                     "changes": len(changes),
                     "by_reason": dict(Counter(c.reason for c in changes).most_common()),
                     "sample": [[c.before, c.after, c.reason] for c in changes[:12]]}
    return out


# ---- tuning without the held-out split ------------------------------------------------

def cross_validate() -> dict:
    """Leave one training document out: score each training document's pages
    with a context model learned from the context texts and the other training
    documents, so that the training split gives honest figures for tuning
    (a model learned from the very text it repairs would flatter it)."""
    import repair_data as rd
    from ingest.context import ContextModel, learn
    from ingest.lexicon import default_lexicon
    from ingest.repair import _readings_for, default_table

    lexicon = default_lexicon()
    readings = _readings_for(lexicon, default_table())
    saved = readings.context
    sources = rd.context_sources()
    records = rd.load_pairs("train", "ocr")
    totals = Counter()
    examples = defaultdict(list)
    try:
        for doc in sorted({r["doc"] for r in records}):
            counts = learn(rd.flat(text) for name, text in sources.items() if name != doc)
            readings.context = ContextModel(counts, lexicon)
            readings._real.clear()
            result = score_pages([r for r in records if r["doc"] == doc], Repair())
            for key in ("gold_tokens", "damaged_tokens", "fixed_tokens", "correct_tokens",
                        "broken_tokens"):
                totals[key] += result[key]
            totals["errors_after"] += result["token_error_after"] * result["gold_tokens"]
            for kind, found in result["examples"].items():
                examples[kind] += found
    finally:
        readings.context = saved
        readings._real.clear()
    return {"documents": len({r["doc"] for r in records}), **totals,
            "token_error_after": totals["errors_after"] / totals["gold_tokens"],
            "fixed": totals["fixed_tokens"] / totals["damaged_tokens"],
            "broken": totals["broken_tokens"] / totals["correct_tokens"],
            "examples": dict(examples)}


# ---- the report ------------------------------------------------------------------------

def evaluate(split: str, identity: bool, rounds: int = 3) -> dict:
    import repair_data as rd

    records = rd.load_pairs(split, "ocr")
    mojibake = rd.load_pairs(split, "mojibake", build_missing=False)
    systems = {"repair": Identity() if identity else Repair(), "baseline": Baseline()}
    report = {"split": split, "identity": identity,
              "data": {"documents": len({r["doc"] for r in records}), "pages": len(records),
                       "chars": sum(len(r["gold"]) for r in records),
                       "gold_tokens": sum(len(r["gold"].split()) for r in records),
                       "heldout_documents": sorted({r["doc"] for r in rd.read_pairs()
                                                   if r["split"] == "heldout"})},
              "targets": TARGETS, "systems": {}}
    for label, system in systems.items():
        report["systems"][label] = {
            "ocr": score_pages(records, system),
            "mojibake": score_pages(mojibake, system),
            "timing": timing("identity" if identity and label == "repair" else label, split, rounds),
            "real_seeds": real_seeds(system),
        }
    return report


def _pct(value, digits=2):
    return "-" if value is None else f"{100 * value:.{digits}f}%"


def print_report(report: dict) -> None:
    data, systems = report["data"], report["systems"]
    repair, baseline = systems["repair"]["ocr"], systems["baseline"]["ocr"]
    label = "identity" if report["identity"] else "repair"
    print(f"Split {report['split']}: {data['documents']} documents, {data['pages']} pages, "
          f"{data['chars']:,} chars, {data['gold_tokens']:,} gold tokens "
          f"({repair['damaged_tokens']:,} damaged, {repair['correct_tokens']:,} correct)")
    print()
    w = 12
    print(f"{'':32}{'before':>{w}}{label:>{w}}{'baseline':>{w}}{'target':>{w}}")
    rows = [
        ("token error", repair["token_error_before"], repair["token_error_after"],
         baseline["token_error_after"], "<= 1%"),
        ("token error, strict typography", repair["strict_token_error_before"],
         repair["strict_token_error_after"], baseline["strict_token_error_after"], ""),
        ("damaged tokens fixed", None, repair["fixed"], baseline["fixed"], ">= 95%"),
        ("correct tokens broken", None, repair["broken"], baseline["broken"], "<= 0.1%"),
    ]
    for name, before, after, base, target in rows:
        print(f"{name:32}{_pct(before):>{w}}{_pct(after):>{w}}{_pct(base):>{w}}{target:>{w}}")
    print(f"{'  (tokens fixed / broken)':32}{'':>{w}}"
          f"{repair['fixed_tokens']:>6} / {repair['broken_tokens']:<3}"
          f"{baseline['fixed_tokens']:>6} / {baseline['broken_tokens']:<3}")
    for name in ("repair", "baseline"):
        if "error" in systems[name]["timing"]:
            print(f"{name} timing failed: {systems[name]['timing']['error']}")
    t_r, t_b = systems["repair"]["timing"], systems["baseline"]["timing"]
    print(f"{'chars/s after start-up':32}{'':>{w}}{t_r.get('chars_per_s') or 0:>{w},}"
          f"{t_b.get('chars_per_s') or 0:>{w},}{'>= 300,000':>{w}}")
    print(f"{'  the same per CPU second':32}{'':>{w}}{t_r.get('chars_per_cpu_s') or 0:>{w},}"
          f"{t_b.get('chars_per_cpu_s') or 0:>{w},}")
    print(f"{'start-up s (import+first call)':32}{'':>{w}}{t_r.get('startup_s', 0):>{w}.3f}"
          f"{t_b.get('startup_s', 0):>{w}.3f}{'<= 1':>{w}}")
    for name, first, second in (("  import s / first call s", "import_s", "first_call_s"),
                                ("  timed pass: wall s / CPU s", "seconds", "cpu_seconds")):
        print(f"{name:32}{'':>{w}}"
              + "".join(f"{f'{t.get(first, 0):.2f} / {t.get(second, 0):.2f}':>{w}}" for t in (t_r, t_b)))

    print("\nPer error class: damaged gold tokens, their share of all gold tokens before and after, "
          "share fixed")
    print(f"{'class':13}{'tokens':>7}{'before':>9}{label + ' after':>15}{'fixed':>8}"
          f"{'baseline after':>16}{'fixed':>8}")
    for name in repair["classes"]:
        r, b = repair["classes"][name], baseline["classes"][name]
        print(f"{name:13}{r['tokens']:>7}{_pct(r['share_before']):>9}{_pct(r['share_after']):>15}"
              f"{_pct(r['fixed'], 1):>8}{_pct(b['share_after']):>16}{_pct(b['fixed'], 1):>8}")
    print(f"{'extra tokens':13}{repair['extra_tokens_before']:>7}{'':>9}{repair['extra_tokens_after']:>15}"
          f"{'':>8}{baseline['extra_tokens_after']:>16}")

    for name in ("repair", "baseline"):
        changes = systems[name]["ocr"]["changes"]
        if not changes["total"]:
            continue
        print(f"\n{name} changes by reason ({changes['total']} in all; position mismatches "
              f"{changes['position_mismatches']}, pages where the changes do not give the text "
              f"{changes['pages_where_changes_do_not_give_text']}):")
        print(f"  {'reason':28}{'changes':>8}{'right':>8}{'broke':>8}{'wrong':>8}")
        for reason, c in changes["by_reason"].items():
            print(f"  {reason[:28]:28}{c.get('changes', 0):>8}{c.get('right', 0):>8}"
                  f"{c.get('broke', 0):>8}{c.get('wrong', 0):>8}")

    print("\nMojibake slice (synthetic, first page of each document):")
    for name in ("repair", "baseline"):
        m = systems[name]["mojibake"]
        if m["pages"]:
            print(f"  {name:9} pages {m['pages']}, token error {_pct(m['token_error_before'])} -> "
                  f"{_pct(m['token_error_after'])}, fixed {_pct(m['fixed'], 1)}, "
                  f"broken {_pct(m['broken'])}")

    print("\nSeeds 001 and 004 (real English-model OCR, no gold): ingest.quality score, changes")
    for name in ("repair", "baseline"):
        for seed, s in systems[name]["real_seeds"].items():
            print(f"  {name:9} {seed}: {s['quality_before']:.3f} -> {s['quality_after']:.3f}, "
                  f"{s['changes']} changes {s['by_reason']}")

    for kind in ("unfixed", "broken"):
        found = repair["examples"].get(kind, [])
        if found:
            print(f"\n{label}: some {kind} tokens (seen, after, gold):")
            for seen, now, gold, _ in found[:15]:
                print(f"  {seen!r:24} -> {now!r:24} gold {gold!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("train", "heldout", "all"), default="heldout")
    parser.add_argument("--identity", action="store_true", help="evaluate a repair that changes nothing")
    parser.add_argument("--json", action="store_true", help="JSON on stdout")
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds, each a fresh process")
    parser.add_argument("--cross-validate", action="store_true",
                        help="figures for tuning: the training split, leaving each document "
                             "out of the context model in turn (never the held-out split)")
    parser.add_argument("--_time", choices=("identity", "repair", "baseline"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._time:
        _time_child(args._time, args.split)
        return
    if args.cross_validate:
        result = cross_validate()
        if args.json:
            print(json.dumps(result, ensure_ascii=False, indent=1))
        else:
            print(f"training split, leave one document out ({result['documents']} documents, "
                  f"{result['gold_tokens']:,} gold tokens): token error after "
                  f"{_pct(result['token_error_after'])}, fixed {_pct(result['fixed'])}, "
                  f"broken {_pct(result['broken'])} ({result['broken_tokens']} tokens)")
            for seen, now, gold, _ in result["examples"].get("broken", [])[:20]:
                print(f"  broken {seen!r:24} -> {now!r:24} gold {gold!r}")
        return
    if not args.identity:
        try:
            import ingest.repair  # noqa: F401
        except ImportError as error:
            sys.exit(f"cannot import ingest.repair ({error}); run with --identity")
    report = evaluate(args.split, args.identity, args.rounds)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print_report(report)


if __name__ == "__main__":
    main()
