"""A document's title, as a clerk would write it on the cover.

- In most genres the title is the first line of the header block that names
  the matter: not the letterhead (municipality, board, office), not a label
  ("Datum:", "Dnr", "Handläggare"), a date, an addressee ("Till ...") or an
  address block, and not the bare genre heading ("TJÄNSTEUTLÅTANDE", "AVTAL").
  It runs on over the lines of its block while its phrase does (a line in lower
  case, a line after "... för", a short name), and stops at the next heading when
  OCR lost the blank line before it. A genre heading that is more than the
  genre's name ("MARKANVISNINGSAVTAL") is the title, and so is one whose
  sentence goes on below it ("Överenskommelse / om idéburet offentligt
  partnerskap ...").
  Not the title either: a motion's authors ("Liberalerna i Sollentuna"), the
  handläggare's signature ("Per Wennerholm" / "Trafikplanerare"), a registry
  stamp, a line the header's labels follow (an addressee's wrapped column), and,
  unless there is nothing else, the rest of the letterhead's block (a unit, a
  service: "Sektor samhällsbyggnad" / "Vatten och avlopp").
- A motion is titled by its line "Motion om ..." where it has one.
- An e-mail's title is its subject ("Ämne:"), as is the "Ärende:" of a report.
- A kallelse is titled by its heading ("Kallelse med föredragningslista",
  "Dagordning"); a whole protokoll by its heading ("Protokoll"); a
  protokollsutdrag by the matter under its paragraph ("§ 145 / Medfinansiering
  av ...").

Cautious by design: no title is better than the municipality or a date as one.
"""

import re

from . import layout
from .adoption import ADOPTION
from .board import DECISION_HEADING, board_at_start, board_named_in
from .dates import find_dates
from .dnr import dnr_in_line
from .handlaggare import is_signature
from .municipality import find_mentions, header_cells
from .paragraph import PARAGRAPH_LINE, is_full_protokoll

MAX_TITLE_LINES = 3
MAX_TITLE_CHARS = 200
# The names of the genres: as a heading alone they say what the document is, not what it is about.
GENRE_HEADINGS = (
    "Tjänsteutlåtande", "Tjänsteskrivelse", "Protokoll", "Protokollsutdrag", "Utdrag ur protokoll",
    "Sammanträdesprotokoll", "Justerat protokoll", "Kallelse", "Föredragningslista", "Dagordning",
    "Kallelse till sammanträde", "Kallelse med föredragningslista", "Kallelse och föredragningslista",
    "Avtal", "Överenskommelse", "Utredning", "Rapport", "Förstudie", "Utvärdering", "Motion",
    "Interpellation", "Yttrande", "Remissvar", "Delegationsbeslut", "Beslut", "Policy", "Riktlinjer",
    "Riktlinje", "Reglemente", "Plan", "Program", "Strategi", "Pressmeddelande", "Nyhetsbrev",
    "Skrivelse", "Promemoria", "PM", "Meddelande", "Information", "Bilaga",
    "Beslut fattat på delegation", "Kungörelse", "Kungörelse och kallelse", "Beslutsunderlag",
    "Styrdokument", "Lediga jobb", "Platsannons",
)
KALLELSE_HEADINGS = ("Kallelse med föredragningslista", "Kallelse och föredragningslista",
                     "Kallelse till sammanträde", "Kallelse", "Föredragningslista", "Dagordning",
                     "Kungörelse och kallelse", "Kallelse och kungörelse", "Kungörelse")
PROTOKOLL_HEADINGS = ("Protokoll", "Sammanträdesprotokoll", "Justerat protokoll", "Protokollsutdrag",
                      "Utdrag ur protokoll")
# A one-word heading that ends in a genre's name and is more than the name: "Markanvisningsavtal".
COMPOUND_GENRE = re.compile(r"^\w{3,}(?:avtal|överenskommelse|utredning|rapport|policy|plan|"
                            r"program|strategi|riktlinjer|reglemente|berättelse)$", re.IGNORECASE)
