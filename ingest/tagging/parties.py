"""The parties to an avtal, with their organisation numbers.

An avtal lists its parties first, each with its org.nr ("Huddinge kommun,
org.nr 212000-0068", "Organisationsnummer: 556812-4471" under the name, "Karolinska
Institutet (KI), org.nr 202100-2973"), perhaps in its opening sentence ("Mellan
Kungälvs kommun, org.nr 212000-1421, ... och Kungälvs Ridklubb, org.nr ...") or
side by side, each name over its "Org.nr" line. Without numbers, the title's
"mellan A och B" names them.
"""

import re
from dataclasses import dataclass

from . import layout
from .municipality import find_mentions

ORGNR = r"(?P<orgnr>\d{6}\s?[-–‐]\s?\d{4})"
ORGNR_LABEL = r"(?:org(?:anisations)?\.?\s?(?:nr|nummer)\.?|organisationsnummer)"
NAME_THEN_ORGNR = re.compile(rf"^(?P<name>.+?)[,\s]\s*{ORGNR_LABEL}\s*:?\s*{ORGNR}", re.IGNORECASE)
ORGNR_ALONE = re.compile(rf"^{ORGNR_LABEL}\s*:?\s*{ORGNR}", re.IGNORECASE)
LABELLED_ORGNR = re.compile(rf"{ORGNR_LABEL}\s*:?\s*{ORGNR}", re.IGNORECASE)
ROLE_LABELS = ("Beställare", "Utförare", "Leverantör", "Köpare", "Säljare", "Hyresvärd",
               "Hyresgäst", "Part", "Uppdragsgivare", "Uppdragstagare", "Huvudman")
BETWEEN = re.compile(r"\bmellan (?P<a>[^,]+?) och (?P<b>[^,]+?)"
                     r"(?= om | avseende | kring | för | har | ingås| träffa|,|$)", re.IGNORECASE)
# A party in running text: its name (opening with a capital), then its number, perhaps in
# brackets: "och Kungälvs Ridklubb, org.nr 864500-2231", "Härjedalens kommun (org.nr ...)".
PARTY_IN_SENTENCE = re.compile(rf"(?P<name>(?-i:[A-ZÅÄÖ])[^,();.]{{1,60}}?)\s*[,(]?\s*{ORGNR_LABEL}"
                               rf"\s*:?\s*{ORGNR}", re.IGNORECASE)
MAX_PARTY_WORDS = 5
PARTY_LINES = 80  # parties are listed near the top


@dataclass(frozen=True)
class FoundParties:
    parties: list[dict]
    cue: str


def find_parties(text: str, title: str | None = None) -> FoundParties | None:
    lines_ = layout.nonblank(text)[:PARTY_LINES]
    parties, cues = [], []

    def add(party: dict | None, cue: str) -> None:
        if party and party["orgnr"] not in {p["orgnr"] for p in parties}:
            parties.append(party)
            cues.append(cue)

    for i, line in enumerate(lines_):
        for party in _parties_side_by_side(lines_, i) or [_party_on_line(line) or _party_above(lines_, i)]:
            add(party, line)
    if len(parties) < 2:
        for party, cue in _parties_in_sentence(" ".join(lines_)):
            add(party, cue)
    if parties:
        return FoundParties(parties, " | ".join(cues))
    return _parties_between(title) or _parties_between(_opening_sentence(lines_))


def _parties_in_sentence(flat: str) -> list[tuple[dict, str]]:
    """Parties named in running text, each with its number: "Mellan Härjedalens kommun
    (org.nr 212000-2411) och Föreningen Funäsdalen Fjällby (org.nr 802468-1234) ..."."""
    found = []
    for match in PARTY_IN_SENTENCE.finditer(flat):
        # The name is what follows the sentence's "mellan" or "och" ("Barn- och ..." aside).
        name = clean_name(re.split(r"(?<!-)\s(?:mellan|och|samt)\s", " " + match.group("name"),
                                   flags=re.IGNORECASE)[-1])
        if name:
            found.append(({"name": name, "orgnr": normalise_orgnr(match.group("orgnr"))},
                          match.group().strip()))
    return found


