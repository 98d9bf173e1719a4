"""A corpus of malformed files, written by code: what an archive's folders really
hold besides good documents. Each case says what ingest must make of it: a
one-line error matching ``reason``, or (``reason`` None) a document read anyway
whose text holds ``word``.

tests/test_bad_input.py tests the first bad kinds one at a time; this corpus
reuses its builders and adds the rest, to be ingested in one batch."""

import codecs
import gzip
import io
import os
import random
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from .pdfgen import _new_pdf
from .test_bad_input import bad_dangling_symlink, bad_docx, bad_html, bad_symlink_loops

SWEDISH = "Förvaltningen föreslår att nämnden godkänner avtalet om snöröjning. "
TEN_MB = 10 * 1024 * 1024


@dataclass(frozen=True)
class Case:
    path: Path
    reason: str | None  # regex of the error line's reason; None: read anyway
    word: str | None = None  # read anyway: a word only its text holds


# ---- raw PDFs ------------------------------------------------------------------------------

def raw_pdf(objects: list[bytes], root: int = 1, trailer: bytes = b"") -> bytes:
    """A PDF of these objects (1, 2, ...) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, root, trailer, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def text_content(word: str) -> bytes:
    return b"BT /F1 12 Tf 72 720 Td (Protokoll om " + word.encode("latin-1") + b") Tj ET"


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
PAGE = (b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
        b"/Resources << /Font << /F1 %d 0 R >> >> %s>>")


def one_page(word: str, *, pages_node: bytes | None = None, page_extra: bytes = b"",
             content: bytes | None = None, more: list[bytes] = ()) -> bytes:
    """Catalog (1), Pages (2), Page (3), content (4), font (5), then more."""
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                    pages_node or b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    PAGE % (2, 4, 5, page_extra),
                    content if content is not None else stream(text_content(word)),
                    FONT, *more])


def page_tree_bomb(word: str, levels: int = 6, fanout: int = 10) -> bytes:
    """Each Pages node lists the next one fanout times: 10**6 leaves by the tree's
    own count, one page object."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(levels):
        kids = b" ".join(b"%d 0 R" % (3 + level) for _ in range(fanout))
        objects.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, fanout ** (levels - level)))
    leaf = 2 + levels
    objects.append(PAGE % (leaf - 1, leaf + 1, leaf + 2, b""))
    objects += [stream(text_content(word)), FONT]
    return raw_pdf(objects)


