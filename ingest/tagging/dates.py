"""Dates in Swedish documents, and which of them is the document's own.

Two forms are written: ISO ("2020-06-16") and words ("den 14 april 2021",
"Tisdagen den 26 april 2022", "22 september 2021"). A document names many
dates; its own is the one its conventions put on the cover:

- protokoll and kallelse: the meeting date (Sammanträdesdatum, "Tid:", "fört vid
  nämndens sammanträde tisdagen den ...", a kungörelse's "Kommunfullmäktige
  sammanträder i ... måndagen den 13 december 2021"). A kallelse has no other
  date of its own: the day it was sent ("Utskicksdatum", the place and date
  over its signature) is not it;
- policy: the date it was adopted ("Antagen av kommunfullmäktige den ...");
- all: a date under a date label in the header ("Datum:", "Utfärdat",
  "Beslutsdatum", an e-mail's "Skickat:"), a date standing alone in the header
  block, possibly after the place ("Lund den 21 september 2023"), and last the
  place-and-date line above the signatures ("Umeå den 2 november 2020"), or a
  date alone there (a motion's "2020-02-03").

OCR runs the header's columns together ("Socialförvaltningen Datum: 2022-10-03",
"Falun 2022-10-05 Borlänge 2022-10-05") and may damage a month's name by a
letter ("novernber"); both are read.

A date in running text ("beslutade den 14 april 2021"), a deadline ("senast
..."), a start of validity ("Gäller från ...") or a registry stamp ("Inkom:
...") is never the document's date: no date is better than a wrong one.
"""

import re
from dataclasses import dataclass
from datetime import date

from . import layout
from .adoption import find_adoption
from .paragraph import CITED_PARAGRAPH

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "mars": 3, "mar": 3, "april": 4, "apr": 4,
    "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augusti": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
# OCR's damaged month names ("novernber", "septernber", "oktoher") are read too:
# a word one letter off a long month name, once "rn" is taken for the "m" it often was.
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True)) + r"|[a-zåäö]{5,10}"
LONG_MONTHS = [name for name in MONTHS if len(name) >= 5]
_WEEKDAY = r"(?:måndag|tisdag|onsdag|torsdag|fredag|l[öo]rdag|s[öo]ndag)(?:en)?"
ISO_DATE = r"(?P<iso_year>(?:19|20)\d\d)-(?P<iso_month>\d\d)-(?P<iso_day>\d\d)"
WORD_DATE = (rf"(?:{_WEEKDAY}\s+)?(?:den\s+)?(?P<day>\d{{1,2}})(?::[ae])?\s+(?P<month>{_MONTH})\.?"
             rf"\s+(?P<year>(?:19|20)\d\d)")
DATE = re.compile(rf"(?<![\w-])(?:{ISO_DATE}|{WORD_DATE})(?!\w|-\d)", re.IGNORECASE)

MEETING_LABELS = ("Sammanträdesdatum", "Sammanträdets datum", "Sammanträde", "Mötesdatum",
                  "Datum för sammanträdet", "Tid", "Datum", "Dag och tid", "Datum och tid",
                  "Tid och plats", "Dag", "Mötestid", "Sammanträdestid")
DATE_LABELS = ("Datum", "Utfärdat", "Utfärdad", "Beslutsdatum", "Upprättad", "Upprättat",
               "Daterad", "Skickat", "Skickad", "Skrivelsedatum")
# Words that make a date something other than the document's own: deadlines,
# validity, registry stamps, the justering of a protokoll, later meetings.
NOT_OWN_DATE = re.compile(
    r"\b(?:senast|från|fr\.?o\.?m|fram|till|t\.?o\.?m|före|innan|efter|sedan|mellan|inkom\w*|"
    r"ankom\w*|registrer\w*|diarief\w*|gäller|giltig\w*|revider\w*|juster\w*|anslag\w*|svar\w*|sista|nästa|utgår|"
    r"upphör|ersätter|antag\w*|fastställ\w*|ikraft\w*|utskrift\w*|kl|klockan)\b", re.IGNORECASE)
MEETING_PHRASE = re.compile(r"\bsammanträde[rts]?\s+(?=\S)", re.IGNORECASE)
# The sentence that says when the board meets, up to its full stop (not a time's "18.00").
MEETING_SENTENCE = re.compile(r"\b(?:sammanträder|sammanträde|sammanträdet)\b"
                              r"(?:[^.]|\.(?=\d))*", re.IGNORECASE)
