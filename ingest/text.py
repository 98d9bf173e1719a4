"""Text files: decode the bytes, saying which encoding it took."""

import codecs

from beslut.errors import InputError

from .document import Page
from .source import SourceFile

MAX_TEXT_BYTES = 256 * 1024**2


def decode_text(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). UTF-8 (with or without BOM) and UTF-16 with a BOM
    decode as such; other bytes are Windows-1252, or Latin-1 where 1252 has a hole."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def extract_text_pages(source: SourceFile) -> tuple[list[Page], str]:
    if source.size > MAX_TEXT_BYTES:
        raise InputError(source.path, f"text file too large ({source.size // 1024**2} MiB; "
                                      f"the limit is {MAX_TEXT_BYTES // 1024**2} MiB)",
                         doc_id=source.sha256, size=source.size)
    try:
        data = source.path.read_bytes()
    except OSError as err:
        raise InputError(source.path, f"cannot read: {err.strerror or err}",
                         doc_id=source.sha256, size=source.size) from None
    text, encoding = decode_text(data)
    # A form feed is a page break in plain text, as in our stored text.
    pages = [Page(number=n, text=part, source="text-file")
             for n, part in enumerate(text.split("\f"), start=1)]
    return pages, encoding
