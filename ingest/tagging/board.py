"""Which board a document belongs to: the nämnd, styrelse, utskott or fullmäktige
whose matter it is, by its canonical name in the gazetteer (namnder.txt).

Where each genre names its board:
- tjänsteutlåtande, utredning, yttrande, delegationsbeslut: a line of the header
  block, alone ("Socialnämnden"), after "Till" or a label ("Beställare:
  Utbildningsnämnden", "Beslutsinstans: Socialnämnden"), as what a report is
  addressed to ("Rapport till kommunstyrelsen"), or before the municipality
  ("Socialnämnden i Lidingö stad"); a tjänsteutlåtande that does not, names it
  in its Förslag till beslut ("I kommunstyrelsen:", "Socialnämnden beslutar
  ..."), a delegationsbeslut in its delegation ("enligt socialnämndens
  delegationsordning"), a yttrande in who decided it ("har beslutats av
  miljönämnden");
- protokoll and kallelse: the meeting organ in the header, or the heading of
  its decisions ("Kommunstyrelsens arbetsutskotts beslut");
- policy: the board that adopted it ("Antagen av kommunfullmäktige ...");
- motion and interpellation: the fullmäktige they are addressed to;
- avtal and documents of no known type: none (an avtal binds the municipality,
  not one board; a press release or an e-mail is no board's paper).
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from .. import gazetteer
from . import layout
from .adoption import find_adoption
from ..document import UNKNOWN_TYPE

# Labels whose value is the board: "Till: Socialnämnden", "Beställare: Utbildningsnämnden".
BOARD_LABELS = ("Till", "Beställare", "Uppdragsgivare", "Organ", "Nämnd", "Mottagare",
                "Beslutsinstans", "Beslutande organ", "Ansvarig nämnd")
# A report or proposal addressed in its header: "Rapport till kommunstyrelsen".
ADDRESSED_TO = re.compile(r"^[\w-]+(?: [\w-]+)? till (?P<board>.+)$", re.IGNORECASE)
# "Miljö- och stadsbyggnadsnämnden" is not "Stadsbyggnadsnämnden": a match right after
# "xxx- och" or "xxx-," is the tail of a longer name.
TAIL_OF_LONGER_NAME = re.compile(r"\w-,?\s+(?:och|samt)\s+$|\w-,\s+$")
DECISION_HEADING = re.compile(r"^\s*(?P<board>.+?)s? beslut\s*$", re.IGNORECASE)
PROPOSAL_HEADINGS = ("Förslag till beslut", "Förvaltningens förslag till beslut",
                     "Ordförandens förslag", "Förslag till nämnden")
FULLMAKTIGE = ("Kommunfullmäktige", "Regionfullmäktige")
AUTHORS = ("Revisorerna",)  # who may write a report, but not the board it is for
# Regions name boards by their field, and no list has them all: "Nämnd för folkhälsa och
# sjukvård", "Nämnden för funktionsstöd", "Utskottet för regional utveckling".
NAMED_FOR = re.compile(r"(?:Gemensamma nämnden|Nämnd|Nämnden|Utskottet|Beredningen|Styrelsen|"
                       r"[A-ZÅÄÖ][a-zåäö]+beredningen) för [a-zåäö-]+(?:,? (?:och )?[a-zåäö-]+){0,4}$"
                       # a gemensam nämnd of named places: "Gemensamma överförmyndarnämnden för Mora,
                       # Orsa och Älvdalen"
                       r"|Gemensamma [a-zåäö]*nämnden för [A-ZÅÄÖ][\w-]+(?:,? (?:och )?[A-ZÅÄÖ][\w-]+){0,5}$"
                       # a board named for what it runs: "Nämnden Hallands sjukhus"
                       r"|Nämnden [A-ZÅÄÖ][a-zåäö]+(?: [a-zåäö]+){0,2}$"
                       # and boards named by their fields: "Miljö- och hälsoskyddsnämnden",
                       # "Kollektivtrafiknämnden"
                       r"|[A-ZÅÄÖ][a-zåäö]+-,? (?:[a-zåäö]+-,? )*(?:och|samt) [a-zåäö]+(?:nämnden|styrelsen)$"
                       r"|[A-ZÅÄÖ][a-zåäö]{3,}(?:nämnden|styrelsen|beredningen|utskottet)$"
                       # a gemensam nämnd, named for its area: "Bergslagens miljö- och byggnämnd"
                       r"|[A-ZÅÄÖ][a-zåäö]+s (?:[a-zåäö]+- (?:och|samt) )?[a-zåäö]+nämnd$"
                       # "Regionala utvecklingsnämnden", "Kommunstyrelsens allmänna utskott"
                       r"|[A-ZÅÄÖ][a-zåäö]+a [a-zåäö]+nämnden$"
                       r"|[A-ZÅÄÖ][a-zåäö]+s (?:[a-zåäö]+ )?(?:utskott|arbetsutskott|beredning)$")
# OCR ran the letterhead's columns together: "Täby kommun Kommunstyrelsen".
# Or a logotype's second line ran into the board's: "SALA" over "KOMMUN BILDNINGS- OCH ...".
MUNICIPALITY_FIRST = re.compile(r"^(?:(?:Region\s+)?[A-ZÅÄÖ][\w-]+(?:\s+[\w-]+)?\s+)?(?i:kommun|stad)\s+"
                                r"(?=[A-ZÅÄÖ])")
# Who commissioned an utredning: "Kommunstyrelsen beslutade den 2 mars 2021, § 41, att",
# "Barn- och utbildningsnämnden gav förvaltningen i uppdrag", "på uppdrag av kommunstyrelsen".
COMMISSIONING_VERB = re.compile(r"\s+(?:beslutade|gav|har gett|har gett|uppdrog)\b", re.IGNORECASE)
COMMISSIONED_BY = re.compile(r"\bpå uppdrag (?:av|från)\s+$", re.IGNORECASE)
COMMISSION_WINDOW = 2500  # the body's opening, where the background says who asked


@dataclass(frozen=True)
class BoardMention:
    board: str  # canonical name
    start: int
    end: int
    genitive: bool  # "Socialnämndens"


@dataclass(frozen=True)
class FoundBoard:
    name: str
    cue: str


@lru_cache(maxsize=1)
def _forms() -> dict[str, tuple[str, bool]]:
    """Folded form -> (canonical name, whether the form is the genitive)."""
    forms = {}
    for board in gazetteer.boards():
        forms[layout.fold_letters(board.name)] = (board.name, False)
        words = board.name.split()
        genitive = " ".join(words[:-1] + [gazetteer.genitive(words[-1])])
        forms.setdefault(layout.fold_letters(genitive), (board.name, True))
    return forms


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    alternatives = "|".join(re.escape(form) for form in sorted(_forms(), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


# A nämnd no list names, by its shape: "miljö- och byggnämndens", "Utbildningsnämnden".
SHAPED_BOARD = re.compile(r"(?<![\w-])(?:(?:[a-z]+-,? )*[a-z]+-,? (?:och|samt) )?[a-z]{3,}namnd(?P<ending>en|ens)"
                          r"(?![\w-])")


def find_boards(text: str) -> list[BoardMention]:
    """Every board the text names, in order, case and diacritics aside: those of the
    gazetteer by their canonical names, other nämnder as written (in the nominative,
    with a capital)."""
    folded = layout.fold_letters(text)
    found = []
    for match in _pattern().finditer(folded):
        if TAIL_OF_LONGER_NAME.search(folded[max(0, match.start() - 40):match.start()]):
            continue
        name, genitive = _forms()[match.group()]
        found.append(BoardMention(name, match.start(), match.end(), genitive))
    taken = [(m.start, m.end) for m in found]
    for match in SHAPED_BOARD.finditer(folded):
        if any(start < match.end() and match.start() < end for start, end in taken):
            continue
        written = text[match.start():match.end()]
        genitive = match.group("ending") == "ens"
        name = written[:-1] if genitive else written
        found.append(BoardMention(name[0].upper() + name[1:], match.start(), match.end(), genitive))
    return sorted(found, key=lambda mention: mention.start)


def board_at_start(line: str) -> BoardMention | None:
    """The board a line opens with, in the nominative ("Socialnämnden i Lidingö stad")."""
    line = line.strip()
    mentions = find_boards(line)
    if mentions and mentions[0].start == 0 and not mentions[0].genitive:
        return mentions[0]
    return None


def board_like(line: str) -> str | None:
    """The board a short line is, give or take a letter or two of OCR damage
    ("i kKommunstyrelsen:" -> "Kommunstyrelsen"), or None."""
    core = re.sub(r"^(?:i|till)\s+|:$", "", line.strip(), flags=re.IGNORECASE).strip()
    if not core or len(core.split()) > 6:
        return None
    genitive = find_boards(core)
    if genitive and genitive[0].genitive and genitive[0].start == 0:  # "Kommunstyrelsens": no damage
        return None
    close = {board.name for board in gazetteer.boards() if layout.same_phrase(core, board.name)}
    return close.pop() if len(close) == 1 else None


# ---- the document's board ------------------------------------------------------------------

def find_board(text: str, doc_type: str) -> FoundBoard | None:
    if doc_type in (UNKNOWN_TYPE, "avtal"):
        return None
    if doc_type == "motion":
        return addressed_fullmaktige(text)
    rules = [header_board, decision_heading_board]
    if doc_type == "policy":
        rules = [adopting_board] + rules
    if doc_type == "tjansteutlatande":
        rules = rules + [proposal_board]
    if doc_type == "delegationsbeslut":
        rules = rules + [delegating_board]
    if doc_type == "yttrande":
        rules = rules + [deciding_board, signing_board]
    if doc_type == "utredning":
        # A report is the board's it is sent to ("Till: Regionstyrelsen"), also when its
        # letterhead is its authors' (the revisorer, a consultant).
        rules = [addressed_board] + rules + [commissioning_board]
    if doc_type == "kallelse":
        rules = rules + [meeting_board]
    for rule in rules:
        found = rule(text)
        if found:
            return found
    return None


def header_board(text: str) -> FoundBoard | None:
    """A header line that opens with a board, or a board label's value."""
    header = layout.header_lines(text)
    for i, line in enumerate(header):
        for cell in layout.cells(line) or [line]:
            if cell[:1].islower():  # a sentence that runs on, not a header's cell
                continue
            cell = MUNICIPALITY_FIRST.sub("", _with_wrapped_rest(cell, header[i + 1:]))
            named = named_for(cell) or named_for(board_named_in(cell))
            if named:
                return FoundBoard(named, line)
            candidate = board_named_in(cell)
            mention = board_at_start(candidate)
            if mention and not layout.is_prose(candidate):
                return FoundBoard(mention.board, line)
            close = board_like(candidate)
            if close:
                return FoundBoard(close, line)
    # A label may follow the title: "Uppdragsgivare: Kommunstyrelsen".
    for _, value, line in layout.labelled_values(layout.top_lines(text, 25), BOARD_LABELS[1:]):
        mention = board_at_start(value)
        if mention:
            return FoundBoard(mention.board, line)
    return None


