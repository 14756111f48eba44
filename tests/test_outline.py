"""The segmenter on crafted cases (tests/data/outline_cases.jsonl), one case per rule."""
import json

import pytest

from parksum.structure.outline import OutlineSegmenter
from parksum.text.doc import Document
from parksum.text.resources import load_json
from tests.conftest import DATA

CASES = [json.loads(line) for line in (DATA / "outline_cases.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def segmenter():
    return OutlineSegmenter()


def _segment(segmenter, case):
    return segmenter(Document(text=case["text"], name="case.txt", year=case.get("year")))


@pytest.mark.parametrize("case", [c for c in CASES if "headings" in c], ids=lambda c: c["id"])
def test_headings_markers_depths_and_titles(segmenter, case):
    doc = _segment(segmenter, case)
    got = [(h.marker, h.depth, h.title) for h in doc.headings]
    assert [(m, d) for m, d, _ in got] == [(m, d) for m, d, _ in case["headings"]]
    for (_, _, title), (_, _, expected) in zip(got, case["headings"], strict=True):
        assert title.startswith(expected)


@pytest.mark.parametrize("case", [c for c in CASES if "kinds" in c], ids=lambda c: c["id"])
def test_section_kinds(segmenter, case):
    assert [h.kind for h in _segment(segmenter, case).headings] == case["kinds"]


def test_tree_links_paths_and_spans(segmenter):
    text = "前言。\n一、主要工作\n（一）抓经济。一是抓项目。二是抓招商。\n（二）抓党建。\n二、存在问题\n"
    doc = segmenter(Document(text=text, name="x.txt"))
    preamble, *headings = doc.sections
    assert (preamble.depth, preamble.marker, preamble.start, preamble.end) == (0, None, 0, len(text))
    assert [h.path for h in headings] == ["一", "一/（一）", "一/（一）/一是", "一/（一）/二是", "一/（二）", "二"]
    one, econ, first, _, party, two = headings
    assert (first.parent, econ.parent, one.parent) == (econ.index, one.index, 0)
    assert text[one.start:one.marker_end] == "一、"
    assert one.end == two.start and econ.end == party.start
    assert text[econ.start:econ.end] == "（一）抓经济。一是抓项目。二是抓招商。\n"
    assert doc.section_at(text.index("抓招商")).path == "一/（一）/二是"
    assert doc.section_at(1) is preamble


def test_offsets_refer_to_the_original_text_with_full_width_digits(segmenter):
    text = "一、总体情况\n１．产值增长。\n２．税收增长。\n"
    doc = segmenter(Document(text=text, name="x.txt"))
    assert [text[h.start:h.marker_end] for h in doc.headings] == ["一、", "１．", "２．"]
    assert [h.depth for h in doc.headings] == [1, 2, 2]


def _spec_with(style: dict) -> dict:
    spec = json.loads(json.dumps(load_json("parksum.structure", "headings.json")))
    spec["styles"].insert(2, style)
    return spec


def test_a_heading_style_added_to_the_data_is_found_with_no_other_edit():
    # 〔一〕 starts with a character no other style starts with: the scan's guard follows the data.
    style = {"style": "cn_tortoise", "rank": 2.5, "pattern": "〔(?P<num>[一二三四五六七八九十]{1,3})〕"}
    text = "一、主要工作\n〔一〕招商引资\n签约项目5个。\n〔二〕项目建设\n开工项目3个。\n二、下步打算\n"
    doc = OutlineSegmenter(_spec_with(style))(Document(text=text, name="t.txt"))
    assert [(h.marker, h.depth) for h in doc.headings] == [("一、", 1), ("〔一〕", 2), ("〔二〕", 2), ("二、", 1)]


def test_a_heading_style_without_its_ordinal_group_is_refused_by_name():
    with pytest.raises(ValueError, match="style bad: pattern must capture the ordinal"):
        OutlineSegmenter(_spec_with({"style": "bad", "rank": 9, "pattern": "〔[一二三]〕"}))