def _parties_between(phrase: str | None) -> FoundParties | None:
    """The two parties of "... mellan A och B", without numbers."""
    between = BETWEEN.search(phrase or "")
    if between and all(len(between.group(g).split()) <= MAX_PARTY_WORDS for g in "ab"):
        return FoundParties([{"name": between.group(g).strip(), "orgnr": None} for g in "ab"],
                            phrase)
    return None


def _opening_sentence(lines_: list[str]) -> str | None:
    """The sentence an avtal may open with: "Mellan A och B har följande avtal träffats."."""
    flat = " ".join(lines_)
    opening = re.search(r"\bMellan [^.]+", flat)
    return opening.group() if opening else None


def _party_on_line(line: str) -> dict | None:
    match = NAME_THEN_ORGNR.match(line)
    if not match:
        return None
    name = clean_name(match.group("name"))
    return {"name": name, "orgnr": normalise_orgnr(match.group("orgnr"))} if name else None


def _parties_side_by_side(lines_: list[str], i: int) -> list[dict]:
    """Parties in columns: a line of names over a line of nothing but org.nrs
    ("Fastighets AB Nohab Industripark    Trollhättans Stad" / "Org.nr 556734-2219    Org.nr
    212000-1546"), perhaps under their roles ("Hyresvärd    Hyresgäst")."""
    numbers = list(LABELLED_ORGNR.finditer(lines_[i]))
    if len(numbers) < 2 or LABELLED_ORGNR.sub("", lines_[i]).strip():
        return []
    above = next((line for line in reversed(lines_[max(0, i - 3):i]) if not _is_role_line(line)), None)
    names = _columns(above, len(numbers)) if above else None
    if not names:
        return []
    return [{"name": clean_name(name), "orgnr": normalise_orgnr(number.group("orgnr"))}
            for name, number in zip(names, numbers) if clean_name(name)]


def _is_role_line(line: str) -> bool:
    """ "Hyresvärd    Hyresgäst", "Beställare: Utförare:"."""
    return all(layout.labelled_value(word, ROLE_LABELS) == "" for word in line.split())


def _columns(line: str, count: int) -> list[str] | None:
    """The line's ``count`` columns; where OCR closed the gap between two, cut beside the
    municipality or region one of them names ("Fastighets AB Nohab Industripark Trollhättans Stad")."""
    parts = layout.cells(line)
    if len(parts) == count:
        return parts
    if count == 2 and len(parts) == 1:
        for mention in find_mentions(line):
            if mention.official and mention.end == len(line.rstrip()) and mention.start > 0:
                return [line[:mention.start].strip(), line[mention.start:].strip()]
            if mention.official and mention.start == 0 and mention.end < len(line.rstrip()):
                return [line[:mention.end].strip(), line[mention.end:].strip()]
    return None


def _party_above(lines_: list[str], i: int) -> dict | None:
    """ "Organisationsnummer: 212000-1850" under the party's name (and perhaps its role)."""
    match = ORGNR_ALONE.match(lines_[i])
    if not match:
        return None
    for above in reversed(lines_[max(0, i - 3):i]):
        if layout.labelled_value(above, ROLE_LABELS) == "" or layout.is_address_line(above):
            continue
        name = clean_name(above)
        return {"name": name, "orgnr": normalise_orgnr(match.group("orgnr"))} if name else None
    return None


def clean_name(name: str) -> str | None:
    """ "Karolinska Institutet (KI)" -> "Karolinska Institutet"; "Sollentuna kommun, Barn- och
    utbildningsnämnden" -> "Sollentuna kommun"; a role label first ("Beställare:") goes."""
    name = re.sub(r"^\d+\.\s*", "", name.strip())
    name = re.sub(r"^[A-ZÅÄÖ][a-zåäö]+:\s*", "", name)
    name = re.sub(r"^(?:\d+\.\s*)?(?:avtals)?parter(?:na)?\s+", "", name, flags=re.IGNORECASE)  # the heading
    name = re.sub(r"^(?:mellan|och|samt)\s+", "", name, flags=re.IGNORECASE)  # "Mellan A, org.nr ..."
    name = name.split(",")[0]
    name = re.sub(r"\s*\([^)]*\)\s*$", "", name).strip(" ,.")
    return name if name and len(name.split()) <= 8 else None


def normalise_orgnr(orgnr: str) -> str:
    digits = re.sub(r"\D", "", orgnr)
    return f"{digits[:6]}-{digits[6:]}"
