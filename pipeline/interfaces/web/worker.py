"""Background workers: each a process that claims queued files from the database, runs the pipeline on
the stored bytes and stores the document, until it is told to stop or its server is gone.

Processes, not threads, so that parsing never holds the web server's interpreter; the queue is the
upload_files table, so a restarted server finds the files that were queued or half-done.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from dataclasses import replace
from multiprocessing.synchronize import Event
from pathlib import Path

from parksum.interfaces.web.intake import BlobStore
from parksum.process.manifest import Tags
from parksum.process.runner import Pipeline
from parksum.store import Store
from parksum.store.uploads import FAILED, STORED, UNCHANGED, Job, claim_job, finish_job, requeue_unfinished
from parksum.text.loaders import LoadError, load

log = logging.getLogger("parksum.serve")
PARENT_CHECK_SECONDS = 0.5


def process_job(job: Job, store: Store, blobs: BlobStore, pipeline: Pipeline) -> str:
    """Run one claimed job to its end: stored, unchanged or failed with the loader's reason."""
    try:
        loaded = load(blobs.path(job.sha256, job.kind))
        # the document is named as uploaded; the stored file's name is its hash
        doc = pipeline.make_doc(replace(loaded, path=Path(Path(job.name).name)), Tags(job.park, job.year))
        result = store.ingest(doc)  # another worker storing the same text first makes this one unchanged
    except LoadError as error:
        finish_job(store.engine, job, FAILED, reason=error.reason)
        return FAILED
    except Exception as error:  # a parser's bug fails this file, not the worker and the files after it
        log.exception("%s failed", job.name)
        finish_job(store.engine, job, FAILED, reason=f"internal error ({type(error).__name__}): {error}"[:500])
        return FAILED
    status = UNCHANGED if result.status == "unchanged" else STORED
    finish_job(store.engine, job, status, document_id=result.document_id)
    return status


def drain(store: Store, blobs: BlobStore, pipeline: Pipeline, stop: Event | None = None) -> int:
    """Process queued jobs until the queue is empty (or `stop` is set); returns how many were processed."""
    done = 0
    while stop is None or not stop.is_set():
        job = claim_job(store.engine, str(os.getpid()))
        if job is None:
            break
        process_job(job, store, blobs, pipeline)
        done += 1
    return done


def work(db: str, uploads: str, ner: bool | None, stop: Event, parent: int, poll: float) -> None:
    """A worker process's life: drain the queue, wait `poll` seconds, again; end with its parent."""
    # Ctrl-C reaches the whole process group: the server sets `stop`, and the file in hand is finished first
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_end_with, args=(parent,), daemon=True).start()
    store, blobs, pipeline = Store(db, write=True), BlobStore(Path(uploads)), Pipeline(ner=ner)
    while not stop.is_set():
        if not drain(store, blobs, pipeline, stop):
            stop.wait(poll)


def _end_with(parent: int) -> None:
    """A server killed outright leaves its workers behind: they go too, and its successor queues their jobs
    again."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


class Workers:
    """`count` worker processes for one server; one that dies (out of memory, killed) is replaced by
    `replace_dead`, and the file it held is queued again."""

    def __init__(self, db: str, uploads: Path, count: int, *, ner: bool | None = None, poll: float = 0.5) -> None:
        self.context = multiprocessing.get_context("spawn")  # forking a threaded server is unsafe
        self.stop = self.context.Event()
        self.engine = Store(db, write=True).engine
        self.args = (db, str(uploads), ner, self.stop, os.getpid(), poll)
        self.processes = [self._new() for _ in range(count)]

    def _new(self) -> multiprocessing.process.BaseProcess:
        return self.context.Process(target=work, args=self.args, name="parksum-worker", daemon=True)

    def start(self) -> None:
        for process in self.processes:
            process.start()

    def replace_dead(self) -> int:
        """Start a new worker for each that died, after queueing its file again; returns how many."""
        if self.stop.is_set():
            return 0
        dead = [n for n, process in enumerate(self.processes) if process.exitcode is not None]
        for n in dead:
            requeue_unfinished(self.engine, str(self.processes[n].pid))
            log.warning("worker %s ended (exit code %s): started another", self.processes[n].pid,
                        self.processes[n].exitcode)
            self.processes[n] = self._new()
            self.processes[n].start()
        return len(dead)

    def close(self, timeout: float = 30) -> None:
        """Let each worker finish the file in hand; one that does not within `timeout` is ended (its file
        stays claimed and is queued again on the next start)."""
        self.stop.set()
        for process in self.processes:
            process.join(timeout)
            if process.is_alive():
                process.terminate()
