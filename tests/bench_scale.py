"""Benchmark: stores of 1×, 4× and 16× the national reports; how writes, size and queries grow.

    make bench-scale      (or: .venv/bin/python tests/bench_scale.py [--scales 1 4 16] [--db-url URL])

The 72 national government work reports (1.1 M characters) are processed once by the rule pipeline
(`--no-ner`); copy k of the corpus is the same documents tagged as other parks (eight per copy) and
years shifted by 100·k, so that each copy adds parks, facts and documents of its own. Per size the
script writes the copies into a new store (one transaction per document, as `parksum ingest` does)
and prints the write time, the database size, and the latency of the analyst's commands as an
analyst runs them: compare (two indicators), metrics (one indicator, one park), search (one term)
and report (HTML over every fact), each in this process; and `parksum compare` as a command, start-up
included, as the analyst waits for it. Extraction is timed once: an ingest of N copies costs N times it
plus the write time. Not a test: speed is measured, not asserted.

SQLite by default; --db-url names a PostgreSQL server (a database per size is made and dropped).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from parksum import paths
from parksum.store import Store, sqlite_file
from parksum.text.doc import Document

ROOT = Path(__file__).resolve().parent.parent

PARKS_PER_COPY = 8
COMPARED = ["地区生产总值", "财政收入"]
SEARCHED = "高质量发展"


def extract() -> tuple[list[Document], float]:
    """The national reports through the rule pipeline, and the seconds it took."""
    from parksum.process.runner import Pipeline

    rows = [json.loads(line) for line in paths.national_reports().read_text(encoding="utf-8").splitlines()]
    pipeline = Pipeline(ner=False)
    started = time.perf_counter()
    docs = [pipeline.process_file(_as_file(row, n)) for n, row in enumerate(rows)]
    return docs, time.perf_counter() - started


def _as_file(row: dict, n: int) -> Path:
    folder = Path(tempfile.gettempdir()) / "parksum-bench-scale"
    folder.mkdir(exist_ok=True)
    path = folder / f"{n:03d}_{row['year']}.txt"
    path.write_text(row["content"], encoding="utf-8")
    return path


def copy(docs: list[Document], k: int) -> list[Document]:
    """Copy k of the corpus: other parks, years shifted by 100·k, content ids of its own."""
    return [dataclasses.replace(doc, park=f"第{k + 1}批园区{n % PARKS_PER_COPY + 1}",
                                year=(doc.year or 2000) + 100 * k, sha256=f"{doc.sha256}-{k}", name=f"{k}/{doc.name}")
            for n, doc in enumerate(docs)]


def timed(action: Callable[[], object], runs: int = 2) -> float:
    """The fastest of `runs` runs, in seconds (the first one warms the caches)."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def measure(url: str, docs: list[Document], scale: int, folder: Path) -> dict[str, float]:
    from parksum.analyst.compare import compare
    from parksum.analyst.facts import metrics
    from parksum.analyst.report import write_report
    from parksum.analyst.search import search

    store = Store(url, write=True)
    started = time.perf_counter()
    for k in range(scale):
        for doc in copy(docs, k):
            store.ingest(doc)
    written = time.perf_counter() - started
    store.engine.dispose()
    reader = Store(url)
    park = f"第{scale}批园区1"
    row = {"documents": len(docs) * scale, "write s": written, "size MB": _size(reader) / 1e6,
           "compare s": timed(lambda: compare(COMPARED, reader)),
           "metrics s": timed(lambda: metrics(reader, indicators=[COMPARED[0]], park=park)),
           "search s": timed(lambda: search(SEARCHED, reader)),
           "report s": timed(lambda: write_report(reader, folder / "report.html"), runs=1),
           "command s": timed(lambda: subprocess.run([Path(sys.executable).parent / "parksum", "compare", "--db", url,
                                                      "--indicator", *COMPARED], check=True, capture_output=True))}
    reader.engine.dispose()
    return row


def _size(store: Store) -> int:
    from sqlalchemy import text

    path = sqlite_file(store.url)
    if path is not None:
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    with store.engine.connect() as conn:
        return conn.execute(text("SELECT pg_database_size(current_database())")).scalar()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--db-url", help="a PostgreSQL server's URL (default: SQLite files)")
    args = parser.parse_args(argv)
    docs, extracted = extract()
    chars = sum(len(doc.text) for doc in docs)
    print(f"corpus: {len(docs)} documents, {chars:,} characters; extraction (--no-ner) {extracted:.1f} s, "
          f"{chars / extracted:,.0f} characters/s (an ingest of N copies spends N × that)", flush=True)
    sys.path.insert(0, str(ROOT))
    from tests.conftest import create_postgres_database, drop_postgres_database

    columns = ["scale", "documents", "write s", "size MB", "compare s", "metrics s", "search s", "report s",
               "command s"]
    print("  ".join(f"{c:>10}" for c in columns), flush=True)
    with tempfile.TemporaryDirectory() as folder:
        for scale in args.scales:
            url = (create_postgres_database(args.db_url, f"scale{scale}") if args.db_url
                   else f"sqlite:///{folder}/scale{scale}.db")
            row = {"scale": f"{scale}x", **measure(url, docs, scale, Path(folder))}
            if args.db_url:
                drop_postgres_database(args.db_url, url)
            print("  ".join(f"{row[c]:>10.2f}" if isinstance(row[c], float) else f"{row[c]:>10}" for c in columns),
                  flush=True)


if __name__ == "__main__":
    main()