PLACE = r"[A-ZÅÄÖ][\w-]+(?: [A-ZÅÄÖ][\w-]+)?"
PLACE_DATE = re.compile(rf"^(?P<place>{PLACE}),?\s+(?:den\s+)?(?P<date>.+)$")
MAX_HEADER_DATE_PREFIX_WORDS = 4  # "Nummer 7 ·", "Version 1.2,"
FOOT_LINES = 12  # a date alone counts as the signing date this near the end
SIGNING_LABEL = re.compile(r"^(?:Ort och datum|Ort, datum|Datum och ort|Datum)\s*:\s*", re.IGNORECASE)
# Dates of other parties' letters in the header: "Er skrivelse 2021-04-01".
THEIR_REFERENCE = re.compile(r"\b(?:er|ert|era|brev|skrivelse|referens|ref)\b", re.IGNORECASE)


@dataclass(frozen=True)
class DateMention:
    iso: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class OwnDate:
    iso: str
    cue: str  # the line that decided it
    rule: str  # which convention: "meeting", "adopted", "labelled", "header", "signed"


def find_dates(text: str) -> list[DateMention]:
    """Every valid date written in the text, ISO or in words, in order."""
    found = []
    for match in DATE.finditer(text):
        iso = _iso(match)
        if iso:
            found.append(DateMention(iso, match.start(), match.end(), match.group()))
    return found


def parse_date(text: str) -> str | None:
    """The first date in text as "YYYY-MM-DD", or None."""
    dates = find_dates(text)
    return dates[0].iso if dates else None


def _iso(match: re.Match) -> str | None:
    if match.group("iso_year"):
        year, month, day = (int(match.group(g)) for g in ("iso_year", "iso_month", "iso_day"))
    else:
        year, day = int(match.group("year")), int(match.group("day"))
        month = month_number(match.group("month"))
        if month is None:
            return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def month_number(word: str) -> int | None:
    """1-12 for a month's name, also one OCR damaged by a letter; None for other words."""
    word = word.lower()
    if word in MONTHS:
        return MONTHS[word]
    word = word.replace("rn", "m")
    close = {MONTHS[name] for name in LONG_MONTHS if layout.edit_distance(word, name, 1) <= 1}
    return close.pop() if len(close) == 1 else None


# ---- the document's own date ----------------------------------------------------------------

def document_date(text: str, doc_type: str) -> OwnDate | None:
    """The document's own date by its genre's conventions, or None."""
    # Last before the signatures: the "Tid:" of minutes that are no board's protokoll.
    rules = [labelled_date, header_date, adopted_date, merged_header_date, labelled_meeting_date,
             signed_date]
    if doc_type == "kallelse":
        # Its other dates are the day it was sent ("Utskicksdatum", the signature's
        # "Eskilstuna 2023-02-28"): never the kallelse's own.
        rules = [labelled_meeting_date, meeting_phrase_date]
    elif doc_type == "protokoll":
        # A date alone in a protokoll's header is its meeting's ("Sammanträdesprotokoll"
        # over "2020-09-24"), and more certain than a sammanträde named in the text.
        rules = [labelled_meeting_date, header_date, meeting_phrase_date,
                 labelled_date, merged_header_date, signed_date]
    elif doc_type == "policy":
        rules = [adopted_date, labelled_date, header_date, merged_header_date, signed_date]
    for rule in rules:
        found = rule(text)
        if found:
            return found
    return None


def labelled_meeting_date(text: str) -> OwnDate | None:
    """The meeting date under a label ("Sammanträdesdatum", "Tid:"), beside it or below it."""
    top = layout.top_lines(text)
    # A label that names the meeting ("Dag och tid", "Sammanträdesdatum") before a bare "Datum",
    # which on a föredragningslista may be the day it was sent.
    for labels in (tuple(label for label in MEETING_LABELS if label != "Datum"), ("Datum",)):
        for _, value, line in layout.labelled_values(top, labels):
            iso = _date_at_start(value)
            if iso:
                return OwnDate(iso, line if value in line else f"{line} {value}", "meeting")
    # The label in one column, the date below it in the next line's column ("Kommunfullmäktige
    # 2022-06-20"); or OCR merged the columns: "Kultur- och fritidsnämnden Sammanträdesdatum".
    for i, line in enumerate(top[:-1]):
        if _heads_a_column(line, "sammantradesdatum"):
            for cell in layout.cells(top[i + 1]):
                iso = _date_at_start(cell)
                if iso:
                    return OwnDate(iso, f"{line} {top[i + 1]}", "meeting")
            # the columns ran together: "Kommunstyrelsens allmänna utskott 2023-03-28 7"
            below = [_iso(m) for m in DATE.finditer(top[i + 1]) if _iso(m)]
            if len(below) == 1:
                return OwnDate(below[0], f"{line} {top[i + 1]}", "meeting")
    return None


