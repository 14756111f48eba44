"""Rebuild the NER model from scratch: weak labels → DocBins → spaCy training → models/ner/model-best."""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from extractors.ner.weak_labels import write_docbins

MODEL_DIR = Path(__file__).resolve().parents[2] / "models" / "ner"
CONFIG = MODEL_DIR / "config.cfg"
MODEL = MODEL_DIR / "model-best"


def train(output: Path = MODEL_DIR, overrides: dict | None = None) -> float:
    """Train and keep only model-best (model-last is dropped: the size budget is 30 MB); return seconds."""
    from spacy.cli.train import train as spacy_train

    import extractors.ner.features  # noqa: F401  registers the tokenizer named in the config

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        train_path, dev_path = Path(tmp) / "train.spacy", Path(tmp) / "dev.spacy"
        n_train, n_dev = write_docbins(train_path, dev_path)
        print(f"{n_train} training sentences, {n_dev} dev sentences")
        paths = {"paths.train": str(train_path), "paths.dev": str(dev_path)}
        spacy_train(CONFIG, Path(tmp) / "out", overrides=paths | (overrides or {}))
        target = output / "model-best"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(Path(tmp) / "out" / "model-best", target)
    return time.perf_counter() - started
