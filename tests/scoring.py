"""The gold scorer (../shared/gold/score.py) as the format tests use it: figures for a set of documents."""
from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from types import ModuleType


@cache
def gold_scorer(shared: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score", shared / "gold" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def figures(scorer: ModuleType, documents: list[tuple[str, dict, dict]]) -> dict[str, float]:
    """Headings, quantities and placeholders F1, period and title accuracy over (text, gold, prediction)s."""
    totals: dict[str, tuple[int, int, int]] = {}
    tally = scorer.Tally()
    for text, gold, pred in documents:
        counts, doc_tally = scorer.score_doc(text, gold, pred)
        tally.merge(doc_tally)
        for key, value in counts.items():
            totals[key] = tuple(a + b for a, b in zip(totals.get(key, (0, 0, 0)), value, strict=True))
    result = {key: scorer.prf(*value)[2] for key, value in totals.items()}
    accuracy = tally.acc()
    result.update(period=accuracy.get("quantity.period", 1.0), title=accuracy["title"])
    return result
