"""What happens to an uploaded file before any parser sees it: its type is sniffed from its bytes (the
name and the declared content type are not trusted), archives are checked against bombs and opened,
and the bytes are stored as received under their SHA-256 (content-addressed: the name is never a path).
"""
from __future__ import annotations

import hashlib
import io
import os
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import astuple, dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from parksum.process.manifest import NO_TAGS, Tags
from parksum.store.uploads import NewFile
from parksum.text.loaders import Limits as FileLimits

PDF, OLE, ZIP = b"%PDF-", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03\x04"
TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
MANIFEST_NAME = "manifest.csv"


@dataclass(frozen=True)
class Limits:
    """Caps on what one upload may hold; past them a file is refused, never partly read."""

    # One file as uploaded (and inside an archive), and what an archive (.zip, and a .docx, which is one) may
    # expand to, in all and per member: the bounds of parksum/text/data/limits.toml, which ingest applies too.
    file_bytes: int = int(FileLimits.declared().max_file_mb * 2**20)
    batch_bytes: int = 500 * 2**20  # one request
    batch_files: int = 1000  # files in a batch, archives' members counted (the form parser takes 1000)
    archive_bytes: int = int(FileLimits.declared().max_docx_unpacked_mb * 2**20)
    archive_ratio: int = int(FileLimits.declared().max_docx_ratio)
    archive_members: int = 5000


class Refused(ValueError):
    """A file that is not taken: the message is its one-line reason."""


def sniff(data: bytes) -> str:
    """The file's type from its first bytes: pdf, doc, docx, zip or txt; Refused for anything else."""
    if data.startswith(PDF):
        return "pdf"
    if data.startswith(OLE):
        return "doc"
    if data.startswith(ZIP) or data.startswith(b"PK\x05\x06"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            raise Refused("a broken zip archive") from None
        return "docx" if {"[Content_Types].xml", "word/document.xml"} <= names else "zip"
    head = data[:4096]
    if head.startswith(TEXT_BOMS) or (b"\x00" not in head and _mostly_text(head)):
        return "txt"
    raise Refused("not a text, .docx, .doc, .pdf or .zip file (judged by its content, not its name)")


def _mostly_text(head: bytes) -> bool:
    controls = sum(1 for b in head if b < 32 and b not in b"\t\n\r\f")
    return bool(head.strip()) and controls <= len(head) // 100


def check_archive(data: bytes, limits: Limits) -> zipfile.ZipFile:
    """The archive opened, once its declared sizes are within the limits (members are read with a cap too,
    since a header may lie)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    members = archive.infolist()
    if len(members) > limits.archive_members:
        raise Refused(f"an archive of {len(members)} files (at most {limits.archive_members})")
    total = sum(m.file_size for m in members)
    if total > limits.archive_bytes:
        raise Refused(f"expands to {total / 2**20:.0f} MB (at most {limits.archive_bytes / 2**20:.0f} MB): "
                      "an archive bomb, or too large")
    for member in members:
        if member.file_size > limits.archive_ratio * max(member.compress_size, 1) and member.file_size > 2**20:
            raise Refused(f"{safe_name(member.filename)} expands {member.file_size // max(member.compress_size, 1)}"
                          " times: an archive bomb")
    return archive


def read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits) -> bytes:
    """A member's bytes, reading at most the per-file cap whatever its header says."""
    with archive.open(member) as handle:
        data = handle.read(limits.file_bytes + 1)
    if len(data) > limits.file_bytes:
        raise Refused(f"over {limits.file_bytes / 2**20:.0f} MB once expanded")
    return data


def safe_name(name: str) -> str:
    """A name to show: its last path part, without control characters, at most 200 characters."""
    base = PureWindowsPath(PurePosixPath(name).name).name
    shown = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return shown[:200] or "unnamed"


class BlobStore:
    """Uploaded bytes, each under objects/ab/<sha256>.<type>: written once, then never changed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "objects").mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str, kind: str) -> Path:
        return self.root / "objects" / sha256[:2] / f"{sha256}.{kind}"

    def put(self, data: bytes, kind: str) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path(sha256, kind)
        if not target.is_file():
            target.parent.mkdir(exist_ok=True)
            # written aside and renamed into place, so that a blob is whole or absent even if the server dies
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        return sha256


def take(name: str, data: bytes, blobs: BlobStore, limits: Limits,
         tags_for: Callable[[str], Tags] = lambda _: NO_TAGS) -> Iterator[NewFile]:
    """The files an upload holds, each stored or refused with its reason: one for a document, one per member
    for a .zip (members in folders are named by their path inside the archive, for display only)."""
    shown = safe_name(name)
    park, year = astuple(tags_for(shown))
    try:
        if len(data) > limits.file_bytes:
            raise Refused(f"{len(data) / 2**20:.1f} MB (at most {limits.file_bytes / 2**20:.0f} MB per file)")
        kind = sniff(data)
        if kind != "zip":
            if kind == "docx":
                check_archive(data, limits)
            yield NewFile(shown, len(data), blobs.put(data, kind), kind, park, year)
            return
        archive = check_archive(data, limits)
    except (Refused, zipfile.BadZipFile) as refused:
        yield NewFile(shown, len(data), park=park, year=year, reason=str(refused) or "a broken archive")
        return
    blobs.put(data, "zip")  # the archive as received, before its members are read
    for member in archive.infolist():
        if member.is_dir() or PurePosixPath(member.filename).name == MANIFEST_NAME:
            continue
        inside = "/".join(safe_name(part) for part in PurePosixPath(member.filename).parts)
        label = f"{shown}/{inside}"
        park, year = astuple(tags_for(inside))
        try:
            inner = read_member(archive, member, limits)
            kind = sniff(inner)
            if kind == "zip":
                raise Refused("an archive inside an archive")
            if kind == "docx":
                check_archive(inner, limits)
            yield NewFile(label, len(inner), blobs.put(inner, kind), kind, park, year)
        except (Refused, zipfile.BadZipFile, RuntimeError) as refused:  # RuntimeError: an encrypted member
            yield NewFile(label, member.file_size, park=park, year=year, reason=str(refused))
