"""Training data for the NER model: hand-annotated sentences and the rules' labels on national
government work reports.

The reports of 2023–2025 (and the undated resolutions) are held out, like the seeds: the
gold set is drawn from them. The hand-annotated sentences teach the model where the rules are
wrong, so they are repeated: corrections of the rules on other years' reports
(corpus/ner/train_corrections.jsonl) and park-style sentences (corpus/ner/park_style_train.jsonl,
see corpus/ner/GUIDELINES.md), since no park summary but the held-out seeds exists here. The
rules' labels on a sample of the reports teach it the common case. corpus/ner/dev.jsonl and
park_style_dev.jsonl (hand-annotated, never trained on) pick the best checkpoint. Names are
masked at random, the way park summaries are masked (**铝业, ***市), so that the model learns
masked names too.
"""
from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

from parksum import paths
from parksum.extractors.ner.gazetteer import RuleNer

REPORTS = paths.national_reports()
NER_CORPUS = paths.corpus_dir() / "ner"
CORRECTIONS = NER_CORPUS / "train_corrections.jsonl"
DEV = NER_CORPUS / "dev.jsonl"
PARK_STYLE = NER_CORPUS / "park_style_train.jsonl"
PARK_STYLE_DEV = NER_CORPUS / "park_style_dev.jsonl"
HELD_OUT_YEARS = range(2023, 2026)
# Copies of each hand-annotated sentence: the first as written, the others augmented (below).
CORRECTION_REPEATS = 4
PARK_STYLE_REPEATS = 6  # the sentences most like the documents the model reads
# The rules' labels on a sample of report sentences: with all 24,000 the model only learns to copy
# its rule features, and the corrections are drowned out.
WEAK_SENTENCES = 2000
SENTENCE_END = re.compile(r"(?<=[。！？；])|\n+")
MASK_RATE = 0.25  # share of names whose leading characters are masked
JOIN_RATE = 0.8  # share of 名、名 pairs written together, as park summaries write 市委市政府
# Park summaries mask figures (**亿元) and slogans (“**”思路) more often than names: masks
# outside names, labelled O, teach the model that a mask alone does not open a name.
NUMBER_MASK_RATE = 0.5
NUMBER = re.compile(r"\d+(?:\.\d+)?")
QUOTE_MASK_RATE = 0.5
QUOTED = re.compile(r"(?<=“)[^“”]{1,12}(?=”)")
MASKABLE = {"ORG", "COMPANY", "PLACE", "PROJECT"}


def training_reports(path: Path = REPORTS) -> list[str]:
    texts = []
    for line in path.read_text(encoding="utf-8").splitlines():
        report = json.loads(line)
        year = report.get("year")
        if year and int(year) not in HELD_OUT_YEARS:
            texts.append(report["content"])
    return texts


def sentences(text: str) -> Iterator[str]:
    for piece in SENTENCE_END.split(text):
        piece = piece.strip()
        if 6 <= len(piece) <= 400:
            yield piece


Example = tuple[str, list[tuple[int, int, str]]]


def mask_names(text: str, spans: list[tuple[int, int, str]], rng: random.Random) -> Example:
    """Mask the leading characters of some names, and some figures and quoted slogans outside
    names, with `*` (same length, so offsets hold)."""
    chars = list(text)
    for start, end, label in spans:
        if label in MASKABLE and end - start >= 3 and "*" not in text[start:end] and rng.random() < MASK_RATE:
            n = rng.randint(1, end - start - 1)
            chars[start:start + n] = "*" * n
    for pattern, rate in ((NUMBER, NUMBER_MASK_RATE), (QUOTED, QUOTE_MASK_RATE)):
        for m in pattern.finditer(text):
            if not any(s < m.end() and m.start() < e for s, e, _ in spans) and rng.random() < rate:
                chars[m.start():m.end()] = "*" * (m.end() - m.start())
    return "".join(chars), spans


def join_names(text: str, spans: list[tuple[int, int, str]], rng: random.Random) -> Example:
    """Drop some of the 、 between two names of one label (党中央、国务院 → 党中央国务院), so the
    model learns where the second of two adjacent names begins."""
    drop = {a[1] for a, b in pairwise(spans) if a[2] == b[2] and b[0] == a[1] + 1
            and text[a[1]] == "、" and rng.random() < JOIN_RATE}
    shift = [0] * (len(text) + 1)
    for i in range(len(text)):
        shift[i + 1] = shift[i] + (i in drop)
    joined = "".join(c for i, c in enumerate(text) if i not in drop)
    return joined, [(s - shift[s], e - shift[e], label) for s, e, label in spans]


def augment(text: str, spans: list[tuple[int, int, str]], rng: random.Random) -> Example:
    return mask_names(*join_names(text, spans, rng), rng)


def annotated(path: Path) -> list[Example]:
    """Hand-annotated sentences (GUIDELINES.md) as examples; none when the file is absent."""
    if not path.is_file():
        return []
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(row["text"], [(e["start"], e["end"], e["label"]) for e in row["entities"]]) for row in rows]


def examples(seed: int = 0) -> Iterator[Example]:
    """Training examples: the hand-annotated sentences, repeated, then the weakly labelled reports."""
    rng = random.Random(seed)
    for path, repeats in ((CORRECTIONS, CORRECTION_REPEATS), (PARK_STYLE, PARK_STYLE_REPEATS)):
        for text, spans in annotated(path):
            yield text, spans
            for _ in range(repeats - 1):
                yield augment(text, spans, rng)
    rules = RuleNer()
    pool = [sentence for text in training_reports() for sentence in sentences(text)]
    titled = [sentence for sentence in pool if "《" in sentence]  # rare, all kept: DOC is learned from them
    for sentence in titled + rng.sample(pool, min(WEAK_SENTENCES, len(pool))):
        yield augment(sentence, [(s.start, s.end, s.label) for s in rules(sentence)], rng)


def write_docbins(train_path: Path, dev_path: Path) -> tuple[int, int]:
    """Write spaCy DocBins of character tokens, as models/ner/config.cfg's tokenizer makes them."""
    from spacy.tokens import Doc, DocBin
    from spacy.vocab import Vocab

    from parksum.extractors.ner.features import bio_tags

    vocab = Vocab()
    bins = {train_path: DocBin(), dev_path: DocBin()}
    for path, rows in ((train_path, examples()), (dev_path, annotated(DEV) + annotated(PARK_STYLE_DEV))):
        for text, spans in rows:
            bins[path].add(Doc(vocab, words=list(text), spaces=[False] * len(text), ents=bio_tags(len(text), spans)))
        bins[path].to_disk(path)
    return len(bins[train_path]), len(bins[dev_path])
