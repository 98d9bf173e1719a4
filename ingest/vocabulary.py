"""The words an archive teaches repair: what its clean documents write that no
lexicon lists — local places, streets, schools and projects ("Glömstavägen",
"Storängsskolan", "Flemingsberg"). A clean document lends them; once the corpus
holds them in enough documents, repair reads later documents with them
(corpus.Corpus.lent_words, beslut.batch), so that "Glomstavagen" in an old scan
can become the name the archive knows, and is not "corrected" into something else.

Only a document nobody had to mend lends its words: every page read from a text
layer or a text file (no OCR), and nothing repaired. Its unlisted words are
taken lower-cased, letters only, at least MIN_LETTERS long, at most
MOST_PER_DOCUMENT of them (in order of first use), so that one odd file cannot
flood the lexicon.
"""

import re

from .document import Document
from .lexicon import Lexicon, default_lexicon

MIN_LETTERS = 5
MOST_PER_DOCUMENT = 300
CLEAN_SOURCES = frozenset({"text-layer", "text-file"})
# A word of letters: hyphens, digits and apostrophes make it something else.
WORD = re.compile(r"(?<![\w-])[^\W\d_]{%d,}(?![\w-])" % MIN_LETTERS)


def lends_words(doc: Document) -> bool:
    """Is this a document whose words can be trusted as written?"""
    return (bool(doc.pages) and all(page.source in CLEAN_SOURCES for page in doc.pages)
            and not doc.repairs)


def unlisted_words(text: str, lexicon: Lexicon | None = None) -> tuple[str, ...]:
    """The lower-cased words of a text no lexicon knows, each once, in order."""
    lexicon = lexicon or default_lexicon()
    seen: dict[str, None] = {}
    for match in WORD.finditer(text):
        word = match.group()
        lower = word.lower()
        if lower in seen or lexicon.knows(word):
            continue
        seen[lower] = None
        if len(seen) == MOST_PER_DOCUMENT:
            break
    return tuple(seen)


def lend_vocabulary(doc: Document) -> Document:
    """The document, with the words it lends the archive (none unless it is clean)."""
    return doc.evolve(vocabulary=unlisted_words(doc.text) if lends_words(doc) else ())
