"""A document's text with its figures, masks and entities marked in place, escaped, nested."""
import re

from parksum.interfaces.web.highlight import marked_text, outline

TEXT = "<b>园区</b>\n一、成绩\n**铝业实现产值**亿元。"


def _document(**rows) -> dict:
    base = {"text": TEXT, "sections": [{"id": 1, "depth": 0, "start": 0, "parent_id": None},
                                       {"id": 2, "depth": 1, "start": 10, "parent_id": None},
                                       {"id": 3, "depth": 2, "start": 15, "parent_id": 2}],
            "metrics": [], "placeholders": [], "entities": []}
    return base | rows


def test_text_is_escaped_and_marks_nest_with_one_id_each():
    start = TEXT.index("**亿元")
    company = TEXT.index("**铝业")
    html = marked_text(_document(
        metrics=[{"id": 5, "start": start, "end": start + 4, "masked": True, "indicator": "产值", "role": "value",
                  "status": "actual"}],
        placeholders=[{"id": 8, "start": start, "end": start + 2, "kind": "quantity"},
                      {"id": 9, "start": company, "end": company + 2, "kind": "name"}],
        # an entity that ends inside the figure: the figure is closed and opened again at the entity's end
        entities=[{"id": 3, "start": company, "end": start + 1, "label": "COMPANY"}]))
    assert "&lt;b&gt;园区&lt;/b&gt;" in html and "<b>" not in html
    assert html.count("<mark") == html.count("</mark>")
    assert html.count('id="at-metric-5"') == 1 and html.count('data-row="row-metric-5"') == 2
    assert re.search(r'<mark class="figure masked" id="at-metric-5"[^>]*>.*<mark class="mask" id="at-placeholder-8"',
                     html)
    assert '<a class="section-anchor" id="section-2"></a>一、成绩' in html
    assert re.sub(r"<[^>]+>", "", html).replace("&lt;", "<").replace("&gt;", ">") == TEXT


def test_outline_is_a_tree_without_the_preamble():
    tree = outline(_document()["sections"])
    assert [n["id"] for n in tree] == [2] and [n["id"] for n in tree[0]["children"]] == [3]
