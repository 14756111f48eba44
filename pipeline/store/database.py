"""The database: SQLite by default, any SQLAlchemy URL by --db or PARKSUM_DB.

A store is opened for reading (the default: the database must exist, and nothing is written
unless its schema is older than this release's) or for writing (`write=True`: created where
missing, migrated, the indicator table, views and search index brought up to date).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import Integer, cast, create_engine, delete, func, inspect, select, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Session

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


class StoreMissing(FileNotFoundError):
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
        path = sqlite_file(self.url)
        if not write and path is not None and not path.is_file():
            raise StoreMissing(f"no database at {path}: ingest documents first (parksum ingest FOLDER --db {path})")
        self.engine: Engine = create_engine(self.url)
        if write or self._version() < SCHEMA_VERSION:
            self.migrate()

    def _version(self) -> int:
        if not inspect(self.engine).has_table(SchemaVersion.__tablename__):
            return 0
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(SchemaVersion.version))).scalar() or 0

    def migrate(self) -> None:
        """Bring the schema, the indicator table, the views and the search index up to date."""
        Base.metadata.create_all(self.engine)
        with self.engine.begin() as conn:
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
        known = set(conn.execute(select(Indicator.id)).scalars())
        fresh = [r for r in rows if r["id"] not in known]
        for r in rows:
            if r["id"] in known:
                conn.execute(Indicator.__table__.update().where(Indicator.id == r["id"]).values(**r))
        if fresh:
            conn.execute(Indicator.__table__.insert(), fresh)

    def ingest(self, doc: Document, *, replace: bool = False) -> IngestResult:
        """Store a processed document whole, in one transaction; the same content twice is stored once."""
        with Session(self.engine) as session, session.begin():
            existing = session.scalar(select(DocumentRow).where(DocumentRow.sha256 == doc.sha256))
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
            row = self._add(session, doc, **kept)
            fulltext.index_document(session.connection(), row.id)
            return IngestResult("replaced" if existing is not None else "stored", row.id)

    def _add(self, session: Session, doc: Document, **kept: int) -> DocumentRow:
        row = DocumentRow(park_id=kept.get("park_id") or self._park_id(session, doc.park),
                          year=kept.get("year") or doc.year, title=doc.title,
                          park_in_text=doc.park_in_text, year_in_text=doc.year_in_text, period=doc.period,
                          doc_type=doc.doc_type, source_name=doc.name, encoding=doc.encoding,
                          sha256=doc.sha256, n_chars=len(doc.text), text=doc.text, ingested_at=_now())
        session.add(row)
        session.flush()
        ids: list[int] = []
        for section in doc.sections:
            body_end = next((s.start for s in doc.sections[section.index + 1:]), section.end)
            srow = SectionRow(document_id=row.id, parent_id=ids[section.parent] if section.parent is not None
                              else None, seq=section.index, depth=section.depth, marker=section.marker,
                              ordinal=section.ordinal, title=section.title, kind=section.kind,
                              path=section.path, start=section.start, end=section.end,
                              text=doc.text[section.start:min(body_end, section.end)])
            session.add(srow)
            session.flush()
            ids.append(srow.id)
        metric_rows = []
        for q in doc.quantities:
            mrow = MetricRow(document_id=row.id, section_id=_section_id(ids, q.section), start=q.start, end=q.end,
                             text=q.text, indicator=q.indicator, indicator_id=q.indicator_id, role=q.role,
                             masked=q.masked, deleted=q.deleted, threshold=q.threshold, value=q.value,
                             value_low=q.value_low,
                             value_high=q.value_high, unit=q.unit, base_unit=q.base_unit, base_value=q.base_value,
                             qualifier=q.qualifier, status=q.status, period=q.period, period_year=q.period_year,
                             sentence=doc.text[q.sentence_start:q.sentence_end], sentence_start=q.sentence_start)
            session.add(mrow)
            metric_rows.append((q, mrow))
        session.flush()
        for p in doc.placeholders:
            metric = next((m for q, m in metric_rows if q.start <= p.start and p.end <= q.end), None)
            session.add(PlaceholderRow(document_id=row.id, section_id=_section_id(ids, p.section),
                                       metric_id=metric.id if metric else None, start=p.start, end=p.end,
                                       text=p.text, kind=p.kind))
        for e in doc.entities:
            session.add(EntityRow(document_id=row.id, section_id=_section_id(ids, e.section), label=e.label,
                                  text=e.text, masked=e.masked, start=e.start, end=e.end, source=e.source))
        session.flush()
        return row

    @staticmethod
    def _delete(session: Session, document_id: int) -> None:
        fulltext.unindex_document(session.connection(), document_id)
        for table in (EntityRow, PlaceholderRow, MetricRow):
            session.execute(delete(table).where(table.document_id == document_id))
        session.execute(delete(SectionRow).where(SectionRow.document_id == document_id))
        session.execute(delete(DocumentRow).where(DocumentRow.id == document_id))

    @staticmethod
    def _park_id(session: Session, name: str | None) -> int | None:
        """The park a name stands for: by its alias, else by its key (扬州经开区 = 扬州经济技术开发区, the
        new spelling kept as an alias), else a new park."""
        if not name:
            return None
        park_id = session.scalar(select(ParkAlias.park_id).where(ParkAlias.alias == name)) or session.scalar(
            select(Park.id).where(Park.name == name))
        if park_id is None:
            key = park_key(name)
            park_id = next((a.park_id for a in session.scalars(select(ParkAlias)) if park_key(a.alias) == key), None)
            if park_id is None:
                park = Park(name=name)
                session.add(park)
                session.flush()
                park_id = park.id
        if session.get(ParkAlias, name) is None:
            session.add(ParkAlias(alias=name, park_id=park_id))
            session.flush()
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

    def read(self, sql: str, **params: object) -> pd.DataFrame:
        """A query's rows as a DataFrame (the store's queries, parksum.store.queries, go through here)."""
        with self.engine.connect() as conn:
            return pd.read_sql_query(text(sql), conn, params=params)

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


def _section_id(ids: list[int], section: int | None) -> int | None:
    return ids[section] if section is not None else None


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
