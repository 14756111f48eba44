"""`parksum browse`: the database in Datasette, read-only, with descriptions and canned queries."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

from parksum.store import Store, database_url, sqlite_file
from parksum.store.queries import CANNED
from parksum.store.views import DESCRIPTIONS

TABLES = {
    "parks": "One row per park.",
    "documents": "One row per ingested document: park, year, title, type (讲话, 总结, 汇报 …) and the full text.",
    "sections": "Outline sections: path (三/（一）/一是), kind (achievements, problems, plans, other) and text; "
                "start/end are offsets into documents.text. Searchable: Chinese terms of 3+ characters.",
    "indicators": "The canonical indicator lexicon (extractors/data/indicators.csv).",
    "metrics": "Every reported figure as extracted, with span, role, unit, status and period.",
    "placeholders": "Every run of mask marks (*, **): a value known to exist, withheld.",
}

def metadata(database: str) -> dict:
    """Datasette metadata for the database named `database` (its file stem)."""
    tables: dict[str, dict] = {name: {"description": text} for name, text in {**TABLES, **DESCRIPTIONS}.items()}
    tables["sections"].update(fts_table="sections_fts", fts_pk="id")
    return {"title": "parksum: industrial-park work summaries",
            "description": "Read-only. Start with facts, fact_conflicts and masked_values, or the queries below.",
            "databases": {database: {"tables": tables, "queries": CANNED}}}


def sqlite_path(db: str | None) -> Path:
    url = database_url(db)
    path = sqlite_file(url)
    if path is None:
        raise ValueError(f"browse needs a SQLite file; {url} is not one")
    if not path.is_file():
        raise FileNotFoundError(f"no database at {path}: run `parksum ingest corpus/` first")
    return path


def browse(db: str | None = None, *, port: int = 8001, open_browser: bool = True) -> int:
    """Serve the database read-only (Datasette's immutable mode) until interrupted."""
    path = sqlite_path(db)
    Store(str(path))  # brings an older database's schema, views and search index up to date before serving
    with tempfile.TemporaryDirectory() as folder:
        meta = Path(folder) / "metadata.json"
        meta.write_text(json.dumps(metadata(path.stem), ensure_ascii=False), encoding="utf-8")
        from datasette.cli import cli  # in this process, so that stopping parksum stops the server

        cli.main(["serve", "-i", str(path), "--metadata", str(meta), "--port", str(port),
                  *(["--open"] if open_browser else [])], standalone_mode=False)
    return 0
