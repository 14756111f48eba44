import pytest

from parksum.structure.metadata import DocumentMetadata
from parksum.text.doc import Document


@pytest.fixture(scope="module")
def metadata():
    return DocumentMetadata()


def _run(metadata, text, year=None):
    return metadata(Document(text=text, name="x.txt", year=year))


def test_title_line_type_and_year_from_title(metadata):
    doc = _run(metadata, "省级工业园区2022年党建工作总结及2023年工作计划\n\n一年来，园区在2023年……\n一、主要工作成效\n")
    assert (doc.title, doc.doc_type, doc.year) == ("省级工业园区2022年党建工作总结及2023年工作计划", "党建", 2022)


def test_speech_title(metadata):
    doc = _run(metadata, "省级工业园党工委书记在2022年度工作总结大会上的讲话\n\n同志们：\n……\n")
    assert (doc.doc_type, doc.year) == ("讲话", 2022)


@pytest.mark.parametrize("first_line", [
    "2022年，在市委、市政府的坚强领导下，现将有关情况汇报如下：",
    "一、2022年主要工作及成效",
    "今年来，园区坚持以习近平新时代中国特色社会主义思想为指导。",
])
def test_no_title_when_the_first_line_is_text_or_a_heading(metadata, first_line):
    assert _run(metadata, first_line + "\n二、存在问题\n").title is None


def test_type_from_opening_cues_and_year_from_text(metadata):
    doc = _run(metadata, "2022年，园区……现将有关情况汇报如下：\n一、2022年工作\n二、2023年计划\n")
    assert (doc.title, doc.doc_type, doc.year) == (None, "汇报", 2022)


def test_year_falls_back_to_the_tagged_year(metadata):
    assert _run(metadata, "今年以来，园区发展良好。\n一、主要工作\n", year=2021).year == 2021


def test_the_tagged_year_wins_and_the_documents_own_is_kept(metadata):
    doc = _run(metadata, "高新区2023年上半年经济运行情况\n\n上半年，全区经济稳中有进。\n", year=2022)
    assert (doc.year, doc.year_in_text, doc.period, doc.doc_type) == (2022, 2023, "上半年", "经济运行")


@pytest.mark.parametrize(("text", "period"), [
    ("园区1-9月工作情况汇报\n\n今年以来，园区……\n", "1-9月"),
    ("工业园区2024年第一季度工作总结\n\n一季度，园区……\n", "第一季度"),
    ("工业园区2023年工作总结\n\n一年来，园区……\n", None),
])
def test_the_part_of_the_year_a_document_covers(metadata, text, period):
    assert _run(metadata, text).period == period


def test_a_title_with_pdf_spaces_is_kept_as_written_and_read_without_them(metadata):
    doc = _run(metadata, "生态园区 2022 年工作总结和 2023 年工作思路\n2022 年，园区……\n")
    assert (doc.title, doc.year) == ("生态园区 2022 年工作总结和 2023 年工作思路", 2022)
