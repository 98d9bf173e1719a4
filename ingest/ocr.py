"""Text from a page image through the Tesseract command line.

A page is read once, as it is, with TSV output, which gives the words and
their confidences in one pass; only a reading Tesseract is unsure of sends the
page through orientation detection (OSD, page segmentation mode 0) and a
second reading (see ocr_image). Tesseract runs single-threaded
(OMP_THREAD_LIMIT=1): the caller spreads pages over processes instead, which
keeps every core busy on its own page.

The image goes to Tesseract as uncompressed PNM in a temporary file, which
costs next to nothing to write and is deleted as soon as Tesseract is done.
Not on standard input: Tesseract reads that a byte at a time, which for an A4
page at 300 dpi (8.7 MB of grey) costs about 0.2 s, some 8% of reading the
page. Standard input remains the fallback when no temporary file can be written.
"""

import io
import os
import re
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, replace

from PIL import Image

from beslut.errors import BeslutError

DEFAULT_LANG = "swe"
TESSERACT = "tesseract"
DEBIAN_PACKAGES = "tesseract-ocr and tesseract-ocr-swe"
LANGUAGE_NAMES = {"swe": "Swedish", "eng": "English"}
OCR_TIMEOUT_SECONDS = 300  # one page; a normal A4 page at 300 dpi takes a few seconds
# OSD reports how much more likely its best orientation is than the next; a
# page with a few short lines still scores about 4, so 2 only filters noise.
MIN_ORIENTATION_CONFIDENCE = 2.0
OSD_LONG_SIDE = 1800  # pixels: about an A4 page at 150 dpi, enough to see which way is up
# A full page of 11 pt text scores 14-20 at half size; 8 pt text or a few
# lines score under 5 there but over 4 (few lines) or 14 (8 pt) at full size.
OSD_SURE = 10.0
UPRIGHT_CONFIDENCE = 60.0  # mean word confidence above which a page is taken as upright
PLAUSIBLE_DPI = range(70, 2401)
_LANG_CODE = re.compile(r"[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*", re.IGNORECASE)


class OcrUnavailable(BeslutError):
    """Tesseract, or the language data OCR needs, is not installed."""


class OcrFailed(BeslutError):
    """Tesseract ran but could not read one page image."""


@dataclass(frozen=True)
class OcrResult:
    text: str
    mean_confidence: float  # Tesseract's word confidence, 0-100, averaged; 0.0 with no words
    rotation: int  # degrees the page was turned clockwise to read it: 0, 90, 180 or 270
    words: int = 0
    orientation_confidence: float | None = None  # None when OSD found too little text


@dataclass(frozen=True)
class TesseractInfo:
    version: str  # "5.3.0"
    languages: frozenset[str]


# --- Is Tesseract there? --------------------------------------------------

def check_tesseract(lang: str = DEFAULT_LANG) -> TesseractInfo:
    """Make sure OCR can run in ``lang`` ("swe", "swe+eng"); raise OcrUnavailable if not."""
    if not _LANG_CODE.fullmatch(lang):
        raise OcrUnavailable(f"OCR language {lang!r} is not valid: use a Tesseract language "
                             "code such as swe, or several joined with +, such as swe+eng")
    if shutil.which(TESSERACT) is None:
        raise OcrUnavailable("OCR needs Tesseract, which is not installed: install the Debian "
                             f"packages {DEBIAN_PACKAGES}")
    version = tesseract_version()
    if int(version.split(".")[0]) < 4:
        raise OcrUnavailable(f"Tesseract {version} is too old: OCR needs version 4 or later "
                             f"(Debian packages {DEBIAN_PACKAGES})")
    languages = tesseract_languages()
    for code in [*lang.split("+"), "osd"]:
        if code not in languages:
            raise OcrUnavailable(missing_language_message(code, languages))
    return TesseractInfo(version=version, languages=languages)


