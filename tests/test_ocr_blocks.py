"""The OCR building blocks against the real Tesseract: reading Swedish, turning
pages upright, and refusing what cannot be read with one clear line.

Pages come from tests/scanned.py: clean Swedish text drawn at 300 dpi with
light noise and a small skew, as a scanner would deliver it.
"""

import time

from pathlib import Path

import pytest

from beslut.errors import BeslutError, InputError
from ingest import ocr
from ingest.ocr import OcrResult, OcrUnavailable, check_tesseract, ocr_image, parse_osd
from ingest.render import image_coverage, load_images, render_pdf_pages, undecodable_images

from .pdfgen import write_pdf
from .scanned import (
    SWEDISH_PAGE,
    break_first_image,
    paginate,
    render_page_image,
    rotate_quarter_turns,
    token_edit_distance,
    token_error,
    write_bomb_png,
    write_image_pdf,
    write_tiff,
)

MAX_TOKEN_ERROR = 0.01
# Half the page is enough for OSD to be sure and keeps the rotation tests quick.
HALF_PAGE = "\n".join(SWEDISH_PAGE.splitlines()[:20])


@pytest.fixture(scope="module")
def scanned_page():
    """SWEDISH_PAGE as a light-noise, slightly skewed 300 dpi scan: (gold text, image)."""
    (gold,) = paginate(SWEDISH_PAGE)
    return gold, render_page_image(gold, noise=0.05, skew_degrees=0.5, seed=1)


def one_line(err: Exception) -> str:
    message = str(err)
    assert "\n" not in message and message.strip() == message and message
    return message


# ---- reading --------------------------------------------------------------------------

def test_swedish_ocr_of_a_scanned_page_is_within_one_percent(scanned_page):
    gold, image = scanned_page
    result = ocr_image(image, "swe")
    assert isinstance(result, OcrResult)
    assert token_error(result.text, gold) <= MAX_TOKEN_ERROR, result.text
    assert result.rotation == 0
    assert result.mean_confidence > 90
    assert "Tekniska nämnden" in result.text and "snöröjning" in result.text


def test_an_image_only_pdf_renders_and_reads_within_one_percent(scanned_page, tmp_path):
    gold, image = scanned_page
    pdf = write_image_pdf(tmp_path / "skannad.pdf", [image])
    assert image_coverage(pdf) == [pytest.approx(1.0, abs=0.01)]
    ((number, page),) = list(render_pdf_pages(pdf))
    assert number == 1 and page.mode == "L" and page.info["dpi"] == (300, 300)
    assert abs(page.width - 2481) <= 2 and abs(page.height - 3507) <= 2
    assert token_error(ocr_image(page).text, gold) <= MAX_TOKEN_ERROR


def test_a_born_digital_pdf_carries_no_images(tmp_path):
    pdf = write_pdf(tmp_path / "digital.pdf", ["Protokoll från kommunfullmäktige.", "Sida två."])
    assert image_coverage(pdf) == [0.0, 0.0]


def test_a_broken_image_stream_renders_white_and_is_detected(tmp_path):
    pages = [render_page_image(text, dpi=100) for text in ("Sida ett.", "Sida två.")]
    pdf = break_first_image(write_image_pdf(tmp_path / "trasig.pdf", pages, dpi=100))
    rendered = dict(render_pdf_pages(pdf, dpi=100))
    assert rendered[1].getextrema() == (255, 255)  # pdfium draws nothing, silently
    assert rendered[2].getextrema()[0] < 128
    assert image_coverage(pdf) == [pytest.approx(1.0, abs=0.01)] * 2
    assert [undecodable_images(pdf, number) for number in (1, 2)] == [1, 0]


# ---- orientation ----------------------------------------------------------------------

@pytest.mark.parametrize("turned", [90, 180])
def test_a_page_scanned_sideways_or_upside_down_is_read_upright(turned):
    (gold,) = paginate(HALF_PAGE)
    image = rotate_quarter_turns(
        render_page_image(gold, noise=0.05, skew_degrees=-0.4, seed=turned), turned)
    result = ocr_image(image)
    assert result.rotation == turned  # turned counter-clockwise, so turned back clockwise
    assert result.orientation_confidence > ocr.MIN_ORIENTATION_CONFIDENCE
    # Upside down or sideways the text would be nearly all wrong. On half a
    # page one noise speck read as a hyphen is already 1%, so allow a few.
    assert token_error(result.text, gold) <= 0.05, result.text


def test_a_blank_page_reads_as_upright_and_empty():
    result = ocr_image(render_page_image("", dpi=150))
    assert result == OcrResult(text="", mean_confidence=0.0, rotation=0, words=0,
                               orientation_confidence=None)


def test_osd_report_is_parsed():
    report = ("Page number: 0\nOrientation in degrees: 270\nRotate: 90\n"
              "Orientation confidence: 14.68\nScript: Latin\nScript confidence: 3.23\n")
    assert parse_osd(report) == (90, 14.68)
    assert parse_osd("Too few characters. Skipping this page") == (None, None)


