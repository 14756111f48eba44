import json
import os
import random
import shutil
import sys
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from parksum.interfaces.cli import EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, main
from parksum.process import batch
from parksum.process.batch import FAILED, Engine, ingest_file, plan, run, work
from parksum.process.manifest import Tags
from parksum.process.runner import Pipeline
from parksum.store import Store
from parksum.text.loaders import Limits
from tests import dirty_batch, kill_ingest
from tests.conftest import DATA, ROOT
from tests.work import calls

FILES = DATA / "files"
CORPUS = ROOT / "corpus"


def _collect(written: list[str]):
    def write(doc):
        written.append(doc.name)
        return "written", None

    return write


def test_every_entry_of_a_folder_has_an_outcome_in_input_order(tmp_path):
    shutil.copy(FILES / "utf8.txt", tmp_path / "a.txt")
    shutil.copy(FILES / "gbk.txt", Path(os.fsdecode(bytes(tmp_path) + b"/b\xff.txt")))
    shutil.copy(FILES / "empty.txt", tmp_path / "c.txt")
    os.symlink("nowhere.txt", tmp_path / "d.txt")
    os.mkfifo(tmp_path / "e.txt")
    (tmp_path / "f.xls").write_bytes(b"x")
    written: list[str] = []
    report = run(plan([tmp_path]), _collect(written), Engine(ner=False))
    assert [(Path(o.path).name, o.status) for o in report.outcomes] == [
        ("a.txt", "written"), ("b\\xff.txt", "written"), ("c.txt", FAILED), ("d.txt", FAILED), ("e.txt", FAILED),
        ("f.xls", FAILED)]
    assert written == ["a.txt", "b\\xff.txt"]
    assert report.outcomes[0].characters == len((FILES / "utf8.txt").read_text(encoding="utf-8"))
    assert report.failures_by_reason() == {"empty file": 1, "a symbolic link to nothing": 1,
                                           "not a regular file": 1, "unsupported file type '.xls'": 1}
    assert "6 files (failed 4, written 2)" in report.summary_line()


def test_ingest_reports_every_outcome_as_json_and_exits_1(tmp_path, capsys):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    shutil.copy(FILES / "utf8.txt", Path(os.fsdecode(bytes(uploads) + b"/\xb9\xa4\xd7\xf7.txt")))
    os.symlink("loop.txt", uploads / "loop.txt")
    db, out = tmp_path / "p.db", tmp_path / "out.json"
    assert main(["ingest", str(uploads), "--db", str(db), "--no-ner", "--report", str(out)]) == EXIT_SOME_FAILED
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["by_status"] == {"stored": 1, "failed": 1}
    assert [(Path(o["path"]).name, o["status"], o["reason"]) for o in report["outcomes"]] == [
        ("loop.txt", "failed", "a symbolic link in a loop"), ("\\xb9\\xa4\\xd7\\xf7.txt", "stored", None)]
    out, err = capsys.readouterr()
    assert "stored     " in out and "\\xb9\\xa4\\xd7\\xf7.txt" in out
    assert "2 files (failed 1, stored 1)" in out and "characters/s, 1 failures" in out
    assert "loop.txt: a symbolic link in a loop" in err
    assert Store(str(db)).read("SELECT source_name FROM documents")["source_name"].tolist() == [
        "\\xb9\\xa4\\xd7\\xf7.txt"]
    assert main(["ingest", str(uploads / "loop.txt"), "--db", str(db), "--report", "/nonexistent/r.json"]) == 2


def test_workers_must_be_positive(db_url, capsys):
    with pytest.raises(SystemExit) as info:
        main(["ingest", str(FILES / "utf8.txt"), "--db", db_url, "--workers", "0"])
    assert info.value.code == EXIT_USAGE
    assert "'0' is not a number of 1 or more" in capsys.readouterr().err


# Summaries of several pages: each takes far longer than the limit below (a tiny file might not, now that
# the pipeline's loading is not timed)
SUMMARIES = [ROOT / "corpus" / "002_8f1f4c12a115cc13.txt", ROOT / "corpus" / "003_d68f8cacbbc4dd27.txt"]


def test_a_document_past_the_time_limit_fails_and_the_batch_goes_on():
    limits = replace(Limits.declared(), seconds_per_document=0.001)
    report = run(plan(SUMMARIES, limits=limits), _collect([]), Engine(ner=False, limits=limits))
    assert [o.reason for o in report.outcomes] == ["took over 0.001 s, the limit (seconds_per_document)"] * 2


def test_the_time_limit_holds_on_a_thread_as_dask_runs_tasks():
    slow = Pipeline(ner=False, limits=replace(Limits.declared(), seconds_per_document=0.001))
    with ThreadPoolExecutor(1) as thread:
        timed_out = thread.submit(work, slow, SUMMARIES[0]).result()
        assert timed_out.reason == "took over 0.001 s, the limit (seconds_per_document)"
        # nothing of the timeout is left behind for the thread's next document, nor for the other threads
        # (a pending exception taken back would leave every later profiled call crawling)
        assert thread.submit(work, Pipeline(ner=False), FILES / "utf8.txt").result().reason is None
    assert calls(len, "园区") < 10


