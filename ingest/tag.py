"""Find a document's title and own date from its first lines.

This is the first, deliberately cautious tagger: a wrong date is worse than
none, so only a date standing alone on a header line counts."""

import re

from .document import Document

HEADER_LINES = 40
ISO_DATE_LINE = re.compile(r"^\s*(?:Datum:?\s*)?(\d{4}-\d{2}-\d{2})\s*$")
# Lines that head a page but do not name the matter.
HEADING = re.compile(
    r"^(handläggare|telefon|till|från|datum|dnr|diarienummer|sida|bilaga|kopia|e-post|"
    r"tjänsteutlåtande|tjänsteskrivelse|protokoll(sutdrag)?|kallelse|sammanträdesdatum|parter)\b",
    re.IGNORECASE)
ORGANISATION_LINE = re.compile(
    r"[\w ]*(nämnden|styrelsen|fullmäktige|utskott(et)?|förvaltningen|kommun|stad)\s*",
    re.IGNORECASE)
MAX_TITLE_LINES = 3
MAX_TITLE_CHARS = 200


def find_title(text: str) -> str | None:
    lines = [line.strip() for line in text.split("\f")[0].splitlines()[:HEADER_LINES]]
    for i, line in enumerate(lines):
        words = line.split()
        if not _could_be_title(line):
            continue
        # A title broken over lines runs on until a blank line or a heading.
        title = line
        for following in lines[i + 1:i + MAX_TITLE_LINES]:
            if not following or HEADING.match(following) or title.endswith((".", ":")):
                break
            title += " " + following
        return title[:MAX_TITLE_CHARS]
    return None


def _could_be_title(line: str) -> bool:
    return (len(line.split()) >= 3 and ":" not in line
            and not HEADING.match(line) and not ORGANISATION_LINE.fullmatch(line)
            and sum(ch.isdigit() for ch in line) <= len(line) / 3)


def find_date(text: str) -> str | None:
    for line in text.split("\f")[0].splitlines()[:HEADER_LINES]:
        match = ISO_DATE_LINE.match(line)
        if match:
            return match.group(1)
    return None


def tag(doc: Document) -> Document:
    metadata = dict(doc.metadata)
    title = find_title(doc.text)
    date = find_date(doc.text)
    if title:
        metadata["title"] = title
    if date:
        metadata["date"] = date
    return doc.evolve(metadata=metadata)
