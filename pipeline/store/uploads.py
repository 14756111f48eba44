"""Uploads through the web service: batches, their files (each file is one job for the workers) and API tokens.

A file row is written when its bytes are safe on disk (content-addressed, see parksum.interfaces.web.intake)
and moves queued → processing → stored | unchanged | failed. Workers claim a queued file with a
compare-and-set update, so two workers (threads, processes, or servers on one PostgreSQL) never take the
same file; a file left `processing` by a server that stopped is queued again when a server starts.
Tokens are stored as the SHA-256 of the secret: the secret is shown once, when it is created.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from parksum.store.database import Store
from parksum.store.schema import Base, DocumentRow

QUEUED, PROCESSING, STORED, UNCHANGED, FAILED = "queued", "processing", "stored", "unchanged", "failed"
FINISHED = (STORED, UNCHANGED, FAILED)
TOKEN_PREFIX = "pk_"
MAX_ATTEMPTS = 3


class UploadBatch(Base):
    __tablename__ = "upload_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))  # who uploaded it
    park: Mapped[str | None] = mapped_column(String(200))  # the tags given with the batch
    year: Mapped[int | None] = mapped_column(Integer)


class UploadFile(Base):
    """One uploaded file and its job. `name` is the name it was uploaded under: shown, never a path."""

    __tablename__ = "upload_files"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("upload_batches.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # order in the batch
    name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)  # of the bytes as received
    kind: Mapped[str | None] = mapped_column(String(10))  # txt docx doc pdf, as sniffed from the bytes
    size: Mapped[int] = mapped_column(Integer)
    park: Mapped[str | None] = mapped_column(String(200))
    year: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), index=True)
    reason: Mapped[str | None] = mapped_column(Text)  # why it failed
    document_id: Mapped[int | None] = mapped_column(Integer)  # no foreign key: a document may be deleted
    claim: Mapped[str | None] = mapped_column(String(40))  # the worker's claim on the job: "WORKER:random"
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # claims so far
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


@dataclass(frozen=True)
class NewFile:
    """A file of a new batch: its bytes are stored (sha256, kind) or it was refused (reason)."""

    name: str
    size: int
    sha256: str | None = None
    kind: str | None = None
    park: str | None = None
    year: int | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Job:
    id: int
    batch_id: int
    name: str
    sha256: str
    kind: str
    park: str | None
    year: int | None
    claim: str


def create_batch(engine: Engine, files: list[NewFile], *, park: str | None = None, year: int | None = None,
                 token_id: int | None = None) -> int:
    """A batch and its files in one transaction: refused files are failed at once, the others queued."""
    with Session(engine) as session, session.begin():
        batch = UploadBatch(created_at=_now(), token_id=token_id, park=park, year=year)
        session.add(batch)
        session.flush()
        session.add_all(UploadFile(batch_id=batch.id, seq=seq, name=f.name, sha256=f.sha256, kind=f.kind,
                                   size=f.size, attempts=0, park=f.park, year=f.year,
                                   status=FAILED if f.reason else QUEUED, reason=f.reason,
                                   finished_at=_now() if f.reason else None)
                        for seq, f in enumerate(files))
        return batch.id


def claim_job(engine: Engine, worker: str = "") -> Job | None:
    """Take the oldest queued file for processing, or None when the queue is empty.

    The update only succeeds while the row is still queued, so of two workers racing for one
    row exactly one wins; the loser tries the next row. `worker` names the claimant (its process id),
    so that the jobs of a worker that died can be found."""
    claim = f"{worker}:{secrets.token_hex(8)}"
    with engine.connect() as conn:
        while True:
            candidate = conn.execute(select(UploadFile.id).where(UploadFile.status == QUEUED)
                                     .order_by(UploadFile.id).limit(1)).scalar()
            if candidate is None:
                return None
            won = conn.execute(update(UploadFile).where(UploadFile.id == candidate, UploadFile.status == QUEUED)
                               .values(status=PROCESSING, claim=claim, claimed_at=_now(),
                                       attempts=UploadFile.attempts + 1)).rowcount
            conn.commit()
            if won:
                row = conn.execute(select(UploadFile).where(UploadFile.id == candidate)).one()
                return Job(row.id, row.batch_id, row.name, row.sha256, row.kind, row.park, row.year, claim)


def finish_job(engine: Engine, job: Job, status: str, *, reason: str | None = None,
               document_id: int | None = None) -> bool:
    """Record a job's outcome; False when the claim was lost (the job was queued again meanwhile)."""
    with engine.begin() as conn:
        return bool(conn.execute(update(UploadFile).where(UploadFile.id == job.id, UploadFile.claim == job.claim,
                                                          UploadFile.status == PROCESSING)
                                 .values(status=status, reason=reason, document_id=document_id,
                                         finished_at=_now())).rowcount)


