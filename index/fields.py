"""The values a document is indexed by, the same for every engine: its id,
title and text, its tags as stored, its date, its content key (copies of one
text share it) and its stamp, a hash of all of these (`archive verify` tells a
stale entry by it). Each engine analyses and lays them out its own way."""

import hashlib
from datetime import date, datetime

from corpus import StoredDocument
from ingest.document import UNKNOWN_TYPE

from .analysis import content_key

KEYWORD_FIELDS = ("type", "board", "municipality", "dnr")


def index_fields(doc: StoredDocument) -> dict:
    """{field: value}: id, title, text, text_folded (the text again, for the
    field searched without diacritics), type, board, municipality and dnr (if
    set), date (a datetime at midnight) and year if the document has a date,
    sort_date ("YYYY-MM-DD", or "" without a date), content_key and stamp."""
    fields = {
        "id": doc.id,
        "title": doc.title or "",
        "text": doc.text,
        "text_folded": doc.text,
        "type": doc.doc_type or UNKNOWN_TYPE,
        "sort_date": "",
        "content_key": content_key(doc.text) or doc.id,
    }
    for name in ("board", "municipality", "dnr"):
        if doc.meta(name):
            fields[name] = doc.meta(name)
    day = _day(doc.date)
    if day:
        fields.update(date=datetime(day.year, day.month, day.day), year=str(day.year),
                      sort_date=day.isoformat())
    fields["stamp"] = _stamp(fields)
    return fields


def _stamp(fields: dict) -> str:
    digest = hashlib.sha256()
    for name in sorted(fields):
        digest.update(f"{name}\x1f{fields[name]}\x1e".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def _day(value: str | None) -> date | None:
    """A stored ISO date; anything else is left out of the index rather than fail it."""
    try:
        return date.fromisoformat(value) if value and len(value) == 10 else None
    except ValueError:
        return None
