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


def train(output: Path = MODEL_DIR) -> float:
    """Train and keep only model-best (model-last is dropped: the size budget is 30 MB); return seconds."""
    from spacy.cli.train import train as spacy_train

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        train_path, dev_path = Path(tmp) / "train.spacy", Path(tmp) / "dev.spacy"
        n_train, n_dev = write_docbins(train_path, dev_path)
        print(f"weak labels: {n_train} training and {n_dev} dev sentences")
        spacy_train(CONFIG, Path(tmp) / "out", overrides={"paths.train": str(train_path), "paths.dev": str(dev_path)})
        target = output / "model-best"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(Path(tmp) / "out" / "model-best", target)
    return time.perf_counter() - started
