"""Read uploaded summaries (.txt in any common Chinese encoding, .docx, .doc, .pdf) into text.

A file that cannot be read raises `LoadError` with a one-line reason; the caller lists
it and goes on with the rest of the batch. A folder yields every entry it holds but its
subfolders, so that a file of a kind parksum does not read (.wps, .xls, an image), a link
that leads nowhere or in a loop, a link to a folder and a special file (a FIFO, a device)
are listed with their reason, never skipped in silence. Hostile files fail too: past the
bounds of data/limits.toml, a .docx that unpacks too far (a zip bomb) or declares XML
entities.
"""
from __future__ import annotations

import codecs
import errno
import hashlib
import logging
import os
import re
import shutil
import stat
import subprocess
import tomllib
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from xml.parsers import expat

from parksum.text.clean import traditional_to_simplified
from parksum.text.word import Segment, read_docx

log = logging.getLogger(__name__)

SUPPORTED = (".txt", ".docx", ".doc", ".pdf")
# Legacy Word files are read by antiword (Debian's `antiword`: fast, and right on Chinese text where
# catdoc garbles it; `-w 0` keeps paragraphs unwrapped), else by LibreOffice, which also reads the short
# files antiword refuses ("text stream too small") but takes seconds to start.
DOC_READERS = (("antiword", "-m", "UTF-8.txt", "-w", "0"), ("soffice", "--headless", "--cat"))

# Encodings Chinese summaries come in; detection is limited to them so that short
# GBK texts are not mistaken for some Western code page.
_CANDIDATE_ENCODINGS = ["utf_8", "gb18030", "big5", "utf_16", "utf_32"]


def shown(path: Path | str) -> str:
    """A path as it can be printed and stored: bytes of a name that are not UTF-8 (kept by Python as
    surrogates) shown as \\xff escapes, never a UnicodeEncodeError."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


class LoadError(Exception):
    """A file that cannot be turned into text."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{shown(path)}: {reason}")
        self.path = Path(path)
        self.reason = reason


@dataclass(frozen=True)
class Limits:
    """Bounds on the work one file may cause (data/limits.toml says what each is for)."""

    max_file_mb: float
    max_characters: int
    seconds_per_document: float
    max_docx_unpacked_mb: float
    max_docx_ratio: float

    @classmethod
    @cache
    def declared(cls) -> Limits:
        """The bounds data/limits.toml declares."""
        return cls(**tomllib.loads(resources.files("parksum.text").joinpath("data", "limits.toml")
                                   .read_text(encoding="utf-8")))


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


def iter_files(paths: Iterable[Path | str], skip: Iterable[str] = ()) -> Iterator[Path]:
    """Paths named, and every entry but a folder found recursively in folders named (links to folders
    inside them included, not followed), in order; `skip` names files that are not uploads
    (manifest.csv). A folder holding IGNORE_MARK holds annotations, not documents."""
    skip = {*skip, IGNORE_MARK}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = []
            for folder, folders, names in os.walk(path):
                if IGNORE_MARK in names:
                    folders.clear()
                    continue
                folders.sort()
                found += [Path(folder, name) for name in names if name not in skip]
                found += [Path(folder, name) for name in folders if os.path.islink(os.path.join(folder, name))]
            yield from sorted(found)
        else:
            yield path


