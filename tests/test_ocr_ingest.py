"""Ingest reads every page the best way available: text layer, OCR, or a Swedish
re-OCR of a bad (English-model) text layer. Real Tesseract on real scans.

The scans are clean Swedish text (seeds 000, 002, 003 and the project's genre
texts) drawn at 300 dpi with light noise and skew by tests/scanned.py; the
stored text is measured against that clean text.
"""

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from .conftest import assert_no_traceback, seed, stderr_lines
from .genre_texts import GENRE_TEXTS
from .pdfgen import write_pdf
from .scanned import (
    break_first_image,
    render_page_image,
    render_pages,
    to_bilevel,
    token_edit_distance,
    token_error,
    tokens,
    write_bad_layer_pdf,
    write_bomb_png,
    write_image_pdf,
    write_tiff,
)

MAX_TOKEN_ERROR = 0.01  # over the fixture set, as the issue sets it
# Any one document: seed 003 is the hardest (its "KI:s" reads as "Kl:s": capital
# I and small l are one glyph in DejaVu Sans; and "–" comes back as "-").
MAX_DOCUMENT_TOKEN_ERROR = 0.02


def gold_texts() -> dict[str, str]:
    texts = {f"seed{n}": seed(n).read_text("utf-8") for n in ("000", "002", "003")}
    texts.update(GENRE_TEXTS)
    return texts


@pytest.fixture(scope="session")
def scans(tmp_path_factory):
    """Scanned fixtures, built once: {name: (path, gold text)} in three folders."""
    root = tmp_path_factory.mktemp("scans")
    made = {"pdf": {}, "tiff": {}, "bad-layer": {}}
    for number, (name, text) in enumerate(gold_texts().items()):
        pages = render_pages(text, skew_degrees=0.4 if number % 2 else -0.3, noise=0.05, seed=number)
        gold = "\n".join(page for page, _ in pages)
        images = [image for _, image in pages]
        made["pdf"][name] = (write_image_pdf(root / "pdf" / f"{name}.pdf", images), gold)
        # Archive TIFFs are mostly black and white.
        made["tiff"][name] = (write_tiff(root / "tiff" / f"{name}.tif",
                                         [to_bilevel(i) for i in images]), gold)
        if name in ("seed000", "tjansteutlatande"):
            made["bad-layer"][name] = (write_bad_layer_pdf(root / "bad" / f"{name}.pdf", images), gold)
    return made


def _ids_of(home: Path) -> list[str]:
    from .conftest import read_db
    return [row[0] for row in read_db(home, "SELECT id FROM documents WHERE status = 'ok'")]


@pytest.fixture(scope="session")
def ingested_scans(scans, tmp_path_factory):
    """All scans ingested once, with --jobs 2, into one home: {kind: {name: show --json}}."""
    from .conftest import Runner

    home = tmp_path_factory.mktemp("scan-home")
    run = Runner(home)
    folders = {kind: next(iter(files.values()))[0].parent for kind, files in scans.items()}
    result = run("ingest", "--jobs", "2", *folders.values())
    assert result.exit_code == 0, result.output
    docs = {}
    for doc_id in _ids_of(home):
        data = run.json("show", doc_id)
        docs[data["path"]] = data
    return {kind: {name: docs[str(path)] for name, (path, _) in files.items()}
            for kind, files in scans.items()}


@pytest.mark.parametrize("kind", ["pdf", "tiff"])
def test_scans_are_read_with_swedish_ocr(scans, ingested_scans, kind):
    errors, edits, gold_tokens = {}, 0, 0
    for name, (path, gold) in scans[kind].items():
        doc = ingested_scans[kind][name]
        assert {p["source"] for p in doc["pages"]} == {"ocr"}, doc["pages"]
        errors[name] = token_error(doc["text"], gold)
        edits += token_edit_distance(tokens(doc["text"]), tokens(gold))
        gold_tokens += len(tokens(gold))
    assert edits / gold_tokens <= MAX_TOKEN_ERROR, (edits / gold_tokens, errors)
    assert max(errors.values()) <= MAX_DOCUMENT_TOKEN_ERROR, errors
    # The å, ä and ö that the English model loses are there.
    assert all(ch in doc["text"] for ch in "åäö")


