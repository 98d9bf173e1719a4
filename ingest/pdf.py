"""Text from a PDF's text layer, page by page, through pdfplumber."""

import logging
import re

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psexceptions import PSEOF
from pdfplumber.utils.exceptions import PdfminerException

from beslut.errors import InputError

from .document import Page
from .source import SourceFile

# pdfminer logs a warning for every oddity of real-world PDFs, and pdfplumber one
# for metadata it cannot read (nested too deeply); the user gets our one-line
# error instead, or the document.
logging.getLogger("pdfminer").setLevel(logging.ERROR)
logging.getLogger("pdfplumber").setLevel(logging.ERROR)


def extract_pdf_pages(source: SourceFile) -> list[Page]:
    try:
        with pdfplumber.open(source.path) as pdf:
            pages = []
            for number, page in enumerate(pdf.pages, start=1):
                text = page_text(page)
                page.close()  # drops pdfplumber's per-page caches: memory stays flat
                pages.append(Page(number=number, text=text, source="text-layer"))
    except InputError:
        raise
    except RecursionError:
        raise _fail(source, "damaged PDF: objects nested too deeply") from None
    except MemoryError:
        raise _fail(source, "PDF too large to read in memory") from None
    except PdfminerException as err:
        raise _fail(source, describe_pdf_error(err.args[0] if err.args else err)) from None
    except Exception as err:  # pdfminer raises a zoo of types on damaged files
        raise _fail(source, describe_pdf_error(err)) from None
    if not pages:
        raise _fail(source, "PDF has no pages")
    return pages


# A gap between two lines wider than this share of the usual line height starts
# a new paragraph. pdfplumber's plain text drops such gaps, but titles and
# headings are told apart by them.
PARAGRAPH_GAP = 0.75


def page_text(page) -> str:
    """The page's text as pdfplumber's extract_text gives it, with a blank line
    where the page leaves vertical space between lines."""
    textmap = page.get_textmap()  # what extract_text() reads, cached by pdfplumber
    if textmap.line_dir_render != "ttb" or textmap.char_dir_render != "ltr":
        return textmap.as_string
    lines, tops, bottoms = [], [], []
    chars, top, bottom = [], None, None
    for char, obj in textmap.tuples + [("\n", None)]:
        if char == "\n":
            lines.append("".join(chars))
            tops.append(top)
            bottoms.append(bottom)
            chars, top, bottom = [], None, None
            continue
        chars.append(char)
        if obj is not None:
            top = obj["top"] if top is None else min(top, obj["top"])
            bottom = obj["bottom"] if bottom is None else max(bottom, obj["bottom"])
    heights = sorted(b - t for t, b in zip(tops, bottoms) if t is not None)
    if not heights:
        return textmap.as_string
    threshold = PARAGRAPH_GAP * heights[len(heights) // 2]
    out = [lines[0]]
    for i in range(1, len(lines)):
        if tops[i] is not None and bottoms[i - 1] is not None and tops[i] - bottoms[i - 1] > threshold:
            out.append("")
        out.append(lines[i])
    return "\n".join(out)


def describe_pdf_error(err) -> str:
    if isinstance(err, PDFPasswordIncorrect):
        return "encrypted PDF: a password is needed to open it"
    if isinstance(err, PDFEncryptionError):
        return f"encrypted PDF that cannot be opened ({_one_line(err)})"
    if isinstance(err, PSEOF):
        return "damaged PDF: the file ends unexpectedly (truncated?)"
    if isinstance(err, PDFSyntaxError):
        return f"damaged PDF: {_one_line(err)}"
    if isinstance(err, RecursionError):
        return "damaged PDF: objects nested too deeply"
    return f"damaged PDF: {type(err).__name__}: {_one_line(err)}"


def _one_line(err) -> str:
    text = re.sub(r"\s+", " ", str(err)).strip() or type(err).__name__
    return text[:160]


def _fail(source: SourceFile, reason: str) -> InputError:
    return InputError(source.path, reason, doc_id=source.sha256, size=source.size)
