"""Word-level precision, recall and F1 of a segmenter against hand-segmented sentences."""
from __future__ import annotations

from functools import cache
from pathlib import Path

from parksum import paths
from parksum.extractors.ner.segment import cut

GOLD = paths.corpus_dir() / "seg" / "gold.txt"
PKUSEG_MODEL = paths.models_dir() / "pkuseg"
SEGMENTERS = ("jieba", "pkuseg")


@cache
def _pkuseg():
    import spacy_pkuseg

    if not (PKUSEG_MODEL / "features.msgpack").is_file():
        raise FileNotFoundError(f"no pkuseg model in {PKUSEG_MODEL}: run `make segmenter`")
    return spacy_pkuseg.pkuseg(model_name=str(PKUSEG_MODEL))


def spans(words: list[str]) -> set[tuple[int, int]]:
    out, at = set(), 0
    for word in words:
        out.add((at, at + len(word)))
        at += len(word)
    return out


def score(segmenter: str, gold: Path = GOLD) -> dict[str, float]:
    correct = found = truth = 0
    for line in gold.read_text(encoding="utf-8").splitlines():
        words = line.split()
        if not words:
            continue
        expected = spans(words)
        got = spans(cut("".join(words), _pkuseg().cut if segmenter == "pkuseg" else None))
        correct += len(expected & got)
        found += len(got)
        truth += len(expected)
    p, r = correct / found, correct / truth
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r)}


def compare(gold: Path = GOLD) -> dict[str, dict[str, float]]:
    return {name: score(name, gold) for name in SEGMENTERS}


def train_pkuseg(n_sentences: int = 4000, iterations: int = 8) -> Path:
    """Train models/pkuseg on jieba-segmented training reports (2023–2025 and the seeds held out)."""
    import tempfile

    import spacy_pkuseg

    from parksum.extractors.training.weak_labels import sentences, training_reports

    lines = [" ".join(cut(s)) for text in training_reports() for s in sentences(text)][:n_sentences]
    PKUSEG_MODEL.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        train, test = Path(tmp) / "train.txt", Path(tmp) / "test.txt"
        train.write_text("\n".join(lines[: -200]) + "\n", encoding="utf-8")
        test.write_text("\n".join(lines[-200:]) + "\n", encoding="utf-8")
        spacy_pkuseg.train(str(train), str(test), str(PKUSEG_MODEL), train_iter=iterations)
    return PKUSEG_MODEL