def deep_page_tree(depth: int = 5000) -> bytes:
    """Pages inside Pages inside Pages ... depth times, then one page."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    objects += [b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (3 + i) for i in range(depth)]
    leaf = 2 + depth
    objects += [PAGE % (leaf - 1, leaf + 1, leaf + 2, b""), stream(text_content("Djuptrad")), FONT]
    return raw_pdf(objects)


def many_pages(word: str, blank: int = 1000) -> bytes:
    """One page of text among many blank ones."""
    count = blank + 1
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(count))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count)]
    content, font = 3 + count, 4 + count
    objects.append(PAGE % (2, content, font, b""))
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"] * blank
    objects += [stream(text_content(word)), FONT]
    return raw_pdf(objects)


def form_loop(word: str) -> bytes:
    """A page that draws a form that draws itself."""
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                    b"/Resources << /Font << /F1 5 0 R >> /XObject << /Fm1 6 0 R >> >> >>",
                    stream(text_content(word) + b" /Fm1 Do"), FONT,
                    stream(b"/Fm1 Do", b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] "
                                       b"/Resources << /XObject << /Fm1 6 0 R >> >> ")])


def huge_image_pdf() -> bytes:
    """A page covered by an image that claims 100,000 x 100,000 pixels and holds 100 bytes."""
    image = stream(b"x\x9c" + b"\x00" * 100,
                   b"/Type /XObject /Subtype /Image /Width 100000 /Height 100000 "
                   b"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode ")
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                    b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
                    stream(b"q 612 0 0 792 0 0 cm /Im1 Do Q"), image])


def encrypted_pdf(path: Path, method: str) -> Path:
    from fpdf.enums import EncryptionMethod

    pdf = _new_pdf()
    pdf.set_encryption(owner_password="agare", user_password="hemligt",
                       encryption_method=getattr(EncryptionMethod, method))
    pdf.add_page()
    pdf.multi_cell(0, 5.5, "Sekretessbelagd uppgift om brukaren.")
    pdf.output(str(path))
    return path


# ---- images --------------------------------------------------------------------------------

def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def truncated_png() -> bytes:
    header = _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 100, 100, 8, 2, 0, 0, 0))
    return PNG_SIGNATURE + header + b"\x00\x00\x10\x00IDAT" + b"\x01" * 50


def png_bomb() -> bytes:
    """A PNG that claims 60,000 x 60,000 pixels (3.6 gigapixels)."""
    return (PNG_SIGNATURE + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0))
            + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 100_000)) + _png_chunk(b"IEND", b""))


# ---- the corpus ----------------------------------------------------------------------------

def write_malformed(folder: Path, good_pdf: bytes, tmp: Path, make_pdf) -> list[Case]:
    """Write the malformed corpus into folder; good_pdf: the bytes of a good PDF."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20261122)
    cases: list[Case] = []

    def bad(name: str, data: bytes, reason: str) -> None:
        path = folder / name
        path.write_bytes(data)
        cases.append(Case(path, reason))

    def good(name: str, data: bytes, word: str) -> None:
        path = folder / name
        path.write_bytes(data)
        cases.append(Case(path, None, word))

    # Empty, truncated and random PDFs.
    bad("tom.pdf", b"", r"empty file")
    bad("tom.txt", b"", r"empty file")
    for percent in (5, 66, 99):
        bad(f"avbruten-{percent:02}.pdf", good_pdf[: len(good_pdf) * percent // 100],
            r"damaged PDF|truncated")
    bad("slumpbytes.pdf", rng.randbytes(5000), r"not a PDF: the file is binary data")
    bad("slump-med-huvud.pdf", b"%PDF-1.5\n" + rng.randbytes(5000), r"damaged PDF")
    bad("bara-huvud.pdf", b"%PDF-1.7\n", r"damaged PDF")
    bad("utan-sidor.pdf", raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                                   b"<< /Type /Pages /Kids [] /Count 0 >>"]), r"no pages")
    # Encrypted.
    for method in ("RC4", "AES_128", "AES_256"):
        path = encrypted_pdf(folder / f"krypterad-{method.lower()}.pdf", method)
        cases.append(Case(path, r"encrypted PDF|password"))
    # Structure: a page tree thousands deep, an object whose length is itself,
    # a page image of 10 gigapixels.
    bad("djupt-sidtrad.pdf", deep_page_tree(), r"nested too deeply")
    bad("egen-langd.pdf", one_page("x", content=b"<< /Length 4 0 R >>\nstream\n"
                                                + text_content("Egen") + b"\nendstream"),
        r"damaged PDF")
    bad("jattebild.pdf", huge_image_pdf(), r"image|tesseract|OCR")
    # Mislabelled: the name says one thing, the bytes another.
    bad("text.pdf", "Protokoll fört vid sammanträde.\n".encode(), r"not a PDF: the file is plain text")
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("content.xml", "<office:document>Protokoll</office:document>")
    bad("arkiv.pdf", zipped.getvalue(), r"not a PDF: the file is a ZIP archive")
    bad("packad.txt", gzip.compress(SWEDISH.encode() * 20, mtime=0), r"not a text file: .*gzip")
    bad("text.png", "Detta är ingen bild.\n".encode(), r"not an image: the file is plain text")
    bad("trunkerad.png", truncated_png(), r"damaged image")
    bad("skrap.jpg", b"\xff\xd8\xff\xe0" + rng.randbytes(3000), r"damaged image")
    bad("skrap.tiff", b"II*\x00" + rng.randbytes(3000), r"not a readable image")
    bad("bildbomb.png", png_bomb(), r"image too large")
    # Text that is no text: NUL bytes, UTF-16 without a byte order mark, a program.
    bad("nollbytes.txt", b"Protokoll\x00\x00\x00 om\x00 skolan\n" * 10, r"not a text file: .*binary")
    bad("utf16-utan-bom.txt", "Protokoll om förskolan i Tumba.\n".encode("utf-16-le") * 4,
        r"not a text file: .*binary")
    bad("program.txt", b"\x7fELF\x02\x01\x01\x00" + bytes(rng.randrange(256) for _ in range(2000)),
        r"not a text file: .*binary")
    # Types beslut does not read.
    bad("rapport.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rng.randbytes(2000), r"unsupported file type '\.doc'")
    bad("tabell.xlsx", zipped.getvalue(), r"unsupported file type '\.xlsx'")
    bad("LASMIG", "Läs mig först.\n".encode(), r"unsupported file type a file without extension")
    # A name in another encoding than UTF-8 (Latin-1 "nämnd").
    name = os.fsdecode(b"n\xe4mnd.pdf")
    (folder / name).write_bytes(good_pdf)
    cases.append(Case(Path(str(folder) + "/n\\xe4mnd.pdf"), r"file name is not valid UTF-8"))
    # From tests/test_bad_input.py.
    for build in (bad_html, bad_docx, bad_dangling_symlink, bad_symlink_loops):
        cases += [Case(Path(p), reason) for p, reason in build(folder, make_pdf, tmp)]
    cases.append(Case(folder / "underlag" / "bilaga.txt", None, "fotbollsplanen"))  # bad_symlink_loops'

    # Odd but readable: each must come in whole.
    good("utf16-med-bom.txt", codecs.BOM_UTF16_LE + "Yttrande om Glömstaskolan.\n".encode("utf-16-le"),
         "Glömstaskolan")
    good("trasig-utf8.txt", "Beslut om Flottbrovägen ".encode() + b"\xff\xfe" + "och ån.\n".encode(),
         "Flottbrovägen")
    good("nollbyte-sent.txt", SWEDISH.encode() * 80 + b"\x00\x00" + "Om Sjödalsparken.\n".encode(),
         "Sjödalsparken")
    good("pdf-som.txt", good_pdf, "vägunderhåll")
    good("pdf-som.tif", good_pdf, "vägunderhåll")
    good("sidtradsbomb.pdf", page_tree_bomb("Tradbomben"), "Tradbomben")
    good("jatteantal.pdf", one_page("Antalet", pages_node=b"<< /Type /Pages /Kids [3 0 R] "
                                                          b"/Count 1000000000 >>"), "Antalet")
    good("sidtradsslinga.pdf", one_page("Slingan", pages_node=b"<< /Type /Pages /Kids [2 0 R 3 0 R] "
                                                              b"/Count 2 >>"), "Slingan")
    good("djupa-listor.pdf", one_page("Listorna", page_extra=b"/Junk " + b"[" * 20000 + b"]" * 20000 + b" "),
         "Listorna")
    good("djup-metadata.pdf", raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                                       b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                                       PAGE % (2, 4, 5, b""), stream(text_content("Metadatan")), FONT,
                                       b"<< /Title (x) /Deep " + b"[" * 3000 + b"]" * 3000 + b" >>"],
                                      trailer=b"/Info 6 0 R "), "Metadatan")
    good("formular-slinga.pdf", form_loop("Formularet"), "Formularet")
    good("manga-sidor.pdf", many_pages("Sidmangden"), "Sidmangden")
    line = SWEDISH * (TEN_MB // len(SWEDISH.encode())) + "Om Masmoskolan."
    good("lang-rad.txt", line.encode(), "Masmoskolan")
    return cases
