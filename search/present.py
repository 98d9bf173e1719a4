"""How results and documents look: on a terminal, piped, and as JSON.

The JSON shapes are documented in the README; fields may be added, never renamed."""

from datetime import datetime, timezone

import click

from corpus import StoredDocument
from corpus.tags import TAG_FIELDS
from index import Snippet
from ingest.document import UNKNOWN_TYPE, Document

from .filters import describe
from .results import SearchHit, SearchResults
from .similar import SimilarResults

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
    data = {
        "query": results.query,
        "parsed_query": results.parsed,
        "filters": results.filters.as_dict(),
        "sort": results.sort,
        "total": results.total,
        "match": results.match,
        "hits": [_hit_dict(h) for h in results.hits],
        "did_you_mean": results.did_you_mean,
        "suggestions": [{"word": s.word, "alternatives": list(s.alternatives)}
                        for s in results.suggestions],
    }
    if results.facets is not None:
        data["facets"] = results.facets
    return data


def _hit_dict(h: SearchHit) -> dict:
    return {
        "rank": h.rank, "id": h.id, "score": round(h.score, 4), "title": h.title,
        "date": h.date, "type": h.doc_type, "board": h.board, "municipality": h.municipality,
        "dnr": h.dnr, "path": h.path, "paths": list(h.paths),
        "copies": [{"id": c.id, "paths": list(c.paths), "similarity": c.similarity} for c in h.copies],
        "snippet": snippet_text(h.snippet, bold=False),
    }


def results_text(results: SearchResults, *, bold: bool) -> str:
    lines = [_results_header(results)]
    if not results.hits or results.match == "any":
        lines += _suggestion_lines(results)
    if not results.hits:
        return "\n".join(lines)
    if results.facets is not None:
        lines.append("")
        lines += facets_text(results.facets)
    for h in results.hits:
        lines += [""] + _hit_lines(h, bold=bold)
    return "\n".join(lines)


def _hit_lines(h: SearchHit, *, bold: bool) -> list[str]:
    """Title; type, board, municipality, date, id, path; the document's other paths
    and its copies (the same text stored twice); the snippet."""
    title = h.title or "(no title)"
    lines = [f"{h.rank}. " + (click.style(title, bold=True) if bold else title)]
    about = [h.doc_type or UNKNOWN_TYPE, h.board, h.municipality, h.date or "no date",
             h.id[:12], h.path]
    lines.append("   " + " · ".join(part for part in about if part))
    lines += [f"   also at {path}" for path in h.paths if path != h.path]
    for copy in h.copies:
        kind = "same text" if copy.similarity is None else f"near copy ({copy.similarity:.2f})"
        lines += [f"   {kind}: {copy.id[:12]} · {path}" for path in copy.paths[:1] or ["(no path)"]]
        lines += [f"   also at {path}" for path in copy.paths[1:]]
    snippet = snippet_text(h.snippet, bold=bold)
    if snippet:
        lines.append(f"   {snippet}")
    return lines


def _suggestion_lines(results: SearchResults) -> list[str]:
    """"Did you mean 'södertörns högskola'?", else the close words of each unknown word."""
    if results.did_you_mean:
        return [f"Did you mean {results.did_you_mean!r}?"]
    return [f"{s.word!r} is in no document; close: {', '.join(s.alternatives)}"
            for s in results.suggestions]


def similar_dict(results: SimilarResults) -> dict:
    return {"id": results.id, "title": results.title, "total": results.total,
            "hits": [_hit_dict(h) for h in results.hits]}


def similar_text(results: SimilarResults, *, bold: bool) -> str:
    like = f"{results.id[:12]} ({results.title})" if results.title else results.id[:12]
    if not results.hits:
        return f"No documents like {like}."
    lines = [f"Documents most like {like}:"]
    for h in results.hits:
        lines += [""] + _hit_lines(h, bold=bold)
    return "\n".join(lines)


def _results_header(results: SearchResults) -> str:
    """"4 documents match 'avtal' with type avtal; showing 2", "2 documents with board X",
    "No document has every word of 'a b'; 3 documents have some of them"."""
    filters = describe(results.filters)
    if not results.hits:
        if results.query:
            return f"No documents match {results.query!r}" + (f" with {filters}." if filters else ".")
        return f"No documents with {filters}."
    n = results.total
    header = f"{n} document{'s' if n != 1 else ''}"
    if results.match == "any":
        header = (f"No document has every word of {results.query!r}"
                  + (f" with {filters}" if filters else "")
                  + f"; {header} {'have' if n != 1 else 'has'} some of them")
    elif results.query:
        header += f" {'match' if n != 1 else 'matches'} {results.query!r}"
        header += f" with {filters}" if filters else ""
    else:
        header += f" with {filters}"
    if n > len(results.hits):
        header += f"; showing {len(results.hits)}"
    return header


def facets_text(facets: dict[str, dict[str, int]]) -> list[str]:
    """One line per facet: "  board          Socialnämnden 3 · Kommunstyrelsen 1"."""
    width = max(len(name) for name in facets) + 2
    return [f"  {name:<{width}}" + (" · ".join(f"{value} {count}" for value, count in counts.items())
                                    or "-")
            for name, counts in facets.items()]


