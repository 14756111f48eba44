"""Parks side by side on chosen indicators: a DataFrame, and the formats analysts open it in."""
from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from parksum.analyst.facts import MASKED, STATUS_PREFERENCE, Db, facts, parks, resolve_indicators, store_of
from parksum.extractors.units import unit_table

FORMATS = ("table", "csv", "json", "xlsx")
# The measures of one indicator, and the suffix of their column in the wide table.
MEASURES = {"value": "", "unit": " 单位", "growth": " 增速%", "period": " 期间", "source": " 来源"}


def compare_long(indicators: Iterable[str], db: Db = None, *, period: int | None = None,
                 status: str | None = None) -> pd.DataFrame:
    """One row per park and indicator (every park, every indicator asked for): park, indicator, value,
    unit, growth, period (`2022 actual`) and source (the sentence). Empty where a park reports nothing.

    Indicators are ids, canonical names, aliases or raw phrases (see `resolve_indicators`). Without
    `status` the actual figure is shown, else the forecast, else the target; without `period` the latest
    year of that status. Values are shown in the unit most parks write, converted where the base unit
    agrees. Masked figures read "masked".
    """
    store = store_of(db)
    names = resolve_indicators(indicators, store)
    chosen = _choose(facts(store, indicators=names, period=period, status=status))
    index = pd.Index(parks(store), name="park")
    frames = []
    for name in names:
        shown = _in_common_unit(chosen[chosen["indicator"] == name].set_index("park")).reindex(index)
        frames.append(shown.reset_index().assign(indicator=name))
    columns = ["park", "indicator", *MEASURES]
    if not frames:
        return pd.DataFrame(columns=columns)
    table = pd.concat(frames, ignore_index=True)[columns].astype(object)
    return table.where(table.notna(), None)


def compare(indicators: Iterable[str], db: Db = None, *, period: int | None = None,
            status: str | None = None, sources: bool = False) -> pd.DataFrame:
    """Every park as a row; per indicator the columns `NAME`, `NAME 单位`, `NAME 增速%`, `NAME 期间`
    (and `NAME 来源` with `sources`). See `compare_long` for what they hold."""
    long = compare_long(indicators, db, period=period, status=status)
    columns = {}
    for name, rows in long.groupby("indicator", sort=False):
        rows = rows.set_index("park")
        for measure, suffix in MEASURES.items():
            if measure != "source" or sources:
                columns[f"{name}{suffix}"] = rows[measure]
    index = pd.Index(long["park"].unique(), name="park")
    return pd.DataFrame(columns, index=index, dtype=object)


def _choose(frame: pd.DataFrame) -> pd.DataFrame:
    rank = frame["status"].map({s: i for i, s in enumerate(STATUS_PREFERENCE)}).fillna(len(STATUS_PREFERENCE))
    ordered = frame.assign(rank=rank).sort_values(["rank", "period_year"], ascending=[True, False], kind="stable")
    return ordered.drop_duplicates(["park", "indicator"])


def _in_common_unit(rows: pd.DataFrame) -> pd.DataFrame:
    units = unit_table()
    known = rows.loc[rows["base_value"].notna(), "unit"]
    common = units.get(known.mode().iloc[0]) if not known.empty else None
    shown = pd.DataFrame(index=rows.index)
    values, written = [], []
    for _, fact in rows.iterrows():
        if (common is not None and pd.notna(fact["base_value"]) and fact["base_unit"] == common.base
                and fact["unit"] != common.written):
            values.append(fact["base_value"] / common.factor)
            written.append(common.written)
        else:
            values.append(_written_value(fact))
            written.append(fact["unit"])
    shown["value"] = values
    shown["unit"] = written
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
    """Write `table` as a text table, CSV, JSON records or an XLSX sheet, to `out` or stdout.

    The index (the park) is written as the first column under its name; JSON has null where a
    value is missing (never NaN); CSV starts with a BOM so that Excel reads the Chinese, on the
    screen as in a file."""
    if fmt == "xlsx":
        if out is None:
            raise ValueError("--format xlsx needs --out FILE")
        as_text(table).to_excel(out, sheet_name="对比")
        return
    if fmt == "table":
        content = table.fillna("—").to_string() + "\n"
    elif fmt == "csv":
        content = "\ufeff" + as_text(table).to_csv()
    elif fmt == "json":
        records = table.reset_index().to_dict("records")
        content = json.dumps(_nulls(records), ensure_ascii=False, indent=1, default=str) + "\n"
    else:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    if out is None:
        sys.stdout.write(content)
    else:
        out.write_text(content, encoding="utf-8")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A spreadsheet opens a cell that starts with = + - @ as a formula (=HYPERLINK(…) from a document or a
    park name): such strings are written with a leading ' so that they stay text. Numbers stay numbers."""
    def safe(value: object) -> object:
        return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value

    frame = frame.copy()
    frame.index = frame.index.map(safe)
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].map(safe)
    return frame.rename(columns=safe)


def _nulls(value: object) -> object:
    """NaN and NA become None (JSON null): `json` would write NaN, which no JSON reader accepts."""
    if isinstance(value, dict):
        return {key: _nulls(v) for key, v in value.items()}
    if isinstance(value, list):
        return [_nulls(v) for v in value]
    if value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    return value
