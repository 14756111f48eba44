from sqlalchemy import inspect, text

from parksum.analyst.search import search, snippet
from parksum.interfaces.cli import EXIT_OK, EXIT_SOME_FAILED, main
from parksum.process.runner import Pipeline
from parksum.store.database import Store
from parksum.store.fulltext import TRIGRAM_INDEX
from parksum.text.doc import Document


def test_chinese_terms_of_three_or_more_characters_use_the_trigram_index(facts_db, backend):
    found = search("标准厂房", facts_db)
    assert set(found["park"]) == {"金属智造园", "高新工业园", "有色金属工业园"} and len(found) == 4
    assert found.loc[0, "snippet"].count("[标准厂房]") == 1
    if backend != "sqlite":  # the FTS5 index is SQLite's; PostgreSQL answers LIKE from a trigram index
        assert TRIGRAM_INDEX in {index["name"] for index in inspect(Store(facts_db).engine).get_indexes("sections")}
        return
    with Store(facts_db).engine.connect() as conn:
        matches = conn.execute(text("SELECT count(*) FROM sections_fts WHERE sections_fts MATCH '\"标准厂房\"'"))
        assert matches.scalar() == 4


def test_two_character_terms_and_filters(facts_db):
    found = search("厂房", facts_db, kind="problems")
    assert found["path"].tolist() and set(found["kind"]) == {"problems"} and len(found) == 2
    assert search("厂房 建成", facts_db, park="高新工业园")["heading"].tolist() == ["平台建设"]
    assert search("标准厂房 不存在的词", facts_db).empty


def test_the_index_is_written_with_each_document_and_replaced_with_it(db_url):
    store = Store(db_url, write=True)
    outline = Pipeline(["metadata", "outline"])

    def upload(text: str) -> Document:  # one upload (same sha256) processed twice, its text changed
        return outline(Document(text=text, name="a.txt", sha256="same-upload"))

    store.ingest(upload("一、主要工作\n新建标准厂房8万平方米。\n二、存在问题\n标准厂房利用率不高。\n"))
    assert len(search("标准厂房", store)) == 2
    store.ingest(upload("一、主要工作\n新建标准厂房8万平方米。\n二、存在问题\n厂区利用率不高。\n"), replace=True)
    assert len(search("标准厂房", store)) == 1 and len(search("厂区利用率", store)) == 1


def test_snippet_marks_terms_in_context():
    body = "前文" * 40 + "新建标准厂房8万平方米。" + "后文" * 40
    cut = snippet(body, ["标准厂房"])
    assert cut.startswith("…") and cut.endswith("…") and "新建[标准厂房]8万平方米" in cut


def test_cli_prints_park_document_path_and_snippet(facts_db, capsys):
    assert main(["search", "标准厂房", "--db", facts_db]) == EXIT_OK
    out = capsys.readouterr().out
    assert "高新工业园  gaoxin_2022_zongjie.txt  一/（一） 平台建设  [achievements]" in out
    assert main(["search", "没有这个词", "--db", facts_db]) == EXIT_SOME_FAILED


def test_wildcards_are_the_users_characters_and_an_empty_query_is_a_usage_error(facts_db, capsys):
    assert search("_", facts_db).empty
    percent = search("%", facts_db, mark=("", ""))
    assert not percent.empty and all("%" in snippet for snippet in percent["snippet"])
    assert main(["search", "  ", "--db", facts_db]) == 2
    assert "search needs a word" in capsys.readouterr().err
