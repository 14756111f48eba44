"""Per-label precision, recall and F1, exact span and label, on hand-annotated text: the held-out
gold (corpus/ner/heldout.jsonl: the seeds and the 2023–2025 reports), the real park summaries
(corpus/ner/real_dev.jsonl: entities only, the texts read from ../shared/gold/real), and the two sets
that pick the model's checkpoint and are never trained on (corpus/ner/dev.jsonl: other years'
reports; corpus/ner/park_style_dev.jsonl: park-style sentences). Every system reads each text as
`parksum extract` reads a document (its cleaned view), so the scores are those of its output."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from parksum import paths
from parksum.extractors.ner.gazetteer import LABELS
from parksum.extractors.training.weak_labels import DEV, NER_CORPUS, PARK_STYLE_DEV

HELDOUT = NER_CORPUS / "heldout.jsonl"
REAL_DEV = NER_CORPUS / "real_dev.jsonl"
EVALUATION_SETS = (HELDOUT, REAL_DEV, DEV, PARK_STYLE_DEV)
Tagger = Callable[[str], Iterable[tuple[int, int, str]]]


def real_texts() -> Path:
    """The real park summaries that real_dev.jsonl annotates (not in the repository)."""
    return paths.shared_dir() / "gold" / "real"


def available(path: Path) -> bool:
    return path.is_file() and (path != REAL_DEV or real_texts().is_dir())


def load_gold(path: Path = HELDOUT) -> list[dict]:
    """Rows of {doc, text, entities}. A file of entities alone (one per line, no text: real_dev.jsonl)
    gets one row per text of real_texts(); each entity's text must be what stands at its offsets."""
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines or "entities" in lines[0]:
        return lines
    # every text of the folder, those without a name too (what is found there is wrong)
    rows = {text.name: {"doc": text.name, "text": text.read_text(encoding="utf-8"), "entities": []}
            for text in sorted(real_texts().glob("*.txt"))}
    for entity in lines:
        row = rows[entity["doc"]]
        if row["text"][entity["start"]:entity["end"]] != entity["text"]:
            raise ValueError(f"{path.name}: {entity['doc']} has not {entity['text']!r} at {entity['start']}")
        row["entities"].append(entity)
    return list(rows.values())


def source(row: dict) -> str:
    """Where a gold sentence comes from: the park summaries (seed files) or the national reports."""
    return "park summaries" if row["doc"].endswith(".txt") else "national reports"


def score(tagger: Tagger, gold: list[dict]) -> dict[str, dict[str, float]]:
    """{label: {precision, recall, f1, support}} and "micro" over all labels."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for row in gold:
        truth = {(e["start"], e["end"], e["label"]) for e in row["entities"]}
        found = set(tagger(row["text"]))
        for _, _, label in found & truth:
            tp[label] += 1
        for _, _, label in found - truth:
            fp[label] += 1
        for _, _, label in truth - found:
            fn[label] += 1
    table = {label: _prf(tp[label], fp[label], fn[label]) for label in LABELS}
    table["micro"] = _prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return table


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "support": tp + fn}


def format_table(name: str, table: dict[str, dict[str, float]]) -> str:
    width = max(10, len(name))
    lines = [f"{name:{width}s} {'P':>6s} {'R':>6s} {'F1':>6s} {'gold':>5s}"]
    for label, row in table.items():
        figures = f"{row['precision']:6.3f} {row['recall']:6.3f} {row['f1']:6.3f} {row['support']:5d}"
        lines.append(f"{label:{width}s} {figures}")
    return "\n".join(lines)


def taggers() -> dict[str, Tagger]:
    """The rules alone and, where the models have been built, each member alone and the model (the
    ensemble's vote), each reading a text as `parksum extract` does."""
    from parksum.extractors.ner.component import ModelNer, load_models, member_paths
    from parksum.extractors.ner.gazetteer import RuleNer

    rules = RuleNer()
    systems = {"rules": rules}
    nlps = load_models()
    if nlps is not None:
        systems |= {path.name: ModelNer([nlp], min_votes=1) for path, nlp in zip(member_paths(), nlps, strict=True)}
        systems["model"] = ModelNer(nlps, rules=rules)
    return {name: _triples(system) for name, system in systems.items()}


Tables = dict[str, dict[str, dict[str, float]]]


def evaluate_all(path: Path = HELDOUT, systems: dict[str, Tagger] | None = None) -> Tables:
    """A table per system on the gold of `path`, and one per system and source ("model: park summaries")
    where the set mixes sources."""
    systems = systems or taggers()
    gold = load_gold(path)
    sources = sorted({source(row) for row in gold})
    tables = {}
    for name, tagger in systems.items():
        tables[name] = score(tagger, gold)
        if len(sources) > 1:
            for part in sources:
                tables[f"{name}: {part}"] = score(tagger, [row for row in gold if source(row) == part])
    return tables


def _triples(system: Callable[[str], Iterable]) -> Tagger:
    from parksum.extractors.ner.component import written_span
    from parksum.text.doc import Document

    def tagger(text: str) -> list[tuple[int, int, str]]:
        doc = Document(text=text, name="")
        return [(s.start, s.end, s.label) for s in (written_span(doc, found) for found in system(doc.norm))]
    return tagger
