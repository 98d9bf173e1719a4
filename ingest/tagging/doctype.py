"""What kind of document a text is, by the conventions of its genre.

Each genre has marks a registrar knows it by: the heading on its cover
("TJÄNSTEUTLÅTANDE", "PROTOKOLL", "KALLELSE"), the way its title opens ("Avtal
om", "Yttrande över", "Motion om"), its section headings ("Förslag till
beslut", "Justering", "Avtalstid", "Hur man överklagar"), labels ("Sammanträdesdatum",
"Er referens") and fixed phrases ("kallas till sammanträde", "nedan kallad",
"yrkar vi"). Each mark found is a cue with a weight; a type's score is the sum
of its cues' weights, each cue counted once. The best-scoring type wins if its
evidence is strong enough and clearly ahead of the runner-up; otherwise the
document is okänd. Some marks belong to texts that are no board's paperwork (a
press release, a newsletter, an e-mail); they count for okänd.

The cues are matched case- and diacritics-blind, headings with a letter or two
of OCR damage allowed, so that repaired OCR text is read like clean text.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from . import layout
from ..document import UNKNOWN_TYPE
from .municipality import header_cells

HEADING_LINES = 14  # genre headings are looked for among the first lines of the first page
TITLE_LINES = 14
MIN_SCORE = 3.0  # below this, nothing is convincing
MIN_SHARE = 0.6  # the winner's share of winner + runner-up
FULL_CONFIDENCE_SCORE = 8.0  # evidence this strong counts as certain
PARTY_LETTERS = r"\((?:S|M|SD|C|V|KD|L|MP|FP)\)"


@dataclass
class Text:
    """The views of a text the cues look at, worked out once."""
    raw: str

    @cached_property
    def top(self) -> list[str]:
        return layout.top_lines(self.raw, HEADING_LINES)

    @cached_property
    def header_cells(self) -> list[str]:
        """Header lines, their merged columns apart, and the capitalised tail of a line OCR
        ran together ("LULEÅ KOMMUN PROTOKOLL" -> "PROTOKOLL")."""
        return [cell for line in self.top for cell in header_cells(line)]

    @cached_property
    def lines(self) -> list[str]:
        return [layout.strip_numbering(line) for line in layout.nonblank(self.raw)]

    @cached_property
    def short_lines(self) -> list[str]:
        return [line for line in self.lines if len(line) < 60]

    @cached_property
    def folded(self) -> str:
        return layout.fold_letters(self.raw)

    @cached_property
    def foot(self) -> list[str]:
        return layout.nonblank(self.raw)[-12:]


@dataclass(frozen=True)
class Cue:
    doc_type: str
    weight: float
    description: str
    find: Callable[["Text"], str | None]  # the text that matched, or None

    def match(self, text: "Text") -> str | None:
        return self.find(text)


def heading(doc_type: str, weight: float, *phrases: str) -> Cue:
    def find(text: Text):
        return next((cell for cell in text.header_cells if layout.is_heading(cell, phrases)), None)
    return Cue(doc_type, weight, f"heading {phrases[0]!r}", find)


def title_start(doc_type: str, weight: float, pattern: str, shown: str) -> Cue:
    regex = re.compile(rf"^(?:{pattern})", re.IGNORECASE)

    def find(text: Text):  # a title says more than the genre's name: two words at least
        return next((line for line in text.top[:TITLE_LINES]
                     if len(line.split()) > 1 and regex.match(layout.fold(line))), None)
    return Cue(doc_type, weight, f"title opens {shown!r}", find)


ADDRESSED = re.compile(r"\s+(?:i|till)\s+\S+(?:\s+\S+)?$", re.IGNORECASE)


def section(doc_type: str, weight: float, *phrases: str) -> Cue:
    """A section heading, perhaps naming whom it is for ("Förslag till beslut i byggnadsnämnden")."""
    def find(text: Text):
        return next((line for line in text.short_lines if layout.is_heading(line, phrases)
                     or layout.is_heading(ADDRESSED.sub("", line), phrases)), None)
    return Cue(doc_type, weight, f"section {phrases[0]!r}", find)


def phrase(doc_type: str, weight: float, pattern: str, shown: str) -> Cue:
    """A fixed phrase anywhere; ``pattern`` is written lower case without diacritics, a
    space in it standing for any white space (a phrase may be broken over lines)."""
    regex = re.compile(pattern.replace(" ", r"\s+"))

    def find(text: Text):
        match = regex.search(text.folded)
        return match.group() if match else None
    return Cue(doc_type, weight, f"phrase {shown!r}", find)


def label(doc_type: str, weight: float, *labels: str) -> Cue:
    def find(text: Text):
        return next((line for line in layout.top_lines(text.raw, 40)
                     if layout.labelled_value(line, labels) is not None
                     and len(line) < 90), None)
    return Cue(doc_type, weight, f"label {labels[0]!r}", find)


def custom(doc_type: str, weight: float, description: str,
           find: Callable[[Text], str | None]) -> Cue:
    return Cue(doc_type, weight, description, find)


def _signed_by_councillors(text: Text):
    """Motions end with their authors' names and party letters: "Anna Lindgren (C)"."""
    signed = [line for line in text.foot if re.fullmatch(rf"[A-ZÅÄÖ][\w\- ]+ {PARTY_LETTERS}", line)
              or re.fullmatch(rf"(?:[A-ZÅÄÖ][\w\-]+ ){{1,3}}{PARTY_LETTERS}\s{{2,}}.+", line)]
    return signed[0] if signed else None