def tesseract_version() -> str:
    out = _run_quietly([TESSERACT, "--version"])
    match = re.search(r"tesseract\s+v?(\d+(?:\.\d+)*)", out)
    if not match:
        raise OcrUnavailable(f"cannot tell which Tesseract is installed: reinstall the Debian "
                             f"packages {DEBIAN_PACKAGES}")
    return match.group(1)


def tesseract_languages() -> frozenset[str]:
    """The language data Tesseract can load, such as {"eng", "osd", "swe"}."""
    out = _run_quietly([TESSERACT, "--list-langs"])
    lines = out.splitlines()
    # The first line is 'List of available languages in "/usr/share/...tessdata/" (3):'.
    return frozenset(line.strip() for line in lines[1:] if line.strip())


def missing_language_message(code: str, installed: frozenset[str] | None = None) -> str:
    """One line naming the Debian package that brings the language data."""
    if code == "osd":
        return ("Tesseract has no orientation data (osd): install the Debian package "
                "tesseract-ocr-osd")
    if code == "swe":
        return ("Tesseract has no Swedish language data (swe): install the Debian packages "
                f"{DEBIAN_PACKAGES}")
    package = "tesseract-ocr-" + code.lower().replace("_", "-")
    name = LANGUAGE_NAMES.get(code)
    what = f"{name} language data ({code})" if name else f"language data for {code!r}"
    has = ""
    if installed is not None:
        has = f" (it has {', '.join(sorted(installed - {'osd'})) or 'none'})"
    return f"Tesseract has no {what}{has}: install the Debian package {package}"


def _run_quietly(args: list[str]) -> str:
    try:
        done = subprocess.run(args, capture_output=True, env=tesseract_env(), timeout=60)
    except FileNotFoundError:
        raise OcrUnavailable("OCR needs Tesseract, which is not installed: install the Debian "
                             f"packages {DEBIAN_PACKAGES}") from None
    except (OSError, subprocess.TimeoutExpired) as err:
        raise OcrUnavailable(f"Tesseract cannot be run ({_one_line(err)})") from None
    # Older versions print the version and language list on stderr.
    return (done.stdout + done.stderr).decode("utf-8", "replace")


def tesseract_env() -> dict[str, str]:
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


# --- Reading a page -------------------------------------------------------

def ocr_image(image: Image.Image, lang: str = DEFAULT_LANG, *, dpi: int | None = None,
              detect_orientation: bool = True,
              timeout: float = OCR_TIMEOUT_SECONDS) -> OcrResult:
    """Read the text on one page image, turning the page upright if it is not.

    Most pages are upright, so the page is read as it is first; only a reading
    Tesseract is unsure of (below UPRIGHT_CONFIDENCE: a turned page reads at
    10-30, an upright one at 90+) sends the page through orientation detection
    and a second reading, of which the more confident is kept. An upright page
    so costs no more than a bare Tesseract run.

    ``dpi`` defaults to the image's own (``image.info["dpi"]``); without it
    Tesseract estimates the resolution from the letters. Raises OcrFailed for
    an image Tesseract cannot read and OcrUnavailable when it is not installed.
    """
    if image.width == 0 or image.height == 0:
        raise OcrFailed(f"the page image is empty ({image.width} × {image.height} pixels)")
    image = tesseract_ready(image)
    dpi = dpi or image_dpi(image)
    first = _read(image, lang, dpi, timeout)
    if not detect_orientation or first.mean_confidence >= UPRIGHT_CONFIDENCE:
        return first
    rotation, orientation_confidence = detect_rotation(image, dpi=dpi, timeout=timeout)
    if rotation == 0:
        return replace(first, orientation_confidence=orientation_confidence)
    turned = _read(turn_clockwise(image, rotation), lang, dpi, timeout,
                   rotation=rotation, orientation_confidence=orientation_confidence)
    return turned if turned.mean_confidence >= first.mean_confidence else first


