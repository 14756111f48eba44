import pytest

from parksum.extractors.ner.component import member_paths, missing_models
from parksum.extractors.ner.gazetteer import LABELS
from parksum.extractors.training.evaluate import (
    HELDOUT,
    REAL_DEV,
    available,
    evaluate_all,
    load_gold,
    score,
    source,
    taggers,
)
from parksum.extractors.training.weak_labels import DEV, PARK_STYLE_DEV

needs_model = pytest.mark.skipif(bool(missing_models()), reason="no NER model: run `make model`")
needs_real = pytest.mark.skipif(not available(REAL_DEV), reason="../shared/gold/real is absent: no real summaries")

# Issue 14's targets on both development sets, for the model as `parksum extract` gives it, and the model
# above the rules.
MICRO_TARGET, LABEL_TARGET = 0.80, 0.65
# The (set, label) pairs below their target so far: strict xfail, so that reaching one fails the test
# until it is taken off this list. Empty since every target was met; kept for a target that slips.
NOT_YET_MET: set[tuple[str, str]] = set()

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
    assert table["model"]["micro"]["f1"] > table["rules"]["micro"]["f1"]


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


@needs_real
def test_real_gold_offsets_hold_on_the_texts():
    rows = load_gold(REAL_DEV)  # raises where an entity's text is not at its offsets
    assert len(rows) == 30 and sum(len(row["entities"]) for row in rows) >= 300
    assert all(row["text"][e["start"]:e["end"]] == e["text"] for row in rows for e in row["entities"])


def _target_cases() -> list:
    cases = []
    for path in (HELDOUT, REAL_DEV):
        for label in ("micro", *LABELS, "above the rules"):
            marks = [needs_model] + ([needs_real] if path == REAL_DEV else [])
            if (path.name, label) in NOT_YET_MET:
                marks.append(pytest.mark.xfail(strict=True, reason="issue 14: below target so far"))
            cases.append(pytest.param(path, label, marks=marks, id=f"{path.stem}-{label}"))
    return cases


@pytest.fixture(scope="module")
def model_tables(systems):
    return {path: evaluate_all(path, {name: systems[name] for name in ("rules", "model")})
            for path in (HELDOUT, REAL_DEV) if available(path)}


@pytest.mark.parametrize(("path", "label"), _target_cases())
def test_model_meets_the_issue_14_targets(model_tables, path, label):
    model = model_tables[path]["model"]
    if label == "above the rules":
        assert model["micro"]["f1"] > model_tables[path]["rules"]["micro"]["f1"]
    else:
        assert model[label]["f1"] >= (MICRO_TARGET if label == "micro" else LABEL_TARGET)
