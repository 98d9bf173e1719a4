"""The paragraph (§) of a protokoll where the document's matter was decided.

A protokollsutdrag holds one paragraph ("§ 145"); a whole protokoll many, and
then no single one is the document's. A policy names the paragraph that adopted
it ("Antagen av kommunfullmäktige den 16 juni 2020, § 67"); a yttrande or
remissvar the one that decided it ("Detta yttrande har beslutats av
miljönämnden den 21 september 2023, § 118") — a decision of the document's own
date. Paragraphs cited for earlier decisions ("antog den 18 juni 2019, § 64")
are not the document's.
"""

import re

from . import layout

PARAGRAPH_LINE = layout.PARAGRAPH_LINE
# "..., § 118" or "..., HSN § 97" after a decision's date.
CITED_PARAGRAPH = re.compile(r",?\s*(?:[A-ZÅÄÖ]{1,5}\s+)?§\s*(\d{1,4})\b")
PARAGRAPH_RANGE = re.compile(r"§§\s*\d+|^paragrafer\b", re.IGNORECASE | re.MULTILINE)
DECISION_VERB = re.compile(r"\b(?:beslutat?s?|beslutade|behandlade|behandlat|antog|antagen|antagna|"
                           r"antaget|fastställ\w*|godkände|godkänd)\b", re.IGNORECASE)
SENTENCE_START = re.compile(r"[.!?]\s")


def paragraph_numbers(text: str) -> list[str]:
    """The numbers of the paragraphs that open a line, in order, each once; not a
    paragraph cited in a sentence that wrapped before it ("antogs 2019-05-28," over
    "§ 56. Sedan dess ...")."""
    numbers = []
    above = ""
    for line in layout.lines(text):
        match = PARAGRAPH_LINE.match(line)
        if match and match.group("number") not in numbers and not _cited_after(above):
            numbers.append(match.group("number"))
        above = line
    return numbers


def _cited_after(line_above: str) -> bool:
    """Does the line above break off where a paragraph is cited: "..., antogs 2019-05-28,"?"""
    return line_above.endswith(",") and len(line_above.split()) >= 4


def is_full_protokoll(text: str) -> bool:
    """Whether the text records several paragraphs ("§§ 88–94", "§ 58" ... "§ 63")."""
    return len(paragraph_numbers(text)) > 1 or bool(PARAGRAPH_RANGE.search(text))


def utdrag_paragraph(text: str) -> tuple[str, str] | None:
    """The one paragraph of a protokollsutdrag: ("§ 145", the line), at a line's start
    or under its label."""
    if is_full_protokoll(text):
        return None
    for line in layout.nonblank(text):
        match = PARAGRAPH_LINE.match(line)
        if match:
            return f"§ {match.group('number')}", line
    return labelled_paragraph(text)


PARAGRAPH_LABELS = ("Paragraf", "Paragraf nr", "Protokollsparagraf")
LABELLED_NUMBER = re.compile(r"^(?:§\s*)?(\d{1,4})\b")
# A numbered delegation decision: "DELEGATIONSBESLUT § 156", "Delegationsbeslut nr § 12".
NUMBERED_DECISION = re.compile(r"^delegationsbeslut\s+(?:nr\.?\s+)?§\s*(\d{1,4})\b", re.IGNORECASE)


def labelled_paragraph(text: str) -> tuple[str, str] | None:
    """A paragraph under its label near the top: "Paragraf: § 56"."""
    for _, value, line in layout.labelled_values(layout.top_lines(text, 20), PARAGRAPH_LABELS):
        match = LABELLED_NUMBER.match(value.strip())
        if match:
            return f"§ {match.group(1)}", line
    return None


def numbered_decision(text: str) -> tuple[str, str] | None:
    """The number a delegationsbeslut carries in its heading: ("§ 156", the line)."""
    for line in layout.top_lines(text, 20):
        match = NUMBERED_DECISION.match(line)
        if match:
            return f"§ {match.group(1)}", line
    return None


def decided_paragraph(text: str, own_date: str) -> tuple[str, str] | None:
    """The paragraph of a decision taken on the document's own date: (paragraph, sentence)."""
    from .dates import DATE, _iso  # dates imports this module's neighbours

    flat = " ".join(text.split())
    for match in DATE.finditer(flat):
        after = CITED_PARAGRAPH.match(flat, match.end())
        if not after or _iso(match) != own_date:
            continue
        starts = [m.end() for m in SENTENCE_START.finditer(flat, 0, match.start())]
        sentence = flat[starts[-1] if starts else 0:after.end()]
        if DECISION_VERB.search(sentence):
            return f"§ {after.group(1)}", sentence.strip()
    return None