# Header labels, written without diacritics (matched against the folded line, so that
# OCR's "Var referens" is "Vår referens").
# A plan or draft marks its stage under the title: not part of it.
DOCUMENT_STAGES = ("Antagande", "Antagandehandling", "Samråd", "Samrådshandling", "Granskning",
                   "Granskningshandling", "Utställning", "Utställningshandling", "Laga kraft",
                   "Remissversion", "Remissutgåva", "Utkast", "Förslag", "Slutversion")
LABEL_WORDS = re.compile(
    r"^(?:datum|dnr|diarienummer|diarienr|arendenummer|arende nr|vart dnr|var referens|"
    r"var beteckning|er referens|ert dnr|handlaggare|telefon|tfn|tel|e-post|fax|utfardat|sida|"
    r"bilaga|bilagor|kopia|projekt|version|beslutsdatum|sammantradesdatum|protokoll nr|"
    r"paragrafer|organ|plats|tid|sokande|fastighet|org\.? ?nr|upprattad|forfattare|utredare|"
    r"er ref|galler (?:fran|for|till|fr\.?o\.?m|t\.?o\.?m)|nasta oversyn|ansvarig:)\b")
# A publication's masthead names its kind among other words: "Näringsliv i Nacka – nyhetsbrev".
MASTHEAD = re.compile(r"\b(?:nyhetsbrev|pressmeddelande|informationsblad|medlemsblad)\b",
                      re.IGNORECASE)
LABEL = re.compile(r"^(?P<label>(?:[^\s:]+\s?){1,3}):(?:\s|$)")  # "Beställare:", "Er referens:"
SUBJECT_LABELS = ("Ämne", "Angående", "Rubrik", "Ärendet avser", "Ärende", "Avser")
# "Mats Öhlin, exploateringsingenjör": a person and a role, under a label or at the foot.
PERSON_WITH_ROLE = re.compile(
    r"^[A-ZÅÄÖ][\w-]+ (?:[A-ZÅÄÖ][\w-]+ ){0,2}?[A-ZÅÄÖ][\w-]+, [a-zåäö]")
ADDRESSEE = re.compile(r"^(?:motion\s+|interpellation\s+|fråga\s+)?till\b", re.IGNORECASE)
# An office or unit: "Socialförvaltningen", "Teknisk förvaltning, gata och park", "Ekonomi- och
# planeringsenheten", "Kultur-, idrotts- och fritidsnämnden", "Avdelningen för ...",
# "Sektor samhällsbyggnad", a party's "Kommunfullmäktigegruppen".
ORGANISATION_WORD = re.compile(
    r"^(?:[A-ZÅÄÖ]\w+\s+)?(?:\w+-,?\s+(?:och\s+)?)*\w*(?:förvaltning(?:en)?|kontoret|enheten|"
    r"avdelningen|sektionen|kansliet|staben|sekretariatet|nämnden|styrelsen|utskottet|"
    r"fullmäktige|fullmäktigegruppen)\b|"
    r"^(?:avdelningen|enheten|sektionen|avdelning|enhet|sektorn?|verksamhetsområde)\b",
    re.IGNORECASE)
# A motion's authors: "Liberalerna i Sollentuna", "Vänsterpartiet Piteå".
PARTY = re.compile(r"^(?:Socialdemokraterna|Moderaterna|Sverigedemokraterna|Centerpartiet|"
                   r"Vänsterpartiet|Liberalerna|Kristdemokraterna|Miljöpartiet)\b")
MOTION_TITLE = re.compile(r"^(?:Motion|Interpellation)(?:\s*:|\s+(?:om|angående|gällande|för)\b|"
                          r"\s+[–-])", re.IGNORECASE)
# A registry stamp or table drawn with rules: "| NORRTÄLJE KOMMUN |", "+-----+".
RULED = re.compile(r"\||^\+?-{3,}")
# Words a phrase does not end with (besides any little word in lower case: "i", "av",
# "för", "of"): a line ending in one runs on to the next.
UNFINISHED = frozenset("mellan enligt samt inom under över från kring avseende angående gällande "
                       "eller efter utan genom".split())
MAX_NAME_TAIL_WORDS = 3  # "Till socialnämnden i" / "Huddinge kommun": a name runs on a line
LETTERHEAD_UNIT_WORDS = 4  # a line this short in the letterhead's block names a unit or service


