"""Benchmark: what `parksum extract` does, as whole processes, against the reference passes over the same files.

    make bench        (or: .venv/bin/python tests/bench_pipeline.py [CORPUS.jsonl])

Writes the national government work reports (parksum.paths.national_reports(), 1.1 M characters) as
text files, then runs each of these in a process of its own, one after the other, and measures the
process's CPU time (user + system: characters per second per core, fair on a machine shared with other
work), its wall time and its peak memory:

- `parksum extract --no-ner`: decoding, cleaning, outline, quantities, placeholders, the entity rules, park;
- `parksum extract`: the same with the NER model voting with the rules (the default);
- one bare jieba part-of-speech pass (jieba.posseg, its own dictionary) over the same files;
- JioNLP's money extractor (`jionlp.ner.extract_money`), the nearest peer, which finds money only.

Each process's time includes its start (imports, dictionaries, models). Prints characters per second,
the ratios to the jieba pass and to JioNLP, and what each found. Not a test: speed is measured, not
asserted.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from parksum import paths

CORPUS = paths.national_reports()

# Each pass runs as `python -c CHILD PASS FOLDER OUT`, and prints its own CPU time and peak memory.
CHILD = r"""
import glob, json, resource, sys
kind, folder, out = sys.argv[1:4]
files = sorted(glob.glob(folder + "/*.txt"))
found = 0
if kind.startswith("parksum"):
    from parksum.interfaces.cli import main
    # one worker: the work runs in this process, whose CPU time and memory are measured (per core)
    main(["extract", "-q", "--workers", "1", *(["--no-ner"] if kind == "parksum-no-ner" else []), folder,
          "--out", out])
    for path in glob.glob(out + "/*.json"):
        doc = json.load(open(path, encoding="utf-8"))
        found += len(doc["quantities"]) + len(doc["placeholders"]) + len(doc["entities"])
elif kind == "jieba":
    import logging
    import jieba, jieba.posseg
    jieba.setLogLevel(logging.WARNING)
    for path in files:
        found += sum(1 for _ in jieba.posseg.cut(open(path, encoding="utf-8").read()))
elif kind == "jionlp":
    import jionlp
    for path in files:
        found += len(jionlp.ner.extract_money(open(path, encoding="utf-8").read()))
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024, "found": found}))
"""

PASSES = {
    "parksum-no-ner": "parksum extract --no-ner (rules)",
    "parksum": "parksum extract (NER model)",
    "jieba": "jieba POS pass (jieba.posseg)",
    "jionlp": "JioNLP money (extract_money)",
}
FOUND = {"parksum-no-ner": "figures, masks and names", "parksum": "figures, masks and names",
         "jieba": "words", "jionlp": "money expressions"}


def run(kind: str, folder: Path, out: Path) -> dict:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, kind, str(folder), str(out)],
                          capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result | {"wall": time.perf_counter() - start}


def main(corpus: Path = CORPUS) -> None:
    texts = [json.loads(line)["content"] for line in corpus.read_text(encoding="utf-8").splitlines()]
    chars = sum(map(len, texts))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        for i, text in enumerate(texts):
            (folder / f"{i:03d}.txt").write_text(text, encoding="utf-8")
        results = {kind: run(kind, folder, Path(tmp) / kind) for kind in PASSES}
    print(f"corpus: {len(texts)} documents, {chars:,} characters (whole processes, start included; "
          "CPU time is user + system)")
    print(f"{'pass':34s} {'chars/s (CPU)':>14s} {'CPU s':>7s} {'wall s':>7s} {'peak MB':>8s}  found")
    for kind, label in PASSES.items():
        r = results[kind]
        print(f"{label:34s} {chars / r['cpu']:>14,.0f} {r['cpu']:>7.1f} {r['wall']:>7.1f} {r['peak_mb']:>8.0f}  "
              f"{r['found']:,} {FOUND[kind]}")
    jieba_cpu, jionlp_cpu = results["jieba"]["cpu"], results["jionlp"]["cpu"]
    for kind in ("parksum-no-ner", "parksum"):
        cpu = results[kind]["cpu"]
        print(f"ratio {PASSES[kind]:34s}: {jieba_cpu / cpu:5.2f}x the jieba pass, {jionlp_cpu / cpu:5.2f}x JioNLP")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS)
