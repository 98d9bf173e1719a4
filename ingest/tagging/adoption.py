"""The adoption line on the cover of a policy, riktlinjer, reglemente or plan:
"Antagen av kommunfullmäktige den 16 juni 2020, § 67" — who adopted the
document, when, and at which paragraph of their protokoll."""

import re
from dataclasses import dataclass

from . import layout

ADOPTION = re.compile(
    r"^(?:antagen|antagna|antaget|fastställd|fastställda|fastställt|beslutad|beslutade|"
    r"beslutat|godkänd|godkända|godkänt)\s*:?\s+(?:av\s+)?(?P<by>.+?),?\s+(?:den\s+)?"
    r"(?P<date>\d{4}-\d\d-\d\d|\d{1,2}\s+\w+\s+\d{4})(?:,?\s*(?P<paragraph>§\s*\d+))?",
    re.IGNORECASE)


@dataclass(frozen=True)
class Adoption:
    by: str  # as written: "kommunfullmäktige", "vård- och omsorgsnämnden"
    date: str | None  # ISO
    paragraph: str | None  # "§ 67"
    line: str


def find_adoption(text: str) -> Adoption | None:
    """The first adoption line among the first page's top lines, or None."""
    from .dates import parse_date  # dates uses this module too

    for line in layout.top_lines(text, 30):
        match = ADOPTION.match(line)
        if match:
            paragraph = match.group("paragraph")
            return Adoption(match.group("by"), parse_date(match.group("date")),
                            _paragraph(paragraph) if paragraph else None, line)
    return None


def _paragraph(text: str) -> str:
    return "§ " + text.lstrip("§ ").strip()
