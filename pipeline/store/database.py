"""The database: SQLite by default, any SQLAlchemy URL by --db or PARKSUM_DB (PostgreSQL tested).

A store is opened for reading (the default: the database must exist and be of this release's schema,
and nothing is written: SQLite opens the file read-only, PostgreSQL's sessions are read-only) or for
writing (`write=True`: created where missing, migrated, the indicator table, views and search index
brought up to date).

Several processes may write one store at once. Schema changes run under a lock (SQLite: a write
transaction begun IMMEDIATE; PostgreSQL: an advisory lock), and a park or document that another
writer stores first is taken as found (INSERT … ON CONFLICT DO NOTHING, then read back). SQLite
runs in WAL mode, so that readers and the writer do not block one another, and waits for the write
lock instead of failing.
"""
from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import import_module
from pathlib import Path
from urllib.parse import quote

import pandas as pd
from sqlalchemy import Integer, Table, bindparam, cast, create_engine, delete, event, func, inspect, select, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import DatabaseError, DBAPIError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.elements import TextClause

from parksum.extractors.indicators import lexicon
from parksum.extractors.park import park_key
from parksum.store import fulltext
from parksum.store.schema import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Base,
    DocumentRow,
    EntityRow,
    Indicator,
    MetricRow,
    Park,
    ParkAlias,
    PlaceholderRow,
    SchemaVersion,
    SectionRow,
)
from parksum.store.views import refresh_views
from parksum.text.doc import Document

DEFAULT_DB = "parks.db"
# How long a SQLite writer waits for another's write transaction before it gives up.
BUSY_TIMEOUT_S = 120
# PostgreSQL advisory lock keys: one for schema changes, one for creating parks and their aliases.
SCHEMA_LOCK = zlib.crc32(b"parksum schema")
PARKS_LOCK = zlib.crc32(b"parksum parks")
DRIVER_EXTRAS = {"postgresql": "postgres"}


class StoreError(Exception):
    """A store that cannot be opened as asked; the message is one line for the user."""


class StoreMissing(StoreError, FileNotFoundError):
    """A read of a database that does not exist: a mistyped --db must not answer `documents: 0`."""


def database_url(db: str | None = None) -> str:
    """--db value, else $PARKSUM_DB, else parks.db; a plain path means a SQLite file."""
    db = db or os.environ.get("PARKSUM_DB") or DEFAULT_DB
    return db if "://" in db else f"sqlite:///{Path(db)}"


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory SQLite)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


@dataclass(frozen=True)
class IngestResult:
    status: str  # stored, unchanged, replaced
    document_id: int


