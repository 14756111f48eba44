import subprocess
import sys

import pytest

from extractors.ner.component import EntityExtractor, ModelMissingWarning, load_model, merge
from extractors.ner.gazetteer import Span
from pipeline.doc import Document
from pipeline.outline import OutlineSegmenter
from tests.conftest import ROOT

TEXT = "一、主要工作\n园区与**铝业签约，市生态环境局开展检查。\n二、存在问题\n印发《园区安全生产方案》。\n"


def test_missing_model_warns_and_runs_the_rules(tmp_path):
    load_model.cache_clear()
    with pytest.warns(ModelMissingWarning, match="rules alone"):
        extractor = EntityExtractor(model_path=tmp_path / "nowhere")
    doc = extractor(OutlineSegmenter()(Document(text=TEXT, name="t.txt")))
    found = {(e.text, e.label, e.masked, e.source) for e in doc.entities}
    assert found == {("**铝业", "COMPANY", True, "rules"), ("市生态环境局", "ORG", False, "rules"),
                     ("园区安全生产方案", "DOC", False, "rules")}
    by_text = {e.text: e for e in doc.entities}
    assert doc.sections[by_text["园区安全生产方案"].section].marker == "二、"
    assert all(TEXT[e.start:e.end] == e.text for e in doc.entities)


def test_merge_prefers_model_names_and_rule_titles():
    model = [Span(0, 4, "ORG", "ABCD", False), Span(10, 14, "PLACE", "x", False)]
    rules = [Span(2, 6, "ORG", "CDEF", False), Span(8, 16, "DOC", "y", False), Span(20, 22, "PLACE", "z", False)]
    assert [(s.start, s.label) for s in merge(model, rules)] == [(0, "ORG"), (8, "DOC"), (20, "PLACE")]


def test_no_ner_does_not_import_spacy():
    code = ("import sys; from pipeline.core import Pipeline; p = Pipeline(models=False); "
            "p.process_file(sys.argv[1]); print('spacy' in sys.modules, 'extractors.ner.component' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(ROOT / "tests" / "data" / "files" / "utf8.txt")],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