def requeue_unfinished(engine: Engine, worker: str | None = None) -> int:
    """Queue again the files being processed by a stopped server (call before any worker starts), or by
    one dead `worker`. A file whose processing stopped MAX_ATTEMPTS times fails instead: it is what kills
    the workers."""
    claimed = UploadFile.status == PROCESSING
    if worker is not None:
        claimed = claimed & UploadFile.claim.startswith(f"{worker}:", autoescape=True)
    with engine.begin() as conn:
        conn.execute(update(UploadFile).where(claimed, UploadFile.attempts >= MAX_ATTEMPTS)
                     .values(status=FAILED, finished_at=_now(),
                             reason=f"processing it stopped {MAX_ATTEMPTS} times (a worker died on it)"))
        return conn.execute(update(UploadFile).where(claimed).values(status=QUEUED, claim=None,
                                                                     claimed_at=None)).rowcount


def queue_length(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(UploadFile)
                            .where(UploadFile.status.in_((QUEUED, PROCESSING)))).scalar() or 0


def batch(engine: Engine, batch_id: int) -> dict[str, object] | None:
    """A batch with its files (status, reason, the document each became) and counts per status."""
    with Session(engine) as session:
        found = session.get(UploadBatch, batch_id)
        if found is None:
            return None
        shown = func.coalesce(DocumentRow.title, DocumentRow.source_name)
        files = session.execute(
            select(UploadFile, shown).outerjoin(DocumentRow, DocumentRow.id == UploadFile.document_id)
            .where(UploadFile.batch_id == batch_id).order_by(UploadFile.seq)).all()
        rows = [{"id": f.id, "name": f.name, "size": f.size, "kind": f.kind, "sha256": f.sha256, "park": f.park,
                 "year": f.year, "status": f.status, "reason": f.reason, "document_id": f.document_id,
                 "title": title} for f, title in files]
        counts = {status: sum(r["status"] == status for r in rows) for status in (QUEUED, PROCESSING, *FINISHED)}
        return {"id": found.id, "created_at": found.created_at.isoformat(), "park": found.park, "year": found.year,
                "done": all(r["status"] in FINISHED for r in rows), "counts": counts, "files": rows}


def batches(engine: Engine, limit: int = 50) -> list[dict[str, object]]:
    """The latest batches, newest first, with their number of files and of finished files."""
    finished = func.sum(UploadFile.status.in_(FINISHED).cast(Integer))
    query = (select(UploadBatch.id, UploadBatch.created_at, UploadBatch.park, UploadBatch.year,
                    func.count(UploadFile.id).label("files"), func.coalesce(finished, 0).label("finished"))
             .outerjoin(UploadFile, UploadFile.batch_id == UploadBatch.id).group_by(UploadBatch.id)
             .order_by(UploadBatch.id.desc()).limit(limit))
    with engine.connect() as conn:
        return [dict(row._mapping) | {"created_at": row.created_at.isoformat()} for row in conn.execute(query)]


def delete_document(store: Store, document_id: int) -> bool:
    """Delete a stored document with its sections, figures, masks and entities; False if there is none."""
    with Session(store.engine) as session, session.begin():
        if session.get(DocumentRow, document_id) is None:
            return False
        store._delete(session, document_id)
        return True


def create_token(engine: Engine, name: str) -> str:
    """A new token's secret: shown to its owner once, stored only as its hash."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(ApiToken.__table__.insert().values(name=name, token_sha256=_hash(secret), created_at=_now()))
    return secret


def tokens(engine: Engine) -> list[dict[str, object]]:
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(
            select(ApiToken.id, ApiToken.name, ApiToken.created_at, ApiToken.revoked_at).order_by(ApiToken.id))]


def revoke_token(engine: Engine, name_or_id: str) -> int:
    """Revoke the live tokens with this name (or id); returns how many were revoked."""
    match = ApiToken.name == name_or_id
    if name_or_id.isdigit():
        match = match | (ApiToken.id == int(name_or_id))
    with engine.begin() as conn:
        return conn.execute(update(ApiToken).where(match, ApiToken.revoked_at.is_(None))
                            .values(revoked_at=_now())).rowcount


def token_id(engine: Engine, secret: str) -> int | None:
    """The id of the live token with this secret, else None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    with engine.connect() as conn:
        return conn.execute(select(ApiToken.id).where(ApiToken.token_sha256 == _hash(secret),
                                                      ApiToken.revoked_at.is_(None))).scalar()


def _hash(secret: str) -> str:
    # The secrets are 256 random bits: a plain hash cannot be reversed by guessing, no slow hash needed.
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