def test_a_bad_text_layer_is_detected_and_read_again(scans, ingested_scans):
    import pdfplumber

    for name, (path, gold) in scans["bad-layer"].items():
        with pdfplumber.open(path) as pdf:
            layer = "\n".join(page.extract_text() or "" for page in pdf.pages)
        assert token_error(layer, gold) > 0.10, "the fixture's layer should be English-model damage"

        doc = ingested_scans["bad-layer"][name]
        assert token_error(doc["text"], gold) <= MAX_TOKEN_ERROR, name
        for page in doc["pages"]:
            assert page["source"] == "re-ocr", page
            scores = page["scores"]
            assert scores["ocr"]["score"] > scores["layer"]["score"], scores
            assert scores["image_coverage"] > 0.9
            assert "re-OCR scored" in page["reason"]
        assert tokens(doc["text"])  # not empty


def test_born_digital_pdfs_are_never_ocrd(run, tmp_path):
    text = GENRE_TEXTS["avtal"]
    path = write_pdf(tmp_path / "avtal.pdf", [text, text])
    data = run.json("inspect", path)
    assert [p["source"] for p in data["pages"]] == ["text-layer", "text-layer"]
    assert all(p["reason"] == "born-digital text layer" for p in data["pages"])
    assert all("ocr" not in p["scores"] for p in data["pages"])


def test_a_good_swedish_layer_over_a_scan_is_kept_without_ocr(run, tmp_path):
    """A scan whose text layer was already made with the Swedish model is not OCR'd again."""
    image = render_page_image(GENRE_TEXTS["protokoll"], noise=0.05)
    scan = write_image_pdf(tmp_path / "scan.pdf", [image])
    import subprocess

    # A searchable PDF made with the Swedish model, as a good scanner would.
    listing = tmp_path / "list.txt"
    image.save(tmp_path / "page.png", dpi=(300, 300))
    listing.write_text(str(tmp_path / "page.png") + "\n")
    subprocess.run(["tesseract", str(listing), str(tmp_path / "good"), "-l", "swe", "pdf"],
                   check=True, capture_output=True)
    data = run.json("inspect", tmp_path / "good.pdf")
    (page,) = data["pages"]
    assert page["source"] == "text-layer", page
    assert page["reason"] == "text layer over a scan reads as good Swedish"
    assert page["scores"]["layer"]["score"] >= 0.9
    assert scan.exists()


def test_ocr_never_and_always(run, tmp_path):
    scan = write_image_pdf(tmp_path / "scan.pdf", [render_page_image("Ärendet gäller förskolor i Tyresö.")])
    never = run.json("inspect", scan, "--ocr", "never")
    assert never["text"].strip() == "" and never["pages"][0]["source"] == "text-layer"
    assert any("no text on 1 of 1 pages" in w for w in never["warnings"])

    born = write_pdf(tmp_path / "born.pdf", ["Ärendet gäller förskolor i Tyresö."])
    always = run.json("inspect", born, "--ocr", "always", "--jobs", "1")
    assert always["pages"][0]["source"] == "re-ocr"
    assert "Tyresö" in always["text"]

    image = tmp_path / "sida.png"
    render_page_image("Ärendet gäller förskolor i Tyresö.").save(image)
    result = run("ingest", image, "--ocr", "never")
    assert result.exit_code == 1
    assert "needs OCR, which is off" in result.stderr


def test_pages_scanned_sideways_or_upside_down_come_out_upright(run, tmp_path):
    text = GENRE_TEXTS["tjansteutlatande"]
    for turn in (90, 180):
        image = tmp_path / f"turned{turn}.png"
        render_page_image(text, noise=0.03, rotate=turn).save(image, dpi=(300, 300))
        data = run.json("inspect", image, "--jobs", "1")
        (page,) = data["pages"]
        assert page["scores"]["rotation"] in (90, 180, 270)
        assert token_error(data["text"], text) <= MAX_TOKEN_ERROR, turn


