"""The words clean documents lend repair (ingest/vocabulary.py): which documents
lend, what the store keeps, and that later documents are repaired with them."""

from ingest.lexicon import default_lexicon
from ingest.pipeline import ingest_file
from ingest.vocabulary import unlisted_words

from .conftest import DB_NAME, read_db, sha256_of

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


def test_a_later_batch_repairs_with_the_words_the_archive_lent(run, home, tmp_path):
    damaged = ("Forskolan pa Glomstavagen flyttar till Storangsskolans lokaler. Foraldrarna pa "
               "Gl6mstavagen har fatt information om flytten och tidplanen for arbetet.\n")
    alone = tmp_path / "alone"
    alone.mkdir()
    scan = alone / "skannad.txt"
    scan.write_text(damaged, encoding="utf-8")
    fresh = tmp_path / "fresh-home"
    run.ingest_ok(alone, home=fresh)  # an archive that has not learned the name
    assert "Glömstavägen" not in _stored_text(fresh, scan)

    clean = tmp_path / "clean"
    clean.mkdir()
    for name, date in (("a", "2021-03-04"), ("b", "2021-05-06")):
        (clean / f"{name}.txt").write_text(CLEAN.format(date=date), encoding="utf-8")
    run.ingest_ok(clean)
    run.ingest_ok(alone)  # the next batch reads with what the clean documents taught
    text = _stored_text(home, scan)
    assert "Glömstavägen" in text and "Storängsskolans" in text and "Gl6mstavagen" not in text
    # The same in document workers: a batch big enough for the pool of --jobs 2.
    pooled = tmp_path / "pooled"
    pooled.mkdir()
    scans = [pooled / f"skannad-{n}.txt" for n in range(6)]
    for n, path in enumerate(scans):
        path.write_text(f"Arende {n}. " + damaged, encoding="utf-8")
    run.ingest_ok("--jobs", "2", pooled)
    assert all("Glömstavägen" in _stored_text(home, path) for path in scans)


def _stored_text(home, path) -> str:
    [(text,)] = read_db(home, "SELECT text FROM documents WHERE id = ?", (sha256_of(path),))
    return text