def _with_wrapped_rest(cell: str, below: list[str]) -> str:
    """A board's name wrapped in its column: "Kommunstyrelsens" over "arbetsutskott"
    is "Kommunstyrelsens arbetsutskott"."""
    mentions = find_boards(cell.strip())
    if not mentions or not mentions[0].genitive or mentions[0].end != len(cell.strip()):
        return cell
    following = next((line for line in below if line.strip()), "")
    rest = next((c for c in layout.cells(following) or [following] if c[:1].islower()), None)
    return f"{cell.strip()} {rest.strip()}" if rest and len(rest.split()) <= 3 else cell


def named_for(cell: str) -> str | None:
    """A board no list names, by the shape of its name (NAMED_FOR), also in capitals
    ("BILDNINGS- OCH LÄRANDENÄMNDEN" -> "Bildnings- och lärandenämnden")."""
    cell = cell.strip()
    if cell.isupper():
        cell = cell.capitalize()
    named = NAMED_FOR.match(cell)
    return named.group() if named else None


ADDRESSED_LABELS = ("Till", "Mottagare")


def addressed_board(text: str) -> FoundBoard | None:
    """The board a report's header addresses: "Till: Regionstyrelsen", "Mottagare Kommunstyrelsen"."""
    for _, value, line in layout.labelled_values(layout.top_lines(text, 25), ADDRESSED_LABELS):
        mention = board_at_start(value)
        named = named_for(value)
        if mention and mention.board not in AUTHORS:
            return FoundBoard(mention.board, line)
        if named:
            return FoundBoard(named, line)
    return None


