"""A document's tags (type, title, date, board, municipality, dnr): the values a
clerk may set by hand, how such a value is checked, and how the corrections are
laid over what the pipeline found.

The store keeps the pipeline's values and the clerk's corrections apart (the
manual_tags table) and joins them whenever a document is read, so a correction
holds through re-ingest, a new pipeline version and reindex alike."""

import copy
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from beslut.errors import InvalidValue
from ingest.document import DOCUMENT_TYPES, UNKNOWN_TYPE

# The fields `beslut tag` can set. All but type live in Document.metadata under the same name.
TAG_FIELDS = ("type", "title", "date", "board", "municipality", "dnr")

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
WHITESPACE = re.compile(r"\s+")


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_TYPES_BY_FOLDED = {_folded(t): t for t in DOCUMENT_TYPES}


def document_type(value: str) -> str:
    """The type named by value, in any case and with or without å/ä/ö
    ("Tjänsteutlåtande", "okand"); InvalidValue names the types if there is none."""
    found = _TYPES_BY_FOLDED.get(_folded(value))
    if found is None:
        raise InvalidValue(f"unknown document type {value!r}; the types are: {', '.join(DOCUMENT_TYPES)}")
    return found


def iso_date(value: str, what: str = "date") -> str:
    """A calendar date written YYYY-MM-DD, checked; InvalidValue otherwise."""
    value = value.strip()
    try:
        if not ISO_DATE.fullmatch(value):
            raise ValueError
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise InvalidValue(f"{what} {value!r} is not a date; write it as YYYY-MM-DD, "
                           f"e.g. 2021-04-14") from None


def tag_field(name: str) -> str:
    field = name.strip().lower()
    if field not in TAG_FIELDS:
        raise InvalidValue(f"unknown field {name!r}; the fields are: {', '.join(TAG_FIELDS)}")
    return field


def tag_value(field: str, value: str | None) -> str | None:
    """A clerk's value for field, checked and tidied. None clears the field
    (for type: okänd)."""
    if value is None:
        return UNKNOWN_TYPE if field == "type" else None
    if field == "type":
        return document_type(value)
    if field == "date":
        return iso_date(value)
    value = WHITESPACE.sub(" ", unicodedata.normalize("NFC", value)).strip()
    if not value:
        raise InvalidValue(f"empty value for {field}; to remove it, use --clear {field}")
    return value


@dataclass(frozen=True)
class ManualTag:
    field: str
    value: str | None  # None: cleared by hand
    set_at: str


def overlay(doc_type: str | None, metadata: dict[str, Any],
            tags: list[ManualTag]) -> tuple[str | None, dict[str, Any], dict[str, dict]]:
    """The type and metadata with the clerk's corrections laid over the pipeline's,
    and, per corrected field, {"value", "set_at", "pipeline"} (what the pipeline said).
    metadata["tagging"]["manual"] lists the fields set by hand."""
    if not tags:
        return doc_type, metadata, {}
    metadata = copy.deepcopy(metadata)
    manual = {}
    for tag in sorted(tags, key=lambda t: TAG_FIELDS.index(t.field)):
        if tag.field == "type":
            pipeline, doc_type = doc_type, tag.value or UNKNOWN_TYPE
        else:
            pipeline = metadata.pop(tag.field, None)
            if tag.value is not None:
                metadata[tag.field] = tag.value
        manual[tag.field] = {"value": tag.value, "set_at": tag.set_at, "pipeline": pipeline}
    tagging = metadata.get("tagging")
    metadata["tagging"] = {**(tagging if isinstance(tagging, dict) else {}), "manual": list(manual)}
    return doc_type, metadata, manual
