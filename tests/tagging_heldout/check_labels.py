"""Sanity check for the held-out labels: every label's value is in its text.

Run: python3 tests/tagging_heldout/check_labels.py
Checks that labels.json loads, has the fixture keys, that each file is valid
UTF-8 of 250-600 words, and that the date (in one of its written forms), dnr,
paragraph, title, handläggare, board and party names/orgnrs appear in the text
(whitespace-normalised, so a title wrapped over two lines still matches).
"""
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).parent
KEYS = ["file", "type", "municipality", "board", "date", "dnr", "paragraph",
        "title", "handlaggare", "parties"]
TYPES = {"tjansteutlatande", "protokoll", "kallelse", "avtal", "utredning", "motion",
         "yttrande", "delegationsbeslut", "policy", "okänd"}
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december"]
ISO = re.compile(r"\b(19|20)\d\d-[01]\d-[0-3]\d\b")
LONG = re.compile(r"\b\d{1,2} (%s) (19|20)\d\d\b" % "|".join(MONTHS), re.I)


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def date_forms(iso):
    y, m, d = iso.split("-")
    return [iso, f"{int(d)} {MONTHS[int(m) - 1]} {y}"]


def main():
    labels = json.loads((HERE / "labels.json").read_text(encoding="utf-8"))
    errors = []
    notes = []
    seen_muni = Counter()
    for lab in labels:
        f = lab["file"]
        if list(lab) != KEYS:
            errors.append(f"{f}: keys {list(lab)}")
        if lab["type"] not in TYPES:
            errors.append(f"{f}: type {lab['type']}")
        raw = (HERE / f).read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            errors.append(f"{f}: not UTF-8 ({e})")
            continue
        t = norm(text)
        tl = t.lower()
        words = len(text.split())
        if not 250 <= words <= 600:
            errors.append(f"{f}: {words} words")
        if not any(form in t for form in date_forms(lab["date"])):
            errors.append(f"{f}: date {lab['date']} not written")
        others = {m.group(0) for m in ISO.finditer(t)} | {m.group(0) for m in LONG.finditer(t)}
        others -= set(date_forms(lab["date"]))
        if not others:
            errors.append(f"{f}: no other dates in the body")
        for key in ("dnr", "paragraph", "title", "handlaggare"):
            v = lab[key]
            if v is not None and norm(v) not in t:
                if key == "title" and norm(v).upper() in t:
                    notes.append(f"{f}: title {v!r} is written in capitals")
                else:
                    errors.append(f"{f}: {key} {v!r} not in text")
        if lab["board"] is not None and lab["board"].lower() not in tl:
            errors.append(f"{f}: board {lab['board']!r} not in text (any case)")
        for p in lab["parties"]:
            for k in ("name", "orgnr"):
                if p[k] not in t:
                    errors.append(f"{f}: party {k} {p[k]!r} not in text")
        if lab["type"] == "avtal" and len(lab["parties"]) < 2:
            errors.append(f"{f}: avtal with fewer than 2 parties")
        if lab["type"] != "avtal" and lab["parties"]:
            errors.append(f"{f}: parties on a non-avtal")
        seen_muni[lab["municipality"]] += 1
    files = sorted(p.name for p in HERE.glob("h_*.txt"))
    if files != sorted(l["file"] for l in labels):
        errors.append(f"files and labels differ: {files}")
    for m, n in seen_muni.items():
        if n > 2:
            errors.append(f"municipality {m} used {n} times")
    print("types:", dict(Counter(l["type"] for l in labels)))
    print("documents:", len(labels), " municipalities:", len(seen_muni))
    for n in notes:
        print("NOTE", n)
    for e in errors:
        print("ERROR", e)
    print("OK" if not errors else f"{len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
