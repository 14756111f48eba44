import asyncio
from pathlib import Path

import pytest
from datasette.app import Datasette

from parksum.interfaces.browse import metadata, sqlite_path


def _datasette(path: Path) -> Datasette:
    return Datasette(immutables=[str(path)], metadata=metadata(path.stem))


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
    assert _datasette(path).databases["facts"].is_mutable is False


def test_only_sqlite_files_can_be_browsed(tmp_path):
    with pytest.raises(ValueError, match="needs a SQLite file"):
        sqlite_path("postgresql://u@h/parks")
    with pytest.raises(FileNotFoundError, match="parksum ingest"):
        sqlite_path(str(tmp_path / "none.db"))


def test_cli_refuses_a_missing_database(tmp_path, capsys):
    from parksum.interfaces.cli import EXIT_USAGE, main

    assert main(["browse", "--db", str(tmp_path / "none.db"), "--no-open"]) == EXIT_USAGE
    assert "run `parksum ingest corpus/` first" in capsys.readouterr().err
