"""The diarienummer: the number the registry gave the matter, in its many local
forms ("SN 2021/123", "KS-2019/0456", "SBN 2018/1234-3", "Tn 402/2019",
"3.1.1-456/2020", "KS/2020:312", "2021-000312").

It stands in the header under a label ("Dnr", "Diarienummer:", "Ärendenummer",
"Vårt dnr"), and is kept as written, the label taken off. The other party's
number ("Er referens", "Ert diarienummer") is not the document's. Now and then
it stands alone in the header ("KS 2022/0288"); then only a letter prefix and a
year-like number make it one. A kallelse or a whole protokoll covers many
matters, each with its own number, so it has none of its own.
"""

import re
from dataclasses import dataclass

from . import layout
from .paragraph import is_full_protokoll

DNR_LABELS = ("Dnr", "Diarienummer", "Diarienr", "Ärendenummer", "Ärendenr", "Ärende nr",
              "Vårt dnr", "Vår dnr", "Vårt diarienummer", "Vårt ärendenummer", "Vår beteckning",
              "Vårt ärende", "Vår ref", "Vår referens", "Beteckning")
PREFIX = r"[A-ZÅÄÖ][A-Za-zÅÄÖåäö]{0,7}"
# Under a label: a board's letters apart ("SN 2021/123"), then one token with a digit in it.
# Some registries put their letters last: "2023.214 KS" (before the line's end, a column gap
# or the next label).
DNR_VALUE = re.compile(r"(?:[A-ZÅÄÖ][A-Za-zÅÄÖåäö]{0,7} (?=\d))?[\w./:–-]*\d[\w./:–-]*"
                       r"(?: [A-ZÅÄÖ]{1,5}(?=\s*$|\s{2,}|\s+[A-ZÅÄÖ][a-zåäö]+:))?", re.MULTILINE)
# The label said again in its value: "Vårt diarienummer: Dnr 2024-115 KS".
REPEATED_LABEL = re.compile(r"(?:dnr|diarienr|diarienummer)\.?:?\s+", re.IGNORECASE)
# Alone on a header line it must look the part: letters, then digits with a /, : or -
# ("KS 2022/87-25", "BUN/2022:118", "RS-LED21-2211"); but not a place and a date ("Kalix 2021-10-18").
STANDALONE_DNR = re.compile(rf"{PREFIX}(?:-[A-ZÅÄÖ]{{1,5}})?[ /-]?\d+(?:[/:-]\d+|\.\d{{3,}})(?:[-.:]\d+)?")  # also "BMB 2021.0187"
DATE_LIKE = re.compile(r"(?:19|20)\d\d-[01]\d-[0-3]\d$")
# Where OCR closed the gap before it, at the end of a header line ("Kommunledningsförvaltningen
# Ks/2021:88", "KS § 112 KS 2022/87-25"): then it must also hold a year.
TRAILING_DNR = re.compile(rf"(?<=\s){STANDALONE_DNR.pattern}$")
# The header's date and number side by side, unlabelled: "2022-09-27 RV220892".
DATE_THEN_DNR = re.compile(r"(?:19|20)\d\d-[01]\d-[0-3]\d\s+(?!(?:kl\.?\s*)?\d{1,2}[:.]\d\d$)"
                           r"(?P<dnr>(?:[A-ZÅÄÖ]{1,6}[ /-]?)?"
                           r"(?=[\w/:.-]*\d)(?=[\w/:.-]*[A-ZÅÄÖ/:])[\w/:.-]{4,})")
YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
LABEL = re.compile(
    r"(?<![\w])(?P<label>" + "|".join(
        re.escape(layout.fold_letters(label)) for label in sorted(DNR_LABELS, key=len, reverse=True))
    + r")\b\s*[:.]?\s*")
# Another number's label before a number: "Avtalsnummer: L-2023-044", "Kontraktsnr 4410-203".
OTHER_NUMBER_LABEL = re.compile(r"\w*(?:nummer|nr)\.?:?\s*$", re.IGNORECASE)
# The other party's number: "Er referens", "IVO:s dnr", "Länsstyrelsens diarienummer".
THEIRS = re.compile(r"(?:\b(?:er|ert|era)|:s|\b(?:lansstyrelsens|domstolens|inspektionens|myndighetens|"
                    r"departementets|trafikverkets|regeringskansliets))\s*$")
THEIR_LABEL = re.compile(r"\b(?:er|ert|era) (?:referens|ref|dnr|diarienummer|beteckning|arendenummer)\b")


@dataclass(frozen=True)
class FoundDnr:
    value: str
    cue: str


# OCR reads a zero that touches capitals as the letter: "BUNO231/23", "2021/TNO087", "2O21".
ZERO_READ_AS_O = re.compile(r"(?<=\d)O(?=\d)|(?<=[A-ZÅÄÖ]{2})O(?=\d\d)")


def find_dnr(text: str, doc_type: str) -> FoundDnr | None:
    if doc_type == "kallelse" or doc_type == "protokoll" and is_full_protokoll(text):
        return None
    found = labelled_dnr(text) or standalone_dnr(text)
    if found:
        return FoundDnr(ZERO_READ_AS_O.sub("0", found.value), found.cue)
    return None


def labelled_dnr(text: str) -> FoundDnr | None:
    top = layout.top_lines(text, 40)
    for line in top:
        value = dnr_in_line(line)
        if value:
            return FoundDnr(value, line)
    for _, value, line in layout.labelled_values(top, DNR_LABELS):
        repeated = REPEATED_LABEL.match(value)
        match = DNR_VALUE.fullmatch(value[repeated.end():] if repeated else value)
        if match and not DATE_LIKE.match(value):
            return FoundDnr(match.group(), line)
    return None


def dnr_in_line(line: str) -> str | None:
    """The diarienummer under a label in the line: "§ 145   Dnr KS-2019/0456" -> "KS-2019/0456"."""
    folded = layout.fold_letters(line)
    for match in LABEL.finditer(folded):
        if THEIRS.search(folded[:match.start()]):
            continue
        start = match.end()
        repeated = REPEATED_LABEL.match(line, start)
        value = DNR_VALUE.match(line, repeated.end() if repeated else start)
        if value:
            return value.group().rstrip(".:-–,;")
    return None


def standalone_dnr(text: str) -> FoundDnr | None:
    """A number alone in the header, or beside the paragraph of a protokollsutdrag
    ("KS § 112          KS 2022/87-25")."""
    lines = layout.header_lines(text) + paragraph_lines(text)
    for line in lines:
        for cell in layout.cells(line):
            if STANDALONE_DNR.fullmatch(cell) and not DATE_LIKE.search(cell):
                return FoundDnr(cell, line)
            beside_date = DATE_THEN_DNR.fullmatch(cell)
            if beside_date:
                return FoundDnr(beside_date.group("dnr"), line)
    for line in lines:
        if THEIR_LABEL.search(layout.fold_letters(line)):
            continue
        trailing = TRAILING_DNR.search(line)
        if (trailing and YEAR.search(trailing.group()) and not DATE_LIKE.search(trailing.group())
                and not OTHER_NUMBER_LABEL.search(line[:trailing.start()])):
            return FoundDnr(trailing.group(), line)
    return None


def paragraph_lines(text: str) -> list[str]:
    """The protokollsutdrag's paragraph line and the two under it (the number may
    stand beside the paragraph, below it, or below the heading under it)."""
    top = layout.top_lines(text)
    first = next((i for i, line in enumerate(top) if layout.PARAGRAPH_LINE.match(line)), None)
    return top[first:first + 3] if first is not None else []
