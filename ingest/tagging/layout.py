"""How a board document is laid out on the page, as far as plain text shows it.

A Swedish board document opens with a header block: the letterhead (the
municipality, the board or office), the genre heading ("TJÄNSTEUTLÅTANDE"),
labelled lines ("Datum: 2021-03-09", "Dnr SN 2021/123", "Handläggare: ...") and
the title; the body follows, in sections under short headings ("Förslag till
beslut", "Sammanfattning"). The helpers here find those parts in text that may
be clean, or OCR'd with its columns merged, its letters in capitals and a
letter or two wrong.
"""

import re
import unicodedata
from functools import lru_cache

HEADER_MAX_LINES = 30  # the header block never runs longer than this
LABEL_WINDOW = 45  # labelled header lines ("Sammanträdesdatum", "Tid:") are looked for this far
COLUMN_GAP = re.compile(r"\t+| {3,}|\s*(?<!\S)\|(?!\S)\s*")  # or a table's rule: "| Datum | 2023-05-09 |"
# Outline numbers before a heading: "1.", "1.2", "4", "§ 1", "a)".
NUMBERING = re.compile(r"^(?:§\s*\d+\s+|\d+(?:\.\d+)*\.?\s+|[a-z]\)\s+)")
POSTCODE_LINE = re.compile(r"^(?:Box \d+,?\s*)?\d{3} ?\d{2}\s+\w")
EMAIL = re.compile(r"\S+@\S+\.\w+")
PHONE_LABEL = re.compile(r"^(?:telefon|tfn|tel|mobil|e-post|epost|fax|webb|www)\b", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.;!?]$")


# ---- pages and lines -------------------------------------------------------------------

def pages(text: str) -> list[str]:
    return text.split("\f")


def first_page(text: str) -> str:
    """The first page that has any text (scans sometimes start with a blank one)."""
    for page in pages(text):
        if page.strip():
            return page
    return ""


def last_page(text: str) -> str:
    for page in reversed(pages(text)):
        if page.strip():
            return page
    return ""


def lines(text: str) -> list[str]:
    """The text's lines, stripped, blank ones kept (they separate blocks)."""
    return [line.strip() for line in text.replace("\f", "\n").splitlines()]


def nonblank(text: str) -> list[str]:
    return [line for line in lines(text) if line]


def cells(line: str) -> list[str]:
    """A line cut where wide gaps show merged columns:
    "Sundsvalls kommun      PROTOKOLLSUTDRAG" -> ["Sundsvalls kommun", "PROTOKOLLSUTDRAG"];
    and, where OCR closed the gap, before a header label inside it:
    "Socialförvaltningen Datum: 2022-10-03" -> ["Socialförvaltningen", "Datum: 2022-10-03"]."""
    parts = [cell.strip() for cell in COLUMN_GAP.split(line.strip()) if cell.strip()]
    if not parts:  # nothing but a table's rule ("|"): the line itself
        return [line.strip()] if line.strip() else []
    return [piece for cell in parts for piece in split_at_inner_labels(cell)]


# Labels that open a column of the header. OCR often runs the columns of a header
# together with a single space; such a label inside a line then starts a new cell.
HEADER_LABELS = (
    "Datum", "Beslutsdatum", "Sammanträdesdatum", "Utskicksdatum", "Dnr", "Diarienummer",
    "Diarienr", "Ärendenummer", "Ärendenr", "Vårt dnr", "Vår referens", "Er referens", "Er ref",
    "Ert dnr", "Ert diarienummer", "Er beteckning", "Ert ärendenummer", "Handläggare",
    "Kontaktperson", "Projektledare", "Utredare", "Telefon", "E-post", "Sida",
)


@lru_cache(maxsize=1)
def _inner_label_pattern() -> re.Pattern:
    alternatives = "|".join(sorted((re.escape(fold_letters(label)) for label in HEADER_LABELS),
                                   key=len, reverse=True))
    # After a space, the label; then a colon, a value with a digit in it ("Dnr KS2022.0188",
    # "Dnr KS 2022/0318"), or the end of the line (its value is below: "Kommunfullmäktige Diarienummer").
    return re.compile(rf"(?<=\s)(?:{alternatives})\.?(?=\s*:|\s+(?:[A-Za-zÅÄÖåäö]{{1,6}}\s+)?\S*\d|\s*$)")


def split_at_inner_labels(cell: str) -> list[str]:
    """ "Kommunstyrelsen Datum 2022-06-08" -> ["Kommunstyrelsen", "Datum 2022-06-08"]: a cut
    before each header label written with its capital inside the cell."""
    cuts = [match.start() for match in _inner_label_pattern().finditer(fold_letters(cell))
            if cell[match.start()].isupper()]
    bounds = [0, *cuts, len(cell)]
    return [cell[a:b].strip() for a, b in zip(bounds, bounds[1:]) if cell[a:b].strip()]


