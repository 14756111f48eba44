"""`parksum browse`: the database in Datasette, read-only, with descriptions and canned queries."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from pipeline.search import ensure_index
from pipeline.store import Store, database_url
from pipeline.views import DESCRIPTIONS

TABLES = {
    "parks": "One row per park.",
    "documents": "One row per ingested document: park, year, title, type (讲话, 总结, 汇报 …) and the full text.",
    "sections": "Outline sections: path (三/（一）/一是), kind (achievements, problems, plans, other) and text; "
                "start/end are offsets into documents.text. Searchable: Chinese terms of 3+ characters.",
    "indicators": "The canonical indicator lexicon (extractors/data/indicators.csv).",
    "metrics": "Every reported figure as extracted, with span, role, unit, status and period.",
    "placeholders": "Every run of mask marks (*, **): a value known to exist, withheld.",
}

QUERIES = {
    "facts_by_indicator": {
        "title": "Facts by indicator",
        "description": "Parks' figures for an indicator (a canonical name such as 规上工业总产值 or part of one).",
        "sql": "SELECT park, indicator, period_year, status, value_text, value, unit, base_value, base_unit, "
               "growth, masked, mentions, in_conflict, document, sentence FROM facts "
               "WHERE indicator LIKE '%' || :indicator || '%' ORDER BY indicator, park, period_year, status",
    },
    "masked_values_by_park": {
        "title": "Masked values by park",
        "description": "Every masked figure of a park, with its document, section and sentence.",
        "sql": "SELECT park, document, section_path, indicator, role, text, period, status, sentence "
               "FROM masked_values WHERE park LIKE '%' || :park || '%' ORDER BY document, metric_id",
    },
    "conflicts": {
        "title": "Conflicting figures",
        "description": "Each mention of a fact whose documents disagree; choice 1 is the figure facts show.",
        "sql": "SELECT c.park, c.indicator, c.period_year, c.status, c.measure, c.conflict, m.document, m.doc_type, "
               "m.text, m.masked, m.choice, m.sentence FROM fact_conflicts c JOIN fact_mentions m "
               "ON m.fact_key = c.fact_key AND m.measure = c.measure ORDER BY c.indicator, c.park, m.choice",
    },
}


def metadata(database: str) -> dict:
    """Datasette metadata for the database named `database` (its file stem)."""
    tables: dict[str, dict] = {name: {"description": text} for name, text in {**TABLES, **DESCRIPTIONS}.items()}
    tables["sections"].update(fts_table="sections_fts", fts_pk="id")
    tables["sections_fts_state"] = {"hidden": True}
    return {"title": "parksum: industrial-park work summaries",
            "description": "Read-only. Start with facts, fact_conflicts and masked_values, or the queries below.",
            "databases": {database: {"tables": tables, "queries": QUERIES}}}


def sqlite_path(db: str | None) -> Path:
    url = make_url(database_url(db))
    if url.get_backend_name() != "sqlite" or not url.database:
        raise ValueError(f"browse needs a SQLite file; {url.render_as_string()} is not one")
    path = Path(url.database)
    if not path.is_file():
        raise FileNotFoundError(f"no database at {path}: run `parksum ingest corpus/` first")
    return path


def browse(db: str | None = None, *, port: int = 8001, open_browser: bool = True) -> int:
    """Serve the database read-only (Datasette's immutable mode) until interrupted."""
    path = sqlite_path(db)
    ensure_index(Store(str(path)).engine)  # the views and the search index are written before serving read-only
    with tempfile.TemporaryDirectory() as folder:
        meta = Path(folder) / "metadata.json"
        meta.write_text(json.dumps(metadata(path.stem), ensure_ascii=False), encoding="utf-8")
        from datasette.cli import cli  # in this process, so that stopping parksum stops the server

        cli.main(["serve", "-i", str(path), "--metadata", str(meta), "--port", str(port),
                  *(["--open"] if open_browser else [])], standalone_mode=False)
    return 0