def _read(image: Image.Image, lang: str, dpi: int | None, timeout: float, *, rotation: int = 0,
          orientation_confidence: float | None = None) -> OcrResult:
    tsv = _tesseract(image, ["-l", lang, "--psm", "3", *_dpi_args(dpi), "tsv"], timeout)
    text, confidences = parse_tsv(tsv)
    mean = round(sum(confidences) / len(confidences), 2) if confidences else 0.0
    return OcrResult(text=text, mean_confidence=mean, rotation=rotation, words=len(confidences),
                     orientation_confidence=orientation_confidence)


def detect_rotation(image: Image.Image, *, dpi: int | None = None,
                    timeout: float = OCR_TIMEOUT_SECONDS) -> tuple[int, float | None]:
    """How far to turn the page clockwise to read it (0, 90, 180, 270), and OSD's confidence.

    OSD looks at a half-size copy first, which is twice as fast and sure of a
    page of ordinary text; small print or a few lines, it checks again at full
    size. A page it cannot judge (blank, a photo, a few words) reads as upright.
    """
    small, small_dpi = _reduced(image, dpi)
    rotation, confidence = _osd(small, small_dpi, timeout)
    if small is not image and (confidence or 0.0) < OSD_SURE:
        rotation, confidence = _osd(image, dpi, timeout)
    if rotation is None or confidence is None or confidence < MIN_ORIENTATION_CONFIDENCE:
        return 0, confidence
    return rotation, confidence


def _osd(image: Image.Image, dpi: int | None, timeout: float) -> tuple[int | None, float | None]:
    try:
        return parse_osd(_tesseract(image, ["--psm", "0", *_dpi_args(dpi)], timeout))
    except OcrFailed:  # "Too few characters. Skipping this page", exit status 1
        return None, None


def parse_osd(out: str) -> tuple[int | None, float | None]:
    """Tesseract's OSD report: 'Rotate: 90' means turn the page 90 degrees clockwise."""
    rotate = re.search(r"^Rotate:\s*(\d+)", out, re.MULTILINE)
    confidence = re.search(r"^Orientation confidence:\s*([\d.]+)", out, re.MULTILINE)
    return (int(rotate.group(1)) % 360 if rotate else None,
            float(confidence.group(1)) if confidence else None)


def turn_clockwise(image: Image.Image, degrees: int) -> Image.Image:
    """Turn an image clockwise by a quarter-turn multiple, without resampling."""
    # Pillow's Transpose.ROTATE_* turn counter-clockwise.
    turns = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180,
             270: Image.Transpose.ROTATE_90}
    if degrees % 360 == 0:
        return image
    turned = image.transpose(turns[degrees % 360])
    turned.info.update(image.info)
    return turned


def parse_tsv(tsv: str) -> tuple[str, list[float]]:
    """Text and word confidences from Tesseract's TSV output.

    Words on a line are joined by spaces, lines by newlines, and paragraphs
    and blocks by a blank line, as Tesseract's own text output does.
    """
    paragraphs: dict[tuple[str, str, str], dict[str, list[str]]] = {}
    confidences = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5":
            continue  # page, block, paragraph and line rows carry no text
        word = cells[11].strip()
        if not word:
            continue
        page, block, par, line = cells[1:5]
        paragraphs.setdefault((page, block, par), {}).setdefault(line, []).append(word)
        try:
            confidence = float(cells[10])
        except ValueError:
            confidence = -1.0
        if confidence >= 0:
            confidences.append(confidence)
    text = "\n\n".join("\n".join(" ".join(words) for words in lines.values())
                       for lines in paragraphs.values())
    return text, confidences


