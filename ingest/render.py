"""Page images for OCR: PDF pages rendered through pypdfium2, and the frames of image files.

Both readers hand out one page at a time and keep nothing of the pages they
have handed out, so a 500-page scan needs the memory of one page. PDF pages
come out greyscale; image files as bilevel, greyscale or RGB. The resolution
is in ``image.info["dpi"]`` when it is known.

pdfium is not thread-safe: spread pages over processes, not threads.
"""

import re
import struct
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageOps, UnidentifiedImageError

from beslut.errors import InputError

from .ocr import image_dpi, tesseract_ready

DEFAULT_DPI = 300
# A page rendered at DEFAULT_DPI larger than this (about A1) is rendered at a
# lower resolution instead, so one page never needs more than ~50 MB.
MAX_RENDER_PIXELS = 50_000_000
# Larger image files are refused unread: Pillow reads the size from the header,
# so a decompression bomb (a tiny file that unpacks to gigabytes) costs nothing.
MAX_IMAGE_PIXELS = 100_000_000
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"})
MULTI_PAGE_FORMATS = frozenset({"TIFF"})
# Pillow raises a zoo of types on damaged files (TypeError "Missing
# dimensions", KeyError, struct.error, ...); these all mean "damaged".
DAMAGED = (OSError, ValueError, SyntaxError, struct.error, EOFError, TypeError, KeyError,
           IndexError, ZeroDivisionError)


# --- PDF pages ------------------------------------------------------------

def render_pdf_pages(path, dpi: int = DEFAULT_DPI, *,
                     pages: Iterable[int] | None = None) -> Iterator[tuple[int, Image.Image]]:
    """(page number, greyscale image) for each page, or only the 1-based ``pages`` given.

    Raises InputError for a PDF pdfium cannot open, or a page it cannot load.
    """
    path = Path(path)
    wanted = set(pages) if pages is not None else None
    pdf = _open_pdf(path)
    try:
        for index in range(len(pdf)):
            number = index + 1
            if wanted is not None and number not in wanted:
                continue
            yield number, _render_page(pdf, index, dpi, path)
    finally:
        pdf.close()


def image_coverage(path, pages: int | None = None) -> list[float]:
    """For each page (the first ``pages`` only, if given), the share of its area
    that images cover (0.0 to 1.0).

    A scanned page is one image over the whole page (about 1.0); a born-digital
    page has none, or a logo (a few per cent). Overlapping images are counted
    twice, capped at 1.0. (A page tree that lists one page a million times is a
    million pages to pdfium: ``pages`` keeps to those the text layer has.)
    """
    path = Path(path)
    pdf = _open_pdf(path)
    try:
        count = len(pdf) if pages is None else min(len(pdf), pages)
        return [_page_image_coverage(pdf, index, path) for index in range(count)]
    finally:
        pdf.close()


def page_has_images(path, page_index: int, *, min_coverage: float = 0.0) -> bool:
    """Whether the page (0-based) carries images covering more than ``min_coverage`` of it."""
    path = Path(path)
    pdf = _open_pdf(path)
    try:
        if not 0 <= page_index < len(pdf):
            raise IndexError(f"page index {page_index} out of range for {len(pdf)} pages")
        return _page_image_coverage(pdf, page_index, path) > min_coverage
    finally:
        pdf.close()


def undecodable_images(path, page_number: int) -> int:
    """How many images on the page (1-based) pdfium cannot decode (a broken image stream).

    pdfium draws such an image as nothing, so a scanned page with a broken
    stream renders white and OCRs to nothing; this tells that apart from a
    blank sheet. It decodes every image on the page: call it only then.
    """
    path = Path(path)
    pdf = _open_pdf(path)
    try:
        page = pdf[page_number - 1]
        try:
            broken = 0
            for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
                try:
                    obj.get_bitmap(render=False)  # freed when dropped
                except pdfium.PdfiumError:
                    broken += 1
            return broken
        finally:
            page.close()
    finally:
        pdf.close()


