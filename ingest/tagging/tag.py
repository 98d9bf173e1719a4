"""The tagging stage: a document's type and the metadata a clerk writes on its cover.

The type comes first (ingest/doctype.py), since the genre says where each field
is written: a protokoll's date is its meeting's, a policy's its adoption's.
Each field has its own module; a field that cannot be read with confidence is
left out, never guessed. What decided each value is kept under
``metadata["tagging"]`` for ``inspect --json``:

    {"type": {"confidence": 0.93, "cues": ["heading 'Tjänsteutlåtande' (+4): ...", ...]},
     "fields": {"date": {"cue": "Datum: den 9 mars 2021"}, ...}}
"""

from typing import Any

from .adoption import find_adoption
from .board import find_board
from .dates import document_date
from .decision import find_decision
from .dnr import find_dnr
from .doctype import classify
from ..document import Document
from .handlaggare import find_handlaggare
from .municipality import find_municipality
from .paragraph import decided_paragraph, is_full_protokoll, numbered_decision, utdrag_paragraph
from .parties import find_parties
from .title import find_title

# Metadata keys this stage owns; it sets them afresh each time.
TAGGED_KEYS = ("title", "date", "municipality", "board", "dnr", "paragraph", "handlaggare",
               "decision", "parties", "tagging")
DECISION_TYPES = ("tjansteutlatande", "protokoll", "delegationsbeslut")


# Tagging reads headers, labels and sentences. A longer line (a text export
# without line breaks: 10 MB on one line took 90 s to tag) is read only so far.
MAX_LINE_CHARS = 10_000


def tag(doc: Document) -> Document:
    doc_type, metadata = tag_metadata(_bounded_lines(doc.text))
    kept = {key: value for key, value in doc.metadata.items() if key not in TAGGED_KEYS}
    return doc.evolve(doc_type=doc_type, metadata={**kept, **metadata})


def _bounded_lines(text: str) -> str:
    lines = text.split("\n")
    if max(map(len, lines)) <= MAX_LINE_CHARS:
        return text
    return "\n".join(line[:MAX_LINE_CHARS] for line in lines)


def tag_text(text: str) -> Document:
    """Tag a bare text (for tests and benchmarks): a Document with only text, type and metadata."""
    return tag(Document(id="", path="", size=len(text), mtime_ns=0, kind="text", text=text))


def tag_metadata(text: str) -> tuple[str, dict[str, Any]]:
    """(type, metadata) for a document's text."""
    decided = classify(text)
    doc_type = decided.doc_type
    values: dict[str, Any] = {}
    cues: dict[str, dict[str, str]] = {}

    def keep(field: str, value, cue: str) -> None:
        if value:
            values[field] = value
            cues[field] = {"cue": cue}

    title = find_title(text, doc_type)
    if title:
        keep("title", *title)
    own_date = document_date(text, doc_type)
    if own_date:
        keep("date", own_date.iso, own_date.cue)
    dnr = find_dnr(text, doc_type)
    if dnr:
        keep("dnr", dnr.value, dnr.cue)
    board = find_board(text, doc_type)
    if board:
        keep("board", board.name, board.cue)
    parties = find_parties(text, values.get("title")) if doc_type == "avtal" else None
    if parties:
        keep("parties", parties.parties, parties.cue)
    municipality = find_municipality(text, parties=values.get("parties"),
                                     board=values.get("board"))
    if municipality:
        keep("municipality", municipality.name, municipality.cue)
    paragraph = _paragraph(text, doc_type, values.get("date"))
    if paragraph:
        keep("paragraph", *paragraph)
    person = find_handlaggare(text, doc_type)
    if person:
        keep("handlaggare", person.name, person.cue)
    if doc_type in DECISION_TYPES and not (doc_type == "protokoll" and is_full_protokoll(text)):
        decision = find_decision(text)
        if decision:
            keep("decision", *decision)

    values["tagging"] = {"type": {"confidence": decided.confidence, "cues": decided.cues},
                         "fields": cues}
    return doc_type, values


def _paragraph(text: str, doc_type: str, own_date: str | None) -> tuple[str, str] | None:
    """The § where the document's matter was decided (see ingest/paragraph.py)."""
    if doc_type == "protokoll":
        return utdrag_paragraph(text)
    if doc_type == "delegationsbeslut":
        return numbered_decision(text)
    if doc_type == "policy":
        adoption = find_adoption(text)
        if adoption and adoption.paragraph:
            return adoption.paragraph, adoption.line
    if doc_type in ("policy", "yttrande") and own_date:
        return decided_paragraph(text, own_date)
    return None
