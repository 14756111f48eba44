"""How far the canonical indicators reach, and how often they are right.

    python -m parksum.extractors.training.indicator_coverage [--sample N --seed S --out TSV]

Prints, on the national government work reports and on the real development set
(../shared/gold/real), the share of extracted figures that carry a canonical `indicator_id`.
On the real set it also compares each figure matched to a gold quantity (as score.py matches
them) with the gold: where the gold indicator phrase maps to an id through the same lexicon,
the figure's id must be that id ("decidable"); where it maps to none, the figure should have
none either. `--sample N` writes N random (phrase, id) mappings drawn from both corpora to a
TSV for checking by hand (real-set rows hold only the phrase and the id, never the sentence).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from parksum.extractors.indicators import Indicator, lexicon
from parksum.paths import national_reports, shared_dir
from parksum.process.runner import Pipeline
from parksum.text.doc import Document, Quantity
from parksum.text.loaders import load


def pipeline() -> Pipeline:
    """metadata → outline → quantities: what a figure needs."""
    return Pipeline(["metadata", "outline", "quantities"])


def real_dir() -> Path:
    return shared_dir() / "gold" / "real"


def _scorer() -> ModuleType:
    """The gold scorer (../shared/gold/score.py), for its span matching."""
    spec = importlib.util.spec_from_file_location("gold_score", shared_dir() / "gold" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def national_quantities(run: Pipeline) -> list[Quantity]:
    found = []
    for line in national_reports().read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        year = int(row["year"]) if row.get("year") else None
        doc = run(Document(text=row["content"], name=row["title"], year=year))
        found.extend(doc.quantities)
    return found


def real_documents(run: Pipeline) -> list[tuple[str, dict, list[Quantity]]]:
    """(text, gold, predicted quantities) per real document."""
    docs = []
    for gold_file in sorted(real_dir().glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        loaded = load(real_dir() / gold["doc"])
        doc = run(Document(text=loaded.text, name=loaded.path.name, encoding=loaded.encoding, sha256=loaded.sha256))
        docs.append((doc.text, gold, doc.quantities))
    return docs


def coverage(quantities: list[Quantity]) -> tuple[int, int]:
    return sum(q.indicator_id is not None for q in quantities), len(quantities)


def _matched(docs: list[tuple[str, dict, list[Quantity]]]) -> Iterator[tuple[dict, Quantity, Indicator | None]]:
    """Each figure matched to a gold quantity as score.py matches them, with the gold phrase's indicator."""
    scorer, lex = _scorer(), lexicon()
    for text, gold, quantities in docs:
        located = scorer.locate(text, gold.get("quantities", []), scorer.tail_span)
        predicted = [{"start": q.start, "end": q.end, "q": q} for q in quantities]

        def key(g, p, text=text):
            core_start, core_end = scorer.core(text, g[0], g[1])
            return p["start"] < core_end and core_start < p["end"]

        for g, p in scorer.match_spans(located, predicted, key):
            yield g[2], p["q"], lex.lookup(g[2].get("indicator"), g[2].get("unit"))


def correctness(docs: list[tuple[str, dict, list[Quantity]]]) -> Counter:
    """Figures matched to gold: mapped/unmapped × decidable (gold phrase maps) × agreeing."""
    tally = Counter()
    for _, mine, gold_indicator in _matched(docs):
        tally["matched"] += 1
        if gold_indicator is None:
            tally["gold unmapped, mine none" if mine.indicator_id is None else "gold unmapped, mine mapped"] += 1
        elif mine.indicator_id is None:
            tally["gold mapped, mine none"] += 1
        else:
            tally["decidable correct" if mine.indicator_id == gold_indicator.id else "decidable wrong"] += 1
    return tally


def wrong_mappings(docs: list[tuple[str, dict, list[Quantity]]]) -> list[tuple[str, str, str, str]]:
    """(gold phrase, gold id, predicted phrase, predicted id) where both map and disagree."""
    return [(gold["indicator"], gold_indicator.id, mine.indicator, mine.indicator_id)
            for gold, mine, gold_indicator in _matched(docs)
            if gold_indicator and mine.indicator_id and gold_indicator.id != mine.indicator_id]


def _one_line(phrase: str) -> str:
    """A phrase cut across a line break, written on one TSV row."""
    return phrase.replace("\n", "⏎")


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} = {part / whole:.1%}" if whole else "0/0"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=0, help="write N random mappings to --out for a hand check")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=Path("corpus/indicators/mapping_sample.tsv"))
    parser.add_argument("--wrong", action="store_true", help="list real-set figures whose id disagrees with gold")
    args = parser.parse_args(argv)
    run = pipeline()
    national = national_quantities(run)
    docs = real_documents(run)
    real = [q for _, _, quantities in docs for q in quantities]
    print("figures with a canonical indicator")
    print(f"  national reports  {_share(*coverage(national))}")
    print(f"  real set          {_share(*coverage(real))}")
    tally = correctness(docs)
    decided = tally["decidable correct"] + tally["decidable wrong"]
    print(f"real set, figures matched to gold: {tally['matched']}")
    print(f"  canonical id correct where decidable  {_share(tally['decidable correct'], decided)}")
    for name in ("gold mapped, mine none", "gold unmapped, mine mapped", "gold unmapped, mine none"):
        print(f"  {name:36s} {tally[name]}")
    if args.wrong:
        for row in wrong_mappings(docs):
            print("  wrong:", *row, sep="\t")
    if args.sample:
        pairs = sorted({("national", _one_line(q.indicator), q.indicator_id) for q in national if q.indicator_id}
                       | {("real", _one_line(q.indicator), q.indicator_id) for q in real if q.indicator_id})
        rows = random.Random(args.seed).sample(pairs, min(args.sample, len(pairs)))
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("corpus\tphrase\tid\tverdict\n" + "".join(
            f"{c}\t{p}\t{i}\t\n" for c, p, i in sorted(rows)), encoding="utf-8")
        print(f"{len(rows)} mappings written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