def meeting_phrase_date(text: str) -> OwnDate | None:
    """ "fört vid socialnämndens sammanträde tisdagen den 15 december 2020"; not an earlier
    meeting cited with its paragraph ("Vid nämndens sammanträde den 23 april 2020, § 41")."""
    joined = " ".join(layout.top_lines(text)[:15])
    for match in MEETING_PHRASE.finditer(joined):
        following = DATE.match(joined, match.end())
        if following and _iso(following) and not _cites_paragraph(joined, following.end()):
            return OwnDate(_iso(following), joined[match.start():following.end()], "meeting")
    return meeting_sentence_date(joined)


def meeting_sentence_date(joined: str) -> OwnDate | None:
    """A kungörelse's sentence: "Kommunfullmäktige sammanträder i Enköpings kommunhus,
    sammanträdessalen Ekolsund, måndagen den 13 december 2021 klockan 18.00"."""
    for sentence in MEETING_SENTENCE.finditer(joined):
        for found in DATE.finditer(sentence.group()):
            before = sentence.group()[:found.start()].split()[-2:]
            if (_iso(found) and not NOT_OWN_DATE.search(" ".join(before))
                    and not _cites_paragraph(sentence.group(), found.end())):
                return OwnDate(_iso(found), sentence.group().strip(), "meeting")
    return None


def _cites_paragraph(text: str, end: int) -> bool:
    """Does a paragraph follow the date, after a comma: "den 23 april 2020, § 41" (an
    earlier meeting's decision; "... 2021" over "§ 12" on the next line is the utdrag's own)?"""
    cited = CITED_PARAGRAPH.match(text, end)
    return bool(cited) and cited.group().startswith(",")


def _heads_a_column(line: str, folded_label: str) -> bool:
    folded = layout.fold(line)
    return (folded.endswith(folded_label) or folded.endswith(f"{folded_label} sida")
            or any(layout.fold(cell) == folded_label for cell in layout.cells(line)))


def adopted_date(text: str) -> OwnDate | None:
    adoption = find_adoption(text)
    if adoption and adoption.date:
        return OwnDate(adoption.date, adoption.line, "adopted")
    return None


def labelled_date(text: str) -> OwnDate | None:
    """A date under a date label near the top: "Datum: den 9 mars 2021", "Utfärdat 2022-02-02"."""
    for _, value, line in layout.labelled_values(layout.top_lines(text, 30), DATE_LABELS):
        iso = _date_at_start(value)
        if iso and line[:1].isupper():  # a label, not running text that wrapped ("daterad 18 ...")
            return OwnDate(iso, line if value in line else f"{line} {value}", "labelled")
    return None


def header_date(text: str) -> OwnDate | None:
    """A date standing alone in the header block, perhaps after the place or a short
    mark: "2020-10-05", "den 3 juni 2020", "Lund den 21 september 2023",
    "Nummer 7 · 22 september 2022"."""
    above = ""
    for line in layout.header_lines(text):
        for cell in layout.cells(line):
            iso = _standalone_date(cell)
            if iso and not _under_a_stamp(above):
                return OwnDate(iso, line, "header")
        above = line or above
    return None


STAMP = re.compile(r"(?:inkom\w*|ankom\w*|registrerad|diarieford|mottag\w*)$")


def _under_a_stamp(line_above: str) -> bool:
    """A registry's stamp over the date it received the paper: "INKOM" over "2023-03-15"."""
    return any(STAMP.match(layout.fold(cell).split()[-1]) for cell in layout.cells(line_above))


def merged_header_date(text: str) -> OwnDate | None:
    """An ISO date at the end of a header line whose columns OCR ran together:
    "Avdelningen för kultur och fritid 2021-05-11", "Strängnäs kommun 13 september 2022",
    "Till Kommunfullmäktige i Nässjö kommun Nässjö 18 oktober 2021"."""
    for line in layout.header_lines(text):
        for cell in layout.cells(line):
            matches = list(DATE.finditer(cell))
            if not matches or cell[matches[-1].end():].strip(" .,") or len(matches) > 1:
                continue
            before = cell[:matches[-1].start()]
            if not _iso(matches[-1]) or not before.strip() or any(ch.isdigit() for ch in before):
                continue
            if _ends_in_dateline_place(before) or (not NOT_OWN_DATE.search(before)
                                                   and not THEIR_REFERENCE.search(before)):
                return OwnDate(_iso(matches[-1]), line, "header")
    return None


DATELINE_PLACE = re.compile(r"(?:^|\s)(?P<place>[A-ZÅÄÖ][\w-]+),?\s+(?:den\s+)?$")


