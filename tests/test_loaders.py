import logging
import os
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from parksum.text.loaders import Limits, LoadError, iter_files, load, shown
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


def test_folders_yield_every_file_so_that_unread_kinds_are_listed(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "notes").mkdir()
    for name in ("a/one.txt", "a/b/two.PDF", "a/b/three.docx", "a/table.xls", "a/manifest.csv", "notes/n.txt",
                 "notes/.parksum-ignore"):
        (tmp_path / name).write_text("x")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_files([tmp_path], skip=("manifest.csv",))]
    assert found == ["a/b/three.docx", "a/b/two.PDF", "a/one.txt", "a/table.xls"]
    with pytest.raises(LoadError, match=r"unsupported file type '\.xls'"):
        load(tmp_path / "a" / "table.xls")


@pytest.mark.skipif(not (shutil.which("antiword") or shutil.which("soffice")) and not os.environ.get("CI"),
                    reason="no .doc reader installed (apt-get install antiword libreoffice-writer-nogui)")
def test_legacy_word_files_are_read():
    text = load(FILES / "sample.doc").text
    assert "一、主要工作成效" in text and "规上工业总产值**亿元" in text and "固定资产投资" in text


def test_a_legacy_word_file_without_a_reader_says_what_to_install(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda _: None)
    with pytest.raises(LoadError, match="needs antiword or LibreOffice"):
        load(FILES / "sample.doc")


@pytest.mark.parametrize(("extracted", "restored"), [
    ("“ ”神，深刻认识 两个确立 的决定性意", "神，深刻认识“两个确立”的决定性意"),
    ("“ ” “ ”“ ”“ ”次。以 书记讲堂 、 专题党课 专题宣讲 学习研讨 活动",
     "次。以“书记讲堂”、“专题党课”“专题宣讲”“学习研讨”活动"),
    ("2025: “ ”扬州经开区启航 高质量号 列车,“ ”六大引擎 轰鸣共绘发展新蓝图",
     "2025:扬州经开区启航“高质量号”列车,“六大引擎”轰鸣共绘发展新蓝图"),  # runs inside the line
    ("一、2022 年主要工作及成效", "一、2022 年主要工作及成效"),  # no quotes moved: the line stays
    ("“ ” “ ”园区 1 2", "“ ” “ ”园区 1 2"),  # more quotes than two a space: not guessed
])
def test_quotes_a_pdf_moved_to_the_line_start_are_put_back(extracted, restored):
    from parksum.text.loaders import _restore_quotes

    assert _restore_quotes(extracted) == restored


SHORT = "园区今年签约项目12个，总投资35亿元。"
TRADITIONAL = "園區今年簽約項目12個，總投資35億元。"  # what Big5 writes


@pytest.mark.parametrize("encoding", ["utf_16_le", "utf_16_be", "gb18030", "big5"])
@pytest.mark.parametrize("length", [8, 20, 800], ids=["8-chars", "sentence", "page"])
def test_bomless_utf16_and_short_chinese_encodings_decode(tmp_path, encoding, length):
    text = ((TRADITIONAL if encoding == "big5" else SHORT) * 40)[:length]
    path = tmp_path / "t.txt"
    path.write_bytes(text.encode(encoding))
    assert load(path).text == text


def test_utf8_cut_in_its_last_character_is_decoded_with_a_warning(tmp_path, caplog):
    path = tmp_path / "cut.txt"
    path.write_bytes((SHORT + "园").encode("utf-8")[:-1])
    with caplog.at_level(logging.WARNING, logger="parksum.text.loaders"):
        assert load(path).text == SHORT
    assert "cut short" in caplog.text


