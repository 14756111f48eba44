"""Rebuild the NER models from scratch: weak labels → DocBins → spaCy training, one process per member
of the ensemble (models/ner/ensemble.json), so that the two members train side by side on two cores."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from extractors.ner.weak_labels import write_docbins

MODEL_DIR = Path(__file__).resolve().parents[2] / "models" / "ner"
CONFIG = MODEL_DIR / "config.cfg"
ENSEMBLE = json.loads((MODEL_DIR / "ensemble.json").read_text(encoding="utf-8"))
MEMBERS = tuple(MODEL_DIR / name for name in ENSEMBLE["members"])


def train(output: Path = MODEL_DIR) -> float:
    """Train every member and keep its model-best as output/<member> (model-last is dropped: the size
    budget is 30 MB); return seconds."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        train_path, dev_path = Path(tmp) / "train.spacy", Path(tmp) / "dev.spacy"
        n_train, n_dev = write_docbins(train_path, dev_path)
        print(f"{n_train} training sentences, {n_dev} dev sentences")
        paths = {"paths.train": str(train_path), "paths.dev": str(dev_path)}
        members = ENSEMBLE["members"]
        with ProcessPoolExecutor(max_workers=min(len(members), os.cpu_count() or 1)) as pool:
            jobs = [pool.submit(_train_member, Path(tmp) / name, paths | overrides)
                    for name, overrides in members.items()]
            trained = [job.result() for job in jobs]
        for name, best in zip(members, trained, strict=True):
            target = output / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(best, target)
    return time.perf_counter() - started


def _train_member(out: Path, overrides: dict) -> Path:
    from spacy.cli.train import train as spacy_train

    import extractors.ner.features  # noqa: F401  registers the tokenizer and augmenter named in the config

    spacy_train(CONFIG, out, overrides=overrides)
    return out / "model-best"
