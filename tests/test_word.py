"""Word files read as their authors see them: list labels, tables of figures, and where each character came from.

The format test builds .docx files from the seed summaries (tests/data/make_docx.py) and scores what the
pipeline finds in them against the seeds' gold, mapped to the .txt through the loader's sources, beside
what it finds in the .txt itself.
"""
from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from parksum.process.runner import Pipeline
from parksum.text.doc import Document
from parksum.text.loaders import load
from parksum.text.word import format_number
from tests.data.make_docx import KINDS, TABLE, Built, build
from tests.scoring import figures, gold_scorer


@pytest.mark.parametrize(("value", "fmt", "written"), [
    (1, "chineseCounting", "一"), (11, "chineseCounting", "十一"), (20, "chineseCountingThousand", "二十"),
    (3, "ideographTraditional", "丙"), (11, "ideographTraditional", "11"), (2, "decimalEnclosedCircle", "②"),
    (4, "decimalEnclosedParen", "⑷"), (3, "decimalZero", "03"), (12, "decimalFullWidth", "１２"),
    (4, "upperRoman", "IV"), (27, "upperLetter", "AA"), (2, "chineseLegalSimplified", "贰"), (5, "none", ""),
    (7, "someFutureFormat", "7"),
])
def test_counters_are_written_in_the_level_format(value, fmt, written):
    assert format_number(value, fmt) == written


