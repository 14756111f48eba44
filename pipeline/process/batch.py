"""Batches of uploads: every file gets an outcome, and the work can use every core or a cluster.

A batch reads and extracts each file in this process, in a pool of worker processes (each builds
its `Pipeline` once), or on a Dask cluster, and hands the documents back in input order to one
writer in this process. The database therefore holds the same rows with the same ids however the
work was spread. A file that cannot be read, breaks a limit of parksum/text/data/limits.toml or
trips an extractor fails alone with its reason; the batch goes on.
"""
from __future__ import annotations

import ctypes
import logging
import os
import re
import signal
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import cache, partial
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Protocol

from parksum.process.manifest import MANIFEST_NAME, NO_TAGS, Manifest, Tags
from parksum.process.runner import Pipeline
from parksum.text.doc import Document
from parksum.text.loaders import Limits, LoadError, check_file, iter_files, shown

log = logging.getLogger(__name__)

FAILED = "failed"
# What a file's bytes hold in characters, for a progress estimate until the file is read: UTF-8
# Chinese takes 3 bytes a character; Word and PDF files carry markup, fonts and pictures besides.
BYTES_PER_CHARACTER = {".txt": 3.0, ".docx": 6.0, ".doc": 4.0, ".pdf": 10.0}
CONNECT_SECONDS = 10  # to reach a Dask scheduler


@dataclass(frozen=True)
class Job:
    """One entry of a batch: a file to process with its tags, or one refused before any work."""

    path: Path
    tags: Tags = NO_TAGS
    size: int = 0
    refused: str | None = None  # the reason, where the file cannot be read at all

    @property
    def estimated_characters(self) -> int:
        return int(self.size / BYTES_PER_CHARACTER.get(self.path.suffix.lower(), 3.0))


@dataclass(frozen=True)
class Processed:
    """What the per-document work hands back: the document, or why there is none."""

    document: Document | None
    reason: str | None
    seconds: float


@dataclass(frozen=True)
class Outcome:
    """What became of one file: stored, unchanged, replaced, written (extract) or failed with a reason."""

    path: str  # as given, with bytes of a name that are not UTF-8 shown as \xff escapes
    status: str
    reason: str | None = None
    characters: int = 0
    seconds: float = 0.0
    document_id: int | None = None

    @property
    def failed(self) -> bool:
        return self.status == FAILED


@dataclass
class Report:
    """A batch's outcomes, in input order, and its wall time."""

    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.failed]

    @property
    def characters(self) -> int:
        return sum(o.characters for o in self.outcomes)

    def by_status(self) -> Counter[str]:
        return Counter(o.status for o in self.outcomes)

    def failures_by_reason(self) -> Counter[str]:
        """Failures counted by the kind of reason: its words before any parenthesis, numbers as N."""
        return Counter(re.sub(r"\d[\d,.]*", "N", o.reason.split(" (")[0]) for o in self.failures if o.reason)

    def summary_line(self) -> str:
        rate = self.characters / self.seconds if self.seconds else 0.0
        statuses = ", ".join(f"{status} {n}" for status, n in sorted(self.by_status().items()))
        return (f"{len(self.outcomes)} files ({statuses}), {self.characters:,} characters in {self.seconds:.1f} s, "
                f"{rate:,.0f} characters/s, {len(self.failures)} failures")

    def to_json(self) -> dict[str, Any]:
        return {"files": len(self.outcomes), "characters": self.characters, "seconds": round(self.seconds, 3),
                "by_status": dict(self.by_status()), "failures_by_reason": dict(self.failures_by_reason()),
                "outcomes": [asdict(o) for o in self.outcomes]}


class Writer(Protocol):
    """Where documents go: returns the file's status and the stored document's id, if any."""

    def __call__(self, doc: Document) -> tuple[str, int | None]: ...


def default_workers() -> int:
    return len(os.sched_getaffinity(0))


def plan(paths: Iterable[Path | str], manifest: Manifest | None = None, limits: Limits | None = None) -> list[Job]:
    """Every entry the paths name or folders hold, in order, with its tags; entries that cannot be
    read (links to nothing, special files, unread types, files past the size limit) refused here."""
    manifest = manifest or Manifest()
    jobs = []
    for path in iter_files(paths, skip=(MANIFEST_NAME,)):
        try:
            size = check_file(path, limits)
        except LoadError as error:
            jobs.append(Job(path, refused=error.reason))
            continue
        jobs.append(Job(path, manifest.tags(path), size))
    return jobs