def tesseract_ready(image: Image.Image) -> Image.Image:
    """The image in a mode PNM can carry: bilevel, grey or RGB, transparency on white."""
    if image.mode in ("1", "L", "RGB"):
        return image
    info = dict(image.info)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", image.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        converted = flat
    elif image.mode.startswith("I"):  # 16- or 32-bit grey
        wide = image.convert("I")
        converted = (wide.point(lambda v: v / 256) if wide.getextrema()[1] > 255 else wide)
        converted = converted.convert("L")
    elif image.mode == "P":
        converted = image.convert("RGB")
    else:  # CMYK, YCbCr, LAB, HSV, F
        converted = image.convert("RGB" if len(image.getbands()) >= 3 else "L")
    converted.info.update(info)
    return converted


def image_dpi(image: Image.Image) -> int | None:
    """The image's resolution if it states a believable one (JPEGs often say 72 or 1)."""
    dpi = image.info.get("dpi")
    try:
        value = round(float(dpi[0]))
    except (TypeError, ValueError, IndexError):
        return None
    return value if value in PLAUSIBLE_DPI else None


def _reduced(image: Image.Image, dpi: int | None) -> tuple[Image.Image, int | None]:
    factor = round(max(image.size) / OSD_LONG_SIDE)  # A4 at 300 dpi: 3508 px, halved
    if factor < 2:
        return image, dpi
    small = image.reduce(factor) if image.mode != "1" else image.convert("L").reduce(factor)
    return small, (dpi // factor if dpi else None)


def _dpi_args(dpi: int | None) -> list[str]:
    return ["--dpi", str(dpi)] if dpi else []


def _tesseract(image: Image.Image, args: list[str], timeout: float) -> str:
    """Run ``tesseract PAGE.pnm stdout ARGS`` on the image; its standard output as text."""
    try:
        with _page_file(image) as page:
            if page is None:  # no temporary file to be had: standard input, slower
                done = _run_tesseract(["stdin", "stdout", *args], _pnm(image), timeout)
            else:
                done = _run_tesseract([page, "stdout", *args], None, timeout)
    except FileNotFoundError:
        raise OcrUnavailable("OCR needs Tesseract, which is not installed: install the Debian "
                             f"packages {DEBIAN_PACKAGES}") from None
    except subprocess.TimeoutExpired:
        raise OcrFailed(f"Tesseract took longer than {timeout:g} s on one page") from None
    stderr = done.stderr.decode("utf-8", "replace")
    # With "swe+xyz" Tesseract 5 skips the missing xyz, reads with swe alone
    # and exits 0: the complaint on stderr is the only sign.
    missing = re.search(r"Failed loading language '([^']+)'", stderr)
    if missing:
        raise OcrUnavailable(missing_language_message(missing.group(1), tesseract_languages()))
    if done.returncode != 0:
        if done.returncode < 0:
            raise OcrFailed(f"Tesseract crashed on the page (signal {-done.returncode})")
        raise OcrFailed(f"Tesseract could not read the page ({_last_line(stderr)})")
    return done.stdout.decode("utf-8", "replace")


def _run_tesseract(args: list[str], input: bytes | None, timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run([TESSERACT, *args], input=input, capture_output=True,
                          stdin=None if input is not None else subprocess.DEVNULL,
                          env=tesseract_env(), timeout=timeout)


@contextmanager
def _page_file(image: Image.Image):
    """The image as a PNM file in the temporary folder ($TMPDIR, else /tmp), deleted
    on leaving; None if it cannot be written there (no space, no such folder)."""
    try:
        handle = tempfile.NamedTemporaryFile(prefix="beslut-page-", suffix=".pnm")
    except OSError:
        yield None
        return
    with handle:
        try:
            image.save(handle, "PPM")  # writes PBM, PGM or PPM to suit the mode
            handle.flush()
        except OSError:
            yield None
            return
        yield handle.name


def _pnm(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PPM")  # writes PBM, PGM or PPM to suit the mode
    return buffer.getvalue()


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:160] if lines else "no message"


def _one_line(err) -> str:
    return re.sub(r"\s+", " ", str(err)).strip()[:160] or type(err).__name__
