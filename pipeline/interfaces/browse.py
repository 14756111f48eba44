"""`parksum browse`: the live database in Datasette, read-only, with descriptions and canned queries.

Live, not immutable: Datasette reads the file as it is on every request, so documents ingested while it
runs show at once (an immutable database keeps the counts it had at start). Read-only all the same:
Datasette opens its read connections with mode=ro, no canned query writes, and every request but GET
and HEAD is answered 405 (Datasette 0.65 would answer a POST to a table with a 500).
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from datasette import hookimpl

from parksum.store import Store, database_url, sqlite_file
from parksum.store.queries import CANNED
from parksum.store.views import DESCRIPTIONS

TABLES = {
    "parks": "One row per park.",
    "documents": "One row per ingested document: park, year, title, type (讲话, 总结, 汇报 …) and the full text.",
    "sections": "Outline sections: path (三/（一）/一是), kind (achievements, problems, plans, other) and text; "
                "start/end are offsets into documents.text. Its search box (FTS5 trigrams) "
                "finds terms of 3+ characters; the search_sections query finds any term (厂房 too).",
    "indicators": "The canonical indicator lexicon (extractors/data/indicators.csv).",
    "metrics": "Every reported figure as extracted, with span, role, unit, status and period.",
    "placeholders": "Every run of mask marks (*, **): a value known to exist, withheld.",
}

def metadata(database: str) -> dict:
    """Datasette metadata for the database named `database` (its file stem)."""
    tables: dict[str, dict] = {name: {"description": text} for name, text in {**TABLES, **DESCRIPTIONS}.items()}
    tables["sections"].update(fts_table="sections_fts", fts_pk="id")
    return {"title": "parksum: industrial-park work summaries",
            "description": "Read-only, live: documents ingested while this runs show on the next page load. "
                           "Start with facts, fact_conflicts, target_outcomes and masked_values, or the queries "
                           "below; search_sections finds terms of any length (厂房 too).",
            "databases": {database: {"tables": tables, "queries": CANNED}}}


READ_METHODS = ("GET", "HEAD")


@hookimpl
def asgi_wrapper(datasette: object) -> object:
    """Datasette's hook (this module is registered as a plugin by `register`): only reads reach Datasette."""
    def wrap(app: object) -> object:
        async def only_reads(scope: dict, receive: object, send: object) -> None:
            if scope["type"] == "http" and scope["method"] not in READ_METHODS:
                await send({"type": "http.response.start", "status": 405,
                            "headers": [(b"allow", b"GET, HEAD"), (b"content-type", b"text/plain; charset=utf-8")]})
                await send({"type": "http.response.body", "body": b"read-only: only GET and HEAD are answered\n"})
                return
            await app(scope, receive, send)
        return only_reads
    return wrap


def register() -> None:
    """Make this module a Datasette plugin (once per process), so that its asgi_wrapper applies."""
    from datasette.plugins import pm

    if pm.get_plugin(__name__) is None:
        pm.register(sys.modules[__name__], name=__name__)


def sqlite_path(db: str | None) -> Path:
    url = database_url(db)
    path = sqlite_file(url)
    if path is None:
        raise ValueError(f"browse needs a SQLite file; {url} is not one")
    if not path.is_file():
        raise FileNotFoundError(f"no database at {path}: run `parksum ingest corpus/` first")
    return path


def browse(db: str | None = None, *, port: int = 8001, open_browser: bool = True) -> int:
    """Serve the live database read-only until interrupted."""
    path = sqlite_path(db)
    Store(str(path))  # brings an older database's schema, views and search index up to date before serving
    register()
    with tempfile.TemporaryDirectory() as folder:
        meta = Path(folder) / "metadata.json"
        meta.write_text(json.dumps(metadata(path.stem), ensure_ascii=False), encoding="utf-8")
        from datasette.cli import cli  # in this process, so that stopping parksum stops the server

        cli.main(["serve", str(path), "--metadata", str(meta), "--port", str(port),
                  *(["--open"] if open_browser else [])], standalone_mode=False)
    return 0
