"""What the store gives back: a stored document with its paths and pages, its
tags as the pipeline found them with a clerk's corrections laid over them."""

import json
from dataclasses import dataclass, field
from typing import Any

from .tags import ManualTag, overlay


@dataclass(frozen=True)
class StoredDocument:
    id: str
    status: str
    reason: str | None
    kind: str | None
    size: int
    mtime_ns: int | None
    last_path: str | None
    page_count: int
    raw_text: str
    text: str
    doc_type: str | None
    title: str | None
    date: str | None
    metadata: dict[str, Any]
    details: dict[str, Any]
    pipeline_version: str
    created_at: str
    updated_at: str
    paths: tuple[str, ...] = ()
    pages: tuple[dict[str, Any], ...] = field(default=())
    # Fields set by hand: {field: {"value", "set_at", "pipeline"}}; doc_type, title,
    # date and metadata above already carry these values.
    manual: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Near duplicates linked by `beslut archive dedupe --apply`: on a copy, the id
    # of the primary kept in its place; on a primary, the ids of its copies.
    duplicate_of: str | None = None
    duplicates: tuple[str, ...] = ()

    @classmethod
    def from_row(cls, row, paths=(), pages=(), manual_tags: list[ManualTag] = (),
                 duplicate_of: str | None = None, duplicates=()) -> "StoredDocument":
        doc_type, metadata, manual = overlay(row["doc_type"], json.loads(row["metadata"]),
                                             list(manual_tags))
        title = metadata.get("title") if "title" in manual else row["title"]
        date = metadata.get("date") if "date" in manual else row["doc_date"]
        return cls(
            id=row["id"], status=row["status"], reason=row["reason"], kind=row["kind"],
            size=row["size"], mtime_ns=row["mtime_ns"], last_path=row["last_path"],
            page_count=row["page_count"], raw_text=row["raw_text"], text=row["text"],
            doc_type=doc_type, title=title, date=date,
            metadata=metadata, details=json.loads(row["details"]),
            pipeline_version=row["pipeline_version"], created_at=row["created_at"],
            updated_at=row["updated_at"], paths=tuple(paths), pages=tuple(pages), manual=manual,
            duplicate_of=duplicate_of, duplicates=tuple(duplicates),
        )

    def meta(self, key: str) -> str | None:
        """A metadata value that is text (board, municipality, dnr, ...), else None."""
        value = self.metadata.get(key)
        return value if isinstance(value, str) and value.strip() else None

    @property
    def path(self) -> str | None:
        """The path to show: the first current one, else where it was last seen."""
        return self.paths[0] if self.paths else self.last_path


@dataclass(frozen=True)
class PathState:
    path: str
    doc_id: str | None
    size: int | None
    mtime_ns: int | None
    status: str
    reason: str | None


@dataclass(frozen=True)
class OutboxEntry:
    seq: int
    doc_id: str
    action: str  # "upsert" | "delete"
