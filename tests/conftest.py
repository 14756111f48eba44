"""Shared fixtures: paths to test data and to ../shared (gold annotations and corpora), and stores.

The tests that take a store (`db_url`, `facts_db`) run on SQLite and, where $PARKSUM_TEST_POSTGRES names a
PostgreSQL server (an SQLAlchemy URL, e.g. postgresql://postgres@127.0.0.1:54329/postgres), on PostgreSQL
too, each in a new empty database. Without it the PostgreSQL runs are skipped, except under CI, where they fail.
"""
from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Connection

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "gold" / "score.py").is_file():
        pytest.skip(f"{SHARED} with gold/score.py is absent: gold scores cannot be measured here")
    return SHARED


POSTGRES_ENV = "PARKSUM_TEST_POSTGRES"
BACKENDS = ("sqlite", "postgresql")
# Datasette serves SQLite files only; the notebooks read the store as any analyst would, once is enough.
SQLITE_ONLY = {"tests.test_browse", "tests.test_notebooks"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if {"db_url", "facts_db"} & set(metafunc.fixturenames) and metafunc.module.__name__ not in SQLITE_ONLY:
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "sqlite")


def postgres_server() -> str:
    """The URL of the test server; skips the test without one (fails it under CI)."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        message = f"${POSTGRES_ENV} names no PostgreSQL server for the tests"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return url


def create_postgres_database(server: str, name: str) -> str:
    """The URL of a new empty database on the PostgreSQL server at `server`."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    database = f"parksum_test_{name}_{uuid.uuid4().hex[:12]}"
    with _admin(server) as conn:
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    return make_url(server).set(database=database).render_as_string(hide_password=False)


def drop_postgres_database(server: str, url: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    with _admin(server) as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))


@contextmanager
def _admin(server: str) -> Iterator[Connection]:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    engine = create_engine(make_url(server).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


@pytest.fixture
def new_database(backend: str, tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Makes URLs of new empty databases (one per name) of the test's backend; dropped after the test."""
    if backend == "sqlite":
        yield lambda name: f"sqlite:///{tmp_path / name}.db"
        return
    server = postgres_server()
    made: list[str] = []

    def make(name: str) -> str:
        made.append(create_postgres_database(server, name))
        return made[-1]

    yield make
    for url in made:
        drop_postgres_database(server, url)


@pytest.fixture
def db_url(new_database: Callable[[str], str]) -> str:
    return new_database("parks")


FACTS_FIXTURE = DATA / "facts_fixture.json"


def build_fixture_db(url: str) -> str:
    """Load tests/data/facts_fixture.json into a new store: documents, sections and metrics rows.

    Offsets are computed by finding each section in its document, each sentence in the
    document and each figure in its sentence, as the ingest pipeline would record them.
    """
    from sqlalchemy.orm import Session

    from parksum.store import Store, fulltext
    from parksum.store.schema import DocumentRow, MetricRow, Park, SectionRow

    store = Store(url, write=True)
    fixture = json.loads(FACTS_FIXTURE.read_text(encoding="utf-8"))
    with Session(store.engine) as session, session.begin():
        parks: dict[str, Park] = {}
        for doc in fixture["documents"]:
            if doc["park"] not in parks:
                parks[doc["park"]] = Park(name=doc["park"])
                session.add(parks[doc["park"]])
                session.flush()
            body = f"{doc['title']}\n" + "".join(s["text"] for s in doc["sections"])
            row = DocumentRow(park_id=parks[doc["park"]].id, year=doc["year"], title=doc["title"],
                              doc_type=doc["doc_type"], source_name=doc["source_name"], encoding="utf-8",
                              sha256=hashlib.sha256(body.encode()).hexdigest(), n_chars=len(body), text=body,
                              ingested_at=datetime(2024, 1, 1))
            session.add(row)
            session.flush()
            sections = [SectionRow(document_id=row.id, seq=0, depth=0, title="", kind="other", path="",
                                   start=0, end=len(body), text=body[:len(doc["title"]) + 1])]
            session.add(sections[0])
            for seq, s in enumerate(doc["sections"], 1):
                start = body.index(s["text"])
                parent = next(p for p in reversed(sections) if p.depth < s["depth"])
                session.flush()
                sections.append(SectionRow(document_id=row.id, parent_id=parent.id, seq=seq, depth=s["depth"],
                                           marker=s["marker"], title=s["title"], kind=s["kind"], path=s["path"],
                                           start=start, end=start + len(s["text"]), text=s["text"]))
                session.add(sections[-1])
            session.flush()
            for m in doc["metrics"]:
                sentence_start = body.index(m["sentence"])
                start = sentence_start + m["sentence"].index(m["text"])
                section = next(s for s in reversed(sections) if s.start <= start)
                session.add(MetricRow(
                    document_id=row.id, section_id=section.id, start=start, end=start + len(m["text"]),
                    sentence_start=sentence_start, masked=m.get("masked", False), deleted=False,
                    **{k: m.get(k) for k in ("text", "indicator", "indicator_id", "role", "value", "unit",
                                             "base_unit", "base_value", "qualifier", "status", "period",
                                             "period_year", "sentence")}))
    with store.engine.begin() as conn:
        fulltext.rebuild_index(conn)  # the rows were written past the store's ingest, which indexes them
    store.engine.dispose()  # as a finished ingest leaves it: SQLite's write-ahead log folded into the file
    return url


@pytest.fixture
def facts_db(new_database: Callable[[str], str]) -> str:
    """A store holding the fixture's three parks, five documents and their figures."""
    return build_fixture_db(new_database("facts"))