def board_named_in(cell: str) -> str:
    """Where a header cell names its board: a label's value ("Beslutsinstans:
    Socialnämnden"), what a report is addressed to ("Rapport till kommunstyrelsen"),
    else the cell itself."""
    value = layout.labelled_value(cell, BOARD_LABELS)
    if value:
        return value
    addressed = ADDRESSED_TO.match(cell.strip())  # not "Socialnämnden Kallelse till sammanträde"
    if addressed and (find_boards(addressed.group("board")) or named_for(addressed.group("board"))):
        return addressed.group("board")
    return cell


def decision_heading_board(text: str) -> FoundBoard | None:
    """The heading of a protokoll's decision: "Kommunstyrelsens arbetsutskotts beslut"."""
    for line in layout.top_lines(text, 30):
        if not DECISION_HEADING.match(line):
            continue
        mentions = find_boards(line)
        if mentions and mentions[0].start == 0 and mentions[0].genitive:
            return FoundBoard(mentions[0].board, line)
    return None


def adopting_board(text: str) -> FoundBoard | None:
    adoption = find_adoption(text)
    if adoption:
        mentions = find_boards(adoption.by)
        if mentions:
            return FoundBoard(mentions[0].board, adoption.line)
    return None


MEETS = re.compile(r"(?:\s+i\s+[\w-]+(?:\s+(?:kommun|stad|län))?)?\s+(?:sammanträder|kallas till sammanträde)\b",
                   re.IGNORECASE)  # "Kommunfullmäktige i Sundsvalls kommun sammanträder"


