import pytest

from extractors.ner.evaluate import HELDOUT, evaluate_all, load_gold, score
from extractors.ner.train import MODEL

pytestmark = pytest.mark.skipif(not HELDOUT.is_file(), reason=f"{HELDOUT} is absent: no held-out gold")


def test_exact_span_and_label_scoring():
    gold = [{"text": "abcdef", "entities": [{"start": 0, "end": 2, "label": "ORG"},
                                              {"start": 3, "end": 5, "label": "PLACE"}]}]
    table = score(lambda text: [(0, 2, "ORG"), (3, 5, "ORG")], gold)
    assert table["ORG"]["precision"] == 0.5 and table["ORG"]["recall"] == 1.0
    assert table["PLACE"]["recall"] == 0.0 and table["micro"]["f1"] == pytest.approx(0.5)


def test_held_out_gold_is_large_enough():
    assert sum(len(row["entities"]) for row in load_gold()) >= 300


@pytest.fixture(scope="module")
def tables():
    return evaluate_all()


def test_rules_floor_on_held_out_gold(tables):
    assert tables["rules"]["micro"]["f1"] >= 0.75
    assert tables["rules"]["DOC"]["f1"] >= 0.95


@pytest.mark.skipif(not (MODEL / "meta.json").is_file(), reason="no NER model: run `make model`")
@pytest.mark.xfail(strict=True, reason="issue #4 target not met yet: the model, trained on national reports "
                   "only, scores below 0.80 micro-F1 and below the rules on the park summaries (README, NER)")
def test_model_meets_the_issue_target(tables):
    assert tables["model"]["micro"]["f1"] >= 0.80
    assert tables["model"]["micro"]["f1"] > tables["rules"]["micro"]["f1"]
