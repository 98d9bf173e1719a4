"""The Swedish words beslut knows: wordfreq's Swedish list (340,000 forms)."""

from functools import lru_cache


@lru_cache(maxsize=1)
def swedish_words() -> frozenset[str]:
    import wordfreq  # loads in about 0.25 s; only when text is judged

    return frozenset(wordfreq.iter_wordlist("sv", wordlist="large"))


def is_swedish_word(word: str) -> bool:
    return word.lower() in swedish_words()
