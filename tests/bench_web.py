"""Load test of `parksum serve` on the loopback address (a benchmark to run and report, not a unit test).

20 clients upload 500 distinct files at once (a few files per request); meanwhile a reader times a read
page (/documents) and the server is killed outright once a quarter of the files are done, then started
again (once every upload is in). Checked: every file stored exactly once (one document each, none
failed, none lost), the queue resumed after the restart; reported: files, time, failures, read latency
(p50, p95, max).

    .venv/bin/python tests/bench_web.py                     # the full run (make bench-web)
    .venv/bin/python tests/bench_web.py --files 40 --clients 4

Exit status 1 when a check fails or the p95 is over 500 ms. tests/test_web.py runs a small version.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "corpus").glob("*.txt"))
P95_LIMIT_MS = 500


class Server:
    """`parksum serve` in a child process, on a free loopback port, over a database in `folder`."""

    def __init__(self, folder: Path, workers: int = 2, ner: bool = False) -> None:
        self.folder, self.workers, self.ner = folder, workers, ner
        self.db = folder / "parks.db"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def parksum(self, *args: str) -> str:
        return subprocess.run([sys.executable, "-m", "parksum", *args, "--db", str(self.db)], check=True,
                              capture_output=True, text=True).stdout.strip()

    def token(self) -> str:
        return self.parksum("tokens", "create", "bench")

    def start(self, timeout: float = 120) -> None:
        command = [sys.executable, "-m", "parksum", "-q", "serve", "--db", str(self.db), "--port", str(self.port),
                   "--workers", str(self.workers), *([] if self.ner else ["--no-ner"])]
        log = (self.folder / "serve.log").open("a")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/api/batches", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError(f"the server did not answer within {timeout} s: see {self.folder / 'serve.log'}")

    def kill(self) -> None:
        """Stop it outright, as a crash would: its workers go with it, mid-file."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.kill()

    def statuses(self) -> dict[str, int]:
        with sqlite3.connect(self.db) as conn:
            return dict(conn.execute("SELECT status, count(*) FROM upload_files GROUP BY status").fetchall())


def make_files(n: int) -> list[tuple[str, bytes]]:
    """n distinct documents: the sample corpus in turn, each with a line of its own at the end."""
    texts = [path.read_text(encoding="utf-8") for path in CORPUS]
    return [(f"{i:04d}_{CORPUS[i % len(CORPUS)].name}",
             f"{texts[i % len(texts)]}\n（报送编号 {i:04d}）\n".encode()) for i in range(n)]


def run(folder: Path, files: int = 500, clients: int = 20, per_request: int = 5, workers: int = 2,
        restart: bool = True) -> dict[str, object]:
    server = Server(folder, workers)
    auth = {"Authorization": f"Bearer {server.token()}"}
    server.start()
    batch_ids: list[int] = []
    failures: list[str] = []
    latencies: list[float] = []
    done = threading.Event()
    everything = make_files(files)
    shares = [everything[i::clients] for i in range(clients)]
    start_line = threading.Barrier(clients + 1)

    def client(share: list[tuple[str, bytes]]) -> None:
        with httpx.Client(base_url=server.url, headers=auth, timeout=300) as http:
            start_line.wait()
            for i in range(0, len(share), per_request):
                chunk = share[i:i + per_request]
                try:
                    answer = http.post("/api/batches", files=[("files", f) for f in chunk])
                except httpx.TransportError as error:
                    failures.append(f"upload of {len(chunk)} files: {error!r}")
                    continue
                if answer.status_code == 201:
                    batch_ids.append(answer.json()["id"])
                else:
                    failures.append(f"upload answered {answer.status_code}: {answer.text[:200]}")

    def reader() -> None:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            while not done.is_set():
                began = time.perf_counter()
                try:
                    ok = http.get("/documents").status_code == 200
                except httpx.TransportError:
                    ok = False  # the server is restarting: not a latency
                if ok:
                    latencies.append((time.perf_counter() - began) * 1000)
                time.sleep(0.1)

    threads = [threading.Thread(target=client, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    watcher = threading.Thread(target=reader)
    watcher.start()
    began = time.monotonic()
    start_line.wait()
    requeued = None
    restarted_at = uploaded_at = None
    while True:
        counts = server.statuses()
        finished = sum(counts.get(s, 0) for s in ("stored", "unchanged", "failed"))
        uploaded = all(not t.is_alive() for t in threads)
        if uploaded and uploaded_at is None:
            uploaded_at = time.monotonic() - began
        # killed once every upload is in and a quarter is processed: the rest must survive in the queue
        if restart and restarted_at is None and uploaded and finished >= files // 4:
            server.kill()
            requeued = server.statuses().get("processing", 0)
            restarted_at = time.monotonic() - began
            server.start()
        if uploaded and finished >= files and counts.get("queued", 0) == 0:
            break
        if time.monotonic() - began > 3600:
            failures.append("not finished within an hour")
            break
        time.sleep(0.5)
    elapsed = time.monotonic() - began
    done.set()
    watcher.join()
    server.stop()
    with sqlite3.connect(server.db) as conn:
        documents = conn.execute("SELECT count(*), count(DISTINCT sha256) FROM documents").fetchone()
        rows = conn.execute("SELECT count(*), count(DISTINCT document_id) FROM upload_files").fetchone()
        statuses = dict(conn.execute("SELECT status, count(*) FROM upload_files GROUP BY status").fetchall())
    ordered = sorted(latencies)
    return {"files": files, "clients": clients, "workers": workers, "batches": len(batch_ids),
            "seconds": round(elapsed, 1), "all_uploaded_after_seconds": round(uploaded_at or elapsed, 1),
            "files_per_second": round(files / elapsed, 2),
            "upload_failures": failures, "statuses": statuses, "upload_rows": rows[0],
            "documents": documents[0], "distinct_documents": documents[1], "distinct_document_ids": rows[1],
            "restarted_after_seconds": None if restarted_at is None else round(restarted_at, 1),
            "requeued_on_restart": requeued, "read_samples": len(ordered),
            "read_ms": {"p50": round(statistics.median(ordered), 1) if ordered else None,
                        "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 1) if ordered else None,
                        "max": round(ordered[-1], 1) if ordered else None}}


def problems(figures: dict[str, object]) -> list[str]:
    """What the run got wrong: a lost, failed or twice-stored file, a failed upload."""
    files = figures["files"]
    found = [f"upload: {f}" for f in figures["upload_failures"]]
    if figures["upload_rows"] != files:
        found.append(f"{figures['upload_rows']} upload rows for {files} files")
    if figures["documents"] != files or figures["distinct_documents"] != files:
        found.append(f"{figures['documents']} documents ({figures['distinct_documents']} distinct) for {files} files")
    if figures["distinct_document_ids"] != files:
        found.append(f"the files became {figures['distinct_document_ids']} documents")
    unfinished = {s: n for s, n in figures["statuses"].items() if s not in ("stored", "unchanged")}
    if unfinished:
        found.append(f"files not stored: {unfinished}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--per-request", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-restart", dest="restart", action="store_false")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="parksum-bench-") as folder:
        figures = run(Path(folder), args.files, args.clients, args.per_request, args.workers, args.restart)
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    found = problems(figures)
    slow = figures["read_ms"]["p95"] is None or figures["read_ms"]["p95"] >= P95_LIMIT_MS
    for problem in found + ([f"read p95 {figures['read_ms']['p95']} ms (limit {P95_LIMIT_MS})"] if slow else []):
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if found or slow else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