def test_links_loops_and_special_files_are_listed_with_their_reason(tmp_path):
    shutil.copy(FILES / "utf8.txt", tmp_path / "real.txt")
    (tmp_path / "sub").mkdir()
    os.symlink("real.txt", tmp_path / "link.txt")
    os.symlink("nowhere.txt", tmp_path / "dangling.txt")
    os.symlink("loop.txt", tmp_path / "loop.txt")
    os.symlink(tmp_path, tmp_path / "sub" / "up")
    os.mkfifo(tmp_path / "pipe.txt")
    found = {p.relative_to(tmp_path).as_posix(): p for p in iter_files([tmp_path])}
    assert sorted(found) == ["dangling.txt", "link.txt", "loop.txt", "pipe.txt", "real.txt", "sub/up"]
    assert load(found["link.txt"]).text == load(found["real.txt"]).text
    os.symlink(tmp_path, tmp_path.parent / f"{tmp_path.name}-named")  # a link named on the command line is followed
    assert len(list(iter_files([tmp_path.parent / f"{tmp_path.name}-named"]))) == len(found)
    for name, reason in (("dangling.txt", "a symbolic link to nothing (nowhere.txt does not exist)"),
                         ("loop.txt", "a symbolic link in a loop"), ("pipe.txt", "not a regular file (a FIFO)"),
                         ("sub/up", "a link to a folder")):
        with pytest.raises(LoadError) as info:
            load(found[name])  # a FIFO is never opened: reading it would wait for a writer forever
        assert info.value.reason.startswith(reason)


def test_a_name_that_is_not_utf8_is_read_and_shown_escaped(tmp_path):
    path = Path(os.fsdecode(bytes(tmp_path) + b"/\xb9\xa4\xd7\xf7.txt"))  # 工作 in GBK bytes
    shutil.copy(FILES / "utf8.txt", path)
    assert [p.name for p in iter_files([tmp_path])] == [path.name]
    assert load(path).text.startswith(SAMPLE_START)
    assert shown(path).endswith("/\\xb9\\xa4\\xd7\\xf7.txt")
    shown(path).encode("utf-8")
    assert "\\xb9" in str(LoadError(path, "x"))


def test_text_of_nul_bytes_is_binary(tmp_path):
    (tmp_path / "zeros.txt").write_bytes(b"\x00" * 4096)
    with pytest.raises(LoadError, match="binary or undecodable"):
        load(tmp_path / "zeros.txt")


def test_limits_refuse_with_the_bound_they_broke(tmp_path):
    declared = Limits.declared()
    (tmp_path / "long.txt").write_text("园区" * 600, encoding="utf-8")
    with pytest.raises(LoadError, match=r"1,200 characters, over the limit of 1,000 \(max_characters\)"):
        load(tmp_path / "long.txt", replace(declared, max_characters=1000))
    with pytest.raises(LoadError, match=r"over the limit of 0.001 MB \(max_file_mb\)"):
        load(tmp_path / "long.txt", replace(declared, max_file_mb=0.001))
    assert len(load(tmp_path / "long.txt").text) == 1200


def _docx_with(tmp_path: Path, part: str, data: bytes) -> Path:
    """sample.docx with one part replaced."""
    target = tmp_path / "hostile.docx"
    with zipfile.ZipFile(FILES / "sample.docx") as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            out.writestr(item.filename, data if item.filename == part else source.read(item))
    return target


def test_docx_zip_bombs_are_refused_before_unpacking(tmp_path):
    bomb = _docx_with(tmp_path, "word/document.xml", b" " * (8 * 2**20))  # packs about a thousand times
    with pytest.raises(LoadError, match=r"part word/document.xml unpacks [\d,]+ times its size.*max_docx_ratio"):
        load(bomb)
    with pytest.raises(LoadError, match=r"unpacks to [89] MB, over the limit of 1 MB \(max_docx_unpacked_mb\)"):
        load(bomb, replace(Limits.declared(), max_docx_unpacked_mb=1))


def test_docx_declaring_xml_entities_is_refused(tmp_path):
    with zipfile.ZipFile(FILES / "sample.docx") as source:
        xml = source.read("word/document.xml")
    head, _, body = xml.partition(b"?>")
    laughs = (b'<!DOCTYPE w:document [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
              b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')
    hostile = _docx_with(tmp_path, "word/document.xml", head + b"?>" + laughs + body.replace(b"<w:t>", b"<w:t>&c;", 1))
    with pytest.raises(LoadError, match=r"part word/document\.xml declares an XML document type"):
        load(hostile)
    assert load(FILES / "sample.docx").text.startswith(SAMPLE_START)  # Word's own XML passes


def test_a_doc_of_noise_is_refused_not_read_as_text(tmp_path):
    noise = tmp_path / "noise.doc"
    noise.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(range(256)) * 12)  # LibreOffice reads it as plain text
    with pytest.raises(LoadError, match=r"not a readable \.doc|needs antiword"):
        load(noise)
