"""Full-text search over sections, best first, with a snippet around the terms.

The index and the query are the store's (parksum.store.fulltext): FTS5 trigrams on SQLite for
terms of three or more characters, LIKE for shorter terms and on other databases.
"""
from __future__ import annotations

import re

import pandas as pd

from parksum.analyst.facts import Db, store_of
from parksum.store.fulltext import find_sections

SNIPPET_CONTEXT = 30


def search(query: str, db: Db = None, *, park: str | None = None, kind: str | None = None, limit: int = 20,
           mark: tuple[str, str] = ("[", "]")) -> pd.DataFrame:
    """Sections holding every term of `query` (terms separated by spaces), best first.

    Columns: park, document, title (the document's), path, heading, kind, snippet (the terms
    wrapped in `mark`), section_id. Ranked by FTS5 bm25 where terms have three or more
    characters, else by how often the terms occur.
    """
    terms = query.split()
    if not terms:
        raise ValueError("empty search query")
    found = find_sections(store_of(db).engine, terms, park=park, kind=kind)
    if not found.attrs["ranked"]:  # LIKE has no ranking of its own: more occurrences first
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
