"""The ingest stage on real files: a file becomes a clean, tagged Document."""

import codecs
import hashlib

import pytest

from ingest.pipeline import ingest_file
from ingest.clean import fix_and_explain

from .conftest import seed, sha256_of

PAGES = [
    "Första sidan: kommunstyrelsen beslutar om förskolan i Sjödalen.",
    "Andra sidan: ”God ekonomi och effektiv verksamhet” gäller även här.",
    "Tredje sidan: mötet avslutas klockan 16.30.",
]


# ---- PDFs ---------------------------------------------------------------------------

def test_pdf_text_layer_page_by_page(tmp_path, make_pdf):
    path = make_pdf(tmp_path / "protokoll.pdf", PAGES)
    doc = ingest_file(path)
    assert doc.kind == "pdf"
    assert doc.page_count == 3
    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert all(p.source == "text-layer" for p in doc.pages)
    assert [p.text.strip() for p in doc.pages] == PAGES
    # Stored text keeps the page structure: pages separated by form feeds.
    assert doc.raw_text.split("\f") == [p.text for p in doc.pages]
    assert [t.strip() for t in doc.text.split("\f")] == PAGES
    assert doc.warnings == ()


def test_pdf_document_id_is_sha256_of_bytes(tmp_path, make_pdf):
    path = make_pdf(tmp_path / "a.pdf", PAGES[:1])
    doc = ingest_file(path)
    data = path.read_bytes()
    assert doc.id == hashlib.sha256(data).hexdigest()
    assert doc.size == len(data)
    assert doc.path == str(path)


def test_pdf_with_different_text_has_different_id(tmp_path, make_pdf):
    a = ingest_file(make_pdf(tmp_path / "a.pdf", PAGES[:1]))
    b = ingest_file(make_pdf(tmp_path / "b.pdf", PAGES[1:2]))
    assert a.id != b.id
    assert a.id == sha256_of(tmp_path / "a.pdf") and b.id == sha256_of(tmp_path / "b.pdf")


def test_long_pdf_text_flows_onto_several_pages(tmp_path, make_pdf):
    sentence = "Nämnden godkänner förvaltningens förslag till verksamhetsplan. "
    path = make_pdf(tmp_path / "lang.pdf", [sentence * 250])
    doc = ingest_file(path)
    assert doc.page_count >= 2
    assert doc.text.count("\f") == doc.page_count - 1
    assert all(p.text.strip() for p in doc.pages)
    # Every word on every page is Swedish text from the sentence, nothing lost to encoding.
    assert "förvaltningens" in doc.pages[-1].text or "verksamhetsplan" in doc.pages[-1].text


def test_pdf_page_without_text_is_warned_about(tmp_path, make_pdf):
    path = make_pdf(tmp_path / "tom.pdf", ["Första sidan har text.", ""])
    doc = ingest_file(path)
    assert doc.page_count == 2
    assert doc.pages[1].text.strip() == ""
    assert any("no text on 1 of 2 pages (2)" in w for w in doc.warnings), doc.warnings


# ---- text files: decoding --------------------------------------------------------------

SWEDISH = "Förslag till beslut: nämnden godkänner åtgärderna"


@pytest.mark.parametrize("name, data, encoding, expected", [
    ("utf8.txt", SWEDISH.encode("utf-8"), "utf-8", SWEDISH),
    ("bom.txt", codecs.BOM_UTF8 + SWEDISH.encode("utf-8"), "utf-8-sig", SWEDISH),
    # cp1252 rather than Latin-1: the en dash and curly quotes exist only in 1252.
    ("cp1252.txt", (SWEDISH + " – ”snarast”").encode("cp1252"), "cp1252",
     SWEDISH + " – ”snarast”"),
    ("cp1252-plain.txt", "Förslag till beslut".encode("cp1252"), "cp1252", "Förslag till beslut"),
    # 0x81 is a hole in Windows-1252: only Latin-1 decodes it.
    ("latin1.txt", "Förslag till beslut".encode("latin-1") + b"\x81", "latin-1",
     "Förslag till beslut\x81"),
    ("utf16.txt", SWEDISH.encode("utf-16"), "utf-16", SWEDISH),
    ("utf16be.txt", codecs.BOM_UTF16_BE + SWEDISH.encode("utf-16-be"), "utf-16", SWEDISH),
], ids=lambda v: v if isinstance(v, str) and v.endswith(".txt") else None)
def test_text_decoding_reports_encoding(tmp_path, name, data, encoding, expected):
    path = tmp_path / name
    path.write_bytes(data)
    doc = ingest_file(path)
    assert doc.kind == "text"
    assert doc.encoding == encoding
    assert doc.raw_text == expected
    assert doc.id == hashlib.sha256(data).hexdigest()
    assert doc.size == len(data)
    assert "\ufeff" not in doc.text


