import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import DBAPIError

from parksum.process.manifest import Tags
from parksum.process.runner import Pipeline
from parksum.store.database import SCHEMA_VERSION, DocumentRow, SectionRow, Store, database_url
from tests.conftest import DATA

SAMPLE = DATA / "files" / "utf8.txt"


@pytest.fixture(scope="module")
def doc():
    return Pipeline().process_file(SAMPLE, Tags("高新园", 2022))


def _count(store, table):
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def test_document_and_sections_are_stored_with_provenance(db_url, doc):
    store = Store(db_url, write=True)
    assert store.ingest(doc).status == "stored"
    with store.engine.connect() as conn:
        row = conn.execute(select(DocumentRow)).one()
        sections = conn.execute(select(SectionRow).order_by(SectionRow.seq)).all()
    assert (row.title, row.year, row.doc_type) == ("省级工业园区2022年工作总结", 2022, "总结")
    assert row.source_name == "utf8.txt"
    assert row.text == doc.text and len(row.sha256) == 64
    assert [(s.depth, s.marker, s.kind) for s in sections] == [
        (0, None, "other"), (1, "一、", "achievements"), (2, "（一）", "achievements"),
        (1, "二、", "problems"), (2, "一是", "problems"), (2, "二是", "problems")]
    first = sections[2]
    assert first.parent_id == sections[1].id and first.path == "一/（一）"
    assert row.text[first.start:first.start + len(first.text)] == first.text
    assert first.text.startswith("（一）经济发展稳中向好")


def test_same_content_is_stored_once_and_replace_reprocesses(db_url, doc):
    store = Store(db_url, write=True)
    first = store.ingest(doc)
    assert store.ingest(doc).status == "unchanged"
    again = store.ingest(doc, replace=True)
    assert first.status == "stored" and again.status == "replaced"
    assert _count(store, DocumentRow) == 1
    assert _count(store, SectionRow) == len(doc.sections)


def test_a_failed_ingest_stores_nothing(db_url, doc, monkeypatch):
    store = Store(db_url, write=True)

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Store, "_park_id", staticmethod(broken))
    with pytest.raises(RuntimeError):
        store.ingest(doc)
    assert _count(store, DocumentRow) == 0 and _count(store, SectionRow) == 0


def test_schema_version_is_recorded_once(db_url):
    Store(db_url, write=True)
    store = Store(db_url, write=True)
    with store.engine.connect() as conn:
        versions = conn.execute(text("SELECT version FROM schema_version")).scalars().all()
    assert versions == list(range(1, SCHEMA_VERSION + 1))


def test_database_url_from_path_env_or_default(monkeypatch):
    monkeypatch.delenv("PARKSUM_DB", raising=False)
    assert database_url() == "sqlite:///parks.db"
    assert database_url("x/y.db") == "sqlite:///x/y.db"
    monkeypatch.setenv("PARKSUM_DB", "postgresql://u@h/db")
    assert database_url() == "postgresql://u@h/db"
    assert database_url("sqlite:///z.db") == "sqlite:///z.db"


def test_entities_are_stored_with_their_section_and_listed_by_park(db_url):
    from parksum.store.database import EntityRow
    from parksum.structure.outline import OutlineSegmenter
    from parksum.text.doc import Document, Entity

    text = "一、主要工作\n与**铝业、铭翔铝业签约。\n"
    doc = OutlineSegmenter()(Document(text=text, name="e.txt", park="高新园", sha256="e" * 64))
    doc.entities = [Entity(8, 12, "**铝业", "COMPANY", True, "model", 1),
                    Entity(13, 17, "铭翔铝业", "COMPANY", False, "rules", 1)]
    store = Store(db_url, write=True)
    store.ingest(doc)
    with store.engine.connect() as conn:
        rows = conn.execute(select(EntityRow).order_by(EntityRow.start)).all()
    assert [(r.text, r.masked, r.source, text[r.start:r.end]) for r in rows] == [
        ("**铝业", True, "model", "**铝业"), ("铭翔铝业", False, "rules", "铭翔铝业")]
    assert rows[0].section_id is not None
    assert store.entities(label="company")[0] | {} == {"park": "高新园", "label": "COMPANY", "text": "**铝业",
                                                       "masked": True, "count": 1, "documents": 1}
    store.ingest(doc, replace=True)
    assert _count(store, EntityRow) == 2


def test_one_park_however_its_documents_write_it(db_url):
    from parksum.text.doc import Document

    store = Store(db_url, write=True)
    for n, park in enumerate(["扬州经济技术开发区", "扬州经开区", "扬州 经开区", "高新园"]):
        store.ingest(Document(text=f"第{n}份\n", name=f"{n}.txt", park=park, sha256=str(n)))
    parks = {row["park"]: row for row in store.parks()}
    assert set(parks) == {"扬州经济技术开发区", "高新园"}
    assert parks["扬州经济技术开发区"]["aliases"] == ["扬州 经开区", "扬州经开区"]
    assert parks["扬州经济技术开发区"]["documents"] == 3