def _paragraph_lines(text: Text):
    lines = [line for line in layout.nonblank(text.raw) if layout.PARAGRAPH_LINE.match(line)]
    return lines[0] if lines else None


def _board_decision_heading(text: Text):
    """A protokoll heads its decisions with the board's genitive:
    "Kultur- och fritidsnämndens beslut"."""
    pattern = re.compile(r"^[\w\- ]*(?:namndens|styrelsens|utskotts|utskottets|fullmaktiges|"
                         r"radets|presidiets) beslut$")
    return next((line for line in text.short_lines if pattern.match(layout.fold(line))), None)


def _email_headers(text: Text):
    labels = {layout.fold(line.split(":")[0]) for line in text.top if ":" in line}
    return "Från: … Ämne: …" if {"fran", "amne"} <= labels else None


# The cue table: the genres' conventions, strongest marks first.
CUES = (
    # tjänsteutlåtande / tjänsteskrivelse: the office's report to a board
    heading("tjansteutlatande", 4, "Tjänsteutlåtande", "Tjänsteskrivelse"),
    # Some offices head the same report "Beslutsunderlag" (elsewhere a section listing papers).
    heading("tjansteutlatande", 3, "Beslutsunderlag", "Underlag för beslut"),
    section("tjansteutlatande", 2, "Förslag till beslut", "Förvaltningens förslag till beslut",
            "Ordförandens förslag", "Förslag till nämnden", "Kontorets förslag till beslut"),
    section("tjansteutlatande", 1, "Ärendet", "Beskrivning av ärendet", "Ärendebeskrivning",
            "Ärendet i korthet", "Ärendets beredning", "Sammanfattning av ärendet"),
    phrase("tjansteutlatande", 1, r"(?m)^[^\S\n]*(?:forvaltningens|kontorets|\w+kontorets|"
           r"\w+forvaltningens) (?:synpunkter|bedomning|overvaganden)",
           "förvaltningens synpunkter / bedömning"),
    phrase("tjansteutlatande", 1, r"(?m)^[^\S\n]*ekonomiska (?:och \w+ )?konsekvenser",
           "Ekonomiska konsekvenser"),
    section("tjansteutlatande", 1, "Beslutet ska skickas till", "Beslutet skickas till",
            "Expedieras till", "Beslutet expedieras till"),
    section("tjansteutlatande", 0.5, "Sammanfattning"),
    label("tjansteutlatande", 0.5, "Handläggare"),

    # protokoll and protokollsutdrag: the record of a meeting
    heading("protokoll", 4, "Protokoll", "Protokollsutdrag", "Utdrag ur protokoll",
            "Sammanträdesprotokoll", "Justerat protokoll", "Protokoll nr"),
    label("protokoll", 2, "Sammanträdesdatum"),
    section("protokoll", 2, "Justerandes sign", "Justerandes signatur", "Utdragsbestyrkande",
            "Rätt utdraget intygar", "Justerandes sign Utdragsbestyrkande",
            "Justerandes signatur Utdragsbestyrkande", "Justerare Utdragsbestyrkande"),
    section("protokoll", 2, "Överläggning"),
    custom("protokoll", 2, "a board's decision heading", _board_decision_heading),
    section("protokoll", 1.5, "Justering", "Justeringens plats och tid", "Utses att justera",
            "Justerare", "Justeringens tid och plats"),
    section("protokoll", 1, "Beslutande", "Närvarande ledamöter", "Ledamöter"),
    section("protokoll", 1, "Yrkanden", "Yrkande"),
    section("protokoll", 1, "Propositionsordning", "Beslutsgång"),
    section("protokoll", 1, "Reservation", "Reservationer"),
    section("protokoll", 1, "Protokollsanteckning", "Särskilt uttalande"),
    phrase("protokoll", 1, r"yttrar sig|forklaras overlaggningen avslutad|staller proposition",
           "yttrar sig / ställer proposition"),
    custom("protokoll", 1.5, "paragraph line '§ N'", _paragraph_lines),

    # kallelse, föredragningslista, dagordning: the call to a meeting
    heading("kallelse", 4, "Kallelse", "Kallelse till sammanträde", "Kallelse med föredragningslista",
            "Kallelse och föredragningslista", "Föredragningslista", "Dagordning",
            "Kungörelse och kallelse", "Kallelse och kungörelse", "Kungörelse"),
    phrase("kallelse", 2, r"kallas (?:harmed )?till (?:sammantrade|motet)", "kallas till sammanträde"),
    phrase("kallelse", 1, r"forhinder anmal|vid forhinder|ar forhindrad att delta|forhindrad att delta",
           "förhinder anmäls"),
    section("kallelse", 1.5, "Föredragningslista", "Dagordning"),
    section("kallelse", 0.5, "Ärenden"),
    label("kallelse", 0.5, "Gruppmöten", "Gruppmöte"),

    # avtal, överenskommelse: an agreement between parties
    heading("avtal", 4, "Avtal", "Överenskommelse", "Samverkansavtal", "Avtal om samverkan"),
    custom("avtal", 4, "heading '…avtal'", lambda t: next(
        (c for c in t.header_cells if re.fullmatch(r"\w{3,}avtal", layout.fold(c))), None)),
    title_start("avtal", 3, r"(?:\w*avtal|overenskommelse|avtal) (?:om|mellan|avseende|for|kring)\b",
                "Avtal om / Överenskommelse om"),
    section("avtal", 2, "Parter", "Avtalsparter", "Parterna"),
    section("avtal", 2, "Avtalstid", "Avtalsperiod", "Avtalets giltighetstid", "Giltighetstid"),
    phrase("avtal", 2, r"nedan kallad|nedan gemensamt kallade|nedan benamnd", "nedan kallad"),
    phrase("avtal", 2, r"(?:tva|2) likalydande exemplar", "två likalydande exemplar"),
    section("avtal", 1, "Uppsägning", "Uppsägning och hävning", "Avtalets upphörande"),
    section("avtal", 1, "Underskrifter", "Underskrift"),
    section("avtal", 1, "Tvist", "Tvister", "Tvistelösning"),
    phrase("avtal", 1, r"org(?:anisations)?\.? ?(?:nr|nummer)\.?:? ?\d{6}", "org.nr"),

    # utredning, rapport, förstudie, utvärdering
    heading("utredning", 4, "Utredning", "Rapport", "Förstudie", "Utvärdering", "Kartläggning",
            "Slutrapport", "Delrapport"),
    custom("utredning", 4, "heading '…rapport' / '…utredning'", lambda t: next(
        (c for c in t.header_cells
         if re.fullmatch(r"\w{3,}(?:rapport|utredning|berattelse)", layout.fold(c))), None)),
    title_start("utredning", 3, r"(?:utredning|forstudie|utvardering|kartlaggning|\w*rapport|"
                r"\w*utredning|\w*berattelse)\b", "Utredning / Förstudie / …rapport"),
    section("utredning", 1.5, "Metod", "Metod och genomförande", "Genomförande",
            "Metod och underlag"),
    section("utredning", 1.5, "Resultat", "Resultat och analys", "Analys"),
    section("utredning", 1.5, "Slutsatser", "Slutsatser och förslag", "Slutsats"),
    section("utredning", 1.5, "Uppdraget", "Utredningsuppdrag", "Uppdrag", "Utredningens uppdrag"),
    label("utredning", 1.5, "Utredare", "Uppdragsgivare", "Beställare", "Författare",
          "Projektledare"),

    # motion, interpellation: a councillor's proposal or question to fullmäktige
    heading("motion", 4, "Motion", "Interpellation", "Fråga", "Enkel fråga"),
    title_start("motion", 3, r"(?:motion|interpellation)(?: om| angaende| till \w+ om|:| –| -)",
                "Motion om / Interpellation om"),
    title_start("motion", 2, r"(?:motion |interpellation |fraga )?till (?:kommun|region)fullmaktige",
                "Till kommunfullmäktige"),
    phrase("motion", 2, r"(?:yrkar|foreslar) (?:vi|jag)\b|vill (?:jag|vi) stalla foljande fragor",
           "yrkar vi / föreslår vi"),
    custom("motion", 1.5, "signed with party letters", _signed_by_councillors),

    # yttrande, remissvar: the answer to a remiss
    heading("yttrande", 4, "Yttrande", "Remissvar", "Yttrande över remiss"),
    title_start("yttrande", 3, r"(?:yttrande|remissvar)(?: over| till| angaende| avseende| gallande|"
                r" rorande| pa| om| i mal| i arende| –| -|:)",
                "Yttrande över / Remissvar"),
    label("yttrande", 2, "Er referens", "Ert diarienummer", "Er beteckning", "Ert dnr",
          "Ert ärendenummer", "Er ref"),
    phrase("yttrande", 2, r"beretts (?:mojlighet|tillfalle) att|getts mojlighet att (?:yttra|lamna)|"
           r"(?:detta|vart) yttrande har beslutats|(?:far|vill) (?:namnden )?anfora foljande",
           "beretts möjlighet att yttra sig"),
    phrase("yttrande", 1.5, r"\b(?:tillstyrker|avstyrker)\b", "tillstyrker / avstyrker"),

    # delegationsbeslut: a decision an official takes for the board
    heading("delegationsbeslut", 4, "Delegationsbeslut", "Beslut på delegation",
            "Beslut enligt delegation", "Beslut fattat på delegation"),
    title_start("delegationsbeslut", 3, r"(?:anmalan av |redovisning av )?delegationsbeslut\b",
                "(Anmälan av) delegationsbeslut"),
    phrase("delegationsbeslut", 2, r"(?:fattat|fattats|fattas) (?:pa|enligt|med stod av) delegation|"
           r"med stod av delegation", "fattat på delegation"),
    section("delegationsbeslut", 2, "Delegation", "Beslutsfattare", "Beslut fattat av",
            "Beslutet är fattat av"),
    section("delegationsbeslut", 1.5, "Hur man överklagar", "Hur du överklagar",
            "Hur ni överklagar", "Överklagande", "Hur beslutet överklagas"),
    section("delegationsbeslut", 1.5, "Lagrum"),
    section("delegationsbeslut", 1, "Skäl för beslutet", "Motivering", "Beslutsmotivering"),

    # policy, riktlinjer, reglemente, plan: a governing document
    heading("policy", 4, "Policy", "Riktlinjer", "Riktlinje", "Reglemente", "Plan", "Program",
            "Strategi", "Handlingsplan", "Styrdokument"),
    # (A detaljplan regulates land use: a decision's matter, not a governing document.)
    title_start("policy", 3, r"(?!detaljplan)(?:\w*policy|riktlinjer?|\w*reglemente|\w*plan|\w*program|"
                r"\w*strategi|\w*taxa|\w*ordning)\b", "Policy för / Riktlinjer för / …plan"),
    phrase("policy", 3, r"(?m)^[^\S\n]*(?:antagen|antagna|antaget|faststalld|faststallda|faststallt|"
           r"beslutad|beslutat|godkand|godkant)(?: av|:)", "Antagen av / Fastställd av"),
    label("policy", 1, "Dokumentansvarig", "Dokumentägare", "Dokumenttyp", "Gäller från",
          "Gäller för", "Giltighet", "Giltighetstid", "Ska revideras", "Revideras", "Ersätter",
          "Gäller till och med", "Gäller från och med"),
    section("policy", 1, "Omfattning", "Tillämpningsområde"),
    section("policy", 0.5, "Ansvar", "Ansvarsfördelning", "Roller och ansvar"),

    # texts that are no board's paperwork
    heading(UNKNOWN_TYPE, 4, "Pressmeddelande", "Nyhetsbrev", "Inbjudan", "Nyheter",
            "Lediga jobb", "Lediga tjänster", "Platsannons"),
    phrase(UNKNOWN_TYPE, 3, r"(?m)^[^\n]{0,40}\bnyhetsbrev\b", "nyhetsbrev"),
    title_start(UNKNOWN_TYPE, 3, r"inbjudan (?:till|om)\b", "Inbjudan till"),
    custom(UNKNOWN_TYPE, 4, "e-mail headers", _email_headers),
)