def test_latin1_text_keeps_swedish_letters(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Förslag till beslut om äldreomsorg".encode("latin-1") + b"\x81")
    doc = ingest_file(path)
    assert doc.encoding == "latin-1"
    assert "Förslag till beslut om äldreomsorg" in doc.text


def test_form_feed_splits_text_file_into_pages(tmp_path):
    path = tmp_path / "sidor.txt"
    path.write_text("Sida ett om budget\fSida två om skolan\fSida tre", encoding="utf-8")
    doc = ingest_file(path)
    assert doc.page_count == 3
    assert [p.text for p in doc.pages] == ["Sida ett om budget", "Sida två om skolan", "Sida tre"]
    assert all(p.source == "text-file" for p in doc.pages)


def test_utf16_form_feed_pages(tmp_path):
    path = tmp_path / "sidor16.txt"
    path.write_bytes("Sida ett\fSida två".encode("utf-16"))
    doc = ingest_file(path)
    assert doc.encoding == "utf-16"
    assert [p.text for p in doc.pages] == ["Sida ett", "Sida två"]


# ---- cleaning -------------------------------------------------------------------------

def test_ftfy_fixes_mojibake_and_reports_it(tmp_path):
    path = tmp_path / "mojibake.txt"
    path.write_text("NÃ¤mnden beslutar om fÃ¶rskolan.\fSida tvÃ¥ Ã¤r ren? Nej.", encoding="utf-8")
    doc = ingest_file(path)
    assert doc.text == "Nämnden beslutar om förskolan.\fSida två är ren? Nej."
    # The raw text is kept as read.
    assert doc.raw_text.startswith("NÃ¤mnden")
    pages_fixed = [fix["page"] for fix in doc.fixes]
    assert pages_fixed == [1, 2]
    assert all(fix["stage"] == "ftfy" and fix["steps"] for fix in doc.fixes)


def test_fix_and_explain_on_mojibake():
    fixed, steps = fix_and_explain("NÃ¤mnden")
    assert fixed == "Nämnden"
    assert steps  # the fix is reported


@pytest.mark.parametrize("number", ["000", "002", "003"])
def test_clean_seeds_come_out_unchanged(number):
    path = seed(number)
    decoded = path.read_bytes().decode("utf-8")
    doc = ingest_file(path)
    assert doc.encoding == "utf-8"
    assert doc.fixes == ()
    assert doc.text == decoded
    assert doc.raw_text == decoded


def test_curly_quotes_are_kept(tmp_path):
    text = "Målet ”God ekonomi och effektiv verksamhet” och “citat” samt ’enkla’ står kvar."
    path = tmp_path / "citat.txt"
    path.write_text(text, encoding="utf-8")
    doc = ingest_file(path)
    assert doc.text == text
    assert doc.fixes == ()


def test_curly_quotes_in_seed_001_are_kept():
    path = seed("001")
    doc = ingest_file(path)
    assert "”God" in path.read_text(encoding="utf-8")  # the seed does hold them
    assert "”God" in doc.text
    assert '"God' not in doc.text


def test_curly_quotes_survive_a_pdf(tmp_path, make_pdf):
    doc = ingest_file(make_pdf(tmp_path / "citat.pdf", ["Målet ”God ekonomi” gäller."]))
    assert "”God ekonomi”" in doc.text


@pytest.mark.parametrize("name, data", [
    ("latin1.txt", "Förslag till beslut".encode("latin-1") + b"\x81"),
    ("cp1252.txt", "Förslag – ”snarast”".encode("cp1252")),
    ("mojibake.txt", "NÃ¤mnden".encode("utf-8")),
    ("clean.txt", "Nämnden beslutar.".encode("utf-8")),
], ids=["latin1", "cp1252", "mojibake", "clean"])
def test_a_reported_fix_changed_the_text(tmp_path, name, data):
    """clean.fix_and_explain promises 'the names of the ftfy steps that changed it':
    a page listed in fixes must read differently after cleaning."""
    path = tmp_path / name
    path.write_bytes(data)
    doc = ingest_file(path)
    raw_pages = doc.raw_text.split("\f")
    clean_pages = doc.text.split("\f")
    for fix in doc.fixes:
        n = fix["page"] - 1
        assert raw_pages[n] != clean_pages[n], f"fix {fix} reported but page {fix['page']} unchanged"


# ---- tagging --------------------------------------------------------------------------

def test_title_and_date_from_header(tmp_path):
    path = tmp_path / "tjansteutlatande.txt"
    path.write_text("Handläggare\nAnna Andersson\n\nTill\nSocialnämnden\n2021-03-04\n\n"
                    "Avtal om samverkan kring barn och unga\n\nFörslag till beslut\n",
                    encoding="utf-8")
    doc = ingest_file(path)
    assert doc.date == "2021-03-04"
    assert doc.title == "Avtal om samverkan kring barn och unga"


def test_seed_002_title_and_date():
    doc = ingest_file(seed("002"))
    assert doc.date == "2020-06-16"
    assert doc.title == "Akademiska noder för stärkt samverkan"


# ---- names that disagree with the content ------------------------------------------------

def test_pdf_named_txt_is_read_as_pdf_with_a_warning(tmp_path, make_pdf):
    pdf = make_pdf(tmp_path / "a.pdf", ["Protokoll om vägbelysning."])
    misnamed = tmp_path / "protokoll.txt"
    misnamed.write_bytes(pdf.read_bytes())
    doc = ingest_file(misnamed)
    assert doc.kind == "pdf"
    assert "vägbelysning" in doc.text
    assert any("is a PDF" in w for w in doc.warnings), doc.warnings


def test_text_named_pdf_fails_with_a_reason(tmp_path):
    from beslut.errors import InputError

    path = tmp_path / "protokoll.pdf"
    path.write_text("Detta är ingen PDF utan vanlig text.", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        ingest_file(path)
    assert "not a PDF" in caught.value.reason and "plain text" in caught.value.reason
    assert caught.value.doc_id == sha256_of(path)


# ---- the package stays light ------------------------------------------------------------

def test_later_stages_import_the_document_type_without_the_readers():
    """search and corpus import ingest.document; that must not load pdfplumber or ftfy,
    which would slow every search's start-up."""
    import subprocess
    import sys

    code = ("import sys, ingest, search.present, corpus, beslut.cli; "
            "print(sorted(m for m in ('pdfplumber', 'ftfy', 'whoosh') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
