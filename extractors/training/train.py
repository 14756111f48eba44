"""Rebuild the NER models from scratch: weak labels → DocBins → spaCy training, one process per member
of the ensemble (models/ner/ensemble.json), so that the two members train side by side on two cores."""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from parksum.extractors.ner.component import ensemble, model_dir
from parksum.extractors.training.weak_labels import write_docbins


def train(output: Path | None = None) -> float:
    """Train every member and keep its model-best as output/<member> (model-last is dropped: the size
    budget is 30 MB); return seconds."""
    output = output or model_dir()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        train_path, dev_path = Path(tmp) / "train.spacy", Path(tmp) / "dev.spacy"
        n_train, n_dev = write_docbins(train_path, dev_path)
        print(f"{n_train} training sentences, {n_dev} dev sentences")
        paths = {"paths.train": str(train_path), "paths.dev": str(dev_path)}
        members = ensemble()["members"]
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

    import parksum.extractors.ner.features
    import parksum.extractors.training.augment  # noqa: F401  and the augmenter

    spacy_train(model_dir() / "config.cfg", out, overrides=overrides)
    return out / "model-best"
