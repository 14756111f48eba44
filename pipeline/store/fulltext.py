"""Full-text search over sections that works for Chinese.

On SQLite the sections are indexed in the FTS5 table `sections_fts` (rowid = sections.id) with
the `trigram` tokenizer: Chinese has no spaces between words, and trigrams match any substring
of three or more characters without a word segmenter. Shorter terms (厂房, 招商) cannot match
trigrams, so they are matched with LIKE; so is everything on other databases, where PostgreSQL
answers LIKE from a trigram index (pg_trgm's GIN index on sections.text) for terms of three or
more characters. The index is written in the same transaction as the document, so a search
never has to rebuild it.
"""
from __future__ import annotations

import logging

import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)

TRIGRAM = 3
TRIGRAM_INDEX = "ix_sections_text_trgm"


def has_index(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


def create_index(conn: Connection) -> None:
    """Create sections_fts where it is missing (a new or older database) and fill it from sections; on
    PostgreSQL the trigram index, where the database lets its owner create pg_trgm (else LIKE scans)."""
    if conn.dialect.name == "postgresql":
        try:
            with conn.begin_nested():
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
                conn.execute(text(f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON sections USING gin "
                                  "(text gin_trgm_ops)"))
        except DBAPIError as error:
            log.warning("no trigram index for search (%s): searches read every section", error.orig)
    if not has_index(conn):
        return
    exists = conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sections_fts'")).first()
    if exists is None:
        conn.execute(text("CREATE VIRTUAL TABLE sections_fts USING fts5(text, tokenize='trigram')"))
        conn.execute(text("INSERT INTO sections_fts(rowid, text) SELECT id, text FROM sections"))


def rebuild_index(conn: Connection) -> None:
    """Index every section anew (a database written before the index was kept with the documents)."""
    if has_index(conn):
        conn.execute(text("DROP TABLE IF EXISTS sections_fts"))
        create_index(conn)


def index_document(conn: Connection, document_id: int) -> None:
    if has_index(conn):
        conn.execute(text("INSERT INTO sections_fts(rowid, text) SELECT id, text FROM sections "
                          "WHERE document_id = :d"), {"d": document_id})


def unindex_document(conn: Connection, document_id: int) -> None:
    if has_index(conn):
        conn.execute(text("DELETE FROM sections_fts WHERE rowid IN "
                          "(SELECT id FROM sections WHERE document_id = :d)"), {"d": document_id})


def find_sections(engine: Engine, terms: list[str], *, park: str | None = None,
                  kind: str | None = None) -> pd.DataFrame:
    """Sections holding every term: park, document, title, path, heading, kind, text, section_id and
    rank (bm25 where a term has three or more characters on SQLite, else 0)."""
    with engine.connect() as conn:
        indexed = has_index(conn)
        long_terms = [t for t in terms if len(t) >= TRIGRAM] if indexed else []
        short_terms = [t for t in terms if t not in long_terms]
        where, params = ["1 = 1"], {}
        for i, term in enumerate(short_terms):  # _ and % are the user's characters, not LIKE's wildcards
            where.append(f"s.text LIKE :like{i} ESCAPE '\\'")
            params[f"like{i}"] = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        if park:
            where.append("p.name = :park")
            params["park"] = park
        if kind:
            where.append("s.kind = :kind")
            params["kind"] = kind
        rank, fts = ", 0.0 AS rank", ""
        if long_terms:
            params["match"] = " ".join('"' + t.replace('"', '""') + '"' for t in long_terms)
            rank = ", bm25(sections_fts) AS rank"
            fts = "JOIN sections_fts ON sections_fts.rowid = s.id AND sections_fts MATCH :match"
        sql = ("SELECT p.name AS park, d.source_name AS document, d.title, s.path, s.title AS heading, s.kind, "
               f"s.text, s.id AS section_id{rank} FROM sections s JOIN documents d ON d.id = s.document_id "
               f"LEFT JOIN parks p ON p.id = d.park_id {fts} WHERE {' AND '.join(where)}")
        found = pd.read_sql_query(text(sql), conn, params=params)
    found.attrs["ranked"] = bool(long_terms)
    return found
