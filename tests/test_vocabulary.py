"""The words clean documents lend repair (ingest/vocabulary.py): which documents
lend, what the store keeps, and that later documents are repaired with them."""

from ingest.lexicon import default_lexicon
from ingest.pipeline import ingest_file
from ingest.vocabulary import unlisted_words

from .conftest import DB_NAME, read_db

# Local names no lexicon lists, in a clean text of the archive's kind.
CLEAN = ("TJÄNSTEUTLÅTANDE\nDatum: {date}\n\nSocialnämnden\n\nLokaler för Glömstavägens förskola\n\n"
         "Förslag till beslut\nSocialnämnden godkänner att förskolan på Glömstavägen flyttar till "
         "Storängsskolans tidigare lokaler. Föräldrarna på Glömstavägen har fått information "
         "om flytten och om tidplanen för arbetet.\n")


def test_unlisted_words_are_the_words_no_lexicon_knows():
    words = unlisted_words(CLEAN.format(date="2021-03-04"))
    assert "glömstavägen" in words and "storängsskolans" in words
    assert not any(default_lexicon().knows(word) for word in words)
    assert "förskolan" not in words and "socialnämnden" not in words


def test_a_clean_document_lends_its_words_and_a_repaired_one_none(tmp_path):
    clean = tmp_path / "clean.txt"
    clean.write_text(CLEAN.format(date="2021-03-04"), encoding="utf-8")
    assert "glömstavägen" in ingest_file(clean).vocabulary
    damaged = tmp_path / "damaged.txt"  # English-model OCR of the same: repair mends it
    damaged.write_text(CLEAN.format(date="2021-03-04").replace("ö", "6").replace("ä", "a")
                       .replace("å", "a"), encoding="utf-8")
    doc = ingest_file(damaged)
    assert doc.repairs and doc.vocabulary == ()


def test_the_store_lends_the_words_of_two_documents_and_keeps_them_through_rerun(run, home, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(CLEAN.format(date="2021-03-04"), encoding="utf-8")
    run.ingest_ok(folder)
    from corpus import Corpus

    with Corpus(home / DB_NAME) as corpus:
        assert "glömstavägen" not in corpus.lent_words()  # one document is no word of the archive
    (folder / "b.txt").write_text(CLEAN.format(date="2021-05-06"), encoding="utf-8")
    run.ingest_ok(folder)
    with Corpus(home / DB_NAME) as corpus:
        lent = corpus.lent_words()
    assert {"glömstavägen", "storängsskolans"} <= set(lent)
    stored = read_db(home, "SELECT COUNT(*) FROM document_words WHERE word = 'glömstavägen'")[0][0]
    run.json("archive", "rerun", "--stage", "repair")
    assert read_db(home, "SELECT COUNT(*) FROM document_words WHERE word = 'glömstavägen'")[0][0] == stored
    (folder / "b.txt").unlink()
    run.json("archive", "prune", "--apply")
    with Corpus(home / DB_NAME) as corpus:
        assert "glömstavägen" not in corpus.lent_words()
