import pytest

from parksum.extractors.ner.component import member_paths, missing_models
from parksum.extractors.training.evaluate import HELDOUT, evaluate_all, load_gold, score, source, taggers
from parksum.extractors.training.weak_labels import DEV, PARK_STYLE_DEV

needs_model = pytest.mark.skipif(bool(missing_models()), reason="no NER model: run `make model`")

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
def test_model_meets_the_issue_target_on_the_held_out_set(tables):
    assert tables["model"]["micro"]["f1"] >= 0.80
    assert tables["model"]["micro"]["f1"] > tables["rules"]["micro"]["f1"]
    # and on the park summaries, what parksum reads, as well as on the reports
    for part in ("park summaries", "national reports"):
        assert tables[f"model: {part}"]["micro"]["f1"] > tables[f"rules: {part}"]["micro"]["f1"]


@needs_model
def test_the_vote_beats_each_member_alone(tables):
    for path in member_paths():
        assert tables["model"]["micro"]["f1"] > tables[path.name]["micro"]["f1"]
