import pytest

from extractors.ner.evaluate import HELDOUT, evaluate_all, load_gold, score, source, taggers
from extractors.ner.train import MODEL
from extractors.ner.weak_labels import DEV, PARK_STYLE_DEV

needs_model = pytest.mark.skipif(not (MODEL / "meta.json").is_file(), reason="no NER model: run `make model`")

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
def systems():
    return taggers()


@pytest.fixture(scope="module")
def tables(systems):
    return evaluate_all(HELDOUT, systems)


def test_held_out_tables_are_split_by_source(tables):
    parts = {source(row) for row in load_gold()}
    assert parts == {"park summaries", "national reports"}
    assert {f"rules: {part}" for part in parts} <= tables.keys()
    assert sum(tables[f"rules: {part}"]["micro"]["support"] for part in parts) == tables["rules"]["micro"]["support"]


def test_rules_floor_on_held_out_gold(tables):
    assert tables["rules"]["micro"]["f1"] >= 0.75
    assert tables["rules"]["DOC"]["f1"] >= 0.95


@needs_model
@pytest.mark.parametrize("path", [DEV, PARK_STYLE_DEV], ids=lambda p: p.name)
def test_model_beats_the_rules_on_the_sets_that_tune_it(systems, path):
    table = evaluate_all(path, systems)
    assert table["model"]["micro"]["f1"] > table["rules"]["micro"]["f1"] + 0.05


@needs_model
@pytest.mark.xfail(strict=True, reason="issue #4 target not met yet: on the held-out set the model scores "
                   "0.767 micro-F1 against the rules' 0.775, below them on the park summaries (README, NER)")
def test_model_meets_the_issue_target(tables):
    assert tables["model"]["micro"]["f1"] >= 0.80
    assert tables["model"]["micro"]["f1"] > tables["rules"]["micro"]["f1"]