@dataclass(frozen=True)
class TypeDecision:
    doc_type: str
    confidence: float
    cues: list[str]
    scores: dict[str, float] = field(default_factory=dict)


def classify(text: str) -> TypeDecision:
    """The document's type with a confidence (0..1) and the cues that decided it."""
    view = Text(text)
    scores: dict[str, float] = {}
    evidence: dict[str, list[str]] = {}
    for cue in CUES:
        found = cue.match(view)
        if found:
            scores[cue.doc_type] = scores.get(cue.doc_type, 0.0) + cue.weight
            evidence.setdefault(cue.doc_type, []).append(
                f"{cue.description} (+{cue.weight:g}): {_short(found)}")
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    if not ranked:
        return TypeDecision(UNKNOWN_TYPE, 0.0, ["no genre's marks found"], {})
    best, best_score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    share = best_score / (best_score + runner_up)
    confidence = round(share * min(1.0, best_score / FULL_CONFIDENCE_SCORE), 2)
    rounded = {t: round(s, 2) for t, s in ranked}
    if best_score < MIN_SCORE or share < MIN_SHARE:
        why = (f"weak evidence: best {best} scored {best_score:g} (needs {MIN_SCORE:g})"
               if best_score < MIN_SCORE else
               f"no clear winner: {best} {best_score:g} against {ranked[1][0]} {runner_up:g}")
        return TypeDecision(UNKNOWN_TYPE, round(1 - confidence, 2), [why] + evidence[best], rounded)
    return TypeDecision(best, confidence, evidence[best], rounded)


def _short(text: str, most: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[:most - 1] + "…"
