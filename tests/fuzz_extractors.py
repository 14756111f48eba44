"""The long fuzzing run: 100,000 generated documents (tests/fuzz.py) through the rule pipeline.

    .venv/bin/python -m tests.fuzz_extractors [DOCUMENTS]

Checks what the CI-sized fuzz tests in tests/test_runner.py check (no exception, every span is the text
at its offsets) on more documents, and reports the crashes (Hypothesis's smallest failing document) and
the slowest document (CPU time). Not a test.
"""
from __future__ import annotations

import sys
import time

from hypothesis import HealthCheck, Phase, given, settings

from parksum.process.runner import Pipeline
from parksum.text.doc import Document
from tests import fuzz


def main(documents: int = 100_000) -> None:
    pipeline = Pipeline(ner=False)
    pipeline.warm_up()  # lazy loads before the first timing
    seen = {"documents": 0, "characters": 0}
    slowest = (0.0, "")

    @settings(max_examples=documents, deadline=None, database=None, suppress_health_check=list(HealthCheck),
              phases=[Phase.generate, Phase.shrink])
    @given(text=fuzz.documents)
    def check(text: str) -> None:
        nonlocal slowest
        start = time.process_time()
        doc = pipeline(Document(text=text, name="fuzz.txt"))
        seconds = time.process_time() - start
        fuzz.spans_point_at_their_text(doc)
        seen["documents"] += 1
        seen["characters"] += len(text)
        slowest = max(slowest, (seconds, text))
        if seen["documents"] % 10_000 == 0:
            print(f"{seen['documents']:,} documents, slowest so far {slowest[0] * 1000:.1f} ms", flush=True)

    start = time.perf_counter()
    try:
        check()
        crashes = 0
    except Exception as error:  # Hypothesis raises the smallest failing document's error
        crashes = 1
        print(f"crash: {type(error).__name__}: {error}")
    seconds, text = slowest
    elapsed = time.perf_counter() - start
    print(f"{seen['documents']:,} documents ({seen['characters']:,} characters) in {elapsed:.0f} s; crashes: {crashes}")
    print(f"slowest document: {seconds * 1000:.1f} ms CPU, {len(text)} characters: {text[:200]!r}")
    # a garbage collection or a lazy load during a document counts as its time: timed again, alone
    again = min(_cpu_time(pipeline, text) for _ in range(3))
    print(f"the slowest document again, best of 3: {again * 1000:.1f} ms CPU")


def _cpu_time(pipeline: Pipeline, text: str) -> float:
    start = time.process_time()
    pipeline(Document(text=text, name="fuzz.txt"))
    return time.process_time() - start


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
