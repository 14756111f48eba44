"""Parks side by side on chosen indicators: a DataFrame, and the formats analysts open it in."""
from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import Engine

from pipeline.facts import MASKED, STATUS_PREFERENCE, facts, parks, resolve_indicators
from pipeline.resources import load_csv
from pipeline.store import Store

FORMATS = ("table", "csv", "json", "xlsx")
COLUMNS = {"value": "", "unit": " 单位", "growth": " 增速%", "period": " 期间", "source": " 来源"}


def compare(indicators: Iterable[str], db: str | Store | Engine | None = None, *, period: int | None = None,
            status: str | None = None, sources: bool = False) -> pd.DataFrame:
    """Every park as a row; per indicator its value, unit, growth (%) and period (`2022 actual`).

    Indicators are ids, canonical names, aliases or raw phrases (see `resolve_indicators`).
    Without `status` the actual figure is shown, else the forecast, else the target; without
    `period` the latest year of that status. Values are shown in the unit most parks write,
    converted where the base unit agrees. Masked figures read "masked"; a park that reports
    nothing is left empty. `sources` adds the source sentence per indicator.
    """
    names = resolve_indicators(indicators, db)
    chosen = _choose(facts(db, indicators=names, period=period, status=status))
    index = pd.Index(parks(db), name="园区")
    columns = {}
    for name in names:
        shown = _in_common_unit(chosen[chosen["indicator"] == name].set_index("park"))
        for key, suffix in COLUMNS.items():
            if key != "source" or sources:
                columns[f"{name}{suffix}"] = shown[key].reindex(index).astype(object)
    table = pd.DataFrame(columns, index=index, dtype=object)
    return table.where(table.notna(), None)


def _choose(frame: pd.DataFrame) -> pd.DataFrame:
    rank = frame["status"].map({s: i for i, s in enumerate(STATUS_PREFERENCE)}).fillna(len(STATUS_PREFERENCE))
    ordered = frame.assign(rank=rank).sort_values(["rank", "period_year"], ascending=[True, False], kind="stable")
    return ordered.drop_duplicates(["park", "indicator"])


def _in_common_unit(rows: pd.DataFrame) -> pd.DataFrame:
    factors = {r["unit"]: (r["base_unit"], float(r["factor"])) for r in load_csv("extractors", "units.csv")}
    known = rows.loc[rows["base_value"].notna(), "unit"]
    common = known.mode().iloc[0] if not known.empty else None
    shown = pd.DataFrame(index=rows.index)
    values, units = [], []
    for _, fact in rows.iterrows():
        base_unit, factor = factors.get(common, (None, 1.0))
        if pd.notna(fact["base_value"]) and fact["base_unit"] == base_unit and fact["unit"] != common:
            values.append(fact["base_value"] / factor)
            units.append(common)
        else:
            values.append(_written_value(fact))
            units.append(fact["unit"])
    shown["value"] = values
    shown["unit"] = units
    shown["growth"] = [MASKED if _is_true(g) else v for g, v in zip(rows["growth_masked"], rows["growth"], strict=True)]
    shown["period"] = [f"{int(y) if pd.notna(y) else '?'} {s}" for y, s in zip(rows["period_year"], rows["status"],
                                                                               strict=True)]
    shown["source"] = rows["sentence"]
    return shown


def _written_value(fact: pd.Series) -> object:
    if _is_true(fact["masked"]):
        return MASKED
    if pd.isna(fact["value"]) and pd.notna(fact["value_low"]):
        return f"{fact['value_low']:g}-{fact['value_high']:g}"
    return None if pd.isna(fact["value"]) else fact["value"]


def _is_true(flag: object) -> bool:
    return not pd.isna(flag) and bool(flag)


def write(table: pd.DataFrame, fmt: str, out: Path | None = None) -> None:
    """Write `table` as a text table, CSV, JSON records or an XLSX sheet, to `out` or stdout."""
    if fmt == "xlsx":
        if out is None:
            raise ValueError("--format xlsx needs --out FILE")
        table.to_excel(out, sheet_name="对比")
        return
    if fmt == "table":
        content = table.fillna("—").to_string() + "\n"
    elif fmt == "csv":
        content = table.to_csv()
    elif fmt == "json":
        records = [{"园区": park, **row} for park, row in zip(table.index, table.to_dict("records"), strict=True)]
        content = json.dumps(records, ensure_ascii=False, indent=1, default=str) + "\n"
    else:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    if out is None:
        sys.stdout.write(content)
    else:  # with a BOM, so that Excel opens a CSV's Chinese text correctly
        out.write_text(content, encoding="utf-8-sig" if fmt == "csv" else "utf-8")