def _numbered(tmp_path: Path, levels: str, nums: str, paragraphs: list[tuple[str, int | None, int]]) -> str:
    """A .docx with one abstract list of `levels`, the w:num elements `nums`, and paragraphs
    (text, numId or None, level); returns the text as loaded."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="70">{levels}</w:abstractNum>'))
    for num in nums.split("|"):
        numbering.append(parse_xml(num.replace("<w:num ", f'<w:num {nsdecls("w")} ')))
    for text, num_id, level in paragraphs:
        paragraph = document.add_paragraph(text)
        if num_id is not None:
            paragraph._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    path = tmp_path / "numbered.docx"
    document.save(str(path))
    return load(path).text


LEVELS = ('<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/>'
          '<w:lvlText w:val="%1、"/></w:lvl>'
          '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/>'
          '<w:lvlText w:val="（%2）"/></w:lvl>'
          '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
          '<w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedCircle"/>'
          '<w:lvlRestart w:val="0"/><w:suff w:val="space"/><w:lvlText w:val="%4"/></w:lvl>')


def test_list_labels_follow_levels_restarts_and_overrides(tmp_path):
    text = _numbered(tmp_path, LEVELS, '<w:num w:numId="71"><w:abstractNumId w:val="70"/></w:num>'
                     '|<w:num w:numId="72"><w:abstractNumId w:val="70"/>'
                     '<w:lvlOverride w:ilvl="1"><w:startOverride w:val="5"/></w:lvlOverride></w:num>', [
        ("园区2022年工作总结", None, 0), ("主要工作成效", 71, 0), ("经济稳中向好", 71, 1), ("项目建设提速", 71, 1),
        ("开工项目", 71, 2), ("竣工项目", 71, 2), ("其中工业项目", 71, 3), ("存在问题", 71, 0),
        ("招商不足", 71, 1), ("续前", 72, 1), ("再续", 72, 1), ("其中服务业", 72, 3), ("工作计划", 71, 0),
    ])
    assert text.split("\n") == [
        "园区2022年工作总结", "一、主要工作成效", "（一）经济稳中向好", "（二）项目建设提速",
        "1.\t开工项目", "2.\t竣工项目", "① 其中工业项目", "二、存在问题", "（一）招商不足",
        # a new instance of the list goes on with its counters, but for the level it overrides (w:startOverride)
        "（五）续前", "（六）再续",
        # a level with w:lvlRestart 0 never restarts
        "② 其中服务业", "三、工作计划",
    ]


def test_numbering_from_a_heading_style_and_an_overridden_level(tmp_path):
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="70">{LEVELS}</w:abstractNum>'))
    numbering.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="71"><w:abstractNumId w:val="70"/><w:lvlOverride w:ilvl="0">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="ideographTraditional"/><w:suff w:val="nothing"/>'
        '<w:lvlText w:val="%1、"/></w:lvl></w:lvlOverride></w:num>'))
    style = document.styles["Heading 1"]
    style.element.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="71"/></w:numPr>'))
    for title in ("工作成效", "存在问题"):
        document.add_paragraph(title, style="Heading 1")
        document.add_paragraph("正文。")
    path = tmp_path / "styled.docx"
    document.save(str(path))
    assert load(path).text == "甲、工作成效\n正文。\n乙、存在问题\n正文。"


def test_a_table_of_figures_is_read_row_header_by_column_header(tmp_path):
    seed = tmp_path / "seed.txt"
    seed.write_text("园区2022年工作总结\n一、主要指标\n二、下步打算\n", encoding="utf-8")
    built = build(seed, "table", tmp_path)
    doc = Pipeline(["metadata", "outline", "quantities"], ner=False).make_doc(load(built.path))
    from_table = [q for q in doc.quantities if doc.source_at(q.start)["kind"] == "cell"]
    header = TABLE[0]
    expected = [(row[1], col) for row in TABLE[1:] for col in range(2, len(header)) if row[col] != "—"]
    assert len(from_table) == len(expected)
    for q, (indicator, col) in zip(from_table, expected, strict=True):
        source = doc.source_at(q.start)
        assert (TABLE[source["row"]][1], source["col"]) == (indicator, col)  # traced to its cell
        assert q.indicator == indicator
        assert q.period == (header[col] if header[col][0].isdigit() else header[col - 1])[:5]  # 同比增长: of 2022
        assert q.status == ("target" if "目标" in header[col] else "actual")
        assert q.role == ("growth" if "增长" in header[col] else "count" if q.unit == "家" else "value")
    # no two figures of one indicator, period, status and role disagree (they did as tab-joined rows)
    facts = {}
    for q in doc.quantities:
        facts.setdefault((q.indicator, q.period, q.status, q.role), set()).add(q.value)
    assert all(len(values) == 1 for values in facts.values())


def test_a_unit_column_gives_bare_numbers_their_unit(tmp_path):
    document = docx.Document()
    rows = [["指标", "单位", "2022年", "增速(%)"], ["工业增加值", "亿元", "36.5", "7.2"]]
    table = document.add_table(rows=2, cols=4)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    path = tmp_path / "units.docx"
    document.save(str(path))
    assert load(path).text == "2022年：工业增加值36.5亿元。\n2022年：工业增加值增速7.2%。"


def test_a_table_without_figures_keeps_its_rows(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    for (r, c), value in {(0, 0): "单位名称", (0, 1): "XX工业园区", (1, 0): "报送时间", (1, 1): "12月"}.items():
        table.cell(r, c).text = value
    path = tmp_path / "form.docx"
    document.save(str(path))
    loaded = load(path)
    assert loaded.text == "单位名称\tXX工业园区\n报送时间\t12月"
    doc = Document(text=loaded.text, name="form.docx", sources=loaded.sources)
    assert doc.source_at(loaded.text.index("12月")) == {"kind": "cell", "table": 0, "row": 1, "col": 1, "char": 0}


# -- the seeds as Word files, scored against their gold ------------------------------------------------

def _to_txt(doc: Document, built: Built, offset: int) -> int | None:
    """The .txt offset of a character of the Word file's text; None for what only the Word file has."""
    source = doc.source_at(offset)
    if source is None or source["kind"] not in ("paragraph", "label"):
        return None
    label_start, text_start = built.paragraphs[source["paragraph"]]
    if source["kind"] == "label":
        return label_start + source["char"] if label_start + source["char"] < text_start else None
    return text_start + source["char"]


def _mapped(doc: Document, built: Built) -> dict:
    """The extraction JSON with every span moved to the .txt; items found only in a table are left out."""
    out = doc.to_contract()
    for key in ("headings", "quantities", "placeholders"):
        items = []
        for item in out[key]:
            start, last = _to_txt(doc, built, item["start"]), _to_txt(doc, built, item["end"] - 1)
            if start is not None and last is not None:
                items.append({**item, "start": start, "end": last + 1})
        out[key] = items
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_seeds_as_word_files_score_as_their_text(shared, tmp_path, kind):
    scorer = gold_scorer(shared)
    pipeline = Pipeline(ner=False)
    for txt in sorted((shared / "seeds").glob("*.txt")):
        gold = json.loads((shared / "gold" / f"{txt.stem}.json").read_text(encoding="utf-8"))
        text = txt.read_text(encoding="utf-8")
        built = build(txt, kind, tmp_path)
        as_text = figures(scorer, [(text, gold, pipeline.process_file(txt).to_contract())])
        as_word = figures(scorer, [(text, gold, _mapped(pipeline.process_file(built.path), built))])
        for key, value in as_text.items():
            assert as_word[key] == pytest.approx(value, abs=0.02), (txt.name, kind, key)
