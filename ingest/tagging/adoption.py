"""The adoption line on the cover of a policy, riktlinjer, reglemente or plan:
"Antagen av kommunfullmäktige den 16 juni 2020, § 67" — who adopted the
document, when, and at which paragraph of their protokoll."""

import re
from dataclasses import dataclass

from . import layout

ADOPTION = re.compile(
    r"^(?:antagen|antagna|antaget|fastställd|fastställda|fastställt|beslutad|beslutade|"
    r"beslutat|godkänd|godkända|godkänt)\s*:?\s+(?:av\s+)?(?P<by>.+?)(?:\s*:)?,?\s+(?:den\s+)?"
    r"(?P<date>\d{4}-\d\d-\d\d|\d{1,2}\s+\w+\s+\d{4})(?:,?\s*(?P<paragraph>§\s*\d+))?",
    re.IGNORECASE)
# The same said in a table of labels: "Beslutad av:  Kommunfullmäktige" over
# "Beslutsdatum:  2019-03-25, § 38".
BY_LABELS = ("Antagen av", "Beslutad av", "Fastställd av", "Godkänd av", "Beslutande organ",
             "Beslutsinstans")
WHEN_LABELS = ("Beslutsdatum", "Antagen", "Antagandedatum", "Fastställd", "Datum för beslut",
               "Beslutad", "Datum för antagande", "Datum och paragraf")
PARAGRAPH = re.compile(r"§\s*\d+")


@dataclass(frozen=True)
class Adoption:
    by: str  # as written: "kommunfullmäktige", "vård- och omsorgsnämnden"
    date: str | None  # ISO
    paragraph: str | None  # "§ 67"
    line: str


def find_adoption(text: str) -> Adoption | None:
    """The adoption on the cover: a line (perhaps wrapped onto the next: "Antagen av
    kommunfullmäktige" over "20 juni 2022, § 76"), or a table of labels; else None."""
    from .dates import parse_date  # dates uses this module too

    top = layout.top_lines(text, 30)
    for i, line in enumerate(top):
        if not line[:1].isupper():  # running text that wrapped ("antagna av kommunstyrelsen 2016-...")
            continue
        for candidate in (line, " ".join(top[i:i + 2])):
            match = ADOPTION.match(candidate)
            if match:
                paragraph = match.group("paragraph")
                return Adoption(match.group("by"), parse_date(match.group("date")),
                                _paragraph(paragraph) if paragraph else None, candidate)
    return labelled_adoption(top)


def labelled_adoption(top: list[str]) -> Adoption | None:
    from .dates import parse_date

    by = next(((value, line) for _, value, line in layout.labelled_values(top, BY_LABELS)), None)
    when = next(((value, line) for _, value, line in layout.labelled_values(top, WHEN_LABELS)
                 if parse_date(value)), None)
    if not by or not when:
        return None
    paragraph = PARAGRAPH.search(when[0])
    return Adoption(by[0], parse_date(when[0]),
                    _paragraph(paragraph.group()) if paragraph else None, f"{by[1]}; {when[1]}")


def _paragraph(text: str) -> str:
    return "§ " + text.lstrip("§ ").strip()
