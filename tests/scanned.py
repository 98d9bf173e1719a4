"""Scanned-looking pages of Swedish text, for OCR tests and benchmarks.

Text is drawn onto A4 page images with Debian's DejaVu Sans (package
fonts-dejavu-core) at about 11 pt, then, when asked, roughened like a scan:
light Gaussian noise, salt-and-pepper specks, a small skew, a page fed in
sideways or upside down. The pages are saved as image-only PDFs, as multi-page
TIFFs, or as searchable PDFs whose text layer is Tesseract's English-model OCR
(the "bad layer" a Swedish archive often has). ``token_error`` measures how far
OCR text is from the text that was drawn.

Everything is deterministic: the same text, options and seed give the same
pixels, and the PDF and TIFF writers pin their dates.
"""

import os
import random
import re
import shutil
import struct
import subprocess
import tempfile
import time
import zlib
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFont

FONT_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
A4_INCHES = (8.27, 11.69)
FONT_POINTS = 11
LINE_SPACING = 1.3  # line height as a multiple of the font size
MARGIN_INCHES = 1.0
FIXED_PDF_DATE = time.struct_time((2024, 1, 1, 0, 0, 0, 0, 1, 0))
WHITE = 255
SPECKS_PER_STRENGTH = 1 / 250  # share of pixels turned black (and as many white) per unit noise
PDF_BATCH = 20  # pages held in memory while writing an image-only PDF


# About a page of plain Swedish municipal prose, for tests that need one page
# of OCR without reading the shared seed files.
SWEDISH_PAGE = """\
Tekniska nämnden
Tjänsteskrivelse 2024-03-12, Dnr TN 2024/117

Upphandling av vinterväghållning för åren 2025–2028

Förslag till beslut
Tekniska nämnden godkänner förfrågningsunderlaget för vinterväghållning och ger
förvaltningen i uppdrag att genomföra upphandlingen enligt lagen om offentlig
upphandling. Beslutet justeras omedelbart.

Sammanfattning
Nuvarande avtal för snöröjning och halkbekämpning på kommunens gator, gång- och
cykelvägar löper ut den 30 april 2025. Förvaltningen har tagit fram ett nytt
underlag där kraven på framkomlighet har skärpts för skolvägar, busshållplatser
och områden kring äldreboenden. Röjning ska påbörjas när snödjupet når fem
centimeter och vara avslutad inom sex timmar. Entreprenören ska redovisa sina
insatser digitalt så att förvaltningen kan följa upp utförandet och svara på
frågor från invånare.

Ekonomiska konsekvenser
Kostnaden för vinterväghållning har under de senaste fem åren varierat mellan
elva och sjutton miljoner kronor per säsong, beroende på väderlek. De skärpta
kraven bedöms öka kostnaden med omkring åtta procent. Ökningen ryms inom
nämndens budgetram för 2025 men behöver beaktas i kommande budgetarbete.

Miljö och hållbarhet
Anbudsgivarna ska använda fordon som uppfyller lägst utsläppsklass Euro VI, och
andelen förnybart drivmedel ska öka under avtalstiden. Saltning ska begränsas
nära vattentäkter och känsliga grönområden, där sand eller flis används i stället.

Samråd
Ärendet har beretts i samråd med räddningstjänsten, kollektivtrafikförvaltningen
och kommunens tillgänglighetsråd. Synpunkterna från rådet om gångvägar till
vårdcentraler och äldreboenden har arbetats in i underlaget.

Anna Lindqvist
förvaltningschef
"""


# --- Layout ---------------------------------------------------------------

def paginate(text: str, *, dpi: int = 300) -> list[str]:
    """Split text into page-sized pieces, each already wrapped into lines.

    Each piece renders onto exactly one page with ``render_page_image``. The
    pieces hold every word of ``text`` that the font can draw, in order:
    characters without a glyph (a PDF's private-use bullets) are dropped, so
    the pieces are also the gold text OCR is measured against.
    """
    lines = _wrap(drawable(text), dpi)
    per_page = _lines_per_page(dpi)
    pages = ["\n".join(lines[i:i + per_page]).strip("\n") for i in range(0, len(lines), per_page)]
    return [page for page in pages if page.strip()] or [""]


def drawable(text: str) -> str:
    """The text without characters the font has no glyph for."""
    cmap = _font_cmap()
    return "".join(ch for ch in text if ch in "\n\t" or ord(ch) in cmap)


