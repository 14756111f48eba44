"""The analyst report: one self-contained HTML page rendered from Jinja2 templates (templates/: inline CSS
and SVG charts, no external resources) and an XLSX workbook with a sheet per view.

The page reads the database a fixed number of times whatever its size (the canonical facts once, then
targets, conflicts, headings and unmapped phrases), so that it scales with the number of documents.
"""
from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined

from parksum.analyst.compare import is_number, tidy, write_sheet
from parksum.analyst.facts import Db, conflicts, facts, masked_values, store_of, targets
from parksum.store import Store, queries

KINDS = {"achievements": "成绩 achievements", "problems": "问题 problems", "plans": "计划 plans", "other": "其他 other"}
KEY_INDICATORS = 8  # columns of the summary page: the indicators most parks report
OPEN_ROWS = 20  # a longer table is collapsed (<details>)
CHART_BARS = 30  # a chart draws the largest figures; the table lists them all
CONFLICT_ROWS = 400  # the page lists the first mentions in conflict; the workbook all
UNMAPPED_ROWS = 100
HEADINGS_PER_KIND = 30

# The workbook's legend: each column key (the same in CSV, JSON and XLSX) in Chinese.
HEADERS = {
    "park": "园区", "indicator": "指标", "indicator_id": "指标编号", "period_year": "年份", "status": "状态",
    "value_text": "原文", "value": "数值", "value_low": "下限", "value_high": "上限", "unit": "单位",
    "base_value": "基本单位数值", "base_unit": "基本单位", "qualifier": "修饰", "masked": "遮蔽",
    "growth": "增速(%)", "growth_masked": "增速遮蔽", "mentions": "提及次数", "documents": "文档数",
    "in_conflict": "存在冲突", "document": "文档", "section_path": "章节", "sentence": "原句", "source": "原句",
    "mention_ids": "来源记录", "measure": "度量", "conflict": "冲突原因", "doc_type": "文档类型",
    "document_year": "文档年份", "text": "原文", "chosen": "采用", "metric_id": "记录编号", "role": "角色",
    "period": "期间", "year": "年份", "target_text": "目标原文", "actual_text": "实际原文",
    "achieved_pct": "完成率(%)", "outcome": "完成情况",
}


def write_report(db: Db = None, html: Path | None = None, xlsx: Path | None = None) -> None:
    """Write the HTML report and/or the workbook for the store `db`."""
    store = store_of(db)
    if html is not None:
        html.write_text(render_html(store), encoding="utf-8")
    if xlsx is not None:
        write_xlsx(store, xlsx)


def render_html(db: Db = None) -> str:
    """The report page as a string (what `parksum report --out` writes, and what a web app can serve)."""
    return _environment().get_template("report.html.j2").render(**report_data(store_of(db)), open_rows=OPEN_ROWS)


