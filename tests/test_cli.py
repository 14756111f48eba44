import json
import subprocess
import sys

import pytest

from parksum.interfaces.cli import EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, main
from tests.conftest import DATA, ROOT

FILES = DATA / "files"


def test_ingest_reports_each_file_lists_failures_and_exits_1(db_url, capsys):
    status = main(["ingest", str(FILES / "utf8.txt"), str(FILES / "empty.txt"), "--db", db_url, "--park", "高新园"])
    out, err = capsys.readouterr()
    assert status == EXIT_SOME_FAILED
    assert "stored     " in out and "documents: 1" in out and "高新园: 1" in out
    assert "1 of 2 files failed" in err and "empty.txt: empty file" in err


def test_ingest_twice_is_unchanged_and_exits_0(db_url, capsys):
    assert main(["ingest", str(FILES / "utf8.txt"), "--db", db_url]) == EXIT_OK
    assert main(["ingest", str(FILES / "gbk.txt"), "--db", db_url]) == EXIT_OK
    assert "unchanged" in capsys.readouterr().out


def test_ingest_corpus_folder_uses_its_manifest(db_url, capsys):
    assert main(["ingest", str(ROOT / "corpus"), "--db", db_url]) == EXIT_OK
    out = capsys.readouterr().out
    assert "documents: 5" in out and "金属智造园: 3" in out and "plans:" in out


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["ingest"])
    assert info.value.code == EXIT_USAGE
    assert main([]) == EXIT_USAGE
    assert main(["ingest", str(FILES / "utf8.txt"), "--manifest", "/nonexistent.csv"]) == EXIT_USAGE
    assert "cannot read manifest" in capsys.readouterr().err


def test_read_commands_start_without_the_text_libraries():
    """Start-up is most of a read command's time: compare, metrics, search and report load pandas and
    SQLAlchemy, not what reading text needs (cn2an compiles its patterns on import, jieba its dictionary)
    nor PostgreSQL's SQL dialect on a SQLite store."""
    loaded = subprocess.run([sys.executable, "-c", "import sys; from parksum.interfaces import cli; "
                             "import parksum.analyst.compare, parksum.analyst.report, parksum.analyst.search; "
                             "print(*sys.modules)"], capture_output=True, text=True, check=True).stdout.split()
    assert "pandas" in loaded
    assert not {"cn2an", "jieba", "sqlalchemy.dialects.postgresql"} & set(loaded)


def test_extract_writes_contract_json(tmp_path, capsys):
    assert main(["extract", str(FILES / "utf8.txt"), "--out", str(tmp_path)]) == EXIT_OK
    data = json.loads((tmp_path / "utf8.json").read_text(encoding="utf-8"))
    assert data["doc"] == "utf8.txt" and data["title"] == "省级工业园区2022年工作总结"
    assert [(h["marker"], h["depth"], h["start"], h["end"]) for h in data["headings"]][:2] == [
        ("一、", 1, 16, 18), ("（一）", 2, 25, 28)]
    for key in ("quantities", "placeholders", "entities"):
        assert isinstance(data[key], list)


