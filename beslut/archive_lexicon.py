"""The repair lexicon of this archive: the default one, and the words the
archive's clean documents lend it (ingest/vocabulary.py, corpus.Corpus.lent_words).
Made once per batch or job, from what the store holds when it starts."""

from corpus import Corpus


def lent_words(corpus: Corpus) -> tuple[str, ...]:
    return tuple(corpus.lent_words())


def archive_lexicon(corpus: Corpus, words: tuple[str, ...] | None = None):
    """A Lexicon with the lent words, or the default lexicon if there are none."""
    from ingest.lexicon import Lexicon, default_lexicon

    words = lent_words(corpus) if words is None else words
    return Lexicon(words) if words else default_lexicon()