def find_title(text: str, doc_type: str) -> tuple[str, str] | None:
    """(the title, the line(s) it was read from), or None."""
    if doc_type == "kallelse":
        found = _genre_heading(text, KALLELSE_HEADINGS)
        if found:
            return found
    if doc_type == "protokoll":
        found = (_genre_heading(text, PROTOKOLL_HEADINGS) if is_full_protokoll(text)
                 else utdrag_title(text))
        if found:
            return found
    if doc_type == "motion":
        found = motion_title(text)
        if found:
            return found
    return subject_title(text) or header_title(text)


def motion_title(text: str) -> tuple[str, str] | None:
    """A motion's line "Motion om ...", "Motion: ...", and the lines it runs on over."""
    header = layout.header_lines(text)
    for i, line in enumerate(header):
        if MOTION_TITLE.match(line):
            return _tidy(" ".join([line] + _continuation(header, i, lowercase_only=False))), line
    return None


def subject_title(text: str) -> tuple[str, str] | None:
    for _, value, line in layout.labelled_values(layout.header_lines(text), SUBJECT_LABELS):
        if len(value.split()) >= 2:
            return _tidy(value), line
    return None


def header_title(text: str) -> tuple[str, str] | None:
    """The first header line that may be the title, the letterhead's short lines passed
    over (they name a unit or a service) unless nothing else will do."""
    header = layout.header_lines(text)
    return _header_title(header, skip=_letterhead(header)) or _header_title(header, skip=set())


def _header_title(header: list[str], skip: set[int]) -> tuple[str, str] | None:
    in_addressee = False  # an addressee runs on: "Till dig som bor eller har" / "verksamhet på ..."
    for i, line in enumerate(header):
        if not line:
            in_addressee = False
            continue
        in_addressee = in_addressee and _runs_on(header[i - 1], line)
        if in_addressee or i in skip or RULED.search(line):
            continue
        if ADDRESSEE.match(line):
            in_addressee = True
            continue
        if _is_genre_heading(line) and not COMPOUND_GENRE.match(line.strip()):
            continuation = _continuation(header, i, lowercase_only=True)
            if continuation:
                return _tidy(" ".join([_sentence_case(line)] + continuation)), line
            continue
        if not _could_be_title(line, header, i) or _restated_below(header, i):
            continue
        lowercase_only = bool(COMPOUND_GENRE.match(line.strip()))
        title = " ".join([_sentence_case(line)] + _continuation(header, i, lowercase_only))
        return _tidy(title), line
    return None


def _letterhead(header: list[str]) -> set[int]:
    """The lines of the letterhead's block: its first line names the municipality, the
    office or the authors, and the short lines under it the unit or service
    ("Sektor omsorg och socialtjänst" / "Alkohol- och tobakshandläggning", "Lediga jobb")."""
    first = next((i for i, line in enumerate(header) if line), None)
    if first is None or not _is_organisation(layout.cells(header[first])[0]):
        return set()
    found = {first}
    for i in range(first + 1, len(header)):
        line = header[i]
        cell = layout.cells(line)[0] if line else ""
        if not cell or not (_is_organisation(cell) or _is_unit_line(cell)):
            break
        found.add(i)
    return found


def _is_unit_line(cell: str) -> bool:
    return (len(cell.split()) <= LETTERHEAD_UNIT_WORDS and not any(ch.isdigit() for ch in cell)
            and not _is_genre_heading(cell)
            and not COMPOUND_GENRE.match(cell.split()[-1]) and not _is_label(cell)
            and not _is_date_line(cell))


def _restated_below(header: list[str], i: int) -> bool:
    """A heading the next line restates at more length: "NYTTJANDERÄTTSAVTAL" over
    "Nyttjanderättsavtal för ridanläggningen på Kärna 3:17"."""
    below = next((line for line in header[i + 1:] if line), "")
    heading = layout.fold(header[i])
    return len(heading.split()) == 1 and layout.fold(below).startswith(heading + " ")


