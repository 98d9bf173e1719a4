"""What the store gives back: a stored document with its paths and pages."""

import json
from dataclasses import dataclass, field
from typing import Any


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

    @classmethod
    def from_row(cls, row, paths=(), pages=()) -> "StoredDocument":
        return cls(
            id=row["id"], status=row["status"], reason=row["reason"], kind=row["kind"],
            size=row["size"], mtime_ns=row["mtime_ns"], last_path=row["last_path"],
            page_count=row["page_count"], raw_text=row["raw_text"], text=row["text"],
            doc_type=row["doc_type"], title=row["title"], date=row["doc_date"],
            metadata=json.loads(row["metadata"]), details=json.loads(row["details"]),
            pipeline_version=row["pipeline_version"], created_at=row["created_at"],
            updated_at=row["updated_at"], paths=tuple(paths), pages=tuple(pages),
        )

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