class DocumentTimeout(Exception):
    """A document took longer than seconds_per_document."""


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise DocumentTimeout inside the work after `seconds`: by a timer signal on the main thread, and
    on another thread (Dask runs tasks on threads) by an exception a timer thread sends it. Either one
    arrives between two Python instructions, so a long call into C finishes first."""
    if seconds <= 0:
        yield
    elif threading.current_thread() is threading.main_thread():
        with _signal_deadline(seconds):
            yield
    else:
        with _thread_deadline(seconds):
            yield


@contextmanager
def _signal_deadline(seconds: float) -> Iterator[None]:
    def expire(*_: object) -> None:
        raise DocumentTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _thread_deadline(seconds: float) -> Iterator[None]:
    worker, lock, state = threading.get_ident(), threading.Lock(), {"done": False, "expired": False}
    send = ctypes.pythonapi.PyThreadState_SetAsyncExc

    def expire() -> None:
        with lock:
            if not state["done"]:
                state["expired"] = True
                send(ctypes.c_ulong(worker), ctypes.py_object(DocumentTimeout))

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["done"] = True
            timer.cancel()
        if state["expired"]:
            # Sent, perhaps not yet raised (it is raised at a loop's turn or a call): take it here. Taking
            # it back by sending None would leave the interpreter's "pending" flag set for good (CPython
            # clears it only where the exception is raised), and every later profiled call would crawl.
            try:
                for _ in range(2):
                    pass
            except DocumentTimeout:
                pass
            raise DocumentTimeout


def work(pipeline: Pipeline, path: Path, tags: Tags = NO_TAGS) -> Processed:
    """Read and extract one file; every failure, an extractor's bug included, becomes a reason."""
    start = time.perf_counter()
    limit = pipeline.limits.seconds_per_document
    try:
        pipeline.warm_up()  # untimed: a deadline must not stop a dictionary half loaded
        with _deadline(limit):
            doc = pipeline.process_file(path, tags)
        return Processed(doc, None, time.perf_counter() - start)
    except LoadError as error:
        reason = error.reason
    except DocumentTimeout:
        reason = f"took over {limit:g} s, the limit (seconds_per_document)"
    except MemoryError:
        reason = "out of memory"
    except Exception as exc:  # an extractor's bug fails its document, not the batch
        log.debug("%s", shown(path), exc_info=True)
        reason = f"processing failed ({exc.__class__.__name__}: {exc})"
    return Processed(None, reason, time.perf_counter() - start)


@cache
def _pipeline(ner: bool | None, limits: Limits) -> Pipeline:
    """One pipeline per process, built on its first document."""
    return Pipeline(ner=ner, limits=limits)


def work_on_path(path: Path, tags: Tags, ner: bool | None, limits: Limits) -> Processed:
    """The task of a worker process that sees the files."""
    return work(_pipeline(ner, limits), path, tags)


def work_on_bytes(name: str, data: bytes, tags: Tags, ner: bool | None, limits: Limits) -> Processed:
    """The task of a cluster worker, which need not see the files: they travel as bytes and are read
    from a temporary copy under the same name."""
    with tempfile.TemporaryDirectory(prefix="parksum-") as folder:
        path = Path(folder, name)
        path.write_bytes(data)
        return work(_pipeline(ner, limits), path, tags)


@dataclass
class Engine:
    """Where the per-document work runs: here (`workers=1`), in `workers` processes, or on the Dask
    cluster whose scheduler is at `scheduler` (tcp://HOST:PORT)."""

    ner: bool | None = None
    limits: Limits = field(default_factory=Limits.declared)
    workers: int = 1
    scheduler: str | None = None

    def process(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, Processed]]:
        """Each job with its result, in input order."""
        if self.scheduler:
            yield from self._on_cluster(jobs)
        elif self.workers <= 1:
            pipeline = _pipeline(self.ner, self.limits)
            for job in jobs:
                yield job, _refused(job) or work(pipeline, job.path, job.tags)
        else:
            pool = _Pool(self.workers, partial(work_on_path, ner=self.ner, limits=self.limits))
            try:
                yield from _in_order(jobs, pool.submit, window=4 * self.workers, result=pool.result)
            finally:
                pool.shutdown()

    def _on_cluster(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, Processed]]:
        try:
            from distributed import Client
        except ImportError:
            raise RuntimeError("--scheduler needs Dask: pip install 'parksum[distributed]'") from None
        try:
            client = Client(self.scheduler, timeout=CONNECT_SECONDS)
        except (OSError, ValueError) as exc:
            raise RuntimeError(f"cannot reach the Dask scheduler at {self.scheduler} ({exc})") from None
        with client:
            threads = sum(client.nthreads().values()) or 1

            def submit(job: Job) -> Any:
                try:
                    data = job.path.read_bytes()
                except OSError as exc:
                    return _Done(Processed(None, f"cannot read ({exc.strerror or exc})", 0.0))
                return client.submit(work_on_bytes, job.path.name, data, job.tags, self.ner, self.limits, pure=False)

            yield from _in_order(jobs, submit, window=4 * threads)


