"""The handläggare: the official who prepared the matter.

Where it is written:
- under a label in the header ("Handläggare: Karin Lindqvist", "Vår referens Sofia
  Persson", "Kontaktperson:", "Utredare:", "Projektledare:") or, in a letter, at its foot;
- failing a label, in a paper an official prepares (tjänsteutlåtande, delegationsbeslut,
  utredning, yttrande): the signature of that official, a name over a
  professional title ("Per Wennerholm / Trafikplanerare"). The chief or the chair who
  signs beside them ("Förvaltningschef", "Ordförande") answers for the paper but did
  not prepare it.

Only a person's name is taken ("Johan Nordström, utredare" -> "Johan Nordström").
"""

import re
from dataclasses import dataclass

from . import layout

LABELS = ("Handläggare", "Ansvarig handläggare", "Vår referens", "Vår handläggare",
          "Kontaktperson", "Utredare", "Författare", "Projektledare")
NAME_WORD = r"[A-ZÅÄÖÉ][\wé'-]*[\wé']"  # a capital first, no hyphen last ("Barn-" is no name)
NAME = re.compile(rf"^{NAME_WORD}(?: (?:von |af |de )?{NAME_WORD}){{1,3}}$")
# A title of office: "Trafikplanerare", "Bygglovshandläggare", "Förvaltningschef, vård och
# omsorg", "Ordförande i socialnämnden".
ROLE = re.compile(
    r"^[\w-]*(?:are|chef|strateg|inspektör|ingenjör|direktör|ordförande|ledamot|assistent|"
    r"specialist|tekniker|ekonom|jurist|arkitekt|kommunikatör|analytiker|controller|kassör|"
    r"sekreterare|VD)(?=$|[ ,])", re.IGNORECASE)
# Those who answer for a paper rather than prepare it.
LEADING_ROLE = re.compile(r"^[\w-]*(?:chef|direktör|ordförande|ledamot|kassör|gruppledare|VD)\b",
                          re.IGNORECASE)
PREPARED_BY_AN_OFFICIAL = ("tjansteutlatande", "delegationsbeslut", "utredning", "yttrande")
FOOT_LINES = 15


@dataclass(frozen=True)
class FoundPerson:
    name: str
    cue: str


def find_handlaggare(text: str, doc_type: str) -> FoundPerson | None:
    found = labelled_handlaggare(text)
    if found or doc_type not in PREPARED_BY_AN_OFFICIAL:
        return found
    return signing_official(text)


def labelled_handlaggare(text: str) -> FoundPerson | None:
    """The handläggare named under a label in the header block or at the foot; a
    "Kontaktperson" in the body is somebody else's (the applicant's)."""
    candidates = layout.header_lines(text) + foot_lines(text)
    for _, value, line in layout.labelled_values(candidates, LABELS):
        name = person_name(value)
        if name:
            return FoundPerson(name, line)
    return None


def signing_official(text: str) -> FoundPerson | None:
    """The last signer at the foot whose title is an official's, not a chief's or chair's."""
    foot = foot_lines(text)
    found = None
    for above, below in zip(foot, foot[1:]):
        for name, role in signatures(above, below):
            if not LEADING_ROLE.match(role):
                found = FoundPerson(name, f"{above} / {below}")
    return found


def signatures(names_line: str, roles_line: str) -> list[tuple[str, str]]:
    """(name, title) of each signature in a names line over a titles line, columns kept
    apart by wide gaps or, where OCR closed them, one title word per two-word name:
    "Anders Gustavsson Per Wennerholm" / "Samhällsbyggnadsdirektör Trafikplanerare"."""
    names, roles = layout.cells(names_line), layout.cells(roles_line)
    words, titles = names_line.split(), roles_line.split()
    if len(names) == 1 and len(roles) == 1 and len(titles) > 1:
        if len(words) == 2 * len(titles) and all(ROLE.match(t) for t in titles):
            names = [" ".join(words[i:i + 2]) for i in range(0, len(words), 2)]
            roles = titles
    if len(names) != len(roles):
        return []
    return [(name, role) for name, role in zip(names, roles) if NAME.match(name) and ROLE.match(role)]


def is_signature(line: str, next_line: str | None) -> bool:
    """A person's name with a title of office below it or after it ("Per Wennerholm" /
    "Trafikplanerare"; "Per Wennerholm Trafikplanerare" as OCR runs them together)."""
    words = line.split()
    if len(words) >= 3 and ROLE.match(words[-1]) and NAME.match(" ".join(words[:-1])):
        return True
    return bool(NAME.match(line.strip())) and next_line is not None and bool(ROLE.match(next_line))


def foot_lines(text: str) -> list[str]:
    return layout.nonblank(layout.last_page(text))[-FOOT_LINES:]


def person_name(value: str) -> str | None:
    """The person a label's value names first: "Mikael Olsson, miljöinspektör" -> "Mikael Olsson";
    "Lena Sjödin Barn- och utbildningsnämnden" (a column OCR ran on) -> "Lena Sjödin"."""
    first = re.split(r",|;| och | samt | – | - |\s{2,}|\(", value, maxsplit=1)[0].strip()
    words = first.split()
    if len(words) > 2 and ROLE.match(words[-1]):
        first = " ".join(words[:-1])  # "Per Wennerholm Trafikplanerare"
    if NAME.match(first):
        return first
    leading = re.match(rf"{NAME_WORD}(?: {NAME_WORD}){{1,3}}(?= \S*-(?:\s|$))", first)
    return leading.group() if leading and NAME.match(leading.group()) else None
