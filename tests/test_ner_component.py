import subprocess
import sys

import pytest

from parksum.extractors.ner.component import (
    BLOCK_CHARACTERS,
    EntityExtractor,
    ModelMissingWarning,
    ModelNer,
    blocks,
    load_models,
    member_paths,
    missing_models,
    runs_across_clauses,
)
from parksum.extractors.ner.gazetteer import RuleNer, Span
from parksum.structure.outline import OutlineSegmenter
from parksum.text.doc import Document
from tests.conftest import ROOT

TEXT = "一、主要工作\n园区与**铝业签约，市生态环境局开展检查。\n二、存在问题\n印发《园区安全生产方案》。\n"


def test_missing_model_warns_and_runs_the_rules(tmp_path):
    load_models.cache_clear()
    with pytest.warns(ModelMissingWarning, match="rules alone"):
        extractor = EntityExtractor(members=(member_paths()[0], tmp_path / "nowhere"))
    doc = extractor(OutlineSegmenter()(Document(text=TEXT, name="t.txt")))
    found = {(e.text, e.label, e.masked, e.source) for e in doc.entities}
    assert found == {("**铝业", "COMPANY", True, "rules"), ("市生态环境局", "ORG", False, "rules"),
                     ("园区安全生产方案", "DOC", False, "rules")}
    by_text = {e.text: e for e in doc.entities}
    assert doc.sections[by_text["园区安全生产方案"].section].marker == "二、"
    assert all(TEXT[e.start:e.end] == e.text for e in doc.entities)


@pytest.mark.skipif(bool(missing_models()), reason="no NER model: run `make model`")
def test_model_entities_say_whether_the_rules_found_them_too():
    load_models.cache_clear()
    text = (ROOT / "corpus" / "002_8f1f4c12a115cc13.txt").read_text(encoding="utf-8")
    doc = EntityExtractor(ner=True)(OutlineSegmenter()(Document(text=text, name="002.txt")))
    rule_spans = {(s.start, s.end, s.label) for s in RuleNer()(text)}
    assert doc.entities and all(text[e.start:e.end] == e.text for e in doc.entities)
    assert all((e.source == "rules") == ((e.start, e.end, e.label) in rule_spans) for e in doc.entities)


def test_no_ner_runs_the_rules_without_importing_spacy():
    code = ("import sys; from parksum.process.runner import Pipeline; "
            "d = Pipeline(ner=False).process_file(sys.argv[1]); print('spacy' in sys.modules, bool(d.entities))")
    out = subprocess.run([sys.executable, "-c", code, str(ROOT / "corpus" / "002_8f1f4c12a115cc13.txt")],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]


@pytest.mark.parametrize(("label", "text", "across"), [
    ("PROJECT", "“千村示范、万村整治”工程", False),
    ("DOC", "关于印发“稳增长、促投资”若干措施的通知", False),
    ("ORG", "市委市政府", False),
    ("PROJECT", "有色金属冶炼加工项目区建设，完成了项目区", True),
    ("COMPANY", "***藏建、恒", True),
])
def test_model_names_never_run_across_a_clause_mark_outside_quotes(label, text, across):
    assert runs_across_clauses(label, text) is across


class FixedNer:
    """Stands in for a member model or the rules: the same spans whatever the text."""

    def __init__(self, *spans: tuple[int, int, str]) -> None:
        self.spans = [Span(a, b, label, "", False) for a, b, label in spans]

    def __call__(self, text: str, tokens=None) -> list[Span]:
        return self.spans


def members_asked(monkeypatch, members: dict[str, FixedNer]) -> dict[str, list[tuple[int, int]]]:
    """Make `members` the models (each finds its spans in the sentences it is given); returns the
    sentences each was asked about."""
    asked: dict[str, list[tuple[int, int]]] = {name: [] for name in members}

    def model_spans(nlp, text, sentences, features):
        asked[nlp] += sentences
        for a, b in sentences:
            yield [s for s in members[nlp](text) if a <= s.start < b]

    monkeypatch.setattr(ModelNer, "_model_spans", staticmethod(model_spans))
    return asked


SENTENCES = "园区签约十家企业。甲乙丙丁戊己庚。"  # two sentences: [0, 9) and [9, 17)