def test_parks_merge_and_rename_keep_every_document_and_alias(db_url):
    from parksum.text.doc import Document

    store = Store(db_url, write=True)
    for n, park in enumerate(["高新园", "高新工业园", "高新工业园"]):
        store.ingest(Document(text=f"第{n}份\n", name=f"{n}.txt", park=park, sha256=str(n)))
    assert store.merge_parks("高新园", ["高新工业园"]) == 2
    store.rename_park("高新园", "市高新技术产业园")
    (row,) = store.parks()
    assert (row["park"], row["aliases"], row["documents"]) == ("市高新技术产业园", ["高新园", "高新工业园"], 3)
    store.ingest(Document(text="第三份\n", name="3.txt", park="高新工业园", sha256="3"))
    assert store.parks()[0]["documents"] == 4
    with pytest.raises(LookupError, match="no park named"):
        store.merge_parks("市高新技术产业园", ["不存在"])


def test_a_missing_driver_an_absent_server_or_a_file_that_is_no_database_is_a_store_error(tmp_path):
    from parksum.store import StoreError

    with pytest.raises(StoreError, match=r"driver pg8000 is not installed: pip install 'parksum\[postgres\]'"):
        Store("postgresql+pg8000://u@127.0.0.1/parks")
    for write in (False, True):  # no server listens on port 1
        with pytest.raises(StoreError, match=r"^cannot (read|write) postgresql://u@127.0.0.1:1/parks: [^\n]*$"):
            Store("postgresql://u@127.0.0.1:1/parks", write=write)
    (tmp_path / "notes.db").write_text("not a database\n" * 100)
    with pytest.raises(StoreError, match="not a database"):
        Store(str(tmp_path / "notes.db"))
    with pytest.raises(StoreError, match="no folder"):
        Store(str(tmp_path / "missing" / "parks.db"), write=True)


def test_an_older_schema_is_read_only_after_migrate(db_url, doc):
    Store(db_url, write=True).ingest(doc)
    with Store(db_url, write=True).engine.begin() as conn:  # as release 5 left it: no phrase index, version 5
        conn.execute(text("DROP INDEX ix_metrics_indicator"))
        conn.execute(text("DELETE FROM schema_version WHERE version > 5"))
    from parksum.store import StoreError

    with pytest.raises(StoreError, match=r"older release .* `parksum migrate"):
        Store(db_url)
    store = Store(db_url, write=True)
    assert "ix_metrics_indicator" in {index["name"] for index in inspect(store.engine).get_indexes("metrics")}
    assert Store(db_url).summary()["documents"] == 1


def test_a_store_opened_to_read_writes_nothing(db_url, doc):
    Store(db_url, write=True).ingest(doc)
    with Store(db_url).engine.connect() as conn, pytest.raises(DBAPIError, match=r"read.?only"):
        conn.execute(text("DELETE FROM documents"))


def test_read_commands_work_on_a_read_only_file_in_a_read_only_folder(tmp_path, doc):
    """A WAL database copied alone (no -wal, no -shm) where this user may write nothing: root is run without
    the capability to override file permissions, so that the permissions hold for it too."""
    store = Store(str(tmp_path / "parks.db"), write=True)
    store.ingest(doc)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    store.engine.dispose()
    folder = Path(tempfile.mkdtemp())
    try:
        shutil.copy(tmp_path / "parks.db", folder / "parks.db")
        (folder / "parks.db").chmod(0o444)
        folder.chmod(0o555)
        commands = [["summary"], ["metrics"], ["compare", "--indicator", "规上工业总产值"], ["search", "招商渠道"],
                    ["report", "--out", str(tmp_path / "report.html")], ["entities"], ["unmapped"], ["parks"]]
        script = ("import sys\nfrom parksum.interfaces.cli import main\n"
                  f"sys.exit(max(main([*command, '--db', {str(folder / 'parks.db')!r}]) for command in {commands!r}))")
        drop = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"] if os.geteuid() == 0 else []
        result = subprocess.run([*drop, sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr
        assert sorted(path.name for path in folder.iterdir()) == ["parks.db"]
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


@pytest.mark.slow
def test_three_ingests_at_once_store_every_document_once(db_url, tmp_path):
    from tests.stress_concurrent_ingest import run_trial, write_batch

    trial = run_trial(db_url, write_batch(tmp_path / "batch", 30))
    assert (trial.crashes, trial.lost, trial.duplicated, trial.extra_parks) == ([], 0, 0, 0)
