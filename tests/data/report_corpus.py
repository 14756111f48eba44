"""A corpus for the report at scale: the national government work reports (parksum.paths.national_reports())
as one park, plus variants of each as other parks, their figures scaled and some masked.

    .venv/bin/python -m tests.data.report_corpus OUT_FOLDER [VARIANTS]   (then parksum ingest OUT_FOLDER --no-ner)

With 13 variants (the most) the corpus has 1,008 documents.

Written on demand (the reports are not the project's to commit); a manifest.csv tags park and year.
"""
from __future__ import annotations

import copy
import csv
import hashlib
import json
import re
import sys
from pathlib import Path

from parksum.paths import national_reports

NATIONAL = "国务院"
VARIANT_PARKS = ("滨江高新园", "东湖工业园", "金沙经济开发区", "青山产业园", "白云科技园", "西岭工业园", "南湖新材料园",
                 "北塘物流园", "石门高新区", "临江化工园", "凤凰数字产业园", "长岗装备制造园", "银湖生物医药园")
# A number written before a unit (not a year): scaled in a variant, or masked as ** in every third place.
FIGURE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?=[万亿元个家项%])")


def variant(text: str, index: int) -> str:
    seen = 0

    def change(match: re.Match) -> str:
        nonlocal seen
        seen += 1
        if index % 2 == 1 and seen % 3 == 0:
            return "**"
        return f"{float(match.group(1)) * (1 + 0.15 * (index + 1)):.2f}".rstrip("0").rstrip(".")  # never 1e+04

    return FIGURE.sub(change, text)


def write_corpus(folder: Path, variants: int = 2) -> int:
    """Write the reports and `variants` variants of each into `folder` with a manifest; the number of files."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for n, line in enumerate(national_reports().read_text(encoding="utf-8").splitlines()):
        report = json.loads(line)
        year = re.match(r"\d{4}", report["title"])  # the resolutions name none: read from their text
        for index, park in enumerate((NATIONAL, *VARIANT_PARKS[:variants])):
            title = report["title"] if park == NATIONAL else f"{park}{report['title']}"
            body = report["content"] if park == NATIONAL else variant(report["content"], index)
            name = f"{n:03d}_{index}.txt"
            (folder / name).write_text(f"{title}\n{body}", encoding="utf-8")
            rows.append({"file": name, "park": park, "year": year.group(0) if year else ""})
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["file", "park", "year"])
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def store_copies(url: str, variants: int) -> int:
    """A large store fast, for the benchmark: each national report processed once (rules only), stored as
    国务院 and as `variants` other parks with its figures scaled (every third masked in odd variants), as
    `variant` does to the text. The number of documents stored."""
    from parksum.process.runner import Pipeline
    from parksum.store import Store
    from parksum.text.doc import Document

    pipeline, store, stored = Pipeline(ner=False), Store(url, write=True), 0
    for n, line in enumerate(national_reports().read_text(encoding="utf-8").splitlines()):
        report = json.loads(line)
        text = f"{report['title']}\n{report['content']}"
        doc = pipeline(Document(text=text, name=f"{n:03d}_0.txt", park=NATIONAL,
                                sha256=hashlib.sha256(text.encode()).hexdigest()))
        for index, park in enumerate((NATIONAL, *VARIANT_PARKS[:variants])):
            copied = copy.deepcopy(doc)
            copied.park, copied.name = park, f"{n:03d}_{index}.txt"
            copied.sha256 = hashlib.sha256(f"{park}{doc.sha256}".encode()).hexdigest()
            factor = 1 + 0.15 * index
            for i, quantity in enumerate(copied.quantities):
                if index % 2 == 1 and i % 3 == 2:
                    quantity.masked = True
                    quantity.value = quantity.base_value = quantity.value_low = quantity.value_high = None
                    continue
                for field in ("value", "base_value", "value_low", "value_high"):
                    if getattr(quantity, field) is not None:
                        setattr(quantity, field, getattr(quantity, field) * factor)
            store.ingest(copied)
            stored += 1
    return stored


if __name__ == "__main__":
    print(write_corpus(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 2), "files")