def test_outline_prints_the_indented_tree(capsys):
    assert main(["outline", str(FILES / "sample.docx")]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("sample.docx  title: 省级工业园区2022年工作总结  type: 总结  year: 2022")
    assert "一、 主要工作成效  [achievements]" in lines
    assert "  （一） 经济发展稳中向好  [achievements]" in lines


def test_console_entry_point_help_has_examples():
    result = subprocess.run([sys.executable, "-m", "parksum", "ingest", "--help"],
                            capture_output=True, text=True, check=True)
    assert "example:" in result.stdout and "--manifest CSV" in result.stdout


def test_metrics_lists_figures_masked_as_masked_with_their_sentence(db_url, capsys):
    assert main(["ingest", str(ROOT / "corpus"), "--db", db_url]) == EXIT_OK
    capsys.readouterr()
    query = ["metrics", "--indicator", "规上工业总产值", "--status", "actual", "--format", "json"]
    assert main([*query, "--db", db_url]) == EXIT_OK
    rows = json.loads(capsys.readouterr().out)
    assert {r["park"] for r in rows} == {"金属智造园"}
    assert all(r["value"] is None and r["masked"] and r["indicator"] == "规上工业总产值" for r in rows)
    first = rows[0]
    assert first["text"] in first["sentence"] and first["period"] == "今年**月"
    assert main(["metrics", "--indicator", "no such thing", "--db", db_url]) == EXIT_USAGE


def test_unmapped_lists_phrases_the_lexicon_misses(db_url, capsys):
    assert main(["ingest", str(FILES / "utf8.txt"), "--db", db_url]) == EXIT_OK
    capsys.readouterr()
    assert main(["unmapped", "--db", db_url]) == EXIT_OK
    assert "every indicator phrase is mapped" in capsys.readouterr().out


def test_version_and_quiet(db_url, capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == EXIT_OK and capsys.readouterr().out.startswith("parksum ")
    assert main(["-q", "ingest", str(FILES / "utf8.txt"), str(FILES / "empty.txt"), "--db", db_url]) == 1
    out, err = capsys.readouterr()
    assert "stored" not in out and "documents: 1" in out and "empty.txt: empty file" in err
    assert main(["ingest", str(FILES / "empty.txt"), "--db", db_url, "-qq"]) == EXIT_SOME_FAILED
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("command", [["summary"], ["metrics"], ["unmapped"], ["entities"], ["search", "厂房"],
                                     ["compare", "--indicator", "税收"], ["report", "--out", "r.html"]])
def test_read_commands_refuse_a_database_that_does_not_exist(tmp_path, capsys, command):
    missing = tmp_path / "typo.db"
    assert main([*command, "--db", str(missing)]) == EXIT_USAGE
    assert f"no database at {missing}" in capsys.readouterr().err and not missing.exists()


@pytest.mark.parametrize("command", [["ingest", str(FILES / "utf8.txt")], ["summary"], ["migrate"]])
def test_a_database_driver_that_is_not_installed_is_one_line(capsys, command):
    assert main([*command, "--db", "postgresql+pg8000://parksum@127.0.0.1/parks"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'parksum[postgres]'" in err


def test_json_has_null_never_nan_and_csv_starts_with_a_bom(db_url, capsys):
    assert main(["ingest", str(ROOT / "corpus"), "--db", db_url, "--no-ner"]) == EXIT_OK
    capsys.readouterr()
    assert main(["metrics", "--format", "json", "--db", db_url]) == EXIT_OK
    out = capsys.readouterr().out
    rows = json.loads(out)  # json.loads accepts NaN: check the text too
    assert "NaN" not in out and any(r["qualifier"] is None for r in rows)
    assert main(["entities", "--format", "json", "--db", db_url]) == EXIT_OK
    assert set(json.loads(capsys.readouterr().out)[0]) == {"park", "label", "text", "masked", "count", "documents"}
    for command in (["metrics"], ["entities"], ["compare", "--indicator", "规上工业总产值"]):
        assert main([*command, "--format", "csv", "--db", db_url]) == EXIT_OK
        assert capsys.readouterr().out.startswith("\ufeffpark,")


def test_processing_commands_print_no_library_chatter(tmp_path):
    result = subprocess.run([sys.executable, "-m", "parksum", "extract", str(FILES / "utf8.txt"), "--no-ner",
                             "--out", str(tmp_path)], capture_output=True, text=True, check=True)
    assert result.stderr.strip() == "" and "Prefix dict" not in result.stdout


def test_parks_read_from_documents_compare_and_say_when_nothing_matches(db_url, tmp_path, capsys):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "a.txt").write_text("扬州经开区2023年工作总结\n2023年，扬州经开区实现规上工业总产值1200亿元，增长8%。\n",
                                   encoding="utf-8")
    (uploads / "b.txt").write_text("XX高新区2023年上半年工作总结\n上半年，XX高新区实现税收12亿元。\n", encoding="utf-8")
    assert main(["ingest", str(uploads), "--db", db_url, "--no-ner"]) == EXIT_OK
    assert main(["parks", "--db", db_url]) == EXIT_OK
    out = capsys.readouterr().out
    assert "扬州经开区: 1 documents" in out and "XX高新区: 1 documents" in out
    assert main(["compare", "--indicator", "规上工业总产值", "--db", db_url]) == EXIT_OK
    assert "1200" in capsys.readouterr().out
    assert main(["compare", "--indicator", "规上工业总产值", "--period", "1999", "--db", db_url]) == EXIT_SOME_FAILED
    assert "no park reports 规上工业总产值 for 1999" in capsys.readouterr().err


def test_a_tag_that_disagrees_with_the_document_is_kept_and_reported(db_url, tmp_path, capsys):
    upload = tmp_path / "a.txt"
    upload.write_text("扬州经开区2023年工作总结\n2023年，园区经济稳中有进。\n", encoding="utf-8")
    assert main(["ingest", str(upload), "--park", "高新园", "--year", "2022", "--db", db_url, "--no-ner"]) == EXIT_OK
    err = capsys.readouterr().err
    assert "tagged park 高新园, the document names 扬州经开区" in err and "tagged year 2022" in err


def test_metrics_say_when_nothing_matches(db_url, capsys):
    assert main(["ingest", str(FILES / "utf8.txt"), "--db", db_url, "--no-ner"]) == EXIT_OK
    capsys.readouterr()
    assert main(["metrics", "--period", "²", "--db", db_url]) == EXIT_SOME_FAILED
    assert "no figures match --period ²" in capsys.readouterr().err


def test_replace_keeps_the_tags_a_document_was_stored_with(db_url, tmp_path, capsys):
    folder = tmp_path / "uploads"
    folder.mkdir()
    (folder / "a.txt").write_text("园区工作总结\n今年以来，园区经济稳中有进。\n", encoding="utf-8")
    (folder / "manifest.csv").write_text("file,park,year\na.txt,高新园,2022\n", encoding="utf-8")
    assert main(["ingest", str(folder), "--db", db_url, "--no-ner"]) == EXIT_OK
    assert main(["ingest", str(folder / "a.txt"), "--replace", "--db", db_url, "--no-ner"]) == EXIT_OK
    assert "\n  高新园: 1" in capsys.readouterr().out
    assert main(["ingest", str(folder / "a.txt"), "--replace", "--park", "新园", "--db", db_url, "--no-ner"]) == 0
    out = capsys.readouterr().out
    assert "\n  新园: 1" in out and "高新园" not in out


def test_extract_keeps_apart_uploads_named_alike_in_two_folders(tmp_path):
    for year in ("2022", "2023"):
        (tmp_path / year).mkdir()
        (tmp_path / year / "总结.txt").write_text(f"园区{year}年工作总结\n今年，园区签约项目5个。\n", encoding="utf-8")
    assert main(["extract", str(tmp_path / "2022"), str(tmp_path / "2023"), "--out", str(tmp_path / "out"),
                 "--no-ner"]) == EXIT_OK
    years = sorted(json.loads(p.read_text(encoding="utf-8"))["year"] for p in (tmp_path / "out").glob("*.json"))
    assert years == [2022, 2023]


def test_tokens_are_created_listed_and_revoked(db_url, capsys):
    assert main(["tokens", "create", "高新园办公室", "--db", db_url]) == EXIT_OK
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("pk_") and len(secret) > 40
    assert main(["tokens", "list", "--db", db_url]) == EXIT_OK
    listed = capsys.readouterr().out
    assert "高新园办公室" in listed and secret not in listed and "revoked" not in listed
    assert main(["tokens", "revoke", "高新园办公室", "--db", db_url]) == EXIT_OK
    assert main(["tokens", "revoke", "高新园办公室", "--db", db_url]) == EXIT_USAGE
    assert main(["tokens", "create", "--db", db_url]) == EXIT_USAGE