def utdrag_title(text: str) -> tuple[str, str] | None:
    """The matter under a protokollsutdrag's paragraph line."""
    all_lines = layout.lines(text)
    for i, line in enumerate(all_lines):
        match = PARAGRAPH_LINE.match(line)
        if not match:
            continue
        rest = line[match.end():].strip()
        following = [rest] if rest and not _is_label(rest) else []
        start = i + 1
        if not following:
            for j in range(i + 1, min(i + 6, len(all_lines))):
                if all_lines[j] and not _is_label(all_lines[j]):
                    following, start = [all_lines[j]], j + 1
                    break
        if not following:
            return None
        for more in all_lines[start:start + MAX_TITLE_LINES - 1]:
            if not more or _is_label(more) or _is_next_heading(more):
                break
            following.append(more)
        return _tidy(" ".join(following)), line
    return None


def _genre_heading(text: str, headings: tuple[str, ...]) -> tuple[str, str] | None:
    """The first header line (or column, or capitalised tail of an OCR-merged line:
    "LULEÅ KOMMUN PROTOKOLL") that is one of the headings."""
    for line in layout.top_lines(text, 12):
        for cell in header_cells(line):
            heading = next((h for h in headings if layout.is_heading(cell, (h,))), None)
            if heading:
                return heading, line  # as the genre writes it: OCR's "KUNGORELSE" is "Kungörelse"
    return None


# ---- what a title line is not ------------------------------------------------------------------

def _could_be_title(line: str, header: list[str], i: int) -> bool:
    words = line.split()
    if len(words) < 2 and not COMPOUND_GENRE.match(line.strip()):
        return False
    if (_is_label(line) or _is_organisation(line) or ADDRESSEE.match(line) or _is_date_line(line)
            or layout.is_address_line(line) or _value_of_bare_label(header, i)
            or MASTHEAD.search(line) or _opens_adoption(header, i) or PERSON_WITH_ROLE.match(line)
            or is_signature(line, _next_line(header, i))):
        return False
    if sum(ch.isdigit() for ch in line) > len(line) / 3 or line.endswith(":"):
        return False
    return not _starts_address(header, i) and not _labels_follow(header, i)


def _opens_adoption(header: list[str], i: int) -> bool:
    """An adoption line, or its first half: "Antagen av kommunfullmäktige" over "20 juni 2022"."""
    line = header[i]
    return bool(ADOPTION.match(line) or ADOPTION.match(f"{line} {_next_line(header, i) or ''}"))


def _next_line(header: list[str], i: int) -> str | None:
    return next((line for line in header[i + 1:] if line), None)


def _labels_follow(header: list[str], i: int) -> bool:
    """Whether one of the header's column labels ("Dnr", "Datum", "Er ref.") comes next, at
    most a blank line between: the line is part of those columns (an addressee's wrapped
    "Götalands län" over "Er ref. ..."), not the title under them."""
    nxt = next((line for line in header[i + 1:i + 3] if line), None)
    return nxt is not None and layout.labelled_value(nxt, layout.HEADER_LABELS) is not None


def _starts_address(header: list[str], i: int) -> bool:
    """Whether the line is the name over an address: a post address follows within a
    few short lines (OCR may have put a blank line in between)."""
    following = [line for line in header[i + 1:i + 6] if line][:3]
    for line in following:
        if layout.is_address_line(line):
            return True
        if len(line.split()) > 5:
            return False
    return False


def _is_genre_heading(line: str) -> bool:
    return any(layout.is_heading(cell, GENRE_HEADINGS) for cell in layout.cells(line))


def _is_label(line: str) -> bool:
    label = LABEL.match(line)
    if label and not _is_genre_heading(label.group("label")):
        return True
    return bool(LABEL_WORDS.match(layout.fold_letters(line))) or bool(dnr_in_line(line))


def _is_organisation(line: str) -> bool:
    """A letterhead line: the municipality or region, a board, an office or unit."""
    line = line.strip()
    mentions = find_mentions(line)
    if mentions and mentions[0].start == 0 and mentions[0].official:
        return True
    if board_at_start(line) and len(line.split()) <= 8:
        return True
    if PARTY.match(line):
        return True
    # "Socialförvaltningen, enheten för ...", "Regional utveckling, avdelningen för näringsliv"
    return any(ORGANISATION_WORD.match(part.strip()) for part in line.split(","))


def _is_date_line(line: str) -> bool:
    dates = find_dates(line)
    return bool(dates) and len(line.split()) <= 6


