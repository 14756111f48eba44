"""Uploads before parsing: types sniffed from the bytes, bombs refused, bytes stored under their hash."""
import hashlib
import io
import zipfile

import pytest

from parksum.interfaces.web.intake import BlobStore, Limits, Refused, safe_name, sniff, take
from parksum.process.manifest import Tags
from tests.conftest import DATA

FILES = DATA / "files"
SMALL = Limits(file_bytes=2**20, archive_bytes=4 * 2**20, archive_ratio=100)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "kind"), [("utf8.txt", "txt"), ("gb18030.txt", "txt"), ("utf16.txt", "txt"),
                                            ("sample.docx", "docx"), ("sample.doc", "doc"), ("sample.pdf", "pdf")])
def test_the_type_is_read_from_the_bytes(name, kind):
    assert sniff((FILES / name).read_bytes()) == kind


def test_a_name_that_lies_does_not_change_the_type(tmp_path):
    files = list(take("report.pdf", (FILES / "utf8.txt").read_bytes(), BlobStore(tmp_path), SMALL))
    assert files[0].kind == "txt" and files[0].reason is None
    refused = list(take("report.txt", (FILES / "binary.txt").read_bytes(), BlobStore(tmp_path), SMALL))
    assert refused[0].sha256 is None and "judged by its content" in refused[0].reason


def test_bytes_are_stored_under_their_hash_never_under_their_name(tmp_path):
    data = (FILES / "utf8.txt").read_bytes()
    blobs = BlobStore(tmp_path)
    [taken] = take("../../etc/passwd", data, blobs, SMALL,
                   lambda name: Tags("园", 2020) if name == "passwd" else Tags())
    assert taken.name == "passwd" and (taken.park, taken.year) == ("园", 2020)
    assert taken.sha256 == hashlib.sha256(data).hexdigest()
    assert blobs.path(taken.sha256, "txt").read_bytes() == data
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [f"{taken.sha256}.txt"]


def test_a_zip_becomes_one_file_per_member_and_is_kept_whole(tmp_path):
    archive = _zip({"2023/a.txt": (FILES / "utf8.txt").read_bytes(), "b.docx": (FILES / "sample.docx").read_bytes(),
                    "manifest.csv": b"file,park,year\n", "inner.zip": _zip({"c.txt": b"x"}), "d.exe": b"MZ\x00\x00"})
    blobs = BlobStore(tmp_path)
    files = list(take("batch.zip", archive, blobs, SMALL))
    assert [(f.name, f.kind) for f in files] == [("batch.zip/2023/a.txt", "txt"), ("batch.zip/b.docx", "docx"),
                                                 ("batch.zip/inner.zip", None), ("batch.zip/d.exe", None)]
    assert files[2].reason == "an archive inside an archive"
    assert blobs.path(hashlib.sha256(archive).hexdigest(), "zip").is_file()


def test_a_zip_bomb_is_refused_before_it_is_expanded(tmp_path):
    bomb = _zip({f"{i}.txt": b"0" * 2**20 for i in range(8)})  # 8 MB from a few KB
    [refused] = take("bomb.zip", bomb, BlobStore(tmp_path), SMALL)
    assert "archive bomb" in refused.reason and refused.sha256 is None
    ratio = _zip({"one.txt": b"0" * (2 * 2**20)})
    assert "expands" in next(take("one.zip", ratio, BlobStore(tmp_path), Limits())).reason


def test_a_docx_bomb_is_refused(tmp_path):
    with zipfile.ZipFile(FILES / "sample.docx") as original:
        parts = {name: original.read(name) for name in original.namelist()}
    parts["word/media/padding.bin"] = b"\0" * (5 * 2**20)
    [refused] = take("big.docx", _zip(parts), BlobStore(tmp_path), SMALL)
    assert "bomb" in refused.reason or "expands" in refused.reason


def test_files_over_the_cap_are_refused_unread(tmp_path):
    [refused] = take("big.txt", "字".encode() * 400_000, BlobStore(tmp_path), SMALL)
    assert "at most 1 MB per file" in refused.reason and refused.sha256 is None


def test_shown_names_lose_their_folders_and_control_characters():
    assert safe_name("..\\..\\windows\\system.ini") == "system.ini"
    assert safe_name("/tmp/a\x00b\u202e.txt") == "ab.txt"
    assert safe_name("") == "unnamed"
    with pytest.raises(Refused):
        sniff(b"PK\x03\x04broken")
