"""Shared fixtures: paths to test data and to ../shared (gold annotations and corpora)."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "gold" / "score.py").is_file():
        pytest.skip(f"{SHARED} with gold/score.py is absent: gold scores cannot be measured here")
    return SHARED


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'parks.db'}"


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
    return url


@pytest.fixture
def facts_db(tmp_path: Path) -> str:
    """A store holding the fixture's three parks, five documents and their figures."""
    return build_fixture_db(f"sqlite:///{tmp_path / 'facts.db'}")