def capital_tail(line: str) -> str | None:
    """The words in capitals a mixed line ends with, as OCR runs columns together:
    "Sundsvalls kommun PROTOKOLLSUTDRAG" -> "PROTOKOLLSUTDRAG"; None if there are none."""
    words = line.split()
    tail = []
    while words and words[-1].isupper() and len(words[-1]) > 3:
        tail.insert(0, words.pop())
    return " ".join(tail) if tail and words else None


# A page number the letterhead ends with: "Sida 4 (11)", "Sida 1 av 3", "1 (3)", or the bare
# word "Sida" when OCR left its number on the next line.
PAGE_MARK = re.compile(
    r"\s+(?:Sida(?:\s+\d+\s*(?:\(\s*\d+\s*\)|av\s+\d+))?|\d+\s*\(\s*\d+\s*\))\s*$", re.IGNORECASE)


def without_page_mark(line: str) -> str:
    """ "VIMMERBY KOMMUN SAMMANTRÄDESPROTOKOLL Sida" -> "VIMMERBY KOMMUN SAMMANTRÄDESPROTOKOLL"."""
    return PAGE_MARK.sub("", line)


def blocks(text: str) -> list[list[str]]:
    """Runs of non-blank lines between blank lines."""
    out, current = [], []
    for line in lines(text):
        if line:
            current.append(line)
        elif current:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


# ---- comparing words the way OCR leaves them -------------------------------------------------

@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, without diacritics, white space collapsed:
    "SAMMANTRÄDESDATUM" -> "sammantradesdatum"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFD", ch)
    base = decomposed[0] if all(unicodedata.combining(c) for c in decomposed[1:]) else ch
    lower = base.lower()
    return lower if len(lower) == 1 else base


def fold_letters(text: str) -> str:
    """Like fold, but letter for letter: the result has the text's length, so that
    a match in the folded text points into the original."""
    return "".join(_fold_char(ch) for ch in text)


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or limit + 1 as soon as it must exceed limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def tolerance(phrase: str) -> int:
    """How many letters OCR may have got wrong in a phrase of this length and still match it."""
    return 0 if len(phrase) < 7 else 1 if len(phrase) < 14 else 2


def same_phrase(text: str, phrase: str) -> bool:
    """Whether text is the phrase, ignoring case, diacritics and a letter or two of OCR damage."""
    a, b = fold(text), fold(phrase)
    if a == b:
        return True
    allowed = tolerance(b)
    return allowed > 0 and abs(len(a) - len(b)) <= allowed and edit_distance(a, b, allowed) <= allowed


def strip_numbering(line: str) -> str:
    """ "1.2 Bakgrund" -> "Bakgrund"; "§ 1 Parter" -> "Parter"; "4 AVTALSTID" -> "AVTALSTID"."""
    return NUMBERING.sub("", line.strip()).strip(" :.")


def is_heading(line: str, headings) -> bool:
    """Whether the line, outline number and trailing colon aside, is one of the headings."""
    bare = strip_numbering(line)
    return bool(bare) and len(bare) < 80 and any(same_phrase(bare, h) for h in headings)


# ---- the header block -------------------------------------------------------------------------

TWO_SENTENCES = re.compile(r"[a-zåäö]{2}[.!?] +[A-ZÅÄÖ]")
LABEL_LINE = re.compile(r"^[^:]{1,30}:\s")


def is_prose(line: str) -> bool:
    """A line of running text: a sentence of some length, not a heading, label or title."""
    if LABEL_LINE.match(line):
        return False
    words = line.split()
    if len(words) >= 7 and TWO_SENTENCES.search(line):
        return True
    # A title or heading may be long, but does not end like a sentence.
    return len(words) >= 7 and bool(SENTENCE_END.search(line)) and not re.search(r"\d\.$", line)


# Headings that open the body: the header block ends before them.
BODY_HEADINGS = (
    "Förslag till beslut", "Förvaltningens förslag till beslut", "Ordförandens förslag",
    "Sammanfattning", "Bakgrund", "Ärendet", "Beskrivning av ärendet", "Ärendebeskrivning",
    "Beslut", "Syfte", "Inledning", "Parter", "Avtalsparter", "Ansökan", "Plats och tid",
    "Beslutande", "Uppdraget", "Sammanfattning av ärendet",
    "Utredningsuppdrag",
)
# A protokoll's paragraph heading: "§ 145", "§ 9 Budget", with the board's letters in front
# ("RS § 214", "KS § 12"); not a citation wrapped onto its own line ("§ 176.").
PARAGRAPH_LINE = re.compile(r"^(?:[A-ZÅÄÖ]{1,5}\s+)?§\s*(?P<number>\d{1,4})\b(?!\s*[.,;]\s*$)")