class Store:
    def __init__(self, db: str | None = None, *, write: bool = False) -> None:
        self.url = database_url(db)
        self.write = write
        path = sqlite_file(self.url)
        if path is not None and not path.is_file():
            if not write:
                raise StoreMissing(f"no database at {path}: ingest documents first (parksum ingest FOLDER --db {path})")
            if not path.parent.is_dir():
                raise StoreMissing(f"no folder {path.parent} for the database {path}")
        self.engine: Engine = _engine(self.url, write=write)
        if write:
            try:
                self.migrate()
            except OperationalError as error:  # no server there, or another writer held the lock too long
                raise StoreError(f"cannot write {_shown(self.url)}: {_reason(error)}") from None
            return
        version = self._version()
        if version == 0:
            raise StoreError(f"{_shown(self.url)} holds no parksum store: ingest documents first")
        if version < SCHEMA_VERSION:
            raise StoreError(f"{_shown(self.url)} was written by an older release (schema {version}, this one reads "
                             f"{SCHEMA_VERSION}): bring it up to date with `parksum migrate --db {_shown(self.url)}`")

    def _version(self) -> int:
        try:
            if not inspect(self.engine).has_table(SchemaVersion.__tablename__):
                return 0
            with self.engine.connect() as conn:
                return conn.execute(select(func.max(SchemaVersion.version))).scalar() or 0
        except OperationalError as error:
            path = sqlite_file(self.url)
            if (path is None or self.engine.url.query.get("immutable")
                    or not any(cause in str(error.orig) for cause in ("unable to open", "readonly"))):
                raise StoreError(f"cannot read {_shown(self.url)}: {_reason(error)}") from None
            # A WAL database in a folder this user cannot write: SQLite cannot make its shared-memory
            # file, so it is read as immutable: what another user writes meanwhile is not seen.
            self.engine.dispose()
            self.engine = _sqlite_engine(path, write=False, immutable=True)
            return self._version()
        except DatabaseError as error:
            raise StoreError(f"{_shown(self.url)} is not a database parksum can read: {_reason(error)}") from None

    def migrate(self) -> None:
        """Bring the schema, the indicator table, the views and the search index up to date, under the
        schema lock: writers that open one store together create and migrate it once."""
        with self.engine.begin() as conn:
            _lock(conn, SCHEMA_LOCK)
            Base.metadata.create_all(conn)
            current = conn.execute(select(func.max(SchemaVersion.version))).scalar() or 0
            for version in range(current + 1, SCHEMA_VERSION + 1):
                if current:  # a fresh database is created at the newest version
                    MIGRATIONS[version](conn)
                conn.execute(SchemaVersion.__table__.insert().values(version=version, applied_at=_now()))
            self._refresh_indicators(conn)
            refresh_views(conn)
            fulltext.create_index(conn)

    @staticmethod
    def _refresh_indicators(conn: Connection) -> None:
        """Mirror the indicator lexicon, so that analysts can join metrics to canonical names."""
        rows = [vars(indicator) for indicator in lexicon().indicators.values()]
        stored = {row.id: dict(row._mapping) for row in conn.execute(select(Indicator))}
        for r in rows:
            if r["id"] in stored and stored[r["id"]] != r:
                conn.execute(Indicator.__table__.update().where(Indicator.id == r["id"]).values(**r))
        fresh = [r for r in rows if r["id"] not in stored]
        if fresh:
            conn.execute(Indicator.__table__.insert(), fresh)

    def ingest(self, doc: Document, *, replace: bool = False) -> IngestResult:
        """Store a processed document whole, in one transaction; the same content twice is stored once,
        also when two writers store it at the same moment."""
        with Session(self.engine) as session, session.begin():
            existing = session.execute(select(DocumentRow.id, DocumentRow.park_id, DocumentRow.year)
                                       .where(DocumentRow.sha256 == doc.sha256)).first()
            if existing is not None and not replace:
                return IngestResult("unchanged", existing.id)
            kept = {}
            if existing is not None:
                # Replacing keeps the tags the document was stored with unless new ones are given: a park
                # or year the new run only read from the text gives way to the stored one.
                if existing.park_id is not None and doc.park in (None, doc.park_in_text):
                    kept["park_id"] = existing.park_id
                if existing.year is not None and doc.year in (None, doc.year_in_text):
                    kept["year"] = existing.year
                self._delete(session, existing.id)
            document_id = self._add(session.connection(), doc, **kept)
            if document_id is None:  # another writer stored the same content since the check above
                stored = session.scalar(select(DocumentRow.id).where(DocumentRow.sha256 == doc.sha256))
                return IngestResult("unchanged", stored)
            fulltext.index_document(session.connection(), document_id)
            return IngestResult("replaced" if existing is not None else "stored", document_id)

    def _add(self, conn: Connection, doc: Document, **kept: int) -> int | None:
        """Insert the document and its rows, a table at a time; None when its content is stored already."""
        document_id = conn.execute(
            _insert_new(conn, DocumentRow.__table__, "sha256").values(
                park_id=kept.get("park_id") or self._park_id(conn, doc.park), year=kept.get("year") or doc.year,
                title=doc.title, park_in_text=doc.park_in_text, year_in_text=doc.year_in_text, period=doc.period,
                doc_type=doc.doc_type, source_name=doc.name, encoding=doc.encoding, sha256=doc.sha256,
                n_chars=len(doc.text), text=doc.text, ingested_at=_now()).returning(DocumentRow.id)).scalar()
        if document_id is None:
            return None
        sections = [{"document_id": document_id, "seq": s.index, "depth": s.depth, "marker": s.marker,
                     "ordinal": s.ordinal, "title": s.title, "kind": s.kind, "path": s.path, "start": s.start,
                     "end": s.end, "text": doc.text[s.start:min(_body_end(doc, s.index), s.end)]}
                    for s in doc.sections]
        ids = _insert_rows(conn, SectionRow.__table__, sections)
        parents = [{"section": ids[s.index], "parent": ids[s.parent]} for s in doc.sections if s.parent is not None]
        if parents:
            table = SectionRow.__table__
            conn.execute(table.update().where(table.c.id == bindparam("section")).values(parent_id=bindparam("parent")),
                         parents)
        metrics = [{"document_id": document_id, "section_id": _section_id(ids, q.section), "start": q.start,
                    "end": q.end, "text": q.text, "indicator": q.indicator, "indicator_id": q.indicator_id,
                    "role": q.role, "masked": q.masked, "deleted": q.deleted, "threshold": q.threshold,
                    "value": q.value, "value_low": q.value_low, "value_high": q.value_high, "unit": q.unit,
                    "base_unit": q.base_unit, "base_value": q.base_value, "qualifier": q.qualifier,
                    "status": q.status, "period": q.period, "period_year": q.period_year,
                    "sentence": doc.text[q.sentence_start:q.sentence_end], "sentence_start": q.sentence_start}
                   for q in doc.quantities]
        metric_ids = _insert_rows(conn, MetricRow.__table__, metrics)
        placeholders = [{"document_id": document_id, "section_id": _section_id(ids, p.section),
                         "metric_id": next((i for q, i in zip(doc.quantities, metric_ids, strict=True)
                                            if q.start <= p.start and p.end <= q.end), None),
                         "start": p.start, "end": p.end, "text": p.text, "kind": p.kind} for p in doc.placeholders]
        _insert_rows(conn, PlaceholderRow.__table__, placeholders, returning=False)
        entities = [{"document_id": document_id, "section_id": _section_id(ids, e.section), "label": e.label,
                     "text": e.text, "masked": e.masked, "start": e.start, "end": e.end, "source": e.source}
                    for e in doc.entities]
        _insert_rows(conn, EntityRow.__table__, entities, returning=False)
        return document_id

    @staticmethod
    def _delete(session: Session, document_id: int) -> None:
        fulltext.unindex_document(session.connection(), document_id)
        for table in (EntityRow, PlaceholderRow, MetricRow):
            session.execute(delete(table).where(table.document_id == document_id))
        session.execute(delete(SectionRow).where(SectionRow.document_id == document_id))
        session.execute(delete(DocumentRow).where(DocumentRow.id == document_id))

    @staticmethod
    def _park_id(conn: Connection, name: str | None) -> int | None:
        """The park a name stands for: by its alias, else by its key (扬州经开区 = 扬州经济技术开发区, the
        new spelling kept as an alias), else a new park. Parks are created under the parks lock, so that
        two writers meeting a new park make it once."""
        if not name:
            return None
        known = conn.scalar(select(ParkAlias.park_id).where(ParkAlias.alias == name))
        if known is not None:
            return known
        _lock(conn, PARKS_LOCK)
        park_id = conn.scalar(select(ParkAlias.park_id).where(ParkAlias.alias == name)) or conn.scalar(
            select(Park.id).where(Park.name == name))
        if park_id is None:
            key = park_key(name)
            park_id = next((park for alias, park in conn.execute(select(ParkAlias.alias, ParkAlias.park_id))
                            if park_key(alias) == key), None)
        if park_id is None:
            conn.execute(_insert_new(conn, Park.__table__, "name").values(name=name))
            park_id = conn.scalar(select(Park.id).where(Park.name == name))
        conn.execute(_insert_new(conn, ParkAlias.__table__, "alias").values(alias=name, park_id=park_id))
        return park_id

    def parks(self) -> list[dict[str, object]]:
        """Every park with its aliases and documents, and how many documents name another park in their text."""
        with Session(self.engine) as session:
            rows = []
            for park in session.scalars(select(Park).order_by(Park.name)):
                aliases = sorted(a for a in session.scalars(select(ParkAlias.alias).where(ParkAlias.park_id == park.id))
                                 if a != park.name)
                documents = session.scalars(select(DocumentRow).where(DocumentRow.park_id == park.id)).all()
                disagree = sum(1 for d in documents if d.park_in_text and park_key(d.park_in_text) not in
                               {park_key(park.name), *map(park_key, aliases)})
                rows.append({"park": park.name, "aliases": aliases, "documents": len(documents),
                             "documents_naming_another_park": disagree})
            return rows

    def rename_park(self, old: str, new: str) -> None:
        """Give a park a new name; the old one stays an alias."""
        with Session(self.engine) as session, session.begin():
            park = self._park(session, old)
            if session.scalar(select(Park).where(Park.name == new)) is not None:
                raise ValueError(f"a park named {new!r} exists: merge the two instead")
            park.name = new
            if session.get(ParkAlias, new) is None:
                session.add(ParkAlias(alias=new, park_id=park.id))

    def merge_parks(self, keep: str, others: list[str]) -> int:
        """Fold other parks into `keep`: their documents and aliases move to it. Returns documents moved."""
        with Session(self.engine) as session, session.begin():
            target = self._park(session, keep)
            moved = 0
            for name in others:
                park = self._park(session, name)
                if park.id == target.id:
                    continue
                moved += session.execute(DocumentRow.__table__.update().where(DocumentRow.park_id == park.id)
                                         .values(park_id=target.id)).rowcount
                session.execute(ParkAlias.__table__.update().where(ParkAlias.park_id == park.id)
                                .values(park_id=target.id))
                session.delete(park)
            return moved

    @staticmethod
    def _park(session: Session, name: str) -> Park:
        park_id = session.scalar(select(ParkAlias.park_id).where(ParkAlias.alias == name))
        park = session.get(Park, park_id) if park_id is not None else None
        if park is None:
            raise LookupError(f"no park named {name!r} (see `parksum parks`)")
        return park

    def read(self, sql: str | TextClause, **params: object) -> pd.DataFrame:
        """A query's rows as a DataFrame (the store's queries, parksum.store.queries, go through here)."""
        with self.engine.connect() as conn:
            return pd.read_sql_query(text(sql) if isinstance(sql, str) else sql, conn, params=params)

    def summary(self) -> dict[str, object]:
        """Counts an analyst checks after a batch: documents, sections by kind, per park."""
        with self.engine.connect() as conn:
            documents = conn.execute(select(func.count()).select_from(DocumentRow)).scalar()
            kinds = dict(conn.execute(select(SectionRow.kind, func.count()).where(SectionRow.depth > 0)
                                      .group_by(SectionRow.kind).order_by(SectionRow.kind)).all())
            parks = conn.execute(select(func.coalesce(Park.name, "(no park)"), func.count())
                                 .select_from(DocumentRow).outerjoin(Park, Park.id == DocumentRow.park_id)
                                 .group_by(Park.name).order_by(Park.name)).all()
        return {"documents": documents, "sections_by_kind": kinds, "documents_by_park": dict(parks)}

    def entities(self, park: str | None = None, label: str | None = None) -> list[dict[str, object]]:
        """Entities grouped by park, label and text, with how often and in how many documents they appear."""
        masked = func.max(cast(EntityRow.masked, Integer))  # max(boolean) does not exist on PostgreSQL
        query = (select(func.coalesce(Park.name, "(no park)").label("park"), EntityRow.label, EntityRow.text,
                        masked.label("masked"), func.count().label("count"),
                        func.count(func.distinct(EntityRow.document_id)).label("documents"))
                 .join(DocumentRow, DocumentRow.id == EntityRow.document_id)
                 .outerjoin(Park, Park.id == DocumentRow.park_id)
                 .group_by("park", EntityRow.label, EntityRow.text)
                 .order_by("park", EntityRow.label, func.count().desc(), EntityRow.text))
        if park:
            query = query.where(Park.name == park)
        if label:
            query = query.where(EntityRow.label == label.upper())
        with self.engine.connect() as conn:
            return [dict(row._mapping) | {"masked": bool(row.masked)} for row in conn.execute(query)]


