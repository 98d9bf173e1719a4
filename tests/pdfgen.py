"""Born-digital PDFs of Swedish text, for tests, benchmarks and the sample corpus.

Uses fpdf2 with Debian's DejaVu fonts (package fonts-dejavu-core). Output is
deterministic: the same text gives the same bytes, so the same document id.
"""

from datetime import datetime, timezone
from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FIXED_DATE = datetime(2024, 1, 1, tzinfo=timezone.utc)
# Word's Symbol-font bullet (private use area) as a born-digital PDF shows it.
PRINTABLE = str.maketrans({"\uf0b7": "•", "\uf0a7": "▪"})


def _new_pdf() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_font("DejaVu", fname=str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.set_font("DejaVu", size=11)
    return pdf


def write_pdf(path, pages: list[str], *, user_password: str | None = None) -> Path:
    """Write each string as (at least) one page; long text flows onto further pages."""
    pdf = _new_pdf()
    if user_password:
        pdf.set_encryption(owner_password=user_password + "-owner", user_password=user_password)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 5.5, text.translate(PRINTABLE))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def write_text_as_pdf(path, text: str) -> Path:
    """A text file's content as a PDF: form feeds start new pages."""
    return write_pdf(path, [page.strip("\n") for page in text.split("\f")])
