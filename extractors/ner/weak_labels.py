"""Training data for the NER model: the rules' labels on national government work reports.

The reports of 2023–2025 (and the undated resolutions) are held out, like the seeds: the
gold set is drawn from them. Hand-corrected sentences in corpus/ner/train_corrections.jsonl
replace the rules' labels where the rules are wrong. Names are masked at random, the way
park summaries are masked (**铝业, ***市), so that the model learns masked names too.
"""
from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

from extractors.ner.gazetteer import RuleNer, Span

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT.parent / "shared" / "corpora" / "government_work_reports.jsonl"
CORRECTIONS = ROOT / "corpus" / "ner" / "train_corrections.jsonl"
HELD_OUT_YEARS = range(2023, 2026)
SENTENCE_END = re.compile(r"(?<=[。！？；])|\n+")
MASK_RATE = 0.25  # share of names whose leading characters are masked
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


def mask_names(text: str, spans: list[Span], rng: random.Random) -> tuple[str, list[tuple[int, int, str]]]:
    """Mask the leading characters of some names with `*` (same length, so offsets hold)."""
    chars = list(text)
    for span in spans:
        if span.label in MASKABLE and not span.masked and span.end - span.start >= 3 and rng.random() < MASK_RATE:
            n = rng.randint(1, span.end - span.start - 1)
            chars[span.start:span.start + n] = "*" * n
    return "".join(chars), [(s.start, s.end, s.label) for s in spans]


def examples(seed: int = 0) -> Iterator[tuple[str, list[tuple[int, int, str]]]]:
    """(sentence, [(start, end, label)]) pairs: corrections first, then weakly labelled reports."""
    rng = random.Random(seed)
    if CORRECTIONS.is_file():
        for line in CORRECTIONS.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                yield row["text"], [(e["start"], e["end"], e["label"]) for e in row["entities"]]
    rules = RuleNer()
    for text in training_reports():
        for sentence in sentences(text):
            yield mask_names(sentence, rules(sentence), rng)


def write_docbins(train_path: Path, dev_path: Path, dev_share: float = 0.1) -> tuple[int, int]:
    """Write spaCy DocBins (character tokens); every tenth sentence goes to dev."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("zh")  # character segmentation, as in models/ner/config.cfg
    train, dev = DocBin(), DocBin()
    step = round(1 / dev_share)
    for i, (text, spans) in enumerate(examples()):
        doc = nlp.make_doc(text)
        doc.ents = [doc.char_span(s, e, label=label) for s, e, label in spans]
        (dev if i % step == step - 1 else train).add(doc)
    train.to_disk(train_path)
    dev.to_disk(dev_path)
    return len(train), len(dev)