@cache
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("parksum.analyst", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["number"] = lambda v: f"{v:,.6g}"
    env.filters["percent"] = lambda v: f"{v:.0%}"
    env.tests["number"] = is_number
    return env


def report_data(store: Store) -> dict:
    """What the template shows, as plain lists and dicts."""
    fact_rows = queries.canonical_facts(store)
    names = _indicators_by_reach(fact_rows)
    long = tidy(fact_rows, names)
    about = fact_rows.drop_duplicates("indicator").set_index("indicator")
    shown = long[long["value"].notna() & long["unit"].notna()]
    units = shown.groupby("indicator")["unit"].agg(lambda u: u.mode().iloc[0])  # after conversion, as tidy shows
    by_indicator: dict[str, list[dict]] = {name: [] for name in names}
    for record in _records(long):
        by_indicator[record["indicator"]].append(record)
    sections = [_section(name, about.at[name, "indicator_id"], about.at[name, "dimension"], units.get(name, ""),
                         rows) for name, rows in by_indicator.items()]
    return {"counts": queries.counts(store).to_dict(), "sections": sections,
            "summary": _summary(long, names[:KEY_INDICATORS], units, queries.park_names(store)),
            "targets": _targets(store), "conflicts": _conflicts(store), "outlines": _outlines(store),
            "unmapped": _unmapped(store)}


def _indicators_by_reach(fact_rows: pd.DataFrame) -> list[str]:
    """Indicators reported by the most parks first, then by the most facts."""
    grouped = fact_rows.groupby("indicator")
    reach = pd.DataFrame({"parks": grouped["park"].nunique(), "facts": grouped.size()})
    return reach.sort_values(["parks", "facts"], ascending=False, kind="stable").index.tolist()


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts with None where pandas has NaN or NA, so that the template tests values plainly."""
    return [{k: (None if _missing(v) else v) for k, v in row.items()} for row in frame.to_dict("records")]


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _section(name: str, indicator_id: str, dimension: str, unit: str, records: list[dict]) -> dict:
    """One indicator: its parks' rows (numbers largest first, then ranges, then masked) and its chart."""
    records = sorted(records, key=lambda r: (bool(r["masked"]), not is_number(r["value"]),
                                             -r["value"] if is_number(r["value"]) else 0))
    return {"name": name, "id": indicator_id, "anchor": f"i-{indicator_id}", "dimension": dimension, "unit": unit,
            "rows": records, "parks": len(records), "masked": sum(bool(r["masked"]) for r in records),
            "chart": _chart(records, unit)}


def _chart(records: list[dict], unit: str, width: int = 560, label: int = 130, row: int = 22) -> dict | None:
    """Bars for the figures in `unit`, largest first; masked figures as marks below them, never bars.
    None where fewer than two parks give a number."""
    numbers = [r for r in records if is_number(r["value"]) and r["unit"] == unit]
    if len(numbers) < 2:
        return None
    shown = numbers[:CHART_BARS]
    marks = [r for r in records if r["masked"]]
    top = max(r["value"] for r in shown) or 1
    span = width - label - 70
    bars = [{"park": r["park"], "label": _short(r["park"]), "value": r["value"], "y": 4 + i * row,
             "width": round(max(1.0, span * r["value"] / top), 1) if r["value"] > 0 else 1.0}
            for i, r in enumerate(shown)]
    marked = [{"park": r["park"], "label": _short(r["park"]), "y": 4 + (len(bars) + i) * row}
              for i, r in enumerate(marks[:CHART_BARS])]
    other_units = sum(1 for r in records if is_number(r["value"]) and r["unit"] != unit)
    return {"width": width, "height": 8 + (len(bars) + len(marked)) * row, "label": label, "row": row,
            "bars": bars, "marks": marked, "numbers": len(numbers), "hidden": len(numbers) > len(shown),
            "other_units": other_units}


def _short(park: str, most: int = 9) -> str:
    return park if len(park) <= most else park[:most - 1] + "…"


def _summary(long: pd.DataFrame, names: list[str], units: pd.Series, park_names: list[str]) -> dict:
    """Parks × the key indicators: each cell the park's chosen figure (or None), and the coverage."""
    key = long[long["indicator"].isin(names)]
    columns = [{"name": name, "unit": units.get(name, "")} for name in names]
    cells = {(r["park"], r["indicator"]): r for r in _records(key) if _has_figure(r)}
    rows = []
    for park in park_names:
        row = [cells.get((park, name)) for name in names]
        reported = sum(cell is not None for cell in row)
        rows.append({"park": park, "cells": row, "reported": reported,
                     "ratio": reported / len(names) if names else 0.0})
    filled = sum(r["reported"] for r in rows)
    total = len(rows) * len(names)
    return {"columns": columns, "rows": rows, "filled": filled, "cells": total,
            "ratio": filled / total if total else 0.0, "masked": sum(bool(c["masked"]) for c in cells.values())}


def _has_figure(row: dict) -> bool:
    """A value, a range, a growth, or a masked one of them: what the summary shows in a cell."""
    return bool(row["masked"] or row["growth_masked"]) or any(
        is_number(row[k]) for k in ("value", "value_low", "growth"))


def _targets(store: Store) -> dict:
    frame = targets(store)
    counts = frame["outcome"].value_counts()
    return {"rows": _records(frame), "outcomes": list(counts.items())}


def _conflicts(store: Store) -> dict:
    frame = conflicts(store)
    facts_per_reason = frame.drop_duplicates(["fact_key", "measure"])["conflict"].value_counts()
    return {"reasons": list(facts_per_reason.items()), "rows": _records(frame.head(CONFLICT_ROWS)),
            "total": len(frame)}


def _outlines(store: Store) -> list[dict]:
    sections = queries.headings(store)
    profiles = []
    for park, own in sections.groupby("park", sort=True):
        counts = own["kind"].value_counts()
        lists = []
        for kind, label in KINDS.items():
            tops = own[(own["kind"] == kind) & (own["depth"] == 1)].head(HEADINGS_PER_KIND)
            if not tops.empty:
                lists.append((label, _records(tops)))
        profiles.append({"park": park, "lists": lists,
                         "summary": ", ".join(f"{label}: {counts.get(kind, 0)}" for kind, label in KINDS.items())})
    return profiles


def _unmapped(store: Store) -> dict:
    frame = queries.unmapped_phrases(store)
    return {"phrases": len(frame), "mentions": int(frame["mentions"].sum()) if not frame.empty else 0,
            "rows": _records(frame.head(UNMAPPED_ROWS))}


def write_xlsx(db: Db, path: Path) -> None:
    """Sheets facts, compare (long: one row per park and indicator), targets, masked_values, conflicts and a
    legend; columns named as in CSV and JSON, numbers stored as numbers, masked cells shaded."""
    store = store_of(db)
    fact_rows = facts(store).drop(columns=["fact_key", "value_metric_id", "growth_metric_id"])
    canonical = queries.canonical_facts(store)
    sheets = {"facts": fact_rows, "compare": tidy(canonical, _indicators_by_reach(canonical)),
              "targets": targets(store), "masked_values": masked_values(store),
              "conflicts": conflicts(store).drop(columns=["fact_key"])}
    used = dict.fromkeys(c for frame in sheets.values() for c in frame.columns)
    sheets["legend"] = pd.DataFrame({"key": list(used), "中文": [HEADERS.get(c, "") for c in used]})
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for title, frame in sheets.items():
            write_sheet(writer, title, frame)
