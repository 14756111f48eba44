"""A dirty batch, as offices send them: generate it, ingest it, and count what became of every file.

    .venv/bin/python -m tests.dirty_batch [N] [--workers W] [--folder DIR] [--seed S]   (default: 1,000 files)

The files are pieces of the sample corpus in every encoding offices use (UTF-8 with and without a BOM
or with its last character cut, GBK, GB18030, Big5 in traditional characters, UTF-16 with and without a
BOM, CRLF lines), short and long, Word files, duplicates under other names and encodings, names that
are not UTF-8 or hold spaces, newlines, quotes and dashes, links to files; and what must fail: empty
and blank files, binary and NUL-filled .txt, truncated and renamed .docx, zip bombs and XML entities
in .docx, broken .pdf and .doc, unread types, links to nothing, in a loop or to a folder, FIFOs, a
text past the character limit. Each file is known to be readable or not; the ingest (`--no-ner`,
`--report`) must store or find unchanged every readable one and fail every other with a reason.
Prints stored, unchanged, failures by reason, wrongly rejected and wrongly accepted (both must be
0), the time and the peak memory of the largest process.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import subprocess
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import docx

from parksum.text.loaders import shown
from tests.traditional import to_traditional

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
OK, FAIL = "ok", "fail"


def _lines() -> list[str]:
    return [line for path in sorted(CORPUS.glob("*.txt"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _docx_bytes(text: str) -> bytes:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _replace_part(package: bytes, part: str, data: Callable[[bytes], bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            target.writestr(item.filename, data(content) if item.filename == part else content)
    return out.getvalue()


class _Maker:
    def __init__(self, folder: Path, rng: random.Random) -> None:
        self.folder, self.rng, self.lines = folder, rng, _lines()
        self.traditional = to_traditional()
        self.expected: dict[str, str] = {}
        self.n = 0

    def text(self, short: bool = False) -> str:
        target = self.rng.randint(15, 80) if short else self.rng.randint(200, 4000)
        start = self.rng.randrange(len(self.lines))
        picked: list[str] = []
        for line in self.lines[start:] + self.lines[:start]:
            picked.append(line)
            if sum(map(len, picked)) >= target:
                break
        return "\n".join(picked)[:target] + "\n"

    def name(self, suffix: str) -> str:
        self.n += 1
        return f"{self.n:04d}{suffix}"

    def put(self, name: str | bytes, data: bytes, expected: str, folder: Path | None = None) -> Path:
        folder = folder or self.folder
        path = Path(os.fsdecode(os.fsencode(folder) + b"/" + (name if isinstance(name, bytes) else name.encode())))
        path.write_bytes(data)
        self.expected[shown(path)] = expected
        return path

    def note(self, path: Path, expected: str) -> None:
        self.expected[shown(path)] = expected


def _good(m: _Maker) -> None:
    """One readable file of a kind drawn at random."""
    kind = m.rng.choice(["utf8", "utf8", "utf8_bom", "gbk", "gb18030", "big5", "utf16", "utf16le", "utf16be",
                         "crlf", "cut", "short_gb", "short_utf16", "docx", "docx", "duplicate", "same_in_gbk",
                         "bad_name", "odd_name", "upper", "link"])
    text = m.text(short=kind.startswith("short"))
    if kind == "utf8":
        m.put(m.name(".txt"), text.encode("utf-8"), OK)
    elif kind == "utf8_bom":
        m.put(m.name(".txt"), text.encode("utf-8-sig"), OK)
    elif kind in ("gbk", "gb18030", "short_gb"):
        m.put(m.name(".txt"), text.encode("gb18030" if kind != "gbk" else "gbk", errors="replace"), OK)
    elif kind == "big5":
        m.put(m.name(".txt"), text.translate(m.traditional).encode("big5", errors="replace"), OK)
    elif kind == "utf16":
        m.put(m.name(".txt"), text.encode("utf-16"), OK)
    elif kind in ("utf16le", "short_utf16"):
        m.put(m.name(".txt"), text.encode("utf-16-le"), OK)
    elif kind == "utf16be":
        m.put(m.name(".txt"), text.encode("utf-16-be"), OK)
    elif kind == "crlf":
        m.put(m.name(".txt"), text.replace("\n", "\r\n").encode("utf-8"), OK)
    elif kind == "cut":
        m.put(m.name(".txt"), (text.rstrip() + "园").encode("utf-8")[:-1], OK)
    elif kind == "docx":
        m.put(m.name(".docx"), _docx_bytes(text), OK)
    elif kind in ("duplicate", "same_in_gbk"):
        first = m.put(m.name(".txt"), text.encode("utf-8"), OK)
        again = text.encode("gbk", errors="replace") if kind == "same_in_gbk" else first.read_bytes()
        m.put(m.name(" 副本.txt"), again, OK)
    elif kind == "bad_name":  # a Chinese name in GBK bytes, as an old Windows zip leaves it
        m.put(f"{m.name('')}工作总结".encode("gbk") + b".txt", text.encode("utf-8"), OK)
    elif kind == "odd_name":
        odd = m.rng.choice([" 2023 年 总结 .txt", "\n换行.txt", "-rf.txt", "'引号\" %s.txt", "x" * 200 + ".txt",
                            "总结（终稿）(1).txt"])
        m.put(m.name("") + odd, text.encode("utf-8"), OK)
    elif kind == "upper":
        m.put(m.name(".TXT"), text.encode("utf-8"), OK)
    else:
        target = m.put(m.name(".txt"), text.encode("utf-8"), OK)
        link = m.folder / m.name("-link.txt")
        os.symlink(target.name, link)
        m.note(link, OK)


def _bad(m: _Maker) -> None:
    """One file that must fail, of a kind drawn at random."""
    kind = m.rng.choice(["empty", "blank", "binary", "zeros", "truncated_docx", "renamed_docx", "bomb", "entities",
                         "zip", "pdf", "doc", "xls", "jpg", "wps", "no_suffix", "dangling", "loop", "fifo",
                         "folder_link"])
    if kind == "empty":
        m.put(m.name(".txt"), b"", FAIL)
    elif kind == "blank":
        m.put(m.name(".txt"), b" \r\n\t\n", FAIL)
    elif kind == "binary":
        m.put(m.name(".txt"), m.rng.randbytes(m.rng.randint(100, 20000)), FAIL)
    elif kind == "zeros":
        m.put(m.name(".txt"), b"\x00" * m.rng.randint(10, 5000), FAIL)
    elif kind == "truncated_docx":
        whole = _docx_bytes(m.text())
        m.put(m.name(".docx"), whole[:m.rng.randint(100, len(whole) - 100)], FAIL)
    elif kind == "renamed_docx":
        m.put(m.name(".docx"), m.text().encode("utf-8"), FAIL)
    elif kind == "bomb":
        m.put(m.name(".docx"), _replace_part(_docx_bytes(m.text()), "word/document.xml",
                                             lambda xml: xml + b" " * (20 * 2**20)), FAIL)
    elif kind == "entities":
        doctype = b'<!DOCTYPE w:document [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        m.put(m.name(".docx"), _replace_part(_docx_bytes(m.text()), "word/document.xml",
                                             lambda xml: xml.replace(b"?>", b"?>" + doctype, 1)), FAIL)
    elif kind == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("总结.txt", m.text())
        m.put(m.name(".zip"), buffer.getvalue(), FAIL)
    elif kind == "pdf":
        m.put(m.name(".pdf"), b"%PDF-1.4\n" + m.rng.randbytes(2000), FAIL)
    elif kind == "doc":
        m.put(m.name(".doc"), b"\xd0\xcf\x11\xe0" + m.rng.randbytes(3000), FAIL)
    elif kind in ("xls", "jpg", "wps"):
        m.put(m.name(f".{kind}"), m.rng.randbytes(500), FAIL)
    elif kind == "no_suffix":
        m.put(m.name(""), m.text().encode("utf-8"), FAIL)
    elif kind == "dangling":
        link = m.folder / m.name(".txt")
        os.symlink(f"gone-{m.n}.txt", link)
        m.note(link, FAIL)
    elif kind == "loop":
        link = m.folder / m.name(".txt")
        os.symlink(link.name, link)
        m.note(link, FAIL)
    elif kind == "fifo":
        fifo = m.folder / m.name(".txt")
        os.mkfifo(fifo)
        m.note(fifo, FAIL)
    else:
        link = m.folder / m.name("-folder")
        os.symlink(".", link)
        m.note(link, FAIL)


def make_batch(folder: Path, n: int, rng: random.Random) -> dict[str, str]:
    """Write about `n` files into `folder` (emptied first); each file's shown path → ok or fail."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    maker = _Maker(folder, rng)
    (folder / "子目录").mkdir()
    maker.put("深层.txt", maker.text().encode("utf-8"), OK, folder / "子目录")
    maker.put(maker.name(".txt"), ("园区" * 1_100_000).encode("utf-8"), FAIL)  # past max_characters
    while len(maker.expected) < n:
        (_good if rng.random() < 0.7 else _bad)(maker)
    return maker.expected