def _engine(url: str, *, write: bool) -> Engine:
    """An engine for the URL; a URL naming a driver that is not installed is a StoreError saying what to install."""
    path = sqlite_file(url)
    if path is not None:
        return _sqlite_engine(path, write=write)
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3, the driver of the postgres extra
    try:
        engine = create_engine(parsed)
    except ModuleNotFoundError as missing:
        extra = DRIVER_EXTRAS.get(backend)
        hint = f": pip install 'parksum[{extra}]' (psycopg 3, for {backend}:// URLs)" if extra else ""
        raise StoreError(f"the database driver {missing.name} is not installed{hint}") from None
    if backend == "postgresql" and not write:
        event.listen(engine, "connect", _read_only_session)
    return engine


def _sqlite_engine(path: Path, *, write: bool, immutable: bool = False) -> Engine:
    """A writer waits for the write lock (busy timeout) and takes it when its transaction begins, so that
    it never has to upgrade a read to a write under another writer; a reader opens the file read-only."""
    if write:
        url = URL.create("sqlite", database=str(path))
    else:
        options = {"mode": "ro", "uri": "true"} | ({"immutable": "1"} if immutable else {})
        url = URL.create("sqlite", database=f"file:{quote(str(path.resolve()))}", query=options)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def connect(dbapi_connection: object, _record: object) -> None:
        dbapi_connection.isolation_level = None  # transactions begin as below, not by the driver's guess
        if write:
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            dbapi_connection.execute("PRAGMA synchronous=NORMAL")  # WAL keeps it consistent after a crash

    @event.listens_for(engine, "begin")
    def begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _read_only_session(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    cursor.close()
    dbapi_connection.commit()


def _lock(conn: Connection, key: int) -> None:
    """Hold `key` until the transaction ends. On SQLite a writer's transaction holds the database's one write
    lock from its start (BEGIN IMMEDIATE); PostgreSQL takes an advisory lock."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _insert_new(conn: Connection, table: Table, key: str) -> Insert:
    """INSERT that does nothing where a row with the same `key` exists (one another writer just stored).
    The dialect's module is imported here, by writers: importing PostgreSQL's cost every read 0.07 s."""
    if conn.dialect.name not in ("postgresql", "sqlite"):
        return table.insert()
    dialect = import_module(f"sqlalchemy.dialects.{conn.dialect.name}")
    return dialect.insert(table).on_conflict_do_nothing(index_elements=[key])


def _insert_rows(conn: Connection, table: Table, rows: list[dict], *, returning: bool = True) -> list[int]:
    """Insert rows in one statement; their new ids in the order of `rows`."""
    if not rows:
        return []
    if not returning:
        conn.execute(table.insert(), rows)
        return []
    return list(conn.execute(table.insert().returning(table.c.id, sort_by_parameter_order=True), rows).scalars())


def _body_end(doc: Document, index: int) -> int:
    """Where a section's own text ends: at the next section's start (its first subsection, or its end)."""
    return next((s.start for s in doc.sections[index + 1:]), doc.sections[index].end)


def _shown(url: str) -> str:
    path = sqlite_file(url)
    return str(path) if path is not None else make_url(url).render_as_string(hide_password=True)


def _reason(error: DBAPIError) -> str:
    """The driver's message on one line (psycopg adds hints on lines of their own)."""
    return " ".join(str(error.orig).split())


def _section_id(ids: list[int], section: int | None) -> int | None:
    return ids[section] if section is not None else None


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
