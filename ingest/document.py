"""The document that flows through the pipeline: ingest builds it, corpus stores it,
index and search read it."""

from dataclasses import dataclass, field, replace
from typing import Any

# Bump when a change to ingest would give different text or metadata for the
# same bytes; stored documents remember the version that made them.
PIPELINE_VERSION = "4"

UNKNOWN_TYPE = "okänd"
# The taxonomy of document types (ingest/doctype.py tells them apart); okänd last.
DOCUMENT_TYPES = ("tjansteutlatande", "protokoll", "kallelse", "avtal", "utredning", "motion",
                  "yttrande", "delegationsbeslut", "policy", UNKNOWN_TYPE)


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    text: str
    source: str  # "text-layer" | "text-file" | "ocr" | "re-ocr"
    scores: dict[str, Any] = field(default_factory=dict)  # what decided the source
    reason: str = ""  # why the text came from there, in words

    def as_dict(self) -> dict[str, Any]:
        return {"number": self.number, "source": self.source, "reason": self.reason,
                "chars": len(self.text), "scores": dict(self.scores)}


@dataclass(frozen=True)
class Document:
    id: str  # SHA-256 of the file's bytes, hex
    path: str  # where this ingest read it
    size: int
    mtime_ns: int
    kind: str  # "pdf" | "image" | "text"
    pages: tuple[Page, ...] = ()
    text: str = ""  # the cleaned text, pages separated by form feeds
    doc_type: str = UNKNOWN_TYPE
    metadata: dict[str, Any] = field(default_factory=dict)  # title, date, board, ...
    encoding: str | None = None  # for text files: the encoding that decoded them
    fixes: tuple[dict[str, Any], ...] = ()  # what cleaning (ftfy) changed, and why
    repairs: tuple[dict[str, Any], ...] = ()  # what repair changed: page, start, end, before, after, reason
    warnings: tuple[str, ...] = ()
    # Words no lexicon lists that this clean document lends repair (ingest.vocabulary).
    vocabulary: tuple[str, ...] = ()
    pipeline_version: str = PIPELINE_VERSION

    @property
    def raw_text(self) -> str:
        return "\f".join(page.text for page in self.pages)

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def title(self) -> str | None:
        return self.metadata.get("title")

    @property
    def date(self) -> str | None:
        return self.metadata.get("date")

    def evolve(self, **changes) -> "Document":
        return replace(self, **changes)
