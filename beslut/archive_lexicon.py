"""The repair lexicon of this archive: the default one, and the words the
archive's clean documents lend it (ingest/vocabulary.py, corpus.Corpus.lent_words).
Made once per batch or job, from what the store holds when it starts."""


def archive_lexicon(lent_words: tuple[str, ...]):
    """A Lexicon with the lent words, or the default lexicon if there are none."""
    from ingest.lexicon import Lexicon, default_lexicon

    return Lexicon(lent_words) if lent_words else default_lexicon()
