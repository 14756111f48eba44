"""Benchmark: NER speed, rules alone and the trained model, on the national reports.

    make bench-ner    (or: .venv/bin/python tests/bench_ner.py [CHARACTERS])

Runs the entities component's rules and model (the ensemble: its members and the rules vote) over
the first CHARACTERS (default 200,000) characters of the government work reports and prints
characters per second and entities found.
The model reads the rules' labels and jieba's words as features, so its time includes theirs.
Not a test: speed is measured, not asserted.
"""
from __future__ import annotations

import json
import sys
import time

from parksum.extractors.ner.component import ModelNer, load_models
from parksum.extractors.ner.gazetteer import RuleNer
from parksum.extractors.training.weak_labels import REPORTS


def main(characters: int = 200_000) -> None:
    text = "\n".join(json.loads(line)["content"] for line in REPORTS.read_text(encoding="utf-8").splitlines())
    text = text[:characters]
    RuleNer()("预热：园区与**铝业签约。")  # jieba's dictionary loads once, outside the timing
    systems = {"rules": RuleNer()}
    nlps = load_models()
    if nlps is not None:
        systems["model"] = ModelNer(nlps, rules=RuleNer())
        systems["model"]("预热：园区与**铝业签约。")
    for name, system in systems.items():
        start = time.perf_counter()
        found = system(text)
        seconds = time.perf_counter() - start
        print(f"{name:6s} {len(text) / seconds:>10,.0f} characters/s  ({seconds:.1f} s, {len(found):,} entities)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
