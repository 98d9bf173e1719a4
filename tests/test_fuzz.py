"""Fuzzing the text stages with hypothesis: whatever the bytes or the text, ingest
gives a document or one of beslut's own errors (beslut.errors.BeslutError, which
the command line prints as one line), never anything else.

tests/test_repair.py and tests/test_tagging.py fuzz repair_text and tag_text on
their own; here arbitrary bytes go through detection and extraction, and
arbitrary text through the whole chain (decode, ftfy, repair, tagging) as
ingest runs it on a file."""

import codecs
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from beslut.errors import BeslutError
from ingest.document import DOCUMENT_TYPES
from ingest.pipeline import ingest_file

from .malformed import one_page
from .pdfgen import write_pdf

EXTENSIONS = [".pdf", ".txt", ".png", ".jpg", ".tiff", ".text", ".doc", ""]
MAGIC = [b"", b"%PDF-1.7\n", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<", b"\x89PNG\r\n\x1a\n",
         b"\xff\xd8\xff\xe0", b"II*\x00", b"MM\x00*", b"PK\x03\x04", b"\x1f\x8b", codecs.BOM_UTF8,
         codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"<!DOCTYPE html><html>"]
FUZZ = settings(max_examples=250, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def ingest_bytes(data: bytes, name: str):
    """ingest_file on these bytes written to a file of this name, without OCR;
    returns the document, or the BeslutError it raised."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            doc = ingest_file(path)
        except BeslutError as err:
            assert str(err) and "\n" not in str(err), repr(err)
            return err
    assert doc.doc_type in DOCUMENT_TYPES
    json.dumps(doc.metadata, ensure_ascii=False)  # storable as it is
    assert len(doc.text.split("\f")) == doc.page_count or doc.page_count == 0
    return doc


@FUZZ
@given(st.sampled_from(MAGIC), st.binary(max_size=3000), st.sampled_from(EXTENSIONS))
@example(b"%PDF-1.7\n", b"trailer << /Root 1 0 R >>", ".pdf")
@example(codecs.BOM_UTF16_LE, b"\x00\xd8", ".txt")  # a lone surrogate in UTF-16
def test_random_bytes_give_a_document_or_a_beslut_error(magic, data, extension):
    ingest_bytes(magic + data, "fil" + extension)


@pytest.fixture(scope="module")
def pdf_seeds(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz-pdfs")
    born_digital = write_pdf(folder / "a.pdf", ["Protokoll från socialnämnden.\n\n§ 12 Beslut om "
                                                "färdtjänst.", "Sida två: Överklagande."]).read_bytes()
    return [born_digital, one_page("Fuzz")]


@FUZZ
@given(data=st.data())
def test_mutated_pdfs_give_a_document_or_a_beslut_error(pdf_seeds, data):
    pdf = bytearray(data.draw(st.sampled_from(pdf_seeds)))
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(pdf) - 1))
        action = data.draw(st.sampled_from(["flip", "delete", "insert", "cut"]))
        if action == "flip":
            pdf[position] = data.draw(st.integers(0, 255))
        elif action == "delete":
            del pdf[position:position + data.draw(st.integers(1, 64))]
        elif action == "insert":
            pdf[position:position] = data.draw(st.sampled_from(
                [b"[", b"<<", b">>", b" 0 R", b"obj", b"endstream", b"\x00", b"9999999999", b"/Kids [1 0 R]"]))
        else:
            del pdf[position:]
        if len(pdf) < 2:
            break
    ingest_bytes(bytes(pdf), "mutated.pdf")


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=600)
SWEDISH_BITS = st.sampled_from(["Socialnämnden", "föreslår", "6versyn", "Dnr SN 2021/123", "§ 12",
                                "Protokoll", "Datum: 2021-02-30", "Kallelse", "TJANSTEUTLATANDE",
                                "utveck-\nla", "NÃ¤mnden", "\f", "\n\n", "org.nr 212000–0068", " | "])
SWEDISH_TEXT = st.lists(st.one_of(SWEDISH_BITS, TEXT.map(lambda t: t[:20])), max_size=40).map(" ".join)


@FUZZ
@given(st.one_of(TEXT, SWEDISH_TEXT), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]))
def test_any_text_file_goes_through_every_text_stage(text, encoding):
    data = text.encode(encoding, errors="replace")
    result = ingest_bytes(data, "text.txt")
    if isinstance(result, BeslutError):
        assert not data or "not a text file" in str(result) or "empty" in str(result), result
