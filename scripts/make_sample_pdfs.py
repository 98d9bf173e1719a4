"""Write born-digital PDFs of the sample corpus's text files (sample/txt -> sample/pdf).

    .venv/bin/python scripts/make_sample_pdfs.py

Deterministic: rerunning gives the same bytes. Needs fpdf2 (a test dependency)
and Debian's fonts-dejavu-core.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.pdfgen import write_text_as_pdf  # noqa: E402


def main() -> None:
    source, target = ROOT / "sample" / "txt", ROOT / "sample" / "pdf"
    for text_file in sorted(source.glob("*.txt")):
        pdf = write_text_as_pdf(target / (text_file.stem + ".pdf"), text_file.read_text("utf-8"))
        print(f"wrote {pdf.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
