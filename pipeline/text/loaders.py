"""Read uploaded summaries (.txt in any common Chinese encoding, .docx, .pdf) into text.

A file that cannot be read raises `LoadError` with a one-line reason; the caller lists
it and goes on with the rest of the batch.
"""
from __future__ import annotations

import codecs
import hashlib
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from parksum.text.word import Segment, read_docx

SUPPORTED = (".txt", ".docx", ".pdf")

# Encodings Chinese summaries come in; detection is limited to them so that short
# GBK texts are not mistaken for some Western code page.
_CANDIDATE_ENCODINGS = ["utf_8", "gb18030", "big5", "utf_16", "utf_32"]


class LoadError(Exception):
    """A file that cannot be turned into text."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


@dataclass(frozen=True)
class LoadedText:
    path: Path
    text: str
    encoding: str  # the text encoding, or "docx" / "pdf"
    # where each character of a .docx's text comes from (parksum.text.word); empty: the file's own text
    sources: tuple[Segment, ...] = ()

    @property
    def sha256(self) -> str:
        """Hash of the decoded text, so one document in two encodings is one document."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


IGNORE_MARK = ".parksum-ignore"


def iter_files(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Files named, and supported files found recursively in folders named, in order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            # A folder marked with IGNORE_MARK holds annotations (corpus/seg/gold.txt), not documents.
            ignored = [m.parent for m in path.rglob(IGNORE_MARK)]
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED
                              and not any(p.is_relative_to(d) for d in ignored))
        else:
            yield path


def load(path: Path | str) -> LoadedText:
    path = Path(path)
    if not path.exists():
        raise LoadError(path, "no such file")
    if path.is_dir():
        raise LoadError(path, "is a folder")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise LoadError(path, f"unsupported file type '{suffix or path.name}' (use .txt, .docx or .pdf)")
    data = path.read_bytes()
    if not data.strip():
        raise LoadError(path, "empty file")
    sources: tuple[Segment, ...] = ()
    if suffix == ".txt":
        text, encoding = decode_text(path, data)
    elif suffix == ".docx":
        (text, sources), encoding = _read_docx(path), "docx"
    else:
        text, encoding = _read_pdf(path), "pdf"
    if not text.strip():
        raise LoadError(path, "no text in file")
    return LoadedText(path, text, encoding, sources)


def decode_text(path: Path, data: bytes) -> tuple[str, str]:
    """Decode bytes as a BOM says, else as UTF-8, else as detected among Chinese encodings."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf_8_sig"), (codecs.BOM_UTF32_LE, "utf_32"),
                          (codecs.BOM_UTF32_BE, "utf_32"), (codecs.BOM_UTF16_LE, "utf_16"),
                          (codecs.BOM_UTF16_BE, "utf_16")):
        if data.startswith(bom):
            return _strict(path, data, encoding), encoding
    try:
        return data.decode("utf_8"), "utf_8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_CANDIDATE_ENCODINGS).best()
    if best is None:
        raise LoadError(path, "binary or undecodable content (not text in a known Chinese encoding)")
    encoding = "gb18030" if best.encoding in ("gb2312", "gbk") else best.encoding
    text = _strict(path, data, encoding)
    if "\x00" in text:
        raise LoadError(path, "binary content (NUL bytes)")
    return text, encoding


def _strict(path: Path, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise LoadError(path, f"undecodable as {encoding} at byte {exc.start}") from None


def _read_docx(path: Path) -> tuple[str, tuple[Segment, ...]]:
    """Paragraphs with their list labels, and tables, in document order (parksum.text.word)."""
    import docx

    if not zipfile.is_zipfile(path):
        raise LoadError(path, "not a valid .docx (encrypted, or not a Word 2007+ file)")
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for broken packages
        raise LoadError(path, f"not a valid .docx ({exc.__class__.__name__})") from None
    return read_docx(document)


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoadError(path, "encrypted PDF (remove the password first)")
        pages = [page.extract_text() or "" for page in reader.pages]
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise LoadError(path, f"not a readable PDF ({exc})") from None
    text = "\n".join(pages)
    if not text.strip():
        raise LoadError(path, "no extractable text in PDF (a scanned image? run OCR first)")
    return text
