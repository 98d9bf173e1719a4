"""The parties to an avtal, with their organisation numbers.

An avtal lists its parties first, each with its org.nr ("Huddinge kommun,
org.nr 212000-0068", "Organisationsnummer: 556812-4471" under the name, "Karolinska
Institutet (KI), org.nr 202100-2973"). Without numbers, the title's "mellan A
och B" names them.
"""

import re
from dataclasses import dataclass

from . import layout

ORGNR = r"(?P<orgnr>\d{6}\s?[-–‐]\s?\d{4})"
ORGNR_LABEL = r"(?:org(?:anisations)?\.?\s?(?:nr|nummer)\.?|organisationsnummer)"
NAME_THEN_ORGNR = re.compile(rf"^(?P<name>.+?)[,\s]\s*{ORGNR_LABEL}\s*:?\s*{ORGNR}", re.IGNORECASE)
ORGNR_ALONE = re.compile(rf"^{ORGNR_LABEL}\s*:?\s*{ORGNR}", re.IGNORECASE)
ROLE_LABELS = ("Beställare", "Utförare", "Leverantör", "Köpare", "Säljare", "Hyresvärd",
               "Hyresgäst", "Part", "Uppdragsgivare", "Uppdragstagare", "Huvudman")
BETWEEN = re.compile(r"\bmellan (?P<a>[^,]+?) och (?P<b>[^,]+?)(?= om | avseende | kring | för |$)")
MAX_PARTY_WORDS = 5
PARTY_LINES = 80  # parties are listed near the top


@dataclass(frozen=True)
class FoundParties:
    parties: list[dict]
    cue: str


def find_parties(text: str, title: str | None = None) -> FoundParties | None:
    lines_ = layout.nonblank(text)[:PARTY_LINES]
    parties, cues = [], []
    for i, line in enumerate(lines_):
        party = _party_on_line(line) or _party_above(lines_, i)
        if party and party["orgnr"] not in {p["orgnr"] for p in parties}:
            parties.append(party)
            cues.append(line)
    if parties:
        return FoundParties(parties, " | ".join(cues))
    if title:
        between = BETWEEN.search(title)
        if between and all(len(between.group(g).split()) <= MAX_PARTY_WORDS for g in "ab"):
            return FoundParties([{"name": between.group(g).strip(), "orgnr": None} for g in "ab"],
                                title)
    return None


def _party_on_line(line: str) -> dict | None:
    match = NAME_THEN_ORGNR.match(line)
    if not match:
        return None
    name = clean_name(match.group("name"))
    return {"name": name, "orgnr": normalise_orgnr(match.group("orgnr"))} if name else None


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
    name = name.split(",")[0]
    name = re.sub(r"\s*\([^)]*\)\s*$", "", name).strip(" ,.")
    return name if name and len(name.split()) <= 8 else None


def normalise_orgnr(orgnr: str) -> str:
    digits = re.sub(r"\D", "", orgnr)
    return f"{digits[:6]}-{digits[6:]}"
