"""Header tables: a row of labels over a row of values, as a letterhead's table
comes out of a PDF with its column gaps closed to single spaces:

    Datum Vår beteckning Er beteckning
    2022-10-05 KS/2022:145 RS-LED22-0931

The label row is told by being nothing but known labels. The values are cut by
what each label holds: a date under "Datum" (and the paragraph a decision's date
may carry: "2022-06-20 § 112"), a diarienummer under "Dnr" or "Vår beteckning", a page mark under
"Sida"; a label of free text ("Handläggare", "Antagen av") takes the words up to
the next label's value. A value row that does not fit is no table.

A row may end in words no list knows ("Datum Ställd av Ställd till" over
"2024-02-06 Per-Erik Wallin (C) Kommunstyrelsens ordförande"): after its known
labels, they are read as one more column of free text.
"""

import re
from functools import lru_cache

from . import layout

# The header's labels, and those that stand only in tables (a policy's cover, a kallelse's).
TABLE_LABELS = layout.HEADER_LABELS + (
    "Datum och paragraf", "Vår beteckning", "Vårt diarienummer", "Dokumenttyp", "Antagen av",
    "Beslutad av", "Fastställd av", "Beslutsinstans", "Dokumentansvarig", "Giltighetstid",
    "Giltig till", "Giltig från", "Gäller från", "Gäller till", "Version", "Tid", "Plats", "Dag",
    "Paragraf", "§",
)
TIME = re.compile(r"(?:kl\.?\s*)?\d{1,2}[:.]\d\d(?:\s*[-–]\s*\d{1,2}[:.]\d\d)?")
DNR_WORDS = ("dnr", "diarienummer", "diarienr", "beteckning", "arendenummer", "arendenr")
PAGE = re.compile(r"\d+\s*\(\s*\d+\s*\)|\d+\s*(?:av|/)\s*\d+|\d+")
PARAGRAPH_AFTER = re.compile(r",?\s*§\s*\d+")
PARAGRAPH_VALUE = re.compile(r"(?:[A-ZÅÄÖ][a-zåäö]{1,4}\s+)?§\s*\d+(?::\d+)?|\d{1,4}")  # "§ 112", "Bmn § 74"
PARAGRAPH_LABELS = ("paragraf", "§")
EMPTY_CELL = re.compile(r"[-–—](?= |$)")
# Words a row of labels may end with that no list knows: a few, capitalised, no digits.
UNKNOWN_LABELS = re.compile(r"[A-ZÅÄÖ][\w-]*(?: [\w-]+){0,4}")


@lru_cache(maxsize=1)
def _folded_labels() -> list[tuple[str, str]]:
    """(folded label, label), longest first, for greedy reading of a row."""
    return sorted(((layout.fold_letters(label), label) for label in TABLE_LABELS),
                  key=lambda pair: len(pair[0]), reverse=True)


def row_labels(line: str) -> list[str] | None:
    """The labels of a row made of labels (two at least), as the table names them; None for
    any other line. Words after known labels of shaped values (a date, a number) that look
    like labels (UNKNOWN_LABELS) are one more, of free text: the shaped values before them
    tell whether the row below fits."""
    written = " ".join(line.split())
    folded = layout.fold_letters(written)
    found, position = [], 0
    while position < len(folded):
        match = next(((f, label) for f, label in _folded_labels()
                      if folded.startswith(f, position)
                      and (position + len(f) == len(folded) or folded[position + len(f)] == " ")), None)
        if match is None:
            rest = written[position:]
            if (found and all(_value_pattern(label) for label in found)
                    and UNKNOWN_LABELS.fullmatch(rest) and not layout.is_prose(rest)):
                return found + [rest]
            return None
        found.append(match[1])
        position += len(match[0]) + 1
    return found if len(found) >= 2 else None


def _has_paragraph_column(labels: list[str]) -> bool:
    return any(layout.fold_letters(label) in PARAGRAPH_LABELS for label in labels)


