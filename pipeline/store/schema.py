"""The tables: what an analyst reads (see docs/database.md), and the migrations between versions.

`schema_version` records which migrations ran, so a later release can alter an existing database
in place. Each migration brings a database from version n-1 to n; tables a version adds are
created by create_all, a migration alters what already exists.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from parksum.store import fulltext


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


class ParkAlias(Base):
    """Every way a park is written (its name too): one park is one row however its documents write it."""

    __tablename__ = "park_aliases"
    alias: Mapped[str] = mapped_column(String(200), primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id"), index=True)


class DocumentRow(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int | None] = mapped_column(ForeignKey("parks.id"), index=True)
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    title: Mapped[str | None] = mapped_column(Text)
    park_in_text: Mapped[str | None] = mapped_column(String(200))  # the park the document names (tags may differ)
    year_in_text: Mapped[int | None] = mapped_column(Integer)  # the year the document names
    period: Mapped[str | None] = mapped_column(String(40))  # the part of the year covered: 上半年, 1-9月
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
    indicator: Mapped[str | None] = mapped_column(String(200), index=True)  # the phrase naming what is measured
    indicator_id: Mapped[str | None] = mapped_column(ForeignKey("indicators.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # value count growth share multiple rank completion
    masked: Mapped[bool] = mapped_column(Boolean)
    deleted: Mapped[bool] = mapped_column(Boolean)  # the number was removed outright
    threshold: Mapped[bool] = mapped_column(Boolean, default=False)  # bounds a class: 500万元以上企业; no fact
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


def _index_with_documents(conn: Connection) -> None:
    """The full-text index is written with the documents (store.fulltext), no longer rebuilt by searches."""
    conn.exec_driver_sql("DROP TABLE IF EXISTS sections_fts_state")
    fulltext.rebuild_index(conn)


def _metadata_from_the_text(conn: Connection) -> None:
    for table, column, kind in (("documents", "park_in_text", "VARCHAR(200)"),
                                ("documents", "year_in_text", "INTEGER"), ("documents", "period", "VARCHAR(40)"),
                                ("metrics", "threshold", "BOOLEAN DEFAULT FALSE")):
        conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
    conn.exec_driver_sql("INSERT INTO park_aliases (alias, park_id) SELECT name, id FROM parks")


def _index_indicator_phrases(conn: Connection) -> None:
    """compare and metrics find an indicator's figures by its phrase (or its id) in the index, not by a scan."""
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_metrics_indicator ON metrics (indicator)")


MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    1: lambda conn: None,  # parks, documents, sections
    2: lambda conn: None,  # indicators, metrics, placeholders (new tables only)
    3: lambda conn: None,  # entities (a new table only)
    4: _index_with_documents,
    5: _metadata_from_the_text,  # documents: park_in_text, year_in_text, period; metrics: threshold; park_aliases
    6: lambda conn: None,  # views only (refreshed by every migration): dimensions of facts, target_outcomes
    7: lambda conn: None,  # upload_batches, upload_files, api_tokens (store.uploads; new tables only)
    8: _index_indicator_phrases,
}
SCHEMA_VERSION = max(MIGRATIONS)


