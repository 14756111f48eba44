import pytest

from parksum.text.loaders import LoadError, iter_files, load
from tests.conftest import DATA

FILES = DATA / "files"
SAMPLE_START = "省级工业园区2022年工作总结\n一、主要工作成效\n（一）经济发展稳中向好。"


@pytest.mark.parametrize(("name", "encoding"), [
    ("utf8.txt", "utf_8"), ("utf8_bom.txt", "utf_8_sig"), ("gbk.txt", "gb18030"),
    ("gb18030.txt", "gb18030"), ("utf16.txt", "utf_16"),
])
def test_text_encodings_are_detected(name, encoding):
    loaded = load(FILES / name)
    assert loaded.encoding == encoding
    assert loaded.text.startswith(SAMPLE_START)
    assert "\ufeff" not in loaded.text


def test_gb18030_keeps_rare_characters():
    assert "䶮𠀾" in load(FILES / "gb18030.txt").text


def test_same_content_in_two_encodings_has_one_hash():
    assert load(FILES / "gbk.txt").sha256 == load(FILES / "utf8.txt").sha256


def test_crlf_text_is_kept_as_decoded():
    assert "\r\n一、主要工作成效\r\n" in load(FILES / "crlf.txt").text


def test_docx_paragraphs_and_tables_in_order():
    loaded = load(FILES / "sample.docx")
    text = loaded.text
    assert text.startswith(SAMPLE_START)
    assert "\n数值：固定资产投资**亿元。\n" in text  # a table of figures: one line per figure with its headers
    assert text.index("固定资产投资**亿元") < text.index("二、存在问题")
    assert [(s.start, s.end) for s in loaded.sources] == sorted((s.start, s.end) for s in loaded.sources)
    assert sum(s.end - s.start for s in loaded.sources) == len(text)


def test_pdf_text_from_every_page():
    text = load(FILES / "sample.pdf").text
    assert text.startswith(SAMPLE_START)
    assert "三、2023年工作计划" in text


@pytest.mark.parametrize(("name", "reason"), [
    ("empty.txt", "empty file"),
    ("blank.txt", "empty file"),
    ("binary.txt", "binary or undecodable"),
    ("broken.docx", "not a valid .docx"),
    ("encrypted.pdf", "encrypted PDF"),
    ("scanned.pdf", "no extractable text"),
    ("notes.rtf", "unsupported file type '.rtf'"),
    ("missing.txt", "no such file"),
])
def test_unreadable_files_get_a_one_line_reason(name, reason):
    with pytest.raises(LoadError) as info:
        load(FILES / name)
    assert reason in info.value.reason
    assert "\n" not in str(info.value)
    assert info.value.path.name == name


def test_folders_are_searched_recursively_for_supported_files(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("a/one.txt", "a/b/two.PDF", "a/b/three.docx", "a/skip.csv"):
        (tmp_path / name).write_text("x")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_files([tmp_path])]
    assert found == ["a/b/three.docx", "a/b/two.PDF", "a/one.txt"]
