#!/usr/bin/env python3
"""Sanity checks for a labelled tagging set written blind (tests/tagging_blind,
tests/tagging_final ... tests/tagging_final6): each a folder of documents named
"<letter>_<NN>_<type>.txt" and their labels.json.

Checks that labels.json loads, has exactly the fixture keys, covers every
document, and that each label's date (in some written form), dnr, paragraph,
title, handläggare and party names/org.nrs occur in the text. Also checks UTF-8
validity, word counts, per-type minimums, municipality reuse, weekday names in
"<veckodag>en den D månad ÅÅÅÅ" forms and the Luhn check digit of org.nrs.
tests/test_tagging.py runs it on every such set; by hand:

    python3 tests/labelled_sets.py tests/tagging_final6 [FOLDER ...]
"""
import collections
import datetime as dt
import json
import pathlib
import re
import sys

DOCUMENT_NAME = re.compile(r"[a-z]_(\d\d)_(\w+)\.txt")
KEYS = {"file", "type", "municipality", "board", "date", "dnr", "paragraph",
        "title", "handlaggare", "parties"}
TYPES = {"tjansteutlatande", "protokoll", "kallelse", "avtal", "utredning",
         "motion", "yttrande", "delegationsbeslut", "policy", "okänd"}
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli",
          "augusti", "september", "oktober", "november", "december"]
WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
ISO_RX = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
# "3 maj 2022" or, in running text, just "3 maj"
TEXT_DATE_RX = re.compile(r"\b(\d{1,2}) (%s)(?: ((?:19|20)\d\d))?\b" % "|".join(MONTHS), re.I)


def dates_in(text):
    """All (year or None, month, day) dates written in text."""
    found = {(int(y), int(m), int(d)) for y, m, d in ISO_RX.findall(text)}
    for d, mon, y in TEXT_DATE_RX.findall(text):
        found.add((int(y) if y else None, MONTHS.index(mon.lower()) + 1, int(d)))
    return found

def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def date_forms(iso):
    d = dt.date.fromisoformat(iso)
    m = MONTHS[d.month - 1]
    return [iso, f"{d.day} {m} {d.year}", f"{d.day:02d} {m} {d.year}",
            f"{d.day}/{d.month} {d.year}", f"{d.day}.{d.month}.{d.year}",
            f"{d.day:02d}.{d.month:02d}.{d.year}", d.strftime("%Y%m%d")]


def luhn_ok(orgnr):
    digits = [int(c) for c in orgnr if c.isdigit()]
    if len(digits) != 10:
        return False
    total = 0
    for i, x in enumerate(digits):
        if i % 2 == 0:
            x *= 2
            if x > 9:
                x -= 9
        total += x
    return total % 10 == 0


def problems(folder: pathlib.Path) -> list[str]:
    """What is wrong with the set in folder; empty if nothing."""
    errors = []
    err = errors.append
    try:
        labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    except Exception as e:  # noqa: BLE001
        return [f"labels do not load: {e}"]
    files = sorted(p.name for p in folder.glob("*.txt") if DOCUMENT_NAME.fullmatch(p.name))
    labelled = [x.get("file") for x in labels]
    if sorted(labelled) != files:
        err(f"file set mismatch: unlabelled={set(files)-set(labelled)} "
            f"missing={set(labelled)-set(files)}")
    if len(set(labelled)) != len(labelled):
        err("duplicate file entries in labels.json")

    types = collections.Counter()
    munis = collections.Counter()
    for lab in labels:
        f = lab.get("file", "?")
        if set(lab) != KEYS:
            err(f"{f}: keys {sorted(set(lab) ^ KEYS)} differ from fixture keys")
            continue
        if lab["type"] not in TYPES:
            err(f"{f}: unknown type {lab['type']!r}")
        m = DOCUMENT_NAME.fullmatch(f)
        if not m or m.group(2) != lab["type"].replace("ä", "a"):
            err(f"{f}: file name does not match type {lab['type']}")
        types[lab["type"]] += 1
        munis[lab["municipality"]] += 1

        raw = (folder / f).read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            err(f"{f}: not valid UTF-8 ({e})")
            continue
        flat = norm(text)
        words = len(text.split())
        if not 250 <= words <= 600:
            err(f"{f}: {words} words (want 250-600)")

        # own date, in any written form
        if not any(form.lower() in flat.lower() for form in date_forms(lab["date"])):
            err(f"{f}: date {lab['date']} not found in any written form")
        # other dates in the body
        own = dt.date.fromisoformat(lab["date"])
        others = {x for x in dates_in(flat)
                  if (x[1], x[2]) != (own.month, own.day) or x[0] not in (None, own.year)}
        if len(others) < 2:
            err(f"{f}: fewer than two other dates in text ({others})")
        # weekday forms must match the calendar
        for wd, day, mon, year in re.findall(
                r"\b(%s)en den (\d{1,2}) (%s) (\d{4})" % ("|".join(WEEKDAYS), "|".join(MONTHS)),
                flat, re.I):
            real = dt.date(int(year), MONTHS.index(mon.lower()) + 1, int(day)).weekday()
            if WEEKDAYS[real] != wd.lower():
                err(f"{f}: '{wd}en den {day} {mon} {year}' is really a {WEEKDAYS[real]}")

        for key in ("dnr", "paragraph", "handlaggare"):
            v = lab[key]
            if v is not None and v not in text:
                err(f"{f}: {key} {v!r} not in text")
        # titles may wrap over lines and be set in capitals in the PDF
        if lab["title"] is None or norm(lab["title"]).lower() not in flat.lower():
            err(f"{f}: title {lab['title']!r} not in text")
        if lab["board"] is not None and lab["board"].lower() not in flat.lower():
            err(f"{f}: board {lab['board']!r} not in text")
        muni_stem = lab["municipality"].replace("Region ", "")[:5].lower()
        if muni_stem not in flat.lower():
            err(f"{f}: municipality {lab['municipality']!r} not in text")
        if lab["type"] == "avtal" and len(lab["parties"]) < 2:
            err(f"{f}: avtal with fewer than two parties")
        if lab["type"] != "avtal" and lab["parties"]:
            err(f"{f}: parties on a non-avtal")
        for p in lab["parties"]:
            if set(p) != {"name", "orgnr"}:
                err(f"{f}: party keys {sorted(p)}")
                continue
            if p["name"] not in text:
                err(f"{f}: party name {p['name']!r} not in text")
            if p["orgnr"] not in text:
                err(f"{f}: orgnr {p['orgnr']!r} not in text")
            if not re.fullmatch(r"\d{6}-\d{4}", p["orgnr"]) or not luhn_ok(p["orgnr"]):
                err(f"{f}: orgnr {p['orgnr']!r} malformed or fails Luhn")

    for t in TYPES:
        if types[t] < 3:
            err(f"type {t}: only {types[t]} documents")
    for mname, n in munis.items():
        if n > 2:
            err(f"municipality {mname}: {n} documents (max 2)")

    return errors


def main(folders: list[str]) -> int:
    failed = 0
    for folder in map(pathlib.Path, folders):
        found = problems(folder)
        print(f"{folder}: " + (f"{len(found)} problem(s)" if found else "all checks passed"))
        for problem in found:
            print("  -", problem)
        failed += bool(found)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