def _wrap(text: str, dpi: int, font_path: Path = FONT_PATH) -> list[str]:
    font = _font(dpi, font_path)
    width = _page_size(dpi)[0] - 2 * _margin(dpi)
    lines: list[str] = []
    for paragraph in text.replace("\f", "\n").split("\n"):
        words = paragraph.split()
        if not words:
            if lines and lines[-1]:
                lines.append("")  # one blank line between paragraphs
            continue
        line = words[0]
        for word in words[1:]:
            if font.getlength(f"{line} {word}") <= width:
                line = f"{line} {word}"
            else:
                lines.append(line)
                line = word  # a word wider than the line runs into the margin
        lines.append(line)
    return lines


def _lines_per_page(dpi: int) -> int:
    return (_page_size(dpi)[1] - 2 * _margin(dpi)) // _line_height(dpi)


def _page_size(dpi: int) -> tuple[int, int]:
    return round(A4_INCHES[0] * dpi), round(A4_INCHES[1] * dpi)


def _margin(dpi: int) -> int:
    return round(MARGIN_INCHES * dpi)


def _line_height(dpi: int) -> int:
    return round(_font_pixels(dpi) * LINE_SPACING)


def _font_pixels(dpi: int) -> int:
    return round(FONT_POINTS / 72 * dpi)


@lru_cache(maxsize=8)
def _font(dpi: int, path: Path = FONT_PATH) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), _font_pixels(dpi))


@lru_cache(maxsize=1)
def _font_cmap() -> frozenset[int]:
    from fontTools.ttLib import TTFont  # comes with fpdf2, in the test extra
    return frozenset(TTFont(str(FONT_PATH)).getBestCmap())


# --- Page images ----------------------------------------------------------

def render_page_image(text: str, *, dpi: int = 300, skew_degrees: float = 0.0,
                      noise: float = 0.0, seed: int = 0, rotate: int = 0,
                      font_path: Path = FONT_PATH) -> Image.Image:
    """One A4 page of text as a greyscale ("L") image, like a scan at ``dpi``.

    ``noise`` is the standard deviation of added Gaussian noise as a share of
    full white (0.05 is light, 0.15 a poor copy); it also sprinkles black and
    white specks, each on ``noise / 250`` of the pixels (0.05: 1,700 specks of
    each on an A4 page at 300 dpi). Tesseract shrugs off the grey noise but
    reads specks as punctuation: noise 0.05 costs it about 0.5% of the tokens.
    ``skew_degrees`` tilts the page counter-clockwise, as a sheet laid crooked
    on the glass. ``rotate`` (0, 90, 180 or 270) turns the finished page
    counter-clockwise, as a sheet fed in sideways or upside down. ``font_path``
    draws in another TrueType font than DejaVu Sans. Raises ValueError if the
    text needs more than one page: use ``paginate`` first.
    """
    lines = _wrap(drawable(text), dpi, font_path)
    if len(lines) > _lines_per_page(dpi):
        raise ValueError(f"text needs {len(lines)} lines, a page holds {_lines_per_page(dpi)}: "
                         "paginate() it first")
    image = Image.new("L", _page_size(dpi), WHITE)
    draw = ImageDraw.Draw(image)
    font, margin, step = _font(dpi, font_path), _margin(dpi), _line_height(dpi)
    for row, line in enumerate(lines):
        draw.text((margin, margin + row * step), line, font=font, fill=0)
    if skew_degrees:
        image = image.rotate(skew_degrees, resample=Image.Resampling.BICUBIC, fillcolor=WHITE)
    if noise:
        image = add_noise(image, noise, seed=seed)
    if rotate:
        image = rotate_quarter_turns(image, rotate)
    image.info["dpi"] = (dpi, dpi)
    return image


def render_pages(text: str, *, dpi: int = 300, skew_degrees: float = 0.0, noise: float = 0.0,
                 seed: int = 0, rotate: int = 0) -> list[tuple[str, Image.Image]]:
    """Every page of ``text``: (the page's gold text, its image). Each page gets its own seed."""
    return [(page, render_page_image(page, dpi=dpi, skew_degrees=skew_degrees, noise=noise,
                                     seed=seed + number, rotate=rotate))
            for number, page in enumerate(paginate(text, dpi=dpi))]


def add_noise(image: Image.Image, strength: float, *, seed: int = 0) -> Image.Image:
    """Gaussian-like grey noise plus salt-and-pepper specks, from a seeded generator."""
    rng = random.Random(seed)
    # The mean of three uniform byte images is close to a normal distribution
    # with standard deviation 255 / sqrt(36) = 42.5; scale it to the strength.
    mean = _average3([_uniform_image(rng, image.size) for _ in range(3)])
    gain = strength * 255 / 42.5
    grey = mean.point(lambda v: max(0, min(255, round(128 + (v - 127.5) * gain))))
    noisy = ImageChops.add(image, grey, scale=1.0, offset=-128)
    _sprinkle(noisy, strength * SPECKS_PER_STRENGTH, rng)
    return noisy