def _refused(job: Job) -> Processed | None:
    return Processed(None, job.refused, 0.0) if job.refused else None


class _Done:
    """A result known without any work, in the place of a future."""

    def __init__(self, processed: Processed) -> None:
        self.processed = processed

    @staticmethod
    def result_of(future: Any) -> Processed | None:
        return future.processed if isinstance(future, _Done) else None


class _Pool:
    """Worker processes that outlive a dead worker. A worker killed (out of memory, by hand) breaks a
    ProcessPoolExecutor and every job in flight with it: each of those jobs then runs again alone, one
    after the other in a process of its own, so that only a document that kills its worker fails, and
    a new pool takes the jobs after them."""

    def __init__(self, workers: int, task: Callable[[Path, Tags], Processed]) -> None:
        self.workers, self.task = workers, task
        self.executor = self._start(workers)
        self.alone: ProcessPoolExecutor | None = None  # started at the first broken job

    @staticmethod
    def _start(workers: int) -> ProcessPoolExecutor:
        # forkserver: workers start clean, not as copies of a parent holding threads and a database
        return ProcessPoolExecutor(workers, mp_context=get_context("forkserver"))

    def submit(self, job: Job) -> Future:
        try:
            future = self.executor.submit(self.task, job.path, job.tags)
        except BrokenProcessPool:
            self._restart()
            future = self.executor.submit(self.task, job.path, job.tags)
        future.executor = self.executor  # type: ignore[attr-defined]
        return future

    def _restart(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self._start(self.workers)

    def result(self, job: Job, future: Future) -> Processed:
        try:
            return future.result()
        except BrokenProcessPool:
            if future.executor is self.executor:  # type: ignore[attr-defined]
                self._restart()
        self.alone = self.alone or self._start(1)
        try:
            return self.alone.submit(self.task, job.path, job.tags).result()
        except BrokenProcessPool:
            self.alone.shutdown(wait=False)
            self.alone = None
            return Processed(None, "its worker process died (out of memory, or killed)", 0.0)

    def shutdown(self) -> None:
        for executor in (self.executor, self.alone):
            if executor is not None:
                executor.shutdown(cancel_futures=True)


def _in_order(jobs: Iterable[Job], submit: Callable[[Job], Any], window: int,
              result: Callable[[Job, Any], Processed] | None = None) -> Iterator[tuple[Job, Processed]]:
    """Keep `window` jobs in flight and hand results back in the order of the jobs."""
    result = result or _result
    pending: deque[tuple[Job, Any]] = deque()
    for job in jobs:
        refused = _refused(job)
        pending.append((job, _Done(refused) if refused else submit(job)))
        if len(pending) >= window:
            done, future = pending.popleft()
            yield done, _Done.result_of(future) or result(done, future)
    while pending:
        done, future = pending.popleft()
        yield done, _Done.result_of(future) or result(done, future)


def _result(job: Job, future: Any) -> Processed:
    try:
        return future.result()
    except Exception as exc:  # the cluster lost the task's worker, or could not run it
        return Processed(None, f"worker failed ({exc.__class__.__name__}: {exc})", 0.0)


def run(jobs: list[Job], write: Writer, engine: Engine | None = None,
        progress: Callable[[Job, Outcome], None] | None = None) -> Report:
    """Process the jobs and write each document through `write`, in input order; `progress` hears of
    every outcome as it is known."""
    engine = engine or Engine()
    report = Report()
    start = time.perf_counter()
    for job, processed in engine.process(jobs):
        if processed.document is None:
            outcome = Outcome(shown(job.path), FAILED, processed.reason, seconds=processed.seconds)
        else:
            status, document_id = write(processed.document)
            outcome = Outcome(shown(job.path), status, None, len(processed.document.text), processed.seconds,
                              document_id)
        report.outcomes.append(outcome)
        if progress is not None:
            progress(job, outcome)
    report.seconds = time.perf_counter() - start
    return report


class Store(Protocol):
    """What a batch writes to (parksum.store.Store, a layer above this one)."""

    def ingest(self, doc: Document, *, replace: bool = False) -> Any: ...


def store_writer(store: Store, replace: bool = False) -> Writer:
    def write(doc: Document) -> tuple[str, int | None]:
        result = store.ingest(doc, replace=replace)
        return result.status, result.document_id

    return write


def ingest_file(path: Path | str, store: Store, tags: Tags = NO_TAGS, *, replace: bool = False,
                engine: Engine | None = None) -> Outcome:
    """Ingest one file and say what became of it: nothing raises for a bad file (for an upload form)."""
    engine = engine or Engine()
    jobs = plan([path], Manifest(park=tags.park, year=tags.year), engine.limits)
    return run(jobs, store_writer(store, replace), engine).outcomes[0]
