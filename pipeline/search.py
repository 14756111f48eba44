"""Full-text search over sections that works for Chinese.

On SQLite the sections are indexed in the FTS5 table `sections_fts` (rowid = sections.id)
with the `trigram` tokenizer: Chinese has no spaces between words, and trigrams match any
substring of three or more characters without a word segmenter. Shorter terms (厂房, 招商)
cannot match trigrams, so they are matched with LIKE; so is everything on other databases.
The index is rebuilt on demand whenever the documents changed since it was built.
"""
from __future__ import annotations

import re

import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from pipeline.facts import engine as engine_of
from pipeline.store import Store

TRIGRAM = 3
SNIPPET_CONTEXT = 30


def ensure_index(engine: Engine) -> bool:
    """Build sections_fts when it is missing or stale; False where FTS5 is unavailable (not SQLite)."""
    if engine.dialect.name != "sqlite":
        return False
    with engine.begin() as conn:
        conn.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS sections_fts USING fts5(text, tokenize='trigram')"))
        conn.execute(text("CREATE TABLE IF NOT EXISTS sections_fts_state (fingerprint TEXT)"))
        fingerprint = _fingerprint(conn)
        if conn.execute(text("SELECT fingerprint FROM sections_fts_state")).scalar() != fingerprint:
            conn.execute(text("DELETE FROM sections_fts"))
            conn.execute(text("INSERT INTO sections_fts(rowid, text) SELECT id, text FROM sections"))
            conn.execute(text("DELETE FROM sections_fts_state"))
            conn.execute(text("INSERT INTO sections_fts_state VALUES (:f)"), {"f": fingerprint})
    return True


def _fingerprint(conn: Connection) -> str:
    # Replacing a document deletes its sections and stamps a new ingested_at, so this changes
    # whenever the sections do.
    row = conn.execute(text("SELECT (SELECT count(*) FROM documents), (SELECT max(ingested_at) FROM documents), "
                            "(SELECT count(*) FROM sections), (SELECT sum(id) FROM sections)")).one()
    return "|".join(map(str, row))


def search(query: str, db: str | Store | Engine | None = None, *, park: str | None = None,
           kind: str | None = None, limit: int = 20, mark: tuple[str, str] = ("[", "]")) -> pd.DataFrame:
    """Sections holding every term of `query` (terms separated by spaces), best first.

    Columns: park, document, title (the document's), path, heading, kind, snippet (the terms
    wrapped in `mark`), section_id. Ranked by FTS5 bm25 where terms have three or more
    characters, else by how often the terms occur.
    """
    terms = query.split()
    if not terms:
        raise ValueError("empty search query")
    eng = engine_of(db)
    long_terms = [t for t in terms if len(t) >= TRIGRAM] if ensure_index(eng) else []
    short_terms = [t for t in terms if t not in long_terms]
    where, params = ["1 = 1"], {}
    for i, term in enumerate(short_terms):
        where.append(f"s.text LIKE :like{i}")
        params[f"like{i}"] = f"%{term}%"
    if park:
        where.append("p.name = :park")
        params["park"] = park
    if kind:
        where.append("s.kind = :kind")
        params["kind"] = kind
    select = ("SELECT p.name AS park, d.source_name AS document, d.title, s.path, s.title AS heading, s.kind, "
              "s.text, s.id AS section_id{rank} FROM sections s JOIN documents d ON d.id = s.document_id "
              "LEFT JOIN parks p ON p.id = d.park_id {fts} WHERE {where}")
    if long_terms:
        params["match"] = " ".join('"' + t.replace('"', '""') + '"' for t in long_terms)
        sql = select.format(rank=", bm25(sections_fts) AS rank", where=" AND ".join(where),
                            fts="JOIN sections_fts ON sections_fts.rowid = s.id AND sections_fts MATCH :match")
    else:
        sql = select.format(rank=", 0.0 AS rank", fts="", where=" AND ".join(where))
    with eng.connect() as conn:
        found = pd.read_sql_query(text(sql), conn, params=params)
    if not long_terms:  # LIKE has no ranking of its own: more occurrences first
        found["rank"] = -found["text"].map(lambda body: sum(body.count(t) for t in terms))
    found = found.sort_values(["rank", "section_id"], kind="stable").head(limit)
    found["snippet"] = found["text"].map(lambda body: snippet(body, terms, mark))
    columns = ["park", "document", "title", "path", "heading", "kind", "snippet", "section_id"]
    return found[columns].reset_index(drop=True)


def snippet(body: str, terms: list[str], mark: tuple[str, str] = ("[", "]")) -> str:
    """The passage around the first term found, on one line, with every term wrapped in `mark`."""
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    flat = " ".join(body.split())
    first = pattern.search(flat)
    start = max(0, first.start() - SNIPPET_CONTEXT) if first else 0
    end = min(len(flat), (first.end() if first else 0) + SNIPPET_CONTEXT * 2)
    passage = pattern.sub(lambda m: f"{mark[0]}{m.group(0)}{mark[1]}", flat[start:end])
    return f"{'…' if start else ''}{passage}{'…' if end < len(flat) else ''}"