def _ends_in_dateline_place(before: str) -> bool:
    """Does the text before a date end in a municipality's name, as a dateline ("Nässjö
    18 oktober 2021") does? Then what came before it (an addressee "Till ...") is
    another column."""
    from .municipality import municipality_of  # municipality reads the gazetteer; dates need not

    match = DATELINE_PLACE.search(before)
    return bool(match) and municipality_of(match.group("place")) is not None


def signed_date(text: str) -> OwnDate | None:
    """The place and date above the signatures ("Västerås den 8 februari 2021"; in an
    avtal once for each party), the last such line of the document; or, near the
    foot, a date alone over the signatures (a motion's "2020-02-03")."""
    all_lines = layout.nonblank(text)
    for number, line in enumerate(reversed(all_lines)):
        above = all_lines[-number - 2] if number + 1 < len(all_lines) else ""
        parts = [SIGNING_LABEL.sub("", cell) for cell in layout.cells(line)]
        if len(parts) == 1 and len(line.split()) >= 4:  # OCR ran the parties' columns together
            parts = [SIGNING_LABEL.sub("", piece) for piece in _split_place_dates(line)]
        dates = {_place_date(cell) for cell in parts}
        if dates and None not in dates:  # parties that signed on different days: the last
            return OwnDate(max(dates), line, "signed")
        if number < FOOT_LINES and len(parts) == 1 and _bare_date(line) and not _runs_on_into(above):
            return OwnDate(_bare_date(line), line, "signed")
    return None


def _runs_on_into(line_above: str) -> bool:
    """Does the line above run on into the next, a sentence wrapped before its date
    ("Beslutet anmäls till nämnden vid sammanträdet" over "2024-09-18.")?"""
    words = line_above.split()
    return len(words) >= 4 and line_above[-1:].isalpha() and words[-1].islower()


def _split_place_dates(line: str) -> list[str]:
    """ "Falun 2022-10-05 Borlänge 2022-10-05" -> ["Falun 2022-10-05", "Borlänge 2022-10-05"]:
    the line cut after each of its dates (the line whole if anything follows the last)."""
    pieces, start = [], 0
    for match in DATE.finditer(line):
        pieces.append(line[start:match.end()].strip(" ,"))
        start = match.end()
    return pieces if pieces and not line[start:].strip(" .,") else [line]


def _bare_date(line: str) -> str | None:
    """The date of a line that is a date and nothing else: "2020-02-03", "den 3 juni 2020"."""
    found = DATE.fullmatch(line.strip(" .,"))
    return _iso(found) if found else None


WEEKDAY_BEFORE = re.compile(rf"{_WEEKDAY},?\s+(?=\d)", re.IGNORECASE)


def _date_at_start(value: str) -> str | None:
    """The date a label's value opens with: "den 9 mars 2021",
    "Onsdagen den 1 december 2021 kl. 13.00", "Onsdag 2023-08-30, kl. 08.30"."""
    value = value.strip()
    weekday = WEEKDAY_BEFORE.match(value)
    match = DATE.match(value, weekday.end() if weekday else 0)
    return _iso(match) if match else None


# What may follow a date in a header cell: a time ("2023-04-12 09:30", "kl. 10.00"), or
# the diarienummer beside it ("2021-03-09 KMN/2021:145", "2022-09-27 RV220892").
AFTER_HEADER_DATE = re.compile(r"\s*(?:(?:kl\.?\s*)?\d{1,2}[:.]\d\d|(?:[A-ZÅÄÖ]{1,6}[ /-]?)?"
                               r"[\w/:.-]*\d[\w/:.-]*)?[ .,]*$")


def _standalone_date(cell: str) -> str | None:
    """The date of a cell that is a date with at most a short, harmless lead-in, and
    perhaps a time or a diarienummer after it."""
    matches = list(DATE.finditer(cell))
    match = next((m for m in reversed(matches) if AFTER_HEADER_DATE.fullmatch(cell, m.end())), None)
    if not match or not _iso(match):
        return None
    before = cell[:match.start()].strip()
    if not before:
        return _iso(match)
    if NOT_OWN_DATE.search(before):
        return None
    words = before.replace("·", " ").split()
    if len(words) <= MAX_HEADER_DATE_PREFIX_WORDS and not any(w[:1].islower() for w in words):
        return _iso(match)
    return None


def _place_date(cell: str) -> str | None:
    """The date of a "Place den date" or "Place date" line."""
    match = PLACE_DATE.match(cell.strip())
    if not match or NOT_OWN_DATE.search(match.group("place")):
        return None
    found = DATE.fullmatch(match.group("date").strip())
    return _iso(found) if found else None