def meeting_board(text: str) -> FoundBoard | None:
    """A kungörelse's board: "Kommunfullmäktige sammanträder måndagen den 25 april 2022"."""
    flat = " ".join(layout.top_lines(text, 20))
    for mention in find_boards(flat):
        if not mention.genitive and MEETS.match(flat, mention.end):
            return FoundBoard(mention.board, flat[mention.start:mention.start + 120])
    return None


def commissioning_board(text: str) -> FoundBoard | None:
    """The board that asked for an utredning, as its opening tells it."""
    flat = " ".join(text[:COMMISSION_WINDOW].split())
    for mention in find_boards(flat):
        if ((not mention.genitive and COMMISSIONING_VERB.match(flat, mention.end))
                or COMMISSIONED_BY.search(flat, 0, mention.start)):
            return FoundBoard(mention.board, flat[mention.start:mention.start + 120])
    return None


def proposal_board(text: str) -> FoundBoard | None:
    """The board the Förslag till beslut is put to: "I kommunstyrelsen:", "Socialnämnden beslutar"."""
    all_lines = layout.nonblank(text)
    for i, line in enumerate(all_lines):
        if layout.is_heading(line, PROPOSAL_HEADINGS):
            section = " ".join(all_lines[i + 1:i + 3])
            mentions = find_boards(section)
            if mentions and mentions[0].start < 40:
                return FoundBoard(mentions[0].board, f"{line}: {section[:80]}")
            close = board_like(all_lines[i + 1]) if i + 1 < len(all_lines) else None
            return FoundBoard(close, f"{line}: {all_lines[i + 1]}") if close else None
    return None


