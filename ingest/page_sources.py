"""Where each page's text comes from: the PDF's text layer, OCR, or a re-OCR
that replaced a bad text layer. Every page records its source, the reason and
the scores that decided it.

Under --ocr auto:
- a page with text and no scanned image is born-digital: its layer is used, never OCR'd;
- a page with neither text nor images is blank: nothing to read;
- a page with no text layer but an image is OCR'd;
- a page with a text layer over a scanned image keeps its layer if the layer reads
  as good Swedish; otherwise it is OCR'd again with the Swedish model and the
  better reading is kept, judged by text_quality and their agreement.
"""

from beslut.errors import BeslutError, InputError

from .document import Page
from .ocr import OcrResult, OcrUnavailable
from .ocr_runner import OcrRunner, PageImage
from .quality import agreement, text_quality
from .render import count_image_pages, image_coverage, undecodable_images
from .source import SourceFile

SCANNED_COVERAGE = 0.5  # images over half the page: a scan
GOOD_LAYER = 0.90  # text_quality score at which a layer over a scan is trusted
# Keep a re-OCR unless the old layer reads clearly better; and whatever the
# scores, a layer that shares little with what the page shows is not its text.
OCR_MARGIN = 0.02
MISMATCH = 0.5


def pdf_pages(source: SourceFile, layer: list[Page], runner: OcrRunner | None) -> tuple[list[Page], list[str]]:
    """The final pages of a PDF, given its text layer. Returns (pages, warnings)."""
    mode = runner.options.mode if runner else "never"
    if mode == "never":
        return _layer_only(layer, "OCR is off (--ocr never)")
    coverage = image_coverage(source.path, pages=len(layer))
    if len(coverage) != len(layer):  # pdfium and pdfplumber disagree on the page tree
        coverage = (coverage + [0.0] * len(layer))[:len(layer)]
    plan = {}  # page number -> (action, reason)
    for page, covered in zip(layer, coverage):
        has_text = bool(page.text.strip())
        if mode == "always":
            plan[page.number] = ("re-ocr" if has_text else "ocr", "OCR asked for (--ocr always)")
        elif not has_text and covered == 0.0:
            plan[page.number] = ("blank", "no text and no images")
        elif not has_text:
            plan[page.number] = ("ocr", "no text layer")
        elif covered < SCANNED_COVERAGE:
            plan[page.number] = ("layer", "born-digital text layer")
        elif text_quality(page.text).score >= GOOD_LAYER:
            plan[page.number] = ("layer", "text layer over a scan reads as good Swedish")
        else:
            plan[page.number] = ("re-ocr", "text layer over a scan looks damaged")
    to_read = [p.number for p in layer if plan[p.number][0] in ("ocr", "re-ocr")]
    results = dict(zip(to_read, _read(source, runner, [PageImage(str(source.path), "pdf", n) for n in to_read])))
    pages, warnings, damaged = [], [], 0
    for page, covered in zip(layer, coverage):
        action, reason = plan[page.number]
        scores = {"image_coverage": round(covered, 3)}
        if action in ("layer", "blank"):
            if action == "layer" and covered >= SCANNED_COVERAGE:
                scores["layer"] = text_quality(page.text).as_dict()
            pages.append(Page(page.number, page.text, "text-layer", scores, reason))
            continue
        result = results[page.number]
        if isinstance(result, BeslutError):
            warnings.append(f"page {page.number}: {_reason(result)}; kept its text layer")
            pages.append(Page(page.number, page.text, "text-layer", scores, f"OCR failed: {_reason(result)}"))
            continue
        scores.update(_ocr_scores(result))
        if not result.text.strip() and covered > 0 and undecodable_images(source.path, page.number):
            warnings.append(f"page {page.number}: its scanned image is damaged and cannot be read")
            damaged += 1
            pages.append(Page(page.number, page.text, "text-layer", scores, "scanned image damaged"))
            continue
        if action == "ocr":
            pages.append(Page(page.number, result.text, "ocr", scores, reason))
        else:
            pages.append(_better_reading(page, result, scores, reason, forced=(mode == "always")))
    if damaged and not any(p.text.strip() for p in pages):
        raise InputError(source.path, "damaged PDF: the scanned image of every page is damaged "
                                      "and cannot be read", doc_id=source.sha256, size=source.size)
    return pages, warnings


def image_pages(source: SourceFile, runner: OcrRunner | None) -> tuple[list[Page], list[str]]:
    """Every page of an image file, OCR'd."""
    if runner is None or runner.options.mode == "never":
        raise InputError(source.path, "an image needs OCR, which is off (--ocr never)",
                         doc_id=source.sha256, size=source.size)
    count = count_image_pages(source.path)
    results = _read(source, runner, [PageImage(str(source.path), "image", n) for n in range(1, count + 1)])
    pages, warnings = [], []
    for number, result in enumerate(results, start=1):
        if isinstance(result, BeslutError):
            warnings.append(f"page {number}: {_reason(result)}")
            continue
        pages.append(Page(number, result.text, "ocr", _ocr_scores(result), "image file"))
    if not pages:
        raise InputError(source.path, _reason(results[0]), doc_id=source.sha256, size=source.size)
    return pages, warnings


def _better_reading(layer_page: Page, result: OcrResult, scores: dict, reason: str, forced: bool) -> Page:
    old, new = text_quality(layer_page.text), text_quality(result.text)
    shared = agreement(layer_page.text, result.text)
    scores.update(layer=old.as_dict(), agreement=shared)
    if forced or new.score >= old.score - OCR_MARGIN or shared < MISMATCH:
        why = f"{reason}; re-OCR scored {new.score:.2f} against the layer's {old.score:.2f}"
        if shared < MISMATCH:
            why += f", and the layer agrees with the page image only {shared:.2f}"
        return Page(layer_page.number, result.text, "re-ocr", scores, why)
    why = f"{reason}, but the layer scored {old.score:.2f} against re-OCR's {new.score:.2f}: layer kept"
    return Page(layer_page.number, layer_page.text, "text-layer", scores, why)


def _ocr_scores(result: OcrResult) -> dict:
    return {"ocr": text_quality(result.text).as_dict(), "ocr_confidence": result.mean_confidence,
            "rotation": result.rotation}


def _read(source: SourceFile, runner: OcrRunner, pages: list[PageImage]) -> list:
    try:
        return runner.read(pages)
    except OcrUnavailable as err:
        raise InputError(source.path, f"needs OCR, but {err}", doc_id=source.sha256,
                         size=source.size) from None


def _layer_only(layer: list[Page], reason: str) -> tuple[list[Page], list[str]]:
    pages = [Page(p.number, p.text, "text-layer", {}, reason) for p in layer]
    return pages, []


def _reason(err: BeslutError) -> str:
    return err.reason if isinstance(err, InputError) else str(err)