def ingest_batch(folder: Path, expected: dict[str, str], db: Path, workers: int) -> dict:
    """Ingest the batch in a child process; what became of it, against what was expected."""
    report_path = db.with_suffix(".report.json")
    for old in (db, report_path):
        old.unlink(missing_ok=True)
    log = db.with_suffix(".log")
    start = time.perf_counter()
    with log.open("wb") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "parksum", "ingest", str(folder), "--db", str(db), "--no-ner",
                                    "-q", "--workers", str(workers), "--report", str(report_path)],
                                   stdout=subprocess.DEVNULL, stderr=stderr)
        peak = _peak_memory(process)
    seconds = time.perf_counter() - start
    if process.returncode not in (0, 1):
        raise RuntimeError(log.read_text(encoding="utf-8", errors="replace"))
    report = json.loads(report_path.read_text(encoding="utf-8"))
    got = {o["path"]: o for o in report["outcomes"]}
    return {
        "files": len(got), "characters": report["characters"], "seconds": seconds,
        "stored": report["by_status"].get("stored", 0), "unchanged": report["by_status"].get("unchanged", 0),
        "failed by reason": Counter(report["failures_by_reason"]),
        "wrongly rejected": sorted(f"{p}: {got[p]['reason']}" for p, e in expected.items()
                                   if e == OK and got.get(p, {}).get("status") == "failed"),
        "wrongly accepted": sorted(p for p, e in expected.items() if e == FAIL and got.get(p, {}).get("status")
                                   not in (None, "failed")),
        "without outcome": sorted(set(expected) - set(got)),
        "peak MB": peak,
    }