def _open_pdf(path: Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as err:
        raise InputError(path, describe_pdfium_error(err)) from None
    except OSError as err:
        raise InputError(path, f"cannot read the file ({_one_line(err)})") from None


def _render_page(pdf: pdfium.PdfDocument, index: int, dpi: int, path: Path) -> Image.Image:
    number = index + 1
    try:
        page = pdf[index]
    except pdfium.PdfiumError:
        raise InputError(path, f"damaged PDF: page {number} cannot be read") from None
    try:
        width, height = page.get_size()  # in points, 1/72 inch
        dpi = fitting_dpi(width, height, dpi)
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        try:
            # The PIL image would share the bitmap's buffer: copy it before freeing.
            image = bitmap.to_pil().convert("L")
        finally:
            bitmap.close()
    except pdfium.PdfiumError as err:
        raise InputError(path, f"damaged PDF: page {number} cannot be drawn "
                               f"({_one_line(err)})") from None
    except MemoryError:
        raise InputError(path, f"page {number} is too large to draw in memory") from None
    finally:
        page.close()
    image.info["dpi"] = (dpi, dpi)
    return image


def fitting_dpi(width_points: float, height_points: float, dpi: int) -> int:
    """``dpi``, or less for a page so large the image would exceed MAX_RENDER_PIXELS."""
    pixels = (width_points / 72 * dpi) * (height_points / 72 * dpi)
    if pixels <= MAX_RENDER_PIXELS:
        return dpi
    return max(1, int(dpi * (MAX_RENDER_PIXELS / pixels) ** 0.5))


def _page_image_coverage(pdf: pdfium.PdfDocument, index: int, path: Path) -> float:
    try:
        page = pdf[index]
    except pdfium.PdfiumError:
        raise InputError(path, f"damaged PDF: page {index + 1} cannot be read") from None
    try:
        left, bottom, right, top = page.get_cropbox()
        area = (right - left) * (top - bottom)
        if area <= 0:
            return 0.0
        covered = 0.0
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
            try:
                x0, y0, x1, y1 = obj.get_bounds()
            except pdfium.PdfiumError:
                continue  # an image pdfium cannot place covers nothing it will draw
            x0, x1 = max(x0, left), min(x1, right)
            y0, y1 = max(y0, bottom), min(y1, top)
            if x1 > x0 and y1 > y0:
                covered += (x1 - x0) * (y1 - y0)
        return min(1.0, covered / area)
    finally:
        page.close()


def describe_pdfium_error(err: Exception) -> str:
    """One line for a PDF pdfium refuses: 'Failed to load document (PDFium: Data format error).'"""
    message = _one_line(err)
    match = re.search(r"PDFium: ([^)]+)", message)
    detail = match.group(1).strip().rstrip(".") if match else message
    if "password" in detail.lower():
        return "encrypted PDF: a password is needed to open it"
    if "security" in detail.lower():
        return "encrypted PDF with a security scheme that cannot be opened"
    if "file access" in detail.lower():
        return "cannot read the file"
    return f"damaged PDF: {detail[:1].lower()}{detail[1:]}"


# --- Image files ----------------------------------------------------------

def load_images(path) -> Iterator[tuple[int, Image.Image]]:
    """(page number, image) for each page of an image file: every frame of a TIFF.

    Images come out as "1", "L" or "RGB", turned as their EXIF orientation
    says, transparency laid on white. Raises InputError for a file Pillow
    cannot read, a damaged frame, or an image over MAX_IMAGE_PIXELS.
    """
    path = Path(path)
    image = _open_image(path)
    with image:
        multi_page = image.format in MULTI_PAGE_FORMATS
        number = 1
        while True:
            yield number, _read_frame(image, number, path)
            if not multi_page or not _next_frame(image, number, path):
                return
            number += 1


def _open_image(path: Path) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Pillow warns from 89 Mpx and refuses from 179 Mpx; we refuse
            # from MAX_IMAGE_PIXELS ourselves, with a message for a clerk.
            # Its other warnings ("Corrupt EXIF data") are not for a clerk either.
            warnings.simplefilter("ignore")
            return Image.open(path)
    except Image.DecompressionBombError as err:
        raise InputError(path, too_large_message(_bomb_pixels(err))) from None
    except UnidentifiedImageError:
        raise InputError(path, "not a readable image (damaged, or a format other than "
                               "PNG, JPEG or TIFF)") from None
    except DAMAGED as err:
        raise _damaged(path, 1, err) from None


def _next_frame(image: Image.Image, number: int, path: Path) -> bool:
    """Move to the frame after ``number``; False when there is none."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            image.seek(number)
    except EOFError:
        return False
    except DAMAGED as err:
        raise _damaged(path, number + 1, err) from None
    return True


def _read_frame(image: Image.Image, number: int, path: Path) -> Image.Image:
    width, height = image.size
    if width == 0 or height == 0:
        raise InputError(path, f"image has no pixels ({width} × {height})")
    if width * height > MAX_IMAGE_PIXELS:
        raise InputError(path, too_large_message(width * height, (width, height)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            image.load()
            # exif_transpose always returns a new image, free of the file.
            frame = tesseract_ready(ImageOps.exif_transpose(image))
    except MemoryError:
        raise InputError(path, "image too large to read in memory") from None
    except DAMAGED as err:
        raise _damaged(path, number, err) from None
    dpi = image_dpi(image)
    frame.info = {"dpi": (dpi, dpi)} if dpi else {}
    return frame


def too_large_message(pixels: int | None, size: tuple[int, int] | None = None) -> str:
    limit = f"the limit is {MAX_IMAGE_PIXELS // 1_000_000} megapixels"
    if size:
        return f"image too large ({size[0]:,} × {size[1]:,} pixels; {limit})"
    if pixels:
        return f"image too large ({pixels / 1_000_000:,.0f} megapixels; {limit})"
    return f"image too large ({limit})"


def _bomb_pixels(err: Exception) -> int | None:
    match = re.search(r"\((\d+) pixels\)", str(err))
    return int(match.group(1)) if match else None


def _damaged(path: Path, number: int, err: Exception) -> InputError:
    message = _one_line(err)
    if "truncated" in message.lower() or isinstance(err, EOFError):
        reason = "the file ends unexpectedly (truncated?)"
    else:
        reason = message
    if number > 1:
        return InputError(path, f"damaged image: page {number} cannot be read ({reason})")
    return InputError(path, f"damaged image: {reason}")


def _one_line(err) -> str:
    return re.sub(r"\s+", " ", str(err)).strip()[:160] or type(err).__name__


def count_image_pages(path) -> int:
    """How many pages (TIFF frames) an image file has, from its headers."""
    path = Path(path)
    with _open_image(path) as image:
        if image.format not in MULTI_PAGE_FORMATS:
            return 1
        try:
            return max(1, int(getattr(image, "n_frames", 1)))
        except DAMAGED as err:
            raise _damaged(path, 1, err) from None


def load_image_page(path, number: int) -> Image.Image:
    """Page ``number`` (1-based) of an image file, as load_images gives it."""
    path = Path(path)
    with _open_image(path) as image:
        if number > 1:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    image.seek(number - 1)
            except (EOFError, *DAMAGED) as err:
                raise _damaged(path, number, err) from None
        return _read_frame(image, number, path)


def render_pdf_page(path, number: int, dpi: int = DEFAULT_DPI) -> Image.Image:
    """Page ``number`` (1-based) of a PDF as a greyscale image."""
    path = Path(path)
    pdf = _open_pdf(path)
    try:
        return _render_page(pdf, number - 1, dpi, path)
    finally:
        pdf.close()