def test_an_extractor_bug_fails_its_document_not_the_batch():
    pipeline = Pipeline(["metadata"], ner=False)
    pipeline.components.append(lambda doc: 1 / 0)
    processed = work(pipeline, FILES / "utf8.txt")
    assert processed.document is None
    assert processed.reason == "processing failed (ZeroDivisionError: division by zero)"


def test_ingest_file_says_what_became_of_one_upload(db_url):
    store = Store(db_url, write=True)
    engine = Engine(ner=False)
    first = ingest_file(FILES / "utf8.txt", store, Tags("高新园", 2022), engine=engine)
    assert (first.status, first.document_id, first.reason) == ("stored", 1, None)
    assert ingest_file(FILES / "gbk.txt", store, engine=engine).status == "unchanged"
    failed = ingest_file(FILES / "binary.txt", store, engine=engine)
    assert (failed.status, failed.document_id) == (FAILED, None)
    assert failed.reason.startswith("binary or undecodable")
    assert store.summary()["documents_by_park"] == {"高新园": 1}


@pytest.mark.slow
def test_a_worker_killed_mid_batch_loses_no_document(monkeypatch):
    psutil = pytest.importorskip("psutil")
    restarts = []
    restart = batch._Pool._restart
    monkeypatch.setattr(batch._Pool, "_restart", lambda pool: restarts.append(1) or restart(pool))
    results = Engine(ner=False, workers=2).process(plan([CORPUS] * 3))
    first = next(results)
    # the pool's workers are the children of its fork server, itself a child of this process
    workers = [worker for child in psutil.Process().children() for worker in child.children()]
    assert len(workers) == 2
    workers[0].kill()
    processed = [first[1], *(p for _, p in results)]
    assert len(processed) == 15
    assert [p.reason for p in processed] == [None] * 15
    assert restarts == [1]  # the broken pool was replaced once, its jobs in flight run again alone


def _ingest_dump(url: str, *flags: str) -> dict:
    assert main(["ingest", str(CORPUS), "--db", url, "-q", *flags]) == EXIT_OK
    return kill_ingest.dump(url)


def test_two_workers_write_the_same_database_as_one(tmp_path):
    one = _ingest_dump(f"sqlite:///{tmp_path / 'one.db'}", "--no-ner", "--workers", "1")
    two = _ingest_dump(f"sqlite:///{tmp_path / 'two.db'}", "--no-ner", "--workers", "2")
    assert len(one["documents"]) == 5 and len(one["metrics"]) > 100
    assert two == one


@pytest.mark.slow
def test_two_workers_write_the_same_database_as_one_with_the_model(tmp_path):
    one = _ingest_dump(f"sqlite:///{tmp_path / 'one.db'}", "--workers", "1")
    assert _ingest_dump(f"sqlite:///{tmp_path / 'two.db'}", "--workers", "2") == one


@pytest.fixture
def store_pairs(tmp_path: Path) -> Iterator[list[tuple[str, str]]]:
    """Pairs of empty stores to compare: SQLite files, and new PostgreSQL databases (dropped after) on the
    server of PARKSUM_TEST_POSTGRES where one is named."""
    pairs = [(f"sqlite:///{tmp_path / 'local.db'}", f"sqlite:///{tmp_path / 'cluster.db'}")]
    base = os.environ.get("PARKSUM_TEST_POSTGRES")
    names = [f"parksum_batch_{uuid.uuid4().hex[:12]}" for _ in range(2 if base else 0)]
    if base:
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        pairs.append(tuple(make_url(base).set(database=name).render_as_string(hide_password=False)
                           for name in names))
    yield pairs
    if base:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.slow
def test_a_dask_cluster_of_two_workers_writes_what_a_local_run_writes(store_pairs):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        for local, on_cluster in store_pairs:
            expected = _ingest_dump(local, "--no-ner", "--workers", "1")
            assert _ingest_dump(on_cluster, "--no-ner", "--scheduler", cluster.scheduler_address) == expected


def test_a_scheduler_without_dask_is_a_usage_error(db_url, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as where the extra is not installed
    assert main(["ingest", str(FILES / "utf8.txt"), "--db", db_url, "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "--scheduler needs Dask: pip install 'parksum[distributed]'" in capsys.readouterr().err


@pytest.mark.slow
def test_a_scheduler_nobody_runs_is_a_usage_error(db_url, capsys):
    pytest.importorskip("distributed")
    assert main(["ingest", str(FILES / "utf8.txt"), "--db", db_url, "--scheduler", "tcp://127.0.0.1:9"]) == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err


def test_a_dirty_batch_loses_no_readable_file(tmp_path):
    expected = dirty_batch.make_batch(tmp_path / "batch", 80, random.Random(3))
    figures = dirty_batch.ingest_batch(tmp_path / "batch", expected, tmp_path / "p.db", workers=2)
    assert figures["wrongly rejected"] == [] and figures["wrongly accepted"] == []
    assert figures["stored"] + figures["unchanged"] > 40
    assert len(figures["failed by reason"]) >= 8


@pytest.mark.slow
def test_killed_ingests_leave_a_sound_database_and_a_rerun_equals_a_clean_run(tmp_path):
    clean, seconds = kill_ingest.clean_run(tmp_path)
    rng = random.Random(7)
    assert [kill_ingest.trial(tmp_path, clean, seconds, rng) for _ in range(2)] == [[], []]