def test_jobs_give_the_same_text(run, scans):
    path, _ = scans["pdf"]["seed000"]
    one = run.json("inspect", path, "--jobs", "1")
    two = run.json("inspect", path, "--jobs", "2")
    assert one["text"] == two["text"] and len(one["pages"]) > 1


# ---- Tesseract missing ------------------------------------------------------------------

def test_without_tesseract_born_digital_and_text_still_ingest(run_process, tmp_path, scans):
    folder = tmp_path / "in"
    folder.mkdir()
    write_pdf(folder / "born.pdf", ["Protokoll från socialnämnden om förskolor."])
    (folder / "anteckning.txt").write_text("Anteckning om äldreomsorg.", "utf-8")
    shutil.copy(scans["pdf"]["protokoll"][0], folder / "scan.pdf")
    no_tesseract = {"PATH": str(tmp_path / "empty-path")}
    (tmp_path / "empty-path").mkdir()

    result = run_process("ingest", folder, env=run_process.env(no_tesseract))
    assert result.exit_code == 1, result.output
    assert_no_traceback(result)
    (line,) = stderr_lines(result.stderr)
    assert "scan.pdf" in line and "tesseract-ocr and tesseract-ocr-swe" in line
    assert "2 new" in result.stdout and "1 failed" in result.stdout

    always = run_process("ingest", folder, "--ocr", "always", env=run_process.env(no_tesseract))
    assert always.exit_code == 1
    (line,) = stderr_lines(always.stderr)
    assert line.startswith("Error:") and "tesseract-ocr-swe" in line


# ---- bad input --------------------------------------------------------------------------

def test_bad_images_fail_one_line_each_and_the_batch_goes_on(run, tmp_path, scans):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "tom.png").write_bytes(b"")
    write_bomb_png(folder / "bomb.png")
    tiff = scans["tiff"]["protokoll"][0].read_bytes()
    (folder / "avbruten.tif").write_bytes(tiff[: len(tiff) // 3])
    (folder / "inte-en-bild.jpg").write_text("<html>not an image</html>")
    broken = write_image_pdf(folder / "trasig.pdf", [render_page_image("Ärendet gäller skolan.")])
    break_first_image(broken)
    good = tmp_path / "good.png"
    render_page_image("Socialnämnden beslutar om förskolor i Värmdö.").save(folder / "bra.png")

    started = time.monotonic()
    result = run("ingest", folder, "--jobs", "2")
    assert result.exit_code == 1, result.output
    assert_no_traceback(result)
    lines = stderr_lines(result.stderr)
    by_file = {Path(line.split(": ")[1]).name: line for line in lines}
    assert set(by_file) == {"tom.png", "bomb.png", "avbruten.tif", "inte-en-bild.jpg", "trasig.pdf"}, lines
    assert "empty file" in by_file["tom.png"]
    assert "too large" in by_file["bomb.png"] or "pixels" in by_file["bomb.png"]
    assert "not an image" in by_file["inte-en-bild.jpg"]
    assert "damaged" in by_file["trasig.pdf"]
    assert time.monotonic() - started < 600  # the bomb is refused, not decoded (no hang)
    assert run.search_ids("Värmdö"), "the good image is in"
    assert not good.exists()


def test_the_progress_bar_counts_ocr_pages_on_a_terminal(run_process, tmp_path):
    import pty
    import subprocess

    scan = write_image_pdf(tmp_path / "scan.pdf", [render_page_image("Beslut om förskolor."),
                                                   render_page_image("Ärendet gäller Tyresö.")])
    leader, follower = pty.openpty()
    proc = subprocess.Popen(run_process.argv(["ingest", "--jobs", "1", scan]), stdin=subprocess.DEVNULL,
                            stdout=follower, stderr=follower, env=run_process.env())
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    assert proc.wait(timeout=120) == 0
    os.close(leader)
    screen = shown.decode("utf-8", "replace")
    assert "scan.pdf: OCR page 1/2" in screen and "scan.pdf: OCR page 2/2" in screen
    assert "1 new" in screen
