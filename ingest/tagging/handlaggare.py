"""The handläggare: the official who prepared the matter, named under a label
in the header ("Handläggare: Karin Lindqvist", "Vår referens Sofia Persson",
"Kontaktperson:", "Utredare:") or, in a letter, at its foot. Only a person's
name is taken ("Johan Nordström, utredare" -> "Johan Nordström")."""

import re
from dataclasses import dataclass

from . import layout

LABELS = ("Handläggare", "Ansvarig handläggare", "Vår referens", "Vår handläggare",
          "Kontaktperson", "Utredare", "Författare")
NAME = re.compile(r"^[A-ZÅÄÖÉ][\wé'-]+(?: (?:von |af |de )?[A-ZÅÄÖÉ][\wé'-]+){1,3}$")
FOOT_LINES = 15


@dataclass(frozen=True)
class FoundPerson:
    name: str
    cue: str


def find_handlaggare(text: str) -> FoundPerson | None:
    """The handläggare named in the header block (the labels above the title) or at the foot;
    a "Kontaktperson" in the body is somebody else's (the applicant's)."""
    candidates = layout.header_lines(text) + layout.nonblank(layout.last_page(text))[-FOOT_LINES:]
    for _, value, line in layout.labelled_values(candidates, LABELS):
        name = person_name(value)
        if name:
            return FoundPerson(name, line)
    return None


def person_name(value: str) -> str | None:
    """The person a label's value names first: "Mikael Olsson, miljöinspektör" -> "Mikael Olsson"."""
    first = re.split(r",|;| och | samt | – | - |\s{2,}|\(", value, maxsplit=1)[0].strip()
    return first if NAME.match(first) else None
