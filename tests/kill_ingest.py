"""Fault injection: kill `parksum ingest` (and its workers) at random moments, check the database, rerun.

    .venv/bin/python tests/kill_ingest.py [KILLS] [--seed N]      (default: 20 kills)

Each trial starts an ingest of the sample corpus into one SQLite file, kills the whole process group
with SIGKILL at a random moment, kills the resumed ingest again, then lets a last one finish. After
every kill the database must pass SQLite's integrity and foreign-key checks and hold no orphan: no
section, figure, placeholder, entity or search-index row without its document, no document without
its sections. The finished database must equal one from a clean run, row for row (ingest times aside).
Prints kills, inconsistencies (must be 0) and the time taken.
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, inspect, text

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
# Columns that say when a row was written: the one thing two runs cannot share.
WHEN = {"ingested_at", "applied_at"}
# What an interrupted write could leave behind: rows without the document or section they belong to.
ORPHANS = {
    **{f"{table} rows without their document":
       f"SELECT count(*) FROM {table} WHERE document_id NOT IN (SELECT id FROM documents)"
       for table in ("sections", "metrics", "placeholders", "entities")},
    "documents without sections": "SELECT count(*) FROM documents WHERE id NOT IN (SELECT document_id FROM sections)",
    "index rows for no section": "SELECT count(*) FROM sections_fts WHERE rowid NOT IN (SELECT id FROM sections)",
    "sections missing from the index": "SELECT count(*) FROM sections WHERE id NOT IN (SELECT rowid FROM sections_fts)",
}


def dump(url: str) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, without the columns that hold write times."""
    engine = create_engine(url)
    tables = {}
    with engine.connect() as conn:
        for table in sorted(inspect(engine).get_table_names()):
            result = conn.execute(text(f'SELECT * FROM "{table}"'))
            keep = [n for n, column in enumerate(result.keys()) if column not in WHEN]
            tables[table] = sorted((tuple(row[n] for n in keep) for row in result), key=repr)
    engine.dispose()
    return tables


def problems(path: Path) -> list[str]:
    """What is wrong with the SQLite database at `path`: an empty list when it is sound."""
    if not path.exists():
        return []
    engine = create_engine(f"sqlite:///{path}")
    found = []
    with engine.connect() as conn:
        integrity = conn.execute(text("PRAGMA integrity_check")).scalar()
        if integrity != "ok":
            found.append(f"integrity_check: {integrity}")
        found += [f"foreign key: {row}" for row in conn.execute(text("PRAGMA foreign_key_check"))]
        tables = set(inspect(engine).get_table_names())
        if {"documents", "sections", "sections_fts"} <= tables:
            for name, query in ORPHANS.items():
                count = conn.execute(text(query)).scalar()
                if count:
                    found.append(f"{count} {name}")
    engine.dispose()
    return found


def ingest(db: Path, corpus: Path = CORPUS, workers: int = 2) -> subprocess.Popen:
    """An ingest in its own process group, so that one kill reaches its workers too."""
    return subprocess.Popen([sys.executable, "-m", "parksum", "ingest", str(corpus), "--db", str(db), "--no-ner",
                             "-q", "--workers", str(workers)], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def clean_run(folder: Path, corpus: Path = CORPUS) -> tuple[dict, float]:
    db = folder / "clean.db"
    start = time.perf_counter()
    if ingest(db, corpus).wait() != 0:
        raise RuntimeError("the clean ingest failed")
    return dump(f"sqlite:///{db}"), time.perf_counter() - start


def trial(folder: Path, clean: dict, seconds: float, rng: random.Random, kills: int = 2,
          corpus: Path = CORPUS) -> list[str]:
    """Kill `kills` ingests into one database at random moments, then finish; what went wrong."""
    db = folder / f"killed-{rng.randrange(10**9)}.db"
    found = []
    for _ in range(kills):
        process = ingest(db, corpus)
        time.sleep(rng.uniform(0.2, seconds))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        found += problems(db)
    if ingest(db, corpus).wait() != 0:
        found.append("the last ingest failed")
    found += problems(db)
    if dump(f"sqlite:///{db}") != clean:
        found.append("the finished database differs from a clean run")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kills", nargs="?", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/parksum-kills"))
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    for old in args.folder.glob("*.db*"):
        old.unlink()
    rng = random.Random(args.seed)
    start = time.perf_counter()
    clean, seconds = clean_run(args.folder)
    inconsistencies = []
    for _ in range((args.kills + 1) // 2):
        inconsistencies += trial(args.folder, clean, seconds, rng)
    print(f"clean ingest {seconds:.1f} s; {(args.kills + 1) // 2 * 2} kills at random moments; "
          f"inconsistencies: {len(inconsistencies)}; {time.perf_counter() - start:.0f} s in all")
    for problem in inconsistencies:
        print(f"  {problem}")
    sys.exit(1 if inconsistencies else 0)


if __name__ == "__main__":
    main()