def check_file(path: Path | str, limits: Limits | None = None) -> int:
    """The size of a file parksum may read, else LoadError saying why not: missing, a folder, a link
    that leads nowhere or in a loop, a special file (reading a FIFO would wait forever), a type it
    does not read, or larger than the limit. Nothing is opened."""
    path, limits = Path(path), limits or Limits.declared()
    try:
        info = path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LoadError(path, "a symbolic link in a loop") from None
        if path.is_symlink():
            raise LoadError(path, f"a symbolic link to nothing ({shown(os.readlink(path))} does not exist)") from None
        raise LoadError(path, "no such file" if exc.errno == errno.ENOENT else exc.strerror or str(exc)) from None
    if stat.S_ISDIR(info.st_mode):
        raise LoadError(path, "a link to a folder (not followed: name the folder itself)" if path.is_symlink()
                        else "is a folder")
    if not stat.S_ISREG(info.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(info.st_mode) else "a socket" if stat.S_ISSOCK(info.st_mode) else "a device"
        raise LoadError(path, f"not a regular file ({kind})")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise LoadError(path, f"unsupported file type '{shown(suffix or path.name)}' (parksum reads .txt, .docx, "
                              ".doc and .pdf: save it in one of these)")
    if info.st_size > limits.max_file_mb * 2**20:
        raise LoadError(path, f"{info.st_size / 2**20:.0f} MB, over the limit of {limits.max_file_mb:g} MB "
                              "(max_file_mb)")
    return info.st_size


def load(path: Path | str, limits: Limits | None = None) -> LoadedText:
    path, limits = Path(path), limits or Limits.declared()
    check_file(path, limits)
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(path, f"cannot read ({exc.strerror or exc})") from None
    if not data.strip():
        raise LoadError(path, "empty file")
    sources: tuple[Segment, ...] = ()
    if suffix == ".txt":
        text, encoding = decode_text(path, data)
    elif suffix == ".docx":
        (text, sources), encoding = _read_docx(path, limits), "docx"
    elif suffix == ".doc":
        text, encoding = _read_doc(path, limits), "doc"
    else:
        text, encoding = _read_pdf(path), "pdf"
    if not text.strip():
        raise LoadError(path, "no text in file")
    if len(text) > limits.max_characters:
        raise LoadError(path, f"{len(text):,} characters, over the limit of {limits.max_characters:,} "
                              "(max_characters)")
    return LoadedText(path, text, encoding, sources)


def decode_text(path: Path, data: bytes) -> tuple[str, str]:
    """Decode bytes as a BOM says, else as UTF-8 (also with its last character cut short), else as the
    Chinese encoding that reads as Chinese: UTF-16 without a BOM, then what charset-normalizer detects,
    then GB18030 or Big5 tried strictly (short texts defeat detection)."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf_8_sig"), (codecs.BOM_UTF32_LE, "utf_32"),
                          (codecs.BOM_UTF32_BE, "utf_32"), (codecs.BOM_UTF16_LE, "utf_16"),
                          (codecs.BOM_UTF16_BE, "utf_16")):
        if data.startswith(bom):
            return _strict(path, data, encoding), encoding
    try:
        text = data.decode("utf_8")
        if "\x00" not in text:  # NUL bytes decode as UTF-8 but are no text
            return text, "utf_8"
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            log.warning("%s: the last character is cut short; decoded without it", shown(path))
            return data[:exc.start].decode("utf_8"), "utf_8"
    candidates = [_decoded(data, encoding) for encoding in ("utf_16_le", "utf_16_be")]
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_CANDIDATE_ENCODINGS).best()
    if best is not None:
        candidates.append(_decoded(data, "gb18030" if best.encoding in ("gb2312", "gbk") else best.encoding))
    candidates += [_decoded(data, encoding) for encoding in ("gb18030", "big5")]
    readable = [c for c in candidates if c is not None and "\x00" not in c[0] and _chinese_share(c[0]) >= 0.3]
    if not readable:
        raise LoadError(path, "binary or undecodable content (not text in a known Chinese encoding)")
    return max(readable, key=lambda c: _chinese_share(c[0]) * _common_share(c[0]))


def _decoded(data: bytes, encoding: str) -> tuple[str, str] | None:
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        return None


def _chinese_share(text: str) -> float:
    """Share of the text's non-space characters that are Chinese characters or Chinese punctuation."""
    chars = [ch for ch in text if not ch.isspace()]
    chinese = sum(1 for ch in chars if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f"
                  or "\uff00" <= ch <= "\uffef" or ch.isascii())
    return chinese / len(chars) if chars else 0.0


_NOISE = re.compile(r"[\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _noise_share(text: str) -> float:
    """Share of undecodable and control characters: what bytes that are no text read as."""
    return len(_NOISE.findall(text)) / len(text) if text else 0.0


def _common_share(text: str) -> float:
    """Share of Chinese characters among the 3,755 most common (GB2312's first level; a traditional form
    counts as its simplified one): a wrong decoding gives a text of rare characters."""
    han = [ch for ch in text.translate(traditional_to_simplified()) if "\u4e00" <= ch <= "\u9fff"]
    common = sum(1 for ch in han if 0xB0 <= ch.encode("gb2312", "replace")[0] <= 0xD7)
    return common / len(han) if han else 0.0


def _strict(path: Path, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise LoadError(path, f"undecodable as {encoding} at byte {exc.start}") from None


def _read_docx(path: Path, limits: Limits) -> tuple[str, tuple[Segment, ...]]:
    """Paragraphs with their list labels, and tables, in document order (parksum.text.word)."""
    import docx

    if not zipfile.is_zipfile(path):
        raise LoadError(path, "not a valid .docx (encrypted, or not a Word 2007+ file)")
    _check_package(path, limits)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for broken packages
        raise LoadError(path, f"not a valid .docx ({exc.__class__.__name__})") from None
    return read_docx(document)


# A part unpacking to less than this is not judged by its ratio: small runs of repeated XML pack very well.
_RATIO_FROM_BYTES = 2**20


def _check_package(path: Path, limits: Limits) -> None:
    """Refuse a .docx that unpacks past the limits (a zip bomb) or whose XML declares a document type:
    Word never writes one, and its entities are how XML expands a few bytes into gigabytes."""
    try:
        with zipfile.ZipFile(path) as package:
            parts = package.infolist()
            unpacked = sum(part.file_size for part in parts)
            if unpacked > limits.max_docx_unpacked_mb * 2**20:
                raise LoadError(path, f"unpacks to {unpacked / 2**20:,.0f} MB, over the limit of "
                                      f"{limits.max_docx_unpacked_mb:g} MB (max_docx_unpacked_mb): a zip bomb?")
            for part in parts:
                ratio = part.file_size / max(part.compress_size, 1)
                if part.file_size > _RATIO_FROM_BYTES and ratio > limits.max_docx_ratio:
                    raise LoadError(path, f"part {part.filename} unpacks {ratio:,.0f} times its size, over the "
                                          f"limit of {limits.max_docx_ratio:g} (max_docx_ratio): a zip bomb?")
            for part in parts:
                if part.filename.endswith((".xml", ".rels")) and _declares_doctype(package, part):
                    raise LoadError(path, f"part {part.filename} declares an XML document type (entity expansion "
                                          "refused)")
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
        raise LoadError(path, f"not a valid .docx ({exc})") from None


class _Prolog(Exception):
    """The XML prolog is over: the root element starts."""


def _declares_doctype(package: zipfile.ZipFile, part: zipfile.ZipInfo) -> bool:
    """Whether the part's prolog holds a <!DOCTYPE>; parsing stops at the root element's start."""
    parser = expat.ParserCreate()
    declared = False

    def doctype(*_: object) -> None:
        nonlocal declared
        declared = True
        raise _Prolog

    def root(*_: object) -> None:
        raise _Prolog

    parser.StartDoctypeDeclHandler, parser.StartElementHandler = doctype, root
    with package.open(part) as stream:
        try:
            while chunk := stream.read(65536):
                parser.Parse(chunk, False)
        except _Prolog:
            pass
        except expat.ExpatError:
            return False  # python-docx says what is wrong with broken XML
    return declared


def _read_doc(path: Path, limits: Limits) -> str:
    """A legacy Word (97–2003) file, by the first reader installed that reads it."""
    readers = [reader for reader in DOC_READERS if shutil.which(reader[0])]
    if not readers:
        raise LoadError(path, "a legacy .doc needs antiword or LibreOffice (apt-get install antiword), "
                              "or save it as .docx")
    reasons = []
    for reader in readers:
        try:
            done = subprocess.run([*reader, str(path)], capture_output=True, timeout=limits.seconds_per_document,
                                  check=False)
        except subprocess.TimeoutExpired:
            reasons.append(f"{reader[0]} took over {limits.seconds_per_document:g} s (seconds_per_document)")
            continue
        text = done.stdout.decode("utf-8", "replace").lstrip("\ufeff")
        if done.returncode == 0 and text.strip():
            if _chinese_share(text) >= 0.3 and _noise_share(text) < 0.05:
                return text
            # LibreOffice reads a file it does not recognise as plain text: noise, not a document
            reasons.append(f"{reader[0]}: no text, only noise")
            continue
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reasons.append(f"{reader[0]}: {said[-1] if said else 'no text'}")
    raise LoadError(path, f"not a readable .doc ({'; '.join(reasons)})")


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
    text = "\n".join(_restore_quotes(page) for page in pages)
    if not text.strip():
        raise LoadError(path, "no extractable text in PDF (a scanned image? run OCR first)")
    return text


_QUOTES = "“”‘’"
_QUOTE_RUN = re.compile(f" ?[{_QUOTES}](?: ?[{_QUOTES}])*")
_GAP = re.compile(r"(?<=\S) (?=\S)")


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _restore_quotes(page: str) -> str:
    """Put back the curly quotes a PDF printed from Word draws in another font: extraction sets them
    together before the words they belong in and leaves a space where each stood (“ ” “认识 两个确立 的 →
    认识“两个确立”的); a closing and an opening quote side by side (”“) share one space."""
    return "\n".join(_restore_line(line) for line in page.split("\n"))


def _restore_line(line: str) -> str:
    runs = [m for m in _QUOTE_RUN.finditer(line)
            if sum(ch in _QUOTES for ch in m.group()) >= 2 or m.start() == 0]
    if not runs:
        return line
    pieces = [line[:runs[0].start()]]
    for n, run in enumerate(runs):
        end = runs[n + 1].start() if n + 1 < len(runs) else len(line)
        quotes = "".join(ch for ch in run.group() if ch in _QUOTES)
        segment = line[run.end():end]
        filled = _fill_gaps(segment, quotes)
        if filled is None and segment[:1].strip() and len(quotes) > 1:  # “ ”六大引擎 轰鸣: the first opens here
            rest = _fill_gaps(segment, quotes[1:])
            filled = quotes[0] + rest if rest is not None else None
        pieces.append(line[run.start():end] if filled is None else filled)
    return "".join(pieces)


def _fill_gaps(segment: str, quotes: str) -> str | None:
    """`segment` with `quotes` set in its spaces, in order; None where they do not fit."""
    gaps = list(_GAP.finditer(segment))
    if not gaps or not len(gaps) <= len(quotes) <= 2 * len(gaps):
        return None
    extra, at, fills = len(quotes) - len(gaps), 0, []
    for gap in gaps:
        between_words = _is_han(segment[gap.start() - 1]) and _is_han(segment[gap.end()])
        pair = quotes[at] in "”’" and quotes[at + 1:at + 2] in ("“", "‘")
        take = 2 if extra and pair and between_words else 1
        extra -= take - 1
        fills.append(quotes[at:at + take])
        at += take
    if at != len(quotes):
        return None
    for gap, fill in zip(reversed(gaps), reversed(fills), strict=True):
        segment = segment[:gap.start()] + fill + segment[gap.end():]
    return segment
