"""Extraction quality on the seeds, measured with ../shared/gold/score.py (not by copying gold)."""
import json
import subprocess
import sys

import pytest

from parksum.interfaces.cli import main


@pytest.fixture(scope="module")
def scores(shared, tmp_path_factory):
    out = tmp_path_factory.mktemp("extract")
    assert main(["extract", *map(str, sorted((shared / "seeds").glob("*.txt"))), "--out", str(out)]) == 0
    result = subprocess.run([sys.executable, str(shared / "gold" / "score.py"), str(shared / "gold"), str(out),
                             "--texts", str(shared / "seeds"), "--json"], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


@pytest.mark.parametrize(("section", "figure", "floor"), [
    ("detection", "headings", 0.97),
    ("attributes", "heading.depth", 0.95),
    ("attributes", "heading.title", 0.90),
    ("detection", "quantities", 0.93),
    ("attributes", "quantity.masked", 0.99),
    ("attributes", "quantity.value", 0.98),
    ("attributes", "quantity.unit", 0.95),
    ("attributes", "quantity.indicator", 0.85),
    ("attributes", "quantity.role", 0.85),
    ("attributes", "quantity.status", 0.90),
    ("attributes", "quantity.period", 0.80),
    ("detection", "placeholders", 0.99),
    ("attributes", "placeholder.kind", 0.90),
])
def test_scorer_figures_meet_the_floor(scores, section, figure, floor):
    value = scores[section][figure]
    value = value["f1"] if section == "detection" else value
    assert value >= floor, f"{figure} = {value} < {floor}"