# Where a delegationsbeslut names the board that delegated it; the first two name it
# first ("på delegation från socialnämnden"), the last in the genitive before the
# delegationsordning ("enligt miljönämndens delegationsordning").
DELEGATED_FROM = re.compile(r"delegation (?:av|från) (?P<board>.{0,60})", re.IGNORECASE)
ORDER_FOR = re.compile(r"delegationsordning(?:en)? (?:för|i) (?P<board>.{0,60})", re.IGNORECASE)
ORDER_OF = re.compile(r"(?P<board>.{0,60}) delegationsordning\b", re.IGNORECASE)
DECIDED_BY = re.compile(r"\bhar (?:beslutats|fattats|antagits|fastställts) av (?P<after>.{0,60})",
                        re.IGNORECASE)
# "Utbildningsnämnden har vid sammanträdet den 21 mars 2023 beslutat att lämna följande yttrande"
GIVES_YTTRANDE = re.compile(r"\s+(?:har\s+)?(?:[^.]{0,60}\s)?(?:beslutat att (?:lämna|avge)|lämnar "
                            r"(?:följande|härmed)|får härmed|avger (?:följande|härmed))", re.IGNORECASE)


def delegating_board(text: str) -> FoundBoard | None:
    """The board a delegationsbeslut is taken for: "på delegation av socialnämnden",
    "delegationsordningen för tekniska nämnden", "enligt miljönämndens delegationsordning"."""
    flat = " ".join(text.split())
    for pattern in (DELEGATED_FROM, ORDER_FOR):
        for match in pattern.finditer(flat):
            mentions = find_boards(match.group("board"))
            if mentions and mentions[0].start == 0:
                return FoundBoard(mentions[0].board, match.group().strip())
    for match in ORDER_OF.finditer(flat):
        before = match.group("board")
        mentions = find_boards(before)
        if mentions and mentions[-1].end >= len(before) - 1 and mentions[-1].genitive:
            return FoundBoard(mentions[-1].board, match.group().strip())
    return None


def deciding_board(text: str) -> FoundBoard | None:
    """The board a yttrande says decided it: "Yttrandet har beslutats av hälso- och
    sjukvårdsnämnden den 23 september 2020", "Utbildningsnämnden har ... beslutat att
    lämna följande yttrande"."""
    flat = " ".join(text.split())
    for match in DECIDED_BY.finditer(flat):
        mentions = find_boards(match.group("after"))
        if mentions and mentions[0].start == 0:
            return FoundBoard(mentions[0].board, match.group().strip())
    for mention in find_boards(flat):
        if not mention.genitive and GIVES_YTTRANDE.match(flat, mention.end):
            return FoundBoard(mention.board, flat[mention.start:mention.start + 120])
    return None


def signing_board(text: str) -> FoundBoard | None:
    """The board a yttrande is signed for: a line of its foot that is the board alone."""
    for line in layout.nonblank(text)[-12:]:
        mention = board_at_start(line)
        if mention and mention.end >= len(line.strip()) - 1:
            return FoundBoard(mention.board, line)
    return None


def addressed_fullmaktige(text: str) -> FoundBoard | None:
    """The fullmäktige a motion or interpellation is put to."""
    for mention in find_boards(text):
        if mention.board in FULLMAKTIGE:
            return FoundBoard(mention.board, _line_around(text, mention.start))
    return None


def _line_around(text: str, position: int) -> str:
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return text[start:end if end >= 0 else len(text)].strip()
