"""Benchmark: one very long text through the pipeline, stage by stage: time and peak memory.

    make bench-long   (or: .venv/bin/python tests/bench_long_text.py [MEGABYTES] [--ner])

Writes the national government work reports (parksum.paths.national_reports()) over and over into one
UTF-8 file of MEGABYTES (default 50) and processes it with the size and time limits lifted (the
declared ones refuse it: a year's summary is well under 1 MB), without the model unless `--ner`.
Prints each component's CPU time and the process's peak resident memory after it: issue 18 asks for
at most 1 GB a worker on a 50 MB file. Not a test: memory and speed are measured, not asserted.
"""
from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from parksum import paths
from parksum.process.runner import Pipeline
from parksum.text.doc import Document
from parksum.text.loaders import Limits, load


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def long_text(megabytes: float) -> str:
    reports = [json.loads(line)["content"]
               for line in paths.national_reports().read_text(encoding="utf-8").splitlines()]
    pieces, size = [], 0
    while size < megabytes * 1e6:
        for report in reports:
            pieces.append(report)
            size += len(report.encode("utf-8")) + 1
            if size >= megabytes * 1e6:
                break
    return "\n".join(pieces)


def main(megabytes: float = 50, ner: bool = False) -> None:
    limits = replace(Limits.declared(), max_file_mb=10 * megabytes, max_characters=10**10,
                     seconds_per_document=0)
    with tempfile.TemporaryDirectory(prefix="parksum-long-") as folder:
        path = Path(folder, "long.txt")
        path.write_text(long_text(megabytes), encoding="utf-8")
        pipeline = Pipeline(ner=ner, limits=limits)
        pipeline.warm_up()  # lazy loads, untimed
        print(f"{path.stat().st_size / 1e6:.0f} MB file; pipeline loaded, peak {peak_mb():.0f} MB")
        start = time.process_time()
        loaded = load(path, limits)
        print(f"{'read':12s} {time.process_time() - start:7.1f} s CPU  peak {peak_mb():5.0f} MB"
              f"  ({len(loaded.text):,} characters)")
        start = time.process_time()
        doc = Document(text=loaded.text, name=path.name, sha256=loaded.sha256)
        print(f"{'clean':12s} {time.process_time() - start:7.1f} s CPU  peak {peak_mb():5.0f} MB")
        for name, component in zip(pipeline.names, pipeline.components, strict=True):
            start = time.process_time()
            doc = component(doc)
            print(f"{name:12s} {time.process_time() - start:7.1f} s CPU  peak {peak_mb():5.0f} MB", flush=True)
        print(f"{len(doc.sections):,} sections, {len(doc.quantities):,} quantities, "
              f"{len(doc.placeholders):,} placeholders, {len(doc.entities):,} entities; peak {peak_mb():.0f} MB")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--ner"]
    main(float(args[0]) if args else 50, ner="--ner" in sys.argv)
