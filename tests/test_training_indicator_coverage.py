"""Canonical indicator coverage and correctness on the real development set and the national reports
(extractors/training/indicator_coverage.py); skipped where ../shared is absent."""
import pytest

from parksum.extractors.training.indicator_coverage import (
    correctness,
    coverage,
    national_quantities,
    pipeline,
    real_dir,
    real_documents,
)
from parksum.paths import national_reports


@pytest.fixture(scope="module")
def real(shared):
    if not real_dir().is_dir():
        pytest.skip(f"{real_dir()} is absent")
    return real_documents(pipeline())


def test_most_figures_of_real_summaries_have_a_canonical_indicator(real):
    mapped, total = coverage([q for _, _, quantities in real for q in quantities])
    assert mapped / total >= 0.80, f"{mapped}/{total}"


def test_canonical_indicators_agree_with_the_gold_phrases(real):
    tally = correctness(real)
    decided = tally["decidable correct"] + tally["decidable wrong"]
    assert tally["decidable correct"] / decided >= 0.95, dict(tally)


@pytest.mark.slow
def test_most_figures_of_the_national_reports_have_a_canonical_indicator(shared):
    assert national_reports().is_file()
    mapped, total = coverage(national_quantities(pipeline()))
    assert mapped / total >= 0.60, f"{mapped}/{total}"