def _value_pattern(label: str, *, paragraph_column: bool = False) -> re.Pattern | None:
    """What a label's value looks like, or None for free text."""
    from .dates import DATE  # dates reads layout, as this module does
    from .dnr import DNR_VALUE

    folded = layout.fold_letters(label)
    if "datum" in folded:
        if paragraph_column:
            return DATE
        # without a column of its own, a decision's date may carry its paragraph: "2022-06-20 § 112"
        return re.compile(rf"(?:{DATE.pattern})(?:{PARAGRAPH_AFTER.pattern})?", DATE.flags)
    if any(word in folded for word in DNR_WORDS):
        return DNR_VALUE
    if folded == "sida":
        return PAGE
    if folded == "tid":
        return TIME
    if folded in PARAGRAPH_LABELS:
        return PARAGRAPH_VALUE
    return None


def row_values(labels: list[str], line: str) -> list[str] | None:
    """The values of a row under the labels, in order; None if the row does not fit."""
    line = " ".join(line.split())
    patterns = [_value_pattern(label, paragraph_column=_has_paragraph_column(labels))
                for label in labels]
    values, position = [], 0
    for i, pattern in enumerate(patterns):
        while position < len(line) and line[position] == " ":
            position += 1
        empty = EMPTY_CELL.match(line, position)
        if empty:  # "–": nothing under this label
            values.append("")
            position = empty.end()
            continue
        if pattern is not None:
            match = pattern.match(line, position)
            if not match or (match.end() < len(line) and line[match.end()] != " "):
                return None
            values.append(match.group())
            position = match.end()
            continue
        end = _free_text_end(line, position, patterns[i + 1] if i + 1 < len(patterns) else None,
                             last=i + 1 == len(patterns))
        if end is None or not line[position:end].strip():
            return None
        values.append(line[position:end].strip())
        position = end
    return values if not line[position:].strip() else None


def _free_text_end(line: str, start: int, following: re.Pattern | None, *, last: bool) -> int | None:
    """Where a free-text value ends: at the end of the row if it is the last; before
    the next value if that has a shape; else after one word."""
    if last:
        return len(line)
    if following is None:
        space = line.find(" ", start)
        return space if space > 0 else None
    for match in re.finditer(r" (?=\S)", line[start:]):
        cut = start + match.end()
        if following.match(line, cut):
            return cut - 1
    return None


def table_values(lines: list[str], i: int) -> list[tuple[str, str]] | None:
    """(label, value) pairs if line i is a row of labels over a row of values. The labels
    may follow the genre's heading or other columns ("REMISSVAR Datum Sida" over
    "2023-06-19 1(2)"; "Socialnämnden   Datum   Dnr" over "Sektor för socialtjänst   den 22
    november 2023 SN 2023/214"): then their values are the end of the row below."""
    following = next((x for x in lines[i + 1:i + 3] if x), None)
    if not following:
        return None
    labels = row_labels(lines[i])
    if labels is not None:
        values = row_values(labels, following)
        return list(zip(labels, values)) if values else None
    words = lines[i].split()
    for start in range(1, len(words)):
        if layout.fold_letters(words[start]) not in _first_words_of_labels():
            continue
        labels = row_labels(" ".join(words[start:]))
        if labels is None:
            continue
        for values_tail in _tails(following):
            values = row_values(labels, values_tail)
            if values:
                return list(zip(labels, values))
    return None


@lru_cache(maxsize=1)
def _first_words_of_labels() -> frozenset[str]:
    """Where a row of labels can start inside a line: at one of these words."""
    return frozenset(folded.split()[0] for folded, _ in _folded_labels())


def _tails(line: str) -> list[str]:
    """The line, then the line without its first word, and so on: where OCR closed the
    column gaps, any word may open a column."""
    words = line.split()
    return [" ".join(words[j:]) for j in range(len(words))]
