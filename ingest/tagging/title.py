"""A document's title, as a clerk would write it on the cover.

- In most genres the title is the first line of the header block that names
  the matter: not the letterhead (municipality, board, office), not a label
  ("Datum:", "Dnr", "Handläggare"), a date, an addressee ("Till ...") or an
  address block, and not the bare genre heading ("TJÄNSTEUTLÅTANDE", "AVTAL").
  It runs on over the lines of its block. A genre heading that is more than the
  genre's name ("MARKANVISNINGSAVTAL") is the title, and so is one whose
  sentence goes on below it ("Överenskommelse / om idéburet offentligt
  partnerskap ...").
- An e-mail's title is its subject ("Ämne:").
- A kallelse is titled by its heading ("Kallelse med föredragningslista",
  "Dagordning"); a whole protokoll by its heading ("Protokoll"); a
  protokollsutdrag by the matter under its paragraph ("§ 145 / Medfinansiering
  av ...").

Cautious by design: no title is better than the letterhead or a date as one.
"""

import re

from . import layout
from .adoption import ADOPTION
from .board import board_at_start
from .dates import find_dates
from .dnr import dnr_in_line
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
    "Beslut fattat på delegation", "Kungörelse", "Kungörelse och kallelse",
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
    r"paragrafer|organ|plats|tid|sokande|fastighet|org\.? ?nr|upprattad|forfattare|utredare)\b")
# A publication's masthead names its kind among other words: "Näringsliv i Nacka – nyhetsbrev".
MASTHEAD = re.compile(r"\b(?:nyhetsbrev|pressmeddelande|informationsblad|medlemsblad)\b",
                      re.IGNORECASE)
LABEL = re.compile(r"^(?P<label>(?:[^\s:]+\s?){1,3}):(?:\s|$)")  # "Beställare:", "Er referens:"
SUBJECT_LABELS = ("Ämne", "Angående", "Rubrik", "Ärendet avser", "Ärende", "Avser")
# "Mats Öhlin, exploateringsingenjör": a person and a role, under a label or at the foot.
PERSON_WITH_ROLE = re.compile(
    r"^[A-ZÅÄÖ][\w-]+ (?:[A-ZÅÄÖ][\w-]+ ){0,2}?[A-ZÅÄÖ][\w-]+, [a-zåäö]")
ADDRESSEE = re.compile(r"^(?:motion\s+|interpellation\s+|fråga\s+)?till\b", re.IGNORECASE)
# An office or unit: "Socialförvaltningen", "Tekniska förvaltningen", "Ekonomi- och
# planeringsenheten", "Kultur-, idrotts- och fritidsnämnden", "Avdelningen för ...".
ORGANISATION_WORD = re.compile(
    r"^(?:[A-ZÅÄÖ]\w+a\s+)?(?:\w+-,?\s+(?:och\s+)?)*\w*(?:förvaltning(?:en)?|kontoret|enheten|"
    r"avdelningen|sektionen|kansliet|staben|sekretariatet|nämnden|styrelsen|utskottet|"
    r"fullmäktige)\b|^(?:avdelningen|enheten|sektionen|avdelning|enhet)\b",
    re.IGNORECASE)


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
    return subject_title(text) or header_title(text)


def subject_title(text: str) -> tuple[str, str] | None:
    for _, value, line in layout.labelled_values(layout.header_lines(text), SUBJECT_LABELS):
        if len(value.split()) >= 2:
            return _tidy(value), line
    return None


def header_title(text: str) -> tuple[str, str] | None:
    header = layout.header_lines(text)
    for i, line in enumerate(header):
        if not line:
            continue
        if _is_genre_heading(line) and not COMPOUND_GENRE.match(line.strip()):
            continuation = _continuation(header, i, lowercase_only=True)
            if continuation:
                return _tidy(" ".join([_sentence_case(line)] + continuation)), line
            continue
        if not _could_be_title(line, header, i):
            continue
        lowercase_only = bool(COMPOUND_GENRE.match(line.strip()))
        title = " ".join([_sentence_case(line)] + _continuation(header, i, lowercase_only))
        return _tidy(title), line
    return None


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
            if not more or _is_label(more) or layout.is_heading(more, ("Beslut",)):
                break
            following.append(more)
        return _tidy(" ".join(following)), line
    return None


def _genre_heading(text: str, headings: tuple[str, ...]) -> tuple[str, str] | None:
    """The first header line (or column, or capitalised tail of an OCR-merged line:
    "LULEÅ KOMMUN PROTOKOLL") that is one of the headings."""
    for line in layout.top_lines(text, 12):
        for cell in header_cells(line):
            if layout.is_heading(cell, headings):
                return _sentence_case(layout.strip_numbering(cell)), line
    return None


# ---- what a title line is not ------------------------------------------------------------------

def _could_be_title(line: str, header: list[str], i: int) -> bool:
    words = line.split()
    if len(words) < 2 and not COMPOUND_GENRE.match(line.strip()):
        return False
    if (_is_label(line) or _is_organisation(line) or ADDRESSEE.match(line) or _is_date_line(line)
            or layout.is_address_line(line) or _value_of_bare_label(header, i)
            or MASTHEAD.search(line) or ADOPTION.match(line) or PERSON_WITH_ROLE.match(line)):
        return False
    if sum(ch.isdigit() for ch in line) > len(line) / 3 or line.endswith(":"):
        return False
    return not _starts_address(header, i)


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
        if layout.is_heading(nxt, DOCUMENT_STAGES):
            break
        if (_is_label(nxt) or _is_organisation(nxt) or _is_date_line(nxt)
                or layout.is_address_line(nxt)):
            break
        if (header[j - 1] if header[j - 1] else "").endswith((".", ":")):
            break
        out.append(nxt)
        j += 1
    return out


def _sentence_case(line: str) -> str:
    """ "SAMVERKANSAVTAL" -> "Samverkansavtal"; other lines as written (capitals and all:
    lower-casing "ÄLMHULTS" would lose that it is a name)."""
    line = " ".join(layout.cells(line)) or line.strip()
    return line.capitalize() if line.isupper() and len(line.split()) == 1 else line


def _tidy(title: str) -> str:
    return " ".join(title.split())[:MAX_TITLE_CHARS]