def stored_document_dict(doc: StoredDocument, *, with_text: bool = True) -> dict:
    data = {
        "id": doc.id, "status": doc.status, "reason": doc.reason, "title": doc.title,
        "type": doc.doc_type, "date": doc.date, "metadata": doc.metadata,
        "path": doc.path, "paths": list(doc.paths), "kind": doc.kind, "size": doc.size,
        "mtime": _iso_time(doc.mtime_ns), "page_count": doc.page_count, "pages": list(doc.pages),
        "encoding": doc.details.get("encoding"), "fixes": doc.details.get("fixes", []),
        "repairs": repair_summary(doc.details.get("repairs", [])),
        "warnings": doc.details.get("warnings", []), "pipeline_version": doc.pipeline_version,
        "manual_tags": doc.manual, "created_at": doc.created_at, "updated_at": doc.updated_at,
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
        "pipeline_version": doc.pipeline_version, "manual_tags": {}, "text": doc.text,
    }


def repair_summary(changes) -> dict:
    by_reason: dict[str, int] = {}
    for change in changes:
        by_reason[change["reason"]] = by_reason.get(change["reason"], 0) + 1
    return {"changes": len(changes), "by_reason": by_reason}


LABEL_WIDTH = 14  # "municipality: "
# Metadata shown in this order; any other key after them, as it comes.
METADATA_ORDER = ("board", "municipality", "dnr", "paragraph", "handlaggare", "decision", "parties")
LONG_VALUE = 200


def document_text(data: dict) -> str:
    """A document dict (from either function above) for reading on a terminal.
    Tags a clerk set with `beslut tag` say so."""
    kind = data["kind"] or "?"
    if data.get("encoding"):
        kind += f", {data['encoding']}"
    lines = [_line("id", data["id"])] + _tag_lines(data, all_fields=False)
    lines.append(_line("status", data["status"]) + (f" ({data['reason']})" if data["reason"] else ""))
    size = f"{data['size']:,}".replace(",", " ")
    pages = f"{data['page_count']} page{'s' if data['page_count'] != 1 else ''}"
    lines.append(_line("file", f"{kind}, {pages}, {size} bytes"))
    for path in data["paths"] or [data["path"]]:
        lines.append(_line("path", path))
    sources = sorted({p["source"] for p in data["pages"]})
    if sources:
        lines.append(_line("text from", ", ".join(sources)))
    for fix in data["fixes"]:
        lines.append(_line("fixed", f"page {fix['page']}: {', '.join(fix['steps'])}"))
    if data["repairs"]["changes"]:
        reasons = ", ".join(f"{n} {r}" for r, n in sorted(data["repairs"]["by_reason"].items()))
        lines.append(_line("repaired", f"{data['repairs']['changes']} words ({reasons})"))
    for warning in data["warnings"]:
        lines.append(_line("warning", warning))
    if "text" in data:
        lines += ["", data["text"].replace("\f", "\n\n--- page break ---\n\n").rstrip()]
    return "\n".join(lines)


def tags_dict(doc: StoredDocument) -> dict:
    """What `beslut tag --json` prints: the tags as they stand, and which were set by hand."""
    tags = {"type": doc.doc_type or UNKNOWN_TYPE, "title": doc.title, "date": doc.date}
    tags.update({field: doc.meta(field) for field in TAG_FIELDS if field not in tags})
    return {"id": doc.id, "tags": tags, "manual_tags": doc.manual}


def tags_text(doc: StoredDocument) -> str:
    data = stored_document_dict(doc, with_text=False)
    return "\n".join([_line("id", doc.id)] + _tag_lines(data, all_fields=True))


def _line(label: str, value) -> str:
    return f"{label + ':':<{LABEL_WIDTH}}{value}"


def _tag_lines(data: dict, *, all_fields: bool) -> list[str]:
    """title, type, date, then the metadata (all_fields: every tag field, even if
    empty); each value set by hand says so."""
    manual = data.get("manual_tags") or {}
    metadata = data["metadata"]

    def tag_line(field: str, value) -> str:
        shown = "-" if value in (None, "") else value
        if field in manual:
            shown += " (cleared by hand)" if manual[field]["value"] is None else " (set by hand)"
        return _line(field, shown)

    lines = [
        tag_line("title", data["title"]),
        tag_line("type", data["type"] or UNKNOWN_TYPE) + ("" if "type" in manual else _type_reason(metadata)),
        tag_line("date", data["date"]),
    ]
    if all_fields:
        keys = ["board", "municipality", "dnr"]
    else:
        keys = [k for k in METADATA_ORDER if k in metadata or k in manual]
        keys += [k for k in metadata if k not in METADATA_ORDER and k not in ("title", "date", "tagging")]
    for key in keys:
        lines.append(tag_line(key, _metadata_value(metadata.get(key))))
    return lines


def _type_reason(metadata: dict) -> str:
    """" (confidence 0.81)" from the tagger's explanation; its cues are in --json."""
    tagging = metadata.get("tagging")
    explained = tagging.get("type") if isinstance(tagging, dict) else None
    if not isinstance(explained, dict) or not isinstance(explained.get("confidence"), (int, float)):
        return ""
    return f" (confidence {explained['confidence']:.2f})"


def _metadata_value(value) -> str | None:
    """A metadata value on one line: parties as "Name (orgnr), ...", long text cut."""
    if value is None:
        return None
    if isinstance(value, list):
        value = ", ".join(_party(v) if isinstance(v, dict) else str(v) for v in value)
    elif not isinstance(value, str):
        value = str(value)
    value = " ".join(value.split())
    return value if len(value) <= LONG_VALUE else value[:LONG_VALUE].rstrip() + " …"


def _party(party: dict) -> str:
    name = party.get("name") or "?"
    return f"{name} ({party['orgnr']})" if party.get("orgnr") else name


def _iso_time(ns: int | None) -> str | None:
    if ns is None:
        return None
    return datetime.fromtimestamp(ns / 1e9, timezone.utc).isoformat(timespec="seconds")
