"""How results and documents look: on a terminal, piped, and as JSON.

The JSON shapes are documented in the README; fields may be added, never renamed."""

from datetime import datetime, timezone

import click

from corpus import StoredDocument
from index import Snippet
from ingest.document import Document

from .results import SearchResults

PLAIN_MARK = "**"


def snippet_text(snippet: Snippet | None, *, bold: bool) -> str:
    if snippet is None:
        return ""
    out = []
    for text, matched in snippet.segments:
        if matched:
            out.append(click.style(text, bold=True) if bold else f"{PLAIN_MARK}{text}{PLAIN_MARK}")
        else:
            out.append(text)
    return "".join(out).strip()


def results_dict(results: SearchResults) -> dict:
    return {
        "query": results.query,
        "parsed_query": results.parsed,
        "total": results.total,
        "hits": [{
            "rank": h.rank, "id": h.id, "score": round(h.score, 4), "title": h.title,
            "date": h.date, "type": h.doc_type, "path": h.path, "paths": list(h.paths),
            "snippet": snippet_text(h.snippet, bold=False),
        } for h in results.hits],
    }


def results_text(results: SearchResults, *, bold: bool) -> str:
    if not results.hits:
        return f"No documents match {results.query!r}."
    lines = [f"{results.total} document{'s match' if results.total != 1 else ' matches'} "
             f"{results.query!r}" + (f"; showing {len(results.hits)}" if results.total > len(results.hits) else "")]
    for h in results.hits:
        title = h.title or "(no title)"
        lines.append("")
        lines.append(f"{h.rank}. " + (click.style(title, bold=True) if bold else title))
        lines.append(f"   {h.doc_type or 'okänd'} · {h.date or 'no date'} · {h.id[:12]} · {h.path}")
        snippet = snippet_text(h.snippet, bold=bold)
        if snippet:
            lines.append(f"   {snippet}")
    return "\n".join(lines)


def stored_document_dict(doc: StoredDocument, *, with_text: bool = True) -> dict:
    data = {
        "id": doc.id, "status": doc.status, "reason": doc.reason, "title": doc.title,
        "type": doc.doc_type, "date": doc.date, "metadata": doc.metadata,
        "path": doc.path, "paths": list(doc.paths), "kind": doc.kind, "size": doc.size,
        "mtime": _iso_time(doc.mtime_ns), "page_count": doc.page_count, "pages": list(doc.pages),
        "encoding": doc.details.get("encoding"), "fixes": doc.details.get("fixes", []),
        "repairs": repair_summary(doc.details.get("repairs", [])),
        "warnings": doc.details.get("warnings", []), "pipeline_version": doc.pipeline_version,
        "created_at": doc.created_at, "updated_at": doc.updated_at,
    }
    if with_text:
        data["text"] = doc.text
    return data


def document_dict(doc: Document) -> dict:
    """The shape of inspect --json: show --json's keys that an unstored document has."""
    return {
        "id": doc.id, "status": "ok", "reason": None, "title": doc.title, "type": doc.doc_type,
        "date": doc.date, "metadata": doc.metadata, "path": doc.path, "paths": [doc.path],
        "kind": doc.kind, "size": doc.size, "mtime": _iso_time(doc.mtime_ns),
        "page_count": doc.page_count, "pages": [p.as_dict() for p in doc.pages],
        "encoding": doc.encoding, "fixes": list(doc.fixes), "repairs": repair_summary(doc.repairs),
        "warnings": list(doc.warnings),
        "pipeline_version": doc.pipeline_version, "text": doc.text,
    }


def repair_summary(changes) -> dict:
    by_reason: dict[str, int] = {}
    for change in changes:
        by_reason[change["reason"]] = by_reason.get(change["reason"], 0) + 1
    return {"changes": len(changes), "by_reason": by_reason}


def document_text(data: dict) -> str:
    """A document dict (from either function above) for reading on a terminal."""
    kind = data["kind"] or "?"
    if data.get("encoding"):
        kind += f", {data['encoding']}"
    lines = [
        f"id:        {data['id']}",
        f"title:     {data['title'] or '-'}",
        f"type:      {data['type'] or 'okänd'}",
        f"date:      {data['date'] or '-'}",
    ]
    for key, value in data["metadata"].items():
        if key not in ("title", "date"):
            lines.append(f"{key + ':':<10} {value}")
    lines.append(f"status:    {data['status']}" + (f" ({data['reason']})" if data["reason"] else ""))
    size = f"{data['size']:,}".replace(",", " ")
    pages = f"{data['page_count']} page{'s' if data['page_count'] != 1 else ''}"
    lines.append(f"file:      {kind}, {pages}, {size} bytes")
    for path in data["paths"] or [data["path"]]:
        lines.append(f"path:      {path}")
    sources = sorted({p["source"] for p in data["pages"]})
    if sources:
        lines.append(f"text from: {', '.join(sources)}")
    for fix in data["fixes"]:
        lines.append(f"fixed:     page {fix['page']}: {', '.join(fix['steps'])}")
    if data["repairs"]["changes"]:
        reasons = ", ".join(f"{n} {r}" for r, n in sorted(data["repairs"]["by_reason"].items()))
        lines.append(f"repaired:  {data['repairs']['changes']} words ({reasons})")
    for warning in data["warnings"]:
        lines.append(f"warning:   {warning}")
    if "text" in data:
        lines += ["", data["text"].replace("\f", "\n\n--- page break ---\n\n").rstrip()]
    return "\n".join(lines)


def _iso_time(ns: int | None) -> str | None:
    if ns is None:
        return None
    return datetime.fromtimestamp(ns / 1e9, timezone.utc).isoformat(timespec="seconds")
