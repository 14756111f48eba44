"""Several `parksum ingest` processes at once on one store, with overlapping files, and a reader beside them.

    .venv/bin/python tests/stress_concurrent_ingest.py                 # 12 trials on SQLite
    .venv/bin/python tests/stress_concurrent_ingest.py --postgres URL  # and on PostgreSQL (a server's URL)

Each trial writes a batch of short park summaries (several parks, two of them one park written long and
short) into a new store with three ingest processes whose file lists overlap (each file is given to two of
them), while a fourth process reads the store (summary, compare, search) until they end. It prints per
trial and in total: processes that crashed (a traceback, or an exit status other than 0), documents lost
(given to an ingest but not stored, or stored without all their rows), documents stored twice and parks
made twice. `make stress` runs it; tests/test_store.py runs one trial of each backend.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PARKS = ("扬州经济技术开发区", "扬州经开区", "高新工业园", "金属智造园", "有色金属工业园", "临港产业园")
TEMPLATE = ("{park}{year}年工作总结\n一、主要工作成效\n（一）经济发展稳中向好。"
            "今年1-10月实现规上工业总产值{output}亿元，增长{growth}%。\n（二）招商引资成效明显。新签约项目{projects}个。\n二、存在问题\n一是招商渠道还有不足。"
            "二是项目建设还有堵点。\n")
SECTIONS_PER_DOCUMENT = 7  # the preamble and the six headings of TEMPLATE
READS = (["summary"], ["compare", "--indicator", "规上工业总产值"], ["search", "招商渠道"])


@dataclass
class Trial:
    documents: int
    seconds: float = 0.0
    crashes: list[str] = field(default_factory=list)  # one line per crashed process
    lost: int = 0
    duplicated: int = 0
    extra_parks: int = 0
    reads: int = 0


def write_batch(folder: Path, documents: int) -> list[Path]:
    """Short summaries of distinct content, tagged with their park and year in folder/manifest.csv."""
    folder.mkdir(parents=True, exist_ok=True)
    files, rows = [], ["file,park,year"]
    for n in range(documents):
        park, year = PARKS[n % len(PARKS)], 2018 + n % 6
        path = folder / f"{n:03d}.txt"
        path.write_text(TEMPLATE.format(park=park, year=year, output=100 + n, growth=n % 17, projects=n + 3),
                        encoding="utf-8")
        files.append(path)
        rows.append(f"{path.name},{park},{year}")
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return files


def shares(files: list[Path], processes: int = 3) -> list[list[Path]]:
    """Each process's files: consecutive runs that overlap, so that every file goes to two processes."""
    size = len(files)
    return [[files[(start + i) % size] for i in range(2 * size // processes)]
            for start in range(0, size, size // processes)][:processes]


def _parksum(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "parksum", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def _crash(process: subprocess.Popen, stderr: str, allowed: tuple[int, ...]) -> str | None:
    if process.returncode in allowed and "Traceback" not in stderr:
        return None
    lines = [line for line in stderr.splitlines() if line.strip()]
    return f"exit {process.returncode}: {lines[-1] if lines else '(no message)'}"


def run_trial(url: str, files: list[Path], processes: int = 3) -> Trial:
    """Ingest `files` into the new store at `url` with `processes` overlapping ingests and one reader."""
    trial = Trial(documents=len(files))
    started = time.perf_counter()
    ingests = [_parksum("ingest", *map(str, share), "--db", url, "--no-ner", "-q")
               for share in shares(files, processes)]
    done = threading.Event()
    reader = threading.Thread(target=_read_until, args=(url, done, trial))
    reader.start()
    for process in ingests:
        _, stderr = process.communicate()
        if (crash := _crash(process, stderr, (0,))) is not None:
            trial.crashes.append(f"ingest {crash}")
    done.set()
    reader.join()
    trial.seconds = time.perf_counter() - started
    _check(url, files, trial)
    return trial


def _read_until(url: str, done: threading.Event, trial: Trial) -> None:
    """Read commands in a loop while the ingests run (from the moment the first one has made the store)."""
    from parksum.store import Store, StoreError

    while not done.is_set():
        try:
            Store(url).engine.dispose()
            break
        except StoreError:  # not made yet
            time.sleep(0.2)
    n = 0
    while not done.is_set():
        command = READS[n % len(READS)]
        process = _parksum(*command, "--db", url, "-q")
        _, stderr = process.communicate()
        n += 1
        if (crash := _crash(process, stderr, (0, 1))) is not None:  # 1: nothing found yet
            trial.crashes.append(f"{command[0]} {crash}")
    trial.reads = n


def _check(url: str, files: list[Path], trial: Trial) -> None:
    from sqlalchemy import text

    from parksum.extractors.park import park_key
    from parksum.store import Store

    store = Store(url)
    with store.engine.connect() as conn:
        stored = conn.execute(text("SELECT d.source_name, count(DISTINCT d.id), count(s.id) FROM documents d "
                                   "LEFT JOIN sections s ON s.document_id = d.id GROUP BY d.source_name")).all()
        parks = conn.execute(text("SELECT count(*) FROM parks")).scalar()
    store.engine.dispose()
    whole = {name for name, documents, sections in stored if sections == documents * SECTIONS_PER_DOCUMENT}
    trial.lost = len({path.name for path in files} - whole)
    trial.duplicated = sum(documents - 1 for _, documents, _ in stored)
    trial.extra_parks = parks - len({park_key(park) for park in PARKS})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=12)
    parser.add_argument("--documents", type=int, default=90, help="documents per trial (default: 90)")
    parser.add_argument("--postgres", metavar="URL", default=os.environ.get("PARKSUM_TEST_POSTGRES"),
                        help="a PostgreSQL server to run the trials on too (default: $PARKSUM_TEST_POSTGRES)")
    args = parser.parse_args(argv)
    from tests.conftest import create_postgres_database, drop_postgres_database

    failed = 0
    with tempfile.TemporaryDirectory() as folder:
        files = write_batch(Path(folder) / "batch", args.documents)
        for backend in ("sqlite", "postgresql") if args.postgres else ("sqlite",):
            totals = Trial(documents=0)
            for n in range(args.trials):
                url = (create_postgres_database(args.postgres, f"stress{n}") if backend == "postgresql"
                       else f"sqlite:///{folder}/stress{n}.db")
                trial = run_trial(url, files)
                if backend == "postgresql":
                    drop_postgres_database(args.postgres, url)
                print(f"{backend} trial {n + 1:2d}: {trial.seconds:5.1f} s, {trial.reads} reads, "
                      f"crashes {len(trial.crashes)}, lost {trial.lost} of {trial.documents}, "
                      f"duplicated {trial.duplicated}, parks made twice {trial.extra_parks}", flush=True)
                for crash in trial.crashes:
                    print(f"    {crash}")
                totals.documents += trial.documents
                totals.crashes += trial.crashes
                totals.lost += trial.lost
                totals.duplicated += trial.duplicated
                totals.extra_parks += trial.extra_parks
            print(f"{backend}: {args.trials} trials of 3 ingests: crashes {len(totals.crashes)}, documents lost "
                  f"{totals.lost} of {totals.documents}, duplicated {totals.duplicated}, "
                  f"parks made twice {totals.extra_parks}", flush=True)
            failed += len(totals.crashes) + totals.lost + totals.duplicated + totals.extra_parks
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