def _sprinkle(image: Image.Image, share: float, rng: random.Random) -> None:
    """Set ``share`` of the pixels black and as many white, at random places."""
    width, height = image.size
    count = round(share * width * height)
    draw = ImageDraw.Draw(image)
    for colour in (0, WHITE):
        draw.point([(rng.randrange(width), rng.randrange(height)) for _ in range(count)],
                   fill=colour)


def _uniform_image(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    return Image.frombytes("L", size, rng.randbytes(size[0] * size[1]))


def _average3(images: list[Image.Image]) -> Image.Image:
    # ImageChops works on 8 bits, so divide before adding to keep the sum in range.
    thirds = [im.point(lambda v: v // 3) for im in images]
    return ImageChops.add(ImageChops.add(thirds[0], thirds[1]), thirds[2])


def rotate_quarter_turns(image: Image.Image, degrees: int) -> Image.Image:
    """Turn an image counter-clockwise by 0, 90, 180 or 270 degrees, without resampling."""
    turns = {0: None, 90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180,
             270: Image.Transpose.ROTATE_270}
    if degrees % 360 not in turns:
        raise ValueError(f"rotate must be 0, 90, 180 or 270, not {degrees}")
    turn = turns[degrees % 360]
    rotated = image.transpose(turn) if turn is not None else image.copy()
    rotated.info.update(image.info)
    return rotated


# --- Files ----------------------------------------------------------------

def write_image_pdf(path, images: Iterable[Image.Image], *, dpi: int = 300) -> Path:
    """An image-only PDF, one page per image, no text layer.

    Greyscale and colour pages are stored as JPEG, bilevel ("1") pages as
    CCITT G4 (see ``to_bilevel``), which is what scanners produce. Pages are
    written PDF_BATCH at a time, so ``images`` may be a long generator: a
    500-page fixture never holds more than a batch in memory.
    """
    path = _prepare(path)
    options = dict(resolution=float(dpi), title=None,  # not the file name: same pages, same bytes
                   creationDate=FIXED_PDF_DATE, modDate=FIXED_PDF_DATE)
    written = 0
    for batch in _batches(images, PDF_BATCH):
        first, *rest = batch
        try:
            # Each append re-reads the file, so appending page by page is quadratic.
            first.save(path, "PDF", save_all=True, append_images=rest, append=written > 0,
                       **options)
        finally:
            for image in batch:
                _forget_save_options(image)
        written += len(batch)
    if not written:
        raise ValueError("no page images to write")
    return path


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_tiff(path, images: Iterable[Image.Image], *, dpi: int = 300) -> Path:
    """A multi-page TIFF, one frame per image: LZW for grey and colour, G4 for bilevel."""
    path = _prepare(path)
    images = list(images)
    if not images:
        raise ValueError("no page images to write")
    first, *rest = images
    compression = "group4" if all(im.mode == "1" for im in images) else "tiff_lzw"
    try:
        first.save(path, "TIFF", save_all=True, append_images=rest, compression=compression,
                   dpi=(dpi, dpi))
    finally:
        for image in images:
            _forget_save_options(image)
    return path


def to_bilevel(image: Image.Image, threshold: int = 160) -> Image.Image:
    """Black and white at a fixed threshold (no dithering), as a fax-mode scanner does."""
    bilevel = image.convert("L").point(lambda v: 255 if v > threshold else 0, mode="1")
    bilevel.info.update(image.info)
    return bilevel


def _forget_save_options(image: Image.Image) -> None:
    # Pillow leaves a save's options and encoder settings on the images it
    # wrote, and a later save of the same image in another format trips over
    # them ("quality setting only supported for 'jpeg' compression", or a
    # TypeError from the TIFF encoder).
    for leftover in ("encoderinfo", "encoderconfig"):
        image.__dict__.pop(leftover, None)


def write_bad_layer_pdf(path, images: Iterable[Image.Image], *, dpi: int = 300) -> Path:
    """A searchable PDF whose text layer is Tesseract's English-model OCR of the images.

    Runs the real ``tesseract LIST OUTBASE -l eng pdf`` over all pages in one
    process, as a scanner's bundled OCR (or an earlier archive run) would have.
    """
    path = _prepare(path)
    if shutil.which("tesseract") is None:
        raise RuntimeError("tesseract is not installed (Debian packages tesseract-ocr, "
                           "tesseract-ocr-eng)")
    with tempfile.TemporaryDirectory(prefix="beslut-badlayer-") as tmp:
        tmp = Path(tmp)
        names = []
        for number, image in enumerate(images, start=1):
            name = tmp / f"page-{number:04d}.png"
            try:
                image.save(name, dpi=(dpi, dpi))
            finally:
                _forget_save_options(image)
            names.append(str(name))
        if not names:
            raise ValueError("no page images to write")
        listing = tmp / "pages.txt"
        listing.write_text("\n".join(names) + "\n")
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        done = subprocess.run(["tesseract", str(listing), str(tmp / "out"), "-l", "eng",
                               "--dpi", str(dpi), "pdf"], capture_output=True, env=env)
        if done.returncode != 0 or not (tmp / "out.pdf").exists():
            raise RuntimeError("tesseract could not make the searchable PDF: "
                               + done.stderr.decode("utf-8", "replace")[-300:])
        data = _pin_pdf_dates((tmp / "out.pdf").read_bytes())
    path.write_bytes(data)
    return path


def write_bomb_png(path, width: int = 50_000, height: int = 50_000) -> Path:
    """A tiny PNG whose header claims ``width`` × ``height`` grey pixels.

    Its data stream holds one compressed row, so the file is a few hundred
    bytes: a reader that trusts the header and allocates the image (2.5 GB at
    the default size) before decoding is the bug it catches.
    """
    path = _prepare(path)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey, no interlace
    data = zlib.compress(b"\x00" * (width + 1))  # one filtered row of black
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
                     + _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b""))
    return path


def break_first_image(path) -> Path:
    """Damage the first JPEG image stream of a PDF from ``write_image_pdf``, in place.

    Its start-of-image marker is overwritten with bytes of the same length, so
    the PDF's structure stays valid and only that page's picture is undecodable.
    """
    path = Path(path)
    data = path.read_bytes()
    start = data.find(b"\xff\xd8\xff")
    if start < 0:
        raise ValueError(f"{path} holds no JPEG image stream")
    path.write_bytes(data[:start] + b"XXX" + data[start + 3:])
    return path


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _pin_pdf_dates(data: bytes) -> bytes:
    # Same-length replacement keeps the cross-reference offsets valid.
    return re.sub(rb"\(D:\d{14}[^)]*\)",
                  lambda m: b"(D:20240101000000" + b" " * (len(m.group(0)) - 19) + b")", data)


def _prepare(path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


# --- Measuring OCR --------------------------------------------------------

def tokens(text: str) -> list[str]:
    """Whitespace-separated tokens: line breaks, runs of spaces and form feeds do not count."""
    return text.split()


# Typographic variants OCR flattens: Tesseract's models read an en dash as a
# hyphen and a curly apostrophe as a straight one.
TYPOGRAPHIC = str.maketrans({"–": "-", "—": "-", "‒": "-", "−": "-", "’": "'", "‘": "'",
                             "´": "'", "”": '"', "“": '"', "„": '"', "«": '"', "»": '"'})


def token_error(candidate: str, gold: str, *, fold_typography: bool = False) -> float:
    """Word-level edit distance from candidate to gold, per gold token.

    0.0 is a perfect match; 0.01 is one wrong, missing or extra token per 100
    gold tokens. Can exceed 1.0 when the candidate is mostly noise. With
    ``fold_typography``, dashes and curly quotes count as their ASCII forms.
    """
    if fold_typography:
        candidate, gold = candidate.translate(TYPOGRAPHIC), gold.translate(TYPOGRAPHIC)
    cand, ref = tokens(candidate), tokens(gold)
    if not ref:
        return 0.0 if not cand else 1.0
    return token_edit_distance(cand, ref) / len(ref)


def token_edit_distance(a: list[str], b: list[str]) -> int:
    """Levenshtein distance over token lists: insertions, deletions, substitutions."""
    # A shared head and tail costs nothing and makes the quadratic part small.
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    a, b = a[head:len(a) - tail], b[head:len(b) - tail]
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, token in enumerate(a, start=1):
        current = [i]
        for j, other in enumerate(b, start=1):
            current.append(min(previous[j] + 1,  # delete from a
                               current[j - 1] + 1,  # insert into a
                               previous[j - 1] + (token != other)))  # substitute or keep
        previous = current
    return previous[-1]