def _value_of_bare_label(header: list[str], i: int) -> bool:
    """Whether the line is the value of a label standing alone just above ("Handläggare" /
    "Johan Nordström, utredare")."""
    above = next((header[j] for j in range(i - 1, -1, -1) if header[j]), None)
    return above is not None and (bool(LABEL_WORDS.fullmatch(layout.fold_letters(above.rstrip(": "))))
                                  or above.rstrip(": ").lower() == "till")


def _continuation(header: list[str], i: int, lowercase_only: bool) -> list[str]:
    """The lines a title runs on over: the rest of its block (for a genre heading only
    lines going on in lower case, also across one blank line)."""
    out = []
    j = i + 1
    if lowercase_only and j < len(header) and not header[j]:
        j += 1  # "SAMVERKANSAVTAL", a blank line, "mellan Umeå kommun och ..."
    while j < len(header) and header[j] and len(out) < MAX_TITLE_LINES - 1:
        nxt = header[j]
        if lowercase_only and not nxt[:1].islower():
            break
        if not _runs_on(header[j - 1] or header[i], nxt) or nxt.endswith(("!", "?")):
            break  # the next thing on the page, or a greeting ("Hej!")
        if _opens_with_genre_phrase(nxt) or _is_next_heading(nxt):
            break  # "Beslut fattat på delegation från ...", "1 Bakgrund", "Socialnämndens beslut"
        if layout.is_heading(nxt, DOCUMENT_STAGES) or _is_genre_heading(nxt) or RULED.search(nxt):
            break
        if (_is_label(nxt) or _is_organisation(nxt) or _is_date_line(nxt)
                or layout.is_address_line(nxt)):
            break
        if (header[j - 1] if header[j - 1] else "").endswith((".", ":")):
            break
        out.append(nxt)
        j += 1
    return out


def _is_next_heading(line: str) -> bool:
    """What follows a title when OCR lost the blank line between: a numbered or body
    heading ("1 Bakgrund och uppdrag"), a decision's heading ("Kommunstyrelsens beslut"),
    the board a report goes to ("Rapport till kommunstyrelsen")."""
    if line[:1].islower():
        return False
    if layout.NUMBERING.match(line):
        return layout.strip_numbering(line)[:1].isupper()
    return (layout.is_heading(line, layout.BODY_HEADINGS) or bool(DECISION_HEADING.match(line))
            or bool(board_at_start(board_named_in(line))) and len(line.split()) <= 6)


def _opens_with_genre_phrase(line: str) -> bool:
    """ "Beslut fattat på delegation från tekniska nämnden": a genre's fixed heading, run on."""
    folded = layout.fold(line)
    return any(folded.startswith(layout.fold(h) + " ") for h in GENRE_HEADINGS if " " in h)


def _runs_on(line: str, nxt: str) -> bool:
    """Whether the next line carries on the line's phrase, as a wrapped title or addressee
    does: it opens in lower case, the line breaks off after a comma, a dash or a little
    word no phrase ends with ("... för", "... i", "... of"), or it is a short name
    ("... på fastigheten" / "Ekbacken 1:4"). A longer line opening in capitals after a
    finished phrase is the next thing on the page (OCR lost the blank line between):
    "Mellan Kungälvs kommun, org.nr 212000-1421, nedan kallad ..."."""
    if nxt[:1].islower() or not nxt[:1].isalpha():
        return True
    last = line.split()[-1] if line.split() else ""
    unfinished = last.lower() in UNFINISHED or (last.islower() and len(last) <= 3)
    return (unfinished or last.endswith((",", "–", "-"))
            or len(nxt.split()) <= MAX_NAME_TAIL_WORDS)


def _sentence_case(line: str) -> str:
    """ "SAMVERKANSAVTAL" -> "Samverkansavtal"; other lines as written (capitals and all:
    lower-casing "ÄLMHULTS" would lose that it is a name)."""
    line = " ".join(layout.cells(line)) or line.strip()
    return line.capitalize() if line.isupper() and len(line.split()) == 1 else line


def _tidy(title: str) -> str:
    return " ".join(title.split())[:MAX_TITLE_CHARS]
