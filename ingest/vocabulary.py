"""The archive's own words: what clean documents teach repair.

A born-digital PDF or a clean text file spells the local names right
("Kärrdalen", "Jarlaleden", "Hälsoval Södertörn") where no word list has them;
a scan of an old protocol may carry the same names in English-model OCR
("Karrdalen"). The corpus keeps the words of its clean documents that the
lexicon does not list, and ingest lends them to repair as extra words.
"""

import re

from .document import Document
from .lexicon import Lexicon

WORD = re.compile(r"[^\W\d_]{3,}")
OCR_SOURCES = ("ocr", "re-ocr")


def is_clean(doc: Document) -> bool:
    """Text nobody had to read from pixels or repair: a born-digital layer or a
    text file that showed no OCR damage."""
    return bool(doc.pages) and not doc.repairs and not any(p.source in OCR_SOURCES for p in doc.pages)


def unlisted_words(doc: Document, lexicon: Lexicon) -> set[str]:
    """The words of a clean document that no word list has, lower-cased."""
    if not is_clean(doc):
        return set()
    words = {match.group().lower() for match in WORD.finditer(doc.text)}
    return {word for word in words if not lexicon.lists(word) and not lexicon.knows(word)}
