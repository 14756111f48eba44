"""Benchmark: the rule pipeline against JioNLP's money extractor on the same text.

    make bench        (or: .venv/bin/python tests/bench_rules.py [CORPUS.jsonl])

Runs load (decoding) + outline + quantities + placeholders, no database, over the
national government work reports (1.1 M characters), then JioNLP's
`ner.extract_money` — the nearest peer, which finds money only — over the same texts.
Prints characters per second for both, their ratio, and what each found, plus the
indicator phrases the lexicon does not map. Not a test: speed is measured, not asserted.
"""
from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

from parksum import paths
from parksum.process.runner import Pipeline
from parksum.text.doc import Document
from parksum.text.loaders import decode_text

CORPUS = paths.national_reports()


def main(corpus: Path = CORPUS) -> None:
    texts = [json.loads(line)["content"] for line in corpus.read_text(encoding="utf-8").splitlines()]
    raw = [text.encode("utf-8") for text in texts]
    chars = sum(map(len, texts))
    pipeline = Pipeline(["metadata", "outline", "quantities", "placeholders"])

    start = time.perf_counter()
    docs = [pipeline(Document(text=decode_text(corpus, data)[0], name=str(i))) for i, data in enumerate(raw)]
    ours = time.perf_counter() - start
    quantities = [q for doc in docs for q in doc.quantities]
    unmapped = Counter(q.indicator for q in quantities if q.indicator and not q.indicator_id)

    import jionlp

    jionlp.ner.extract_money(texts[0][:200])  # load its dictionaries before timing
    start = time.perf_counter()
    money = sum(len(jionlp.ner.extract_money(text)) for text in texts)
    peer = time.perf_counter() - start

    print(f"corpus: {len(texts)} documents, {chars:,} characters")
    print(f"parksum rules : {chars / ours:>10,.0f} chars/s  ({ours:.2f} s) — {len(quantities):,} quantities, "
          f"{sum(len(d.placeholders) for d in docs):,} placeholders, {sum(len(d.headings) for d in docs):,} headings")
    print(f"JioNLP money  : {chars / peer:>10,.0f} chars/s  ({peer:.2f} s) — {money:,} money expressions")
    print(f"ratio parksum/JioNLP: {peer / ours:.2f}x")
    print(f"indicators: {len(quantities) - sum(unmapped.values()):,} of {len(quantities):,} figures mapped; "
          f"{len(unmapped):,} distinct unmapped phrases in {sum(unmapped.values()):,} figures")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS)
