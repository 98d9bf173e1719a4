"""Decide what a file really is from its first bytes, and check its name agrees."""

import codecs
from pathlib import Path

from beslut.errors import InputError

from .source import SourceFile

EXTENSION_KINDS = {
    ".pdf": "pdf",
    ".txt": "text",
    ".text": "text",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".tif": "image",
    ".tiff": "image",
}
CONTENT_KINDS = {"pdf": "pdf", "text": "text", "png": "image", "jpeg": "image", "tiff": "image"}
SUPPORTED = ", ".join(sorted(EXTENSION_KINDS))


def sniff(head: bytes) -> str:
    """Name the content: pdf, text, html, png, jpeg, tiff, zip, gzip, utf-16 text or binary."""
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "text"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return "html"
    if b"\x00" in head:
        return "binary"
    return "text"


CONTENT_NAMES = {
    "html": "an HTML page",
    "png": "a PNG image",
    "jpeg": "a JPEG image",
    "tiff": "a TIFF image",
    "zip": "a ZIP archive (perhaps a Word or OpenDocument file)",
    "gzip": "a gzip archive",
    "binary": "binary data",
    "text": "plain text",
    "pdf": "a PDF",
}


def detect_kind(source: SourceFile) -> tuple[str, list[str]]:
    """Return the kind to read the file as ("pdf", "image" or "text") and any warnings.

    A file whose name and content disagree is read by its content when the
    content is something beslut reads, with a warning; otherwise it fails.
    """
    path = source.path
    suffix = path.suffix.lower()
    expected = EXTENSION_KINDS.get(suffix)
    content = sniff(source.head)
    if expected is None:
        what = f"'{suffix}'" if suffix else "a file without extension"
        raise InputError(path, f"unsupported file type {what} (beslut reads {SUPPORTED})",
                         size=source.size)
    kind = CONTENT_KINDS.get(content)
    if kind == expected:
        return expected, []
    if kind in ("pdf", "image"):
        return kind, [f"named {suffix} but is {CONTENT_NAMES[content]}; read as such"]
    if expected == "image":
        raise InputError(path, f"not an image: the file is {CONTENT_NAMES[content]}",
                         doc_id=source.sha256, size=source.size)
    if expected == "pdf":
        raise InputError(path, f"not a PDF: the file is {CONTENT_NAMES[content]}",
                         doc_id=source.sha256, size=source.size)
    if content == "html":  # HTML saved as .txt is still text
        return "text", []
    raise InputError(path, f"not a text file: the file is {CONTENT_NAMES[content]}",
                     doc_id=source.sha256, size=source.size)


def is_candidate(path: Path) -> bool:
    return path.suffix.lower() in EXTENSION_KINDS
