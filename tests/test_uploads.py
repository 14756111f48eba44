"""The upload tables: batches, jobs claimed once each, re-queued after a stop, tokens kept as hashes."""
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from parksum.store import Store
from parksum.store.uploads import (
    FAILED,
    MAX_ATTEMPTS,
    PROCESSING,
    QUEUED,
    STORED,
    ApiToken,
    NewFile,
    batch,
    claim_job,
    create_batch,
    create_token,
    finish_job,
    queue_length,
    requeue_unfinished,
    revoke_token,
    token_id,
    tokens,
)


def _files(n: int) -> list[NewFile]:
    return [NewFile(f"{i}.txt", 10, f"{i:064x}", "txt") for i in range(n)]


def test_a_batch_queues_its_files_and_fails_the_refused_ones_at_once(db_url):
    engine = Store(db_url, write=True).engine
    batch_id = create_batch(engine, [*_files(2), NewFile("x.exe", 5, reason="not a text")], park="高新园", year=2023)
    found = batch(engine, batch_id)
    assert [f["status"] for f in found["files"]] == [QUEUED, QUEUED, FAILED]
    assert found["files"][2]["reason"] == "not a text" and found["park"] == "高新园" and not found["done"]
    assert found["counts"][QUEUED] == 2 and queue_length(engine) == 2


def test_concurrent_workers_claim_each_job_exactly_once(tmp_path):
    engine = Store(f"sqlite:///{tmp_path / 'q.db'}", write=True).engine
    create_batch(engine, _files(60))

    def claim_all() -> list[int]:
        taken = []
        while (job := claim_job(engine)) is not None:
            taken.append(job.id)
        return taken

    with ThreadPoolExecutor(6) as pool:
        claimed = [i for part in pool.map(lambda _: claim_all(), range(6)) for i in part]
    assert sorted(claimed) == list(range(1, 61))  # none twice, none missed


def test_a_stopped_servers_jobs_are_queued_again_and_its_late_answer_is_ignored(db_url):
    engine = Store(db_url, write=True).engine
    batch_id = create_batch(engine, _files(2))
    first = claim_job(engine)
    assert batch(engine, batch_id)["files"][0]["status"] == PROCESSING
    assert requeue_unfinished(engine) == 1
    again = claim_job(engine)
    assert again.id == first.id and again.claim != first.claim
    assert not finish_job(engine, first, FAILED, reason="stale")  # the first claim was lost
    assert finish_job(engine, again, STORED, document_id=7)
    done = batch(engine, batch_id)["files"][0]
    assert (done["status"], done["document_id"], done["reason"]) == (STORED, 7, None)


def test_tokens_are_stored_as_hashes_and_stop_working_when_revoked(db_url):
    engine = Store(db_url, write=True).engine
    secret = create_token(engine, "高新园办公室")
    with engine.connect() as conn:
        stored = conn.execute(select(ApiToken.token_sha256)).scalar()
    assert secret not in stored and len(stored) == 64
    assert token_id(engine, secret) == 1 and token_id(engine, secret + "x") is None
    assert token_id(engine, "guess") is None
    assert revoke_token(engine, "高新园办公室") == 1 and token_id(engine, secret) is None
    assert tokens(engine)[0]["revoked_at"] is not None
    assert revoke_token(engine, "高新园办公室") == 0


def test_a_dead_workers_file_is_queued_again_and_fails_once_it_has_killed_three(db_url):
    engine = Store(db_url, write=True).engine
    batch_id = create_batch(engine, _files(2))
    for attempt in range(1, MAX_ATTEMPTS + 1):
        poison = claim_job(engine, "41")
        if attempt == 1:
            healthy = claim_job(engine, "42")
        assert poison.id == 1 and requeue_unfinished(engine, "41") == (0 if attempt == MAX_ATTEMPTS else 1)
    files = batch(engine, batch_id)["files"]
    assert files[0]["status"] == FAILED and "a worker died on it" in files[0]["reason"]
    assert files[1]["status"] == PROCESSING and finish_job(engine, healthy, STORED, document_id=1)
