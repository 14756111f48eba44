import asyncio
from pathlib import Path

import pytest
from datasette.app import Datasette

from parksum.interfaces.browse import metadata, register, sqlite_path
from tests.conftest import DATA


def _datasette(path: Path) -> Datasette:
    """As `parksum browse` serves it: live (not immutable), with the read-only plugin."""
    register()
    return Datasette([str(path)], metadata=metadata(path.stem))


def _get(path: Path, url: str):
    return asyncio.run(_datasette(path).client.get(url))


def test_canned_queries_answer_in_datasette(facts_db):
    path = sqlite_path(facts_db)
    conflicts = _get(path, "/facts/conflicts.json?_shape=array").json()
    assert {row["conflict"] for row in conflicts} == {"different documents", "masked and unmasked"}
    facts = _get(path, "/facts/facts_by_indicator.json?_shape=array&indicator=规上").json()
    assert {row["park"] for row in facts} == {"金属智造园", "高新工业园", "有色金属工业园"}
    masked = _get(path, "/facts/masked_values_by_park.json?_shape=array&park=高新").json()
    assert [row["text"] for row in masked] == ["***亿元"]
    found = _get(path, "/facts/sections.json?_search=标准厂房&_shape=array").json()
    assert len(found) == 4


def test_descriptions_and_read_only(facts_db):
    path = sqlite_path(facts_db)
    page = _get(path, "/facts/facts").text
    assert "One row per park, indicator, period_year and status" in page
    before = path.read_bytes()

    async def posts() -> list[int]:
        client = _datasette(path).client
        return [(await client.post(url, data={"sql": "DELETE FROM parks"})).status_code
                for url in ("/facts/parks", "/facts/facts", "/facts", "/facts/conflicts", "/-/insert")]

    assert asyncio.run(posts()) == [405] * 5  # never a 500, and nothing written
    assert path.read_bytes() == before


def test_two_character_search_works_in_datasette(facts_db):
    path = sqlite_path(facts_db)
    short = _get(path, "/facts/search_sections.json?_shape=array&q=厂房").json()
    assert len(short) == 4 and all("厂房" in row["snippet"] for row in short)
    assert len(_get(path, "/facts/search_sections.json?_shape=array&q=标准厂房").json()) == 4
    assert _get(path, "/facts/search_sections.json?_shape=array&q=%25").json()[0]["snippet"].count("%") >= 1


def test_the_browser_shows_documents_ingested_while_it_runs(facts_db):
    """Live, not immutable: a document stored after Datasette started is counted on the next request."""
    from parksum.interfaces.cli import EXIT_OK, main

    path = sqlite_path(facts_db)
    datasette = _datasette(path)

    async def documents() -> int:
        response = await datasette.client.get("/facts.json?sql=SELECT+count(*)+AS+n+FROM+documents&_shape=array")
        return response.json()[0]["n"]

    assert asyncio.run(documents()) == 5
    assert main(["ingest", str(DATA / "files" / "utf8.txt"), "--db", facts_db, "--no-ner", "-q"]) == EXIT_OK
    assert asyncio.run(documents()) == 6
    assert datasette.databases["facts"].is_mutable


def test_only_sqlite_files_can_be_browsed(tmp_path):
    with pytest.raises(ValueError, match="needs a SQLite file"):
        sqlite_path("postgresql://u@h/parks")
    with pytest.raises(FileNotFoundError, match="parksum ingest"):
        sqlite_path(str(tmp_path / "none.db"))


def test_cli_refuses_a_missing_database(tmp_path, capsys):
    from parksum.interfaces.cli import EXIT_USAGE, main

    assert main(["browse", "--db", str(tmp_path / "none.db"), "--no-open"]) == EXIT_USAGE
    assert "run `parksum ingest corpus/` first" in capsys.readouterr().err