# ---- Tesseract missing ----------------------------------------------------------------

def test_a_missing_language_names_its_debian_package():
    with pytest.raises(OcrUnavailable) as caught:
        check_tesseract("xyz")
    message = one_line(caught.value)
    assert "xyz" in message and "tesseract-ocr-xyz" in message
    assert isinstance(caught.value, BeslutError)


def test_reading_in_a_missing_language_gives_the_same_clear_error():
    # Tesseract 5 reads "swe+xyz" with swe alone and exits 0; only stderr complains.
    small = render_page_image("Hej.", dpi=100).crop((0, 0, 400, 200))
    with pytest.raises(OcrUnavailable, match="tesseract-ocr-xyz"):
        ocr_image(small, "swe+xyz", detect_orientation=False)


def test_missing_swedish_data_names_both_debian_packages(monkeypatch, tmp_path):
    # A real Tesseract pointed at a data folder that has English but no Swedish.
    installed = Path(tesseract_data_dir())
    for name in ("eng.traineddata", "osd.traineddata"):
        (tmp_path / name).symlink_to(installed / name)
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    with pytest.raises(OcrUnavailable) as caught:
        check_tesseract("swe")
    message = one_line(caught.value)
    assert "Swedish" in message
    assert "tesseract-ocr" in message and "tesseract-ocr-swe" in message


def test_missing_tesseract_names_both_debian_packages(monkeypatch, tmp_path, scanned_page):
    # A PATH on which there is no tesseract program.
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(OcrUnavailable) as caught:
        check_tesseract()
    message = one_line(caught.value)
    assert "not installed" in message and "tesseract-ocr and tesseract-ocr-swe" in message
    with pytest.raises(OcrUnavailable, match="tesseract-ocr-swe"):
        ocr_image(scanned_page[1])


def tesseract_data_dir() -> str:
    """Where the installed Tesseract keeps its language data (from --list-langs)."""
    import re
    import subprocess

    out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True)
    match = re.search(r'"(.+?)"', out.stdout + out.stderr)
    assert match, out
    return match.group(1)


def test_installed_tesseract_is_found():
    info = check_tesseract("swe+eng")
    assert {"swe", "eng", "osd"} <= info.languages
    assert int(info.version.split(".")[0]) >= 4


# ---- image files ----------------------------------------------------------------------

def test_a_decompression_bomb_is_refused_at_once(tmp_path):
    bomb = write_bomb_png(tmp_path / "bomb.png", 50_000, 50_000)
    assert bomb.stat().st_size < 1000
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        list(load_images(bomb))
    assert time.monotonic() - started < 1.0  # 2.5 GB were never allocated
    message = one_line(caught.value)
    assert message.startswith(str(bomb)) and "too large" in message


def test_an_image_over_the_limit_that_pillow_only_warns_about_is_refused(tmp_path):
    big = write_bomb_png(tmp_path / "affisch.png", 12_000, 9_000)  # 108 megapixels
    with pytest.raises(InputError, match=r"too large \(12,000 × 9,000 pixels"):
        list(load_images(big))


@pytest.mark.parametrize("content", [b"", b"\x89PNG\r\n\x1a\n"])
def test_an_empty_image_is_refused(tmp_path, content):
    path = tmp_path / "tom.png"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        list(load_images(path))
    assert "not a readable image" in one_line(caught.value)


def test_a_zero_size_image_is_refused(tmp_path):
    path = write_bomb_png(tmp_path / "noll.png", 0, 100)
    with pytest.raises(InputError):
        list(load_images(path))


def test_a_multi_page_tiff_yields_every_page_and_a_truncated_one_fails_cleanly(tmp_path):
    pages = [render_page_image(text, dpi=100) for text in ("Sida ett.", "Sida två.", "Sida tre.")]
    tiff = write_tiff(tmp_path / "skannat.tif", pages, dpi=100)
    frames = list(load_images(tiff))
    assert [number for number, _ in frames] == [1, 2, 3]
    assert all(image.mode == "L" and image.info["dpi"] == (100, 100) for _, image in frames)

    data = tiff.read_bytes()
    for cut in (len(data) // 3, len(data) // 2, 60):  # in page 2, page 3, the header
        broken = tmp_path / f"trasig-{cut}.tif"
        broken.write_bytes(data[:cut])
        with pytest.raises(InputError) as caught:
            list(load_images(broken))
        assert one_line(caught.value).startswith(str(broken))


# ---- the metric -----------------------------------------------------------------------

def test_token_error_counts_word_edits_per_gold_token():
    assert token_error("Nämnden  beslutar\natt", "Nämnden beslutar att") == 0.0
    assert token_error("Nämnden beslutar at", "Nämnden beslutar att") == pytest.approx(1 / 3)
    assert token_error("Nämnden att", "Nämnden beslutar att") == pytest.approx(1 / 3)
    assert token_error("", "") == 0.0 and token_error("brus", "") == 1.0
    assert token_edit_distance("a b c d".split(), "b a c".split()) == 3
    assert token_error("2025-2028", "2025–2028", fold_typography=True) == 0.0
