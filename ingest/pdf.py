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

# pdfminer logs a warning for every oddity of real-world PDFs; the user gets
# our one-line error instead.
logging.getLogger("pdfminer").setLevel(logging.ERROR)


def extract_pdf_pages(source: SourceFile) -> list[Page]:
    try:
        with pdfplumber.open(source.path) as pdf:
            pages = []
            for number, page in enumerate(pdf.pages, start=1):
                text = page.extract_text() or ""
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
