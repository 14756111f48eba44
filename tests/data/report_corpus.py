"""A corpus for the report at scale: the national government work reports (parksum.paths.national_reports())
as one park, plus variants of each as other parks, their figures scaled and some masked.

    .venv/bin/python tests/data/report_corpus.py OUT_FOLDER [VARIANTS]   (then parksum ingest OUT_FOLDER --no-ner)

With 13 variants (the most) the corpus has 1,008 documents.

Written on demand (the reports are not the project's to commit); a manifest.csv tags park and year.
"""
from __future__ import annotations

import csv
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
        return f"{float(match.group(1)) * (1 + 0.15 * (index + 1)):.4g}"

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


if __name__ == "__main__":
    print(write_corpus(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 2), "files")