def _peak_memory(process: subprocess.Popen) -> float:
    """Wait for the process; the largest resident size (MB) it or any of its workers reached, sampled."""
    import psutil

    peak = 0.0
    root = psutil.Process(process.pid)
    while process.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            peak = max(peak, *(p.memory_info().rss / 2**20 for p in tree))
        except psutil.Error:  # a worker ended between listing and reading it
            pass
        time.sleep(0.1)
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", nargs="?", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--folder", type=Path, default=Path("/tmp/parksum-dirty"))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    expected = make_batch(args.folder / "batch", args.n, random.Random(args.seed))
    figures = ingest_batch(args.folder / "batch", expected, args.folder / "dirty.db", args.workers)
    print(f"{figures['files']} files, {sum(v == OK for v in expected.values())} readable; {args.workers} workers")
    failed = sum(figures["failed by reason"].values())
    print(f"stored {figures['stored']}, unchanged {figures['unchanged']}, failed {failed}")
    for reason, count in figures["failed by reason"].most_common():
        print(f"  {count:4d}  {reason}")
    for key in ("wrongly rejected", "wrongly accepted", "without outcome"):
        print(f"{key}: {len(figures[key])}")
        for line in figures[key][:20]:
            print(f"  {line}")
    print(f"{figures['characters']:,} characters in {figures['seconds']:.1f} s "
          f"({figures['characters'] / figures['seconds']:,.0f} characters/s); peak memory of one process "
          f"{figures['peak MB']:.0f} MB")


if __name__ == "__main__":
    main()
