"""The database: SQLite by default, any SQLAlchemy URL by --db or PARKSUM_DB.

The tables are the interface analysts read; `schema_version` records which migrations
ran, so a later release can alter an existing database in place (see MIGRATIONS).
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    delete,
    func,
    select,
    text,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from extractors.indicators import lexicon
from pipeline.doc import Document
from pipeline.views import refresh_views

DEFAULT_DB = "parks.db"


class Base(DeclarativeBase):
    pass


class SchemaVersion(Base):
    __tablename__ = "schema_version"
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    applied_at: Mapped[datetime] = mapped_column(DateTime)


class Park(Base):
    __tablename__ = "parks"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class DocumentRow(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int | None] = mapped_column(ForeignKey("parks.id"), index=True)
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    title: Mapped[str | None] = mapped_column(Text)
    doc_type: Mapped[str | None] = mapped_column(String(40))
    source_name: Mapped[str] = mapped_column(String(500))
    encoding: Mapped[str | None] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    n_chars: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    ingested_at: Mapped[datetime] = mapped_column(DateTime)


class SectionRow(Base):
    __tablename__ = "sections"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id"))
    seq: Mapped[int] = mapped_column(Integer)  # order in the document, preamble 0
    depth: Mapped[int] = mapped_column(Integer)
    marker: Mapped[str | None] = mapped_column(String(20))
    ordinal: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    path: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)  # span of the section with its subsections
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)  # its own text, up to its first subsection


class Indicator(Base):
    """The canonical indicators of extractors/data/indicators.csv, refreshed on every open."""

    __tablename__ = "indicators"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(200))
    dimension: Mapped[str] = mapped_column(String(20))


class MetricRow(Base):
    """One reported figure, with where it came from."""

    __tablename__ = "metrics"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id"))
    start: Mapped[int] = mapped_column(Integer)  # span of `text` in documents.text
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(100))  # as written: **亿元, 83%, 第二, 5-10家
    indicator: Mapped[str | None] = mapped_column(String(200))  # the phrase naming what is measured
    indicator_id: Mapped[str | None] = mapped_column(ForeignKey("indicators.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # value count growth share multiple rank completion
    masked: Mapped[bool] = mapped_column(Boolean)
    deleted: Mapped[bool] = mapped_column(Boolean)  # the number was removed outright
    value: Mapped[float | None] = mapped_column(Float)  # in the written unit; null when masked or a range
    value_low: Mapped[float | None] = mapped_column(Float)  # a range's bounds
    value_high: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(20))  # as written
    base_unit: Mapped[str | None] = mapped_column(String(20))
    base_value: Mapped[float | None] = mapped_column(Float)  # value in base_unit (亿元 → 元)
    qualifier: Mapped[str | None] = mapped_column(String(20))  # 约 超 近 余 以上 …
    status: Mapped[str] = mapped_column(String(20))  # actual forecast target
    period: Mapped[str | None] = mapped_column(String(40))  # as written: 2022年, 1-10月, 今年**月
    period_year: Mapped[int | None] = mapped_column(Integer, index=True)  # the year it resolves to
    sentence: Mapped[str] = mapped_column(Text)
    sentence_start: Mapped[int] = mapped_column(Integer)


class PlaceholderRow(Base):
    """One run of mask marks: a value known to exist, its number or name withheld."""

    __tablename__ = "placeholders"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id"))
    metric_id: Mapped[int | None] = mapped_column(ForeignKey("metrics.id"))  # the quantity it masks
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20), index=True)  # quantity period name term other


class EntityRow(Base):
    """One named thing: an organisation, company, place, project, document title or industry."""

    __tablename__ = "entities"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id"))
    label: Mapped[str] = mapped_column(String(20), index=True)  # ORG COMPANY PLACE PROJECT DOC INDUSTRY
    text: Mapped[str] = mapped_column(String(200), index=True)  # as written: **铝业, 省发改委
    masked: Mapped[bool] = mapped_column(Boolean)  # partly or wholly masked; its placeholders lie inside
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(10))  # model or rules


# Each migration brings a database from version n-1 to n. Tables that a version adds
# are created by create_all; a migration alters what already exists.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    1: lambda conn: None,  # parks, documents, sections
    2: lambda conn: None,  # indicators, metrics, placeholders (new tables only)
    3: lambda conn: None,  # entities (a new table only)
}
SCHEMA_VERSION = max(MIGRATIONS)


def database_url(db: str | None = None) -> str:
    """--db value, else $PARKSUM_DB, else parks.db; a plain path means a SQLite file."""
    db = db or os.environ.get("PARKSUM_DB") or DEFAULT_DB
    return db if "://" in db else f"sqlite:///{Path(db)}"


@dataclass(frozen=True)
class IngestResult:
    status: str  # stored, unchanged, replaced
    document_id: int


class Store:
    def __init__(self, db: str | None = None) -> None:
        self.url = database_url(db)
        self.engine: Engine = create_engine(self.url)
        self.migrate()

    def migrate(self) -> None:
        Base.metadata.create_all(self.engine)
        with self.engine.begin() as conn:
            current = conn.execute(select(func.max(SchemaVersion.version))).scalar() or 0
            for version in range(current + 1, SCHEMA_VERSION + 1):
                if current:  # a fresh database is created at the newest version
                    MIGRATIONS[version](conn)
                conn.execute(SchemaVersion.__table__.insert().values(version=version, applied_at=_now()))
            self._refresh_indicators(conn)
            refresh_views(conn)

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
            if existing is not None:
                self._delete(session, existing.id)
            row = self._add(session, doc)
            return IngestResult("replaced" if existing is not None else "stored", row.id)

    def _add(self, session: Session, doc: Document) -> DocumentRow:
        row = DocumentRow(park_id=self._park_id(session, doc.park), year=doc.year, title=doc.title,
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
                             masked=q.masked, deleted=q.deleted, value=q.value, value_low=q.value_low,
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
        return row

    @staticmethod
    def _delete(session: Session, document_id: int) -> None:
        for table in (EntityRow, PlaceholderRow, MetricRow):
            session.execute(delete(table).where(table.document_id == document_id))
        session.execute(delete(SectionRow).where(SectionRow.document_id == document_id))
        session.execute(delete(DocumentRow).where(DocumentRow.id == document_id))

    @staticmethod
    def _park_id(session: Session, name: str | None) -> int | None:
        if not name:
            return None
        park = session.scalar(select(Park).where(Park.name == name))
        if park is None:
            park = Park(name=name)
            session.add(park)
            session.flush()
        return park.id

    def summary(self) -> dict[str, object]:
        """Counts an analyst checks after a batch: documents, sections by kind, per park."""
        with self.engine.connect() as conn:
            documents = conn.execute(select(func.count()).select_from(DocumentRow)).scalar()
            kinds = dict(conn.execute(select(SectionRow.kind, func.count()).where(SectionRow.depth > 0)
                                      .group_by(SectionRow.kind).order_by(SectionRow.kind)).all())
            parks = conn.execute(text(
                "SELECT coalesce(p.name, '(no park)'), count(*) FROM documents d "
                "LEFT JOIN parks p ON p.id = d.park_id GROUP BY 1 ORDER BY 1")).all()
        return {"documents": documents, "sections_by_kind": kinds, "documents_by_park": dict(parks)}


    def entities(self, park: str | None = None, label: str | None = None) -> list[dict[str, object]]:
        """Entities grouped by park, label and text, with how often and in how many documents they appear."""
        query = (select(func.coalesce(Park.name, "(no park)").label("park"), EntityRow.label, EntityRow.text,
                        func.max(EntityRow.masked).label("masked"), func.count().label("count"),
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