def test_a_name_is_kept_when_two_of_the_three_voters_find_the_same_span_and_label(monkeypatch):
    members = {"a": FixedNer((0, 2, "ORG"), (5, 8, "PLACE")), "b": FixedNer((0, 2, "ORG"), (5, 8, "COMPANY"))}
    members_asked(monkeypatch, members)
    vote = ModelNer(["a", "b"], min_votes=2, rules=FixedNer((5, 8, "COMPANY"), (9, 11, "PLACE")))
    assert [(s.start, s.end, s.label) for s in vote(SENTENCES)] == [(0, 2, "ORG"), (5, 8, "COMPANY")]
    alone = ModelNer(["a"], min_votes=1)
    assert [(s.start, s.end, s.label) for s in alone(SENTENCES)] == [(0, 2, "ORG"), (5, 8, "PLACE")]


def test_the_last_model_is_asked_only_where_its_vote_can_change_what_is_kept(monkeypatch):
    # The rules and the first model agree on the first sentence and find nothing in the second: the
    # second model's vote cannot keep or drop a name there.
    members = {"a": FixedNer((0, 2, "ORG")), "b": FixedNer((0, 2, "ORG"), (10, 12, "PLACE"))}
    asked = members_asked(monkeypatch, members)
    vote = ModelNer(["a", "b"], min_votes=2, rules=FixedNer((0, 2, "ORG")))
    assert [(s.start, s.end) for s in vote(SENTENCES)] == [(0, 2)]
    assert asked == {"a": [(0, 9), (9, 17)], "b": []}
    # Where only one of them found a name, the second model decides.
    asked = members_asked(monkeypatch, members)
    vote = ModelNer(["a", "b"], min_votes=2, rules=FixedNer((10, 12, "PLACE")))
    assert [(s.start, s.end) for s in vote(SENTENCES)] == [(0, 2), (10, 12)]
    assert asked == {"a": [(0, 9), (9, 17)], "b": [(0, 9), (9, 17)]}


def test_blocks_cover_the_text_and_end_at_a_line_end():
    text = (ROOT / "corpus" / "002_8f1f4c12a115cc13.txt").read_text(encoding="utf-8")
    pieces = list(blocks(text, size=500))
    assert len(pieces) > 3
    assert "".join(block for _, block in pieces) == text
    assert all(text[offset:offset + len(block)] == block for offset, block in pieces)
    assert all(block.endswith("\n") for _, block in pieces[:-1])


def test_a_text_longer_than_a_block_has_each_copy_s_names_at_their_own_offsets():
    text = (ROOT / "corpus" / "002_8f1f4c12a115cc13.txt").read_text(encoding="utf-8").rstrip("\n") + "\n"
    copies = BLOCK_CHARACTERS // len(text) + 2  # the last copies lie in a second block
    doc = EntityExtractor(ner=False)(Document(text=text * copies, name="long.txt"))
    once = [(e.start, e.end, e.label) for e in EntityExtractor(ner=False)(Document(text=text, name="t.txt")).entities]
    assert once
    assert [(e.start, e.end, e.label) for e in doc.entities] == [
        (start + k * len(text), end + k * len(text), label) for k in range(copies) for start, end, label in once]


def test_a_name_of_a_label_the_rules_decide_is_kept_on_their_word_over_an_overlapping_voted_name(monkeypatch):
    members = {"a": FixedNer((0, 2, "ORG"), (9, 13, "PLACE")), "b": FixedNer((0, 2, "ORG"), (9, 13, "PLACE"))}
    members_asked(monkeypatch, members)
    rules = FixedNer((5, 8, "COMPANY"), (10, 14, "COMPANY"), (14, 16, "PLACE"))
    vote = ModelNer(["a", "b"], min_votes=2, rules=rules, rules_decide={"COMPANY"})
    # 5-8 and 10-14 by the rules alone, the voted 9-13 overlapping 10-14 dropped; 14-16 is not a label the
    # rules decide, and the vote keeps 0-2
    assert [(s.start, s.end, s.label) for s in vote(SENTENCES)] == [(0, 2, "ORG"), (5, 8, "COMPANY"),
                                                                      (10, 14, "COMPANY")]
