"""The report at scale: build time and size of `parksum report` (HTML, then the workbook) on a database.

    .venv/bin/python -m tests.bench_report [DB]            # default: the 72 national reports, ingested first
    .venv/bin/python -m tests.bench_report --variants 13   # 1,008 documents: the reports and 13 variants as parks

Without DB a store is built (and kept for the next run in build/bench_report/) by
tests/data/report_corpus.store_copies: each report processed once with the rules and stored as each park,
its figures scaled and some masked (ingesting 1,008 texts would take most of an hour; the report reads the
same rows either way). Issue 15 asks for the report of 1,000 documents in under 60 s.
"""
from __future__ import annotations

import argparse
import time

from parksum.analyst.report import render_html, write_xlsx
from parksum.store import Store
from tests.conftest import ROOT
from tests.data.report_corpus import store_copies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", nargs="?", help="an existing database (default: build one)")
    parser.add_argument("--variants", type=int, default=0, help="variants of each report as other parks")
    args = parser.parse_args()
    db = args.db
    if db is None:
        path = ROOT / "build" / "bench_report" / f"variants{args.variants}.db"
        db = str(path)
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            print(f"stored {store_copies(db, args.variants)} documents in {time.perf_counter() - started:.0f} s")
    store = Store(db)
    counts = store.read("SELECT (SELECT count(*) FROM documents) AS documents, (SELECT count(*) FROM parks) AS parks, "
                        "(SELECT count(*) FROM metrics) AS figures").iloc[0]
    started = time.perf_counter()
    html = render_html(store)
    built = time.perf_counter() - started
    out = ROOT / "build" / "bench_report.html"
    out.parent.mkdir(exist_ok=True)
    out.write_text(html, encoding="utf-8")
    started = time.perf_counter()
    write_xlsx(store, out.with_suffix(".xlsx"))
    workbook = time.perf_counter() - started
    print(f"{counts['documents']} documents, {counts['parks']} parks, {counts['figures']} figures: "
          f"HTML {len(html.encode()) / 1e6:.2f} MB in {built:.1f} s "
          f"({html.count('class=indicator-section')} indicator sections, {html.count('<svg class=chart')} charts); "
          f"workbook {out.with_suffix('.xlsx').stat().st_size / 1e6:.2f} MB in {workbook:.1f} s")


if __name__ == "__main__":
    main()
