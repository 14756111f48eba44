"""Reads of stored documents for the web service: a filtered list, and one document with everything
extracted from it (sections, figures, masks, entities) with their spans in its text."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from parksum.store.database import Store
from parksum.store.schema import DocumentRow, EntityRow, MetricRow, Park, PlaceholderRow, SectionRow

LISTED = (DocumentRow.id, DocumentRow.title, DocumentRow.year, DocumentRow.doc_type, DocumentRow.source_name,
          DocumentRow.n_chars, DocumentRow.ingested_at, Park.name.label("park"))


def list_documents(store: Store, *, park: str | None = None, year: int | None = None, doc_type: str | None = None,
                   limit: int = 100, offset: int = 0) -> tuple[list[dict[str, object]], int]:
    """Documents matching the filters, newest first, and how many match in all."""
    query = select(*LISTED).outerjoin(Park, Park.id == DocumentRow.park_id)
    if park:
        query = query.where(Park.name == park)
    if year:
        query = query.where(DocumentRow.year == year)
    if doc_type:
        query = query.where(DocumentRow.doc_type == doc_type)
    with store.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(query.subquery())).scalar() or 0
        rows = conn.execute(query.order_by(DocumentRow.id.desc()).limit(limit).offset(offset)).all()
    return [_plain(row._mapping) for row in rows], total


def filter_choices(store: Store) -> dict[str, list[object]]:
    """The parks, years and document types that occur, for the list's filters."""
    with store.engine.connect() as conn:
        return {"parks": list(conn.execute(select(Park.name).order_by(Park.name)).scalars()),
                "years": list(conn.execute(select(DocumentRow.year).where(DocumentRow.year.is_not(None)).distinct()
                                           .order_by(DocumentRow.year.desc())).scalars()),
                "types": list(conn.execute(select(DocumentRow.doc_type).where(DocumentRow.doc_type.is_not(None))
                                           .distinct().order_by(DocumentRow.doc_type)).scalars())}


def document(store: Store, document_id: int) -> dict[str, object] | None:
    """One document: its columns, text, and lists of sections, metrics, placeholders and entities."""
    with Session(store.engine) as session:
        row = session.execute(select(DocumentRow, Park.name).outerjoin(Park, Park.id == DocumentRow.park_id)
                              .where(DocumentRow.id == document_id)).first()
        if row is None:
            return None
        doc, park = row
        found = {column.name: getattr(doc, column.name) for column in DocumentRow.__table__.columns} | {"park": park}
        found["ingested_at"] = doc.ingested_at.isoformat()
        for key, table in (("sections", SectionRow), ("metrics", MetricRow), ("placeholders", PlaceholderRow),
                           ("entities", EntityRow)):
            order = SectionRow.seq if table is SectionRow else table.start
            found[key] = [{c.name: getattr(r, c.name) for c in table.__table__.columns}
                          for r in session.scalars(select(table).where(table.document_id == document_id)
                                                   .order_by(order))]
        return found


def _plain(mapping: object) -> dict[str, object]:
    row = dict(mapping)
    row["ingested_at"] = row["ingested_at"].isoformat()
    return row


def documents_of_sections(store: Store, section_ids: list[int]) -> dict[int, int]:
    """The document each section belongs to."""
    if not section_ids:
        return {}
    with store.engine.connect() as conn:
        return dict(conn.execute(select(SectionRow.id, SectionRow.document_id)
                                 .where(SectionRow.id.in_(section_ids))).all())


def fingerprint(store: Store) -> tuple:
    """Changes whenever a document is added, replaced or deleted, or a park is renamed or merged: what a
    page computed from the whole store can be kept until then."""
    with store.engine.connect() as conn:
        counts = conn.execute(select(func.count(), func.max(DocumentRow.id), func.max(DocumentRow.ingested_at))
                              .select_from(DocumentRow)).one()
        parks = conn.execute(select(Park.id, Park.name).order_by(Park.id)).all()
    return (*counts, *(tuple(p) for p in parks))