def header_lines(text: str) -> list[str]:
    """The first page's header block, blank lines kept: everything above the
    first line of running text or the first body heading, at most HEADER_MAX_LINES lines."""
    out = []
    first = lines(first_page(text))[:HEADER_MAX_LINES]
    for i, line in enumerate(first):
        if line and (is_prose(line) or _opens_body(line, first[i + 1:])
                     or PARAGRAPH_LINE.match(line)):
            break
        out.append(line)
    return out


def _opens_body(line: str, below: list[str]) -> bool:
    """A body heading ("Beslut", "Bakgrund"), unless header labels follow it: then it is
    the cover's genre heading ("BESLUT" over "Datum: ...", "Dnr ...")."""
    if not is_heading(line, BODY_HEADINGS):
        return False
    following = next((x for x in below if x), "")
    return labelled_value(cells(following)[0] if following else "", HEADER_LABELS) is None


def top_lines(text: str, count: int = LABEL_WINDOW) -> list[str]:
    """The first page's first ``count`` non-blank lines, where labelled lines are looked for."""
    return nonblank(first_page(text))[:count]


# ---- labelled lines ------------------------------------------------------------------------------

@lru_cache(maxsize=256)
def _label_pattern(labels: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(sorted((re.escape(fold_letters(label)) for label in labels),
                                   key=len, reverse=True))
    # The label (perhaps abbreviated: "Er ref."), then a colon, a gap or a space, then the value.
    return re.compile(rf"^(?:{alternatives})\.?(?:\s*:\s*|\s+|$)(?P<value>.*)$", re.DOTALL)


def labelled_value(line: str, labels: tuple[str, ...]) -> str | None:
    """The value of a labelled line: "Datum: 2021-03-09" -> "2021-03-09" for the label
    "Datum" (case and diacritics aside: "DATUM", "Arendenummer"). An empty string when
    the label stands alone (its value is on the next line)."""
    line = line.strip()
    match = _label_pattern(labels).match(fold_letters(line))
    return line[match.start("value"):].strip() if match else None


def labelled_values(lines_: list[str], labels: tuple[str, ...]):
    """(line index, value, the line) of each line carrying one of the labels; a label alone in
    its column takes the next column of its line as its value, else the next non-blank line.
    A row of labels alone ("Handläggare   Datum   Diarienummer") is a table's head: each
    label's value is in its column of the next line."""
    from .label_table import table_values

    for i, line in enumerate(lines_):
        parts = cells(line) or [line]
        table_row = _table_values(lines_, i, parts)
        table = table_values(lines_, i) if table_row is None else None
        if table:  # a table whose columns ran together: "Datum Diarienummer" / "16 maj 2022 TFN/2022:87"
            for label, value in table:
                if labelled_value(label, labels) == "":
                    yield i, value, line
            continue
        for j, cell in enumerate(parts):
            value = labelled_value(cell, labels)
            if value is None:
                continue
            if not value:
                if table_row is not None:
                    value = table_row[j]
                else:
                    value = _value_beside(parts, j) or _value_below(lines_, i, j, len(parts))
                if value is None:
                    continue
            yield i, value, line


def _table_values(lines_: list[str], i: int, parts: list[str]) -> list[str | None] | None:
    """The values under a row of bare header labels, column by column; None if the
    line is not such a row or the next line does not have as many columns."""
    if len(parts) < 2 or any(labelled_value(cell, HEADER_LABELS) != "" for cell in parts):
        return None
    following = next((x for x in lines_[i + 1:i + 3] if x), None)
    if following is None:
        return None
    below = cells(following)
    return below if len(below) == len(parts) else None


def _value_beside(parts: list[str], j: int) -> str | None:
    """The next column of the label's line: "Tid:      Tisdagen den 7 mars 2023"."""
    return parts[j + 1] if j + 1 < len(parts) else None


def _value_below(lines_: list[str], i: int, column: int = 0, columns: int = 1) -> str | None:
    """The value under a label alone at the end of its line. When the line below has
    fewer columns, they stand under the label line's last ones ("MISSIV  Datum  Diarienummer"
    over "2022-05-17  RJL 2022/1187")."""
    following = next((x for x in lines_[i + 1:i + 3] if x), None)
    if following is None:
        return None
    below = cells(following)
    if not below:
        return following
    shift = columns - len(below)
    if 0 < shift <= column:
        return below[column - shift]
    return below[column] if len(below) == columns else below[0]


STREET_LINE = re.compile(
    r"^[A-ZÅÄÖ][\w.-]*(?:vägen|gatan|gränd|torget|torg|allé|allén|plan|backe|stigen|leden|"
    r"platsen|väg|gata)\s+\d+\s*[A-Za-z]?$|^(?:Box\s+\d+|Att:|Attn:|c/o\b)", re.IGNORECASE)


def is_address_line(line: str) -> bool:
    """A postal address (post code, street, box, "Att:"), e-mail address or telephone line."""
    return bool(POSTCODE_LINE.match(line) or EMAIL.search(line) or PHONE_LABEL.match(line)
                or STREET_LINE.match(line.strip()))
