"""Parks side by side on chosen indicators: a DataFrame, and the formats analysts open it in.

Tidy columns, one vocabulary in every format (DataFrame, CSV, JSON, XLSX): a value column holds
numbers only (a float, or empty), and `masked` says whether the source withheld it. The long table
has one row per park and indicator; the wide table one row per park and per indicator the columns
`NAME`, `NAME unit`, `NAME masked`, `NAME growth`, … (see MEASURES).
"""
from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from parksum.analyst.facts import MASKED, STATUS_PREFERENCE, Db, fact_rows, parks, resolve_indicators, store_of
from parksum.extractors.units import unit_for, unit_table

FORMATS = ("table", "csv", "json", "xlsx")
# The long table's columns; the wide table has the ones after `indicator` as `NAME measure` (the value as NAME).
LONG_COLUMNS = ["park", "indicator", "value", "unit", "masked", "value_low", "value_high", "growth", "growth_masked",
                "period_year", "status", "text", "source"]
MEASURES = ["value", "unit", "masked", "growth", "growth_masked", "period_year", "status"]
# Where a masked flag column says a value column's number is withheld.
MASKED_FLAGS = {"value": "masked", "growth": "growth_masked"}


def compare_long(indicators: Iterable[str], db: Db = None, *, period: int | None = None,
                 status: str | None = None) -> pd.DataFrame:
    """One row per park and indicator (every park, every indicator asked for): see LONG_COLUMNS.

    Indicators are ids, canonical names, aliases or raw phrases (see `resolve_indicators`). Without
    `status` the actual figure is shown, else the forecast, else the target; without `period` the latest
    year of that status. Values are numbers in the unit most parks write (converted where the base unit
    agrees; `unit` names the unit after conversion); a masked figure has no value and `masked` true.
    """
    store = store_of(db)
    names = resolve_indicators(indicators, store)
    return tidy(fact_rows(store, indicators=names, period=period, status=status), names, parks(store))


def tidy(fact_rows: pd.DataFrame, names: list[str], every_park: list[str] | None = None) -> pd.DataFrame:
    """The long table from rows of the facts view: one fact per park and indicator (by STATUS_PREFERENCE,
    then the latest year), in one unit per indicator, indicators in the order of `names`. With `every_park`,
    a row for each park and indicator even where the park reports nothing; else only the parks that report
    the indicator."""
    chosen = _choose(fact_rows[fact_rows["indicator"].isin(names)])
    order = {name: i for i, name in enumerate(names)}
    table = _in_common_unit(chosen).sort_values(["indicator", "park"], key=lambda c: c.map(order) if
                                                c.name == "indicator" else c, kind="stable")
    if every_park is not None:
        grid = pd.MultiIndex.from_product([names, every_park], names=["indicator", "park"]).to_frame(index=False)
        table = grid.merge(table, on=["indicator", "park"], how="left")
    table = table.reindex(columns=LONG_COLUMNS).reset_index(drop=True)
    for column in ("value", "value_low", "value_high", "growth"):
        table[column] = table[column].astype("float64")
    for column in ("masked", "growth_masked"):
        table[column] = table[column].astype("boolean")
    table["period_year"] = table["period_year"].astype("Int64")
    return table


def compare(indicators: Iterable[str], db: Db = None, *, period: int | None = None,
            status: str | None = None, sources: bool = False) -> pd.DataFrame:
    """Every park as a row; per indicator the columns `NAME` (the value), `NAME unit`, `NAME masked`,
    `NAME growth`, `NAME growth_masked`, `NAME period_year`, `NAME status` (and `NAME source` with
    `sources`). See `compare_long` for what they hold."""
    return wide(compare_long(indicators, db, period=period, status=status), sources=sources)


def wide(long: pd.DataFrame, *, sources: bool = False) -> pd.DataFrame:
    """The long table pivoted: a row per park, columns per indicator and measure."""
    columns = {}
    for name, rows in long.groupby("indicator", sort=False):
        rows = rows.set_index("park")
        for measure in [*MEASURES, *(["source"] if sources else [])]:
            columns[name if measure == "value" else f"{name} {measure}"] = rows[measure]
    index = pd.Index(long["park"].unique(), name="park")
    return pd.DataFrame(columns, index=index)


def _choose(frame: pd.DataFrame) -> pd.DataFrame:
    rank = frame["status"].map({s: i for i, s in enumerate(STATUS_PREFERENCE)}).fillna(len(STATUS_PREFERENCE))
    ordered = frame.assign(rank=rank).sort_values(["rank", "period_year"], ascending=[True, False], kind="stable")
    return ordered.drop_duplicates(["park", "indicator"])


def common_units(rows: pd.DataFrame) -> pd.Series:
    """Per indicator of `rows` (facts), the unit most of its figures with a number are written in."""
    known = rows[rows["base_value"].notna() & rows["unit"].notna()]
    counts = known.groupby(["indicator", "unit"]).size().rename("n").reset_index()
    ranked = counts.sort_values(["indicator", "n", "unit"], ascending=[True, False, True], kind="stable")
    return ranked.drop_duplicates("indicator").set_index("indicator")["unit"]


def _in_common_unit(rows: pd.DataFrame) -> pd.DataFrame:
    """Facts, each value in its indicator's common unit where the base unit agrees (else as written)."""
    units = unit_table()
    common = rows["indicator"].map(common_units(rows))
    common_base = common.map(lambda u: units[u].base if u in units else None)
    convert = rows["base_unit"].notna() & rows["base_unit"].eq(common_base)
    ratio = (rows["unit"].map(_factor) / common.map(_factor)).where(convert, 1.0)
    masked = rows["masked"].eq(1)  # 1, 0 or null from SQL
    growth_masked = rows["growth_masked"].eq(1)
    rows = rows.astype({c: "float64" for c in ("value", "value_low", "value_high", "growth")})
    return pd.DataFrame({
        "park": rows["park"], "indicator": rows["indicator"],
        "value": rows["value"].mul(ratio).where(~masked),
        "unit": common.where(convert, rows["unit"]),
        "masked": masked,
        "value_low": rows["value_low"].mul(ratio).where(~masked),
        "value_high": rows["value_high"].mul(ratio).where(~masked),
        "growth": rows["growth"].where(~growth_masked), "growth_masked": growth_masked,
        "period_year": rows["period_year"], "status": rows["status"], "text": rows["value_text"],
        "source": rows["sentence"]})


def _factor(unit: object) -> float:
    try:
        return unit_for(unit).factor if isinstance(unit, str) else math.nan
    except KeyError:
        return math.nan


def write(table: pd.DataFrame, fmt: str, out: Path | None = None) -> None:
    """Write `table` as a text table, CSV, JSON records or an XLSX sheet, to `out` or stdout.

    The index (the park) is written as the first column under its name; JSON has null where a
    value is missing (never NaN); CSV starts with a BOM so that Excel reads the Chinese, on the
    screen as in a file. Columns and keys are the table's own in every format; only the text table
    on the screen writes `masked` in a masked value's cell (and leaves the flag columns out)."""
    if fmt == "xlsx":
        if out is None:
            raise ValueError("--format xlsx needs --out FILE")
        with pd.ExcelWriter(out, engine="openpyxl") as writer:
            write_sheet(writer, "compare", table.reset_index() if table.index.name else table)
        return
    if fmt == "table":
        content = for_screen(table).astype(object).fillna("—").to_string() + "\n"
    elif fmt == "csv":
        content = "\ufeff" + as_text(table).to_csv(index=table.index.name is not None)
    elif fmt == "json":
        records = (table.reset_index() if table.index.name else table).to_dict("records")
        content = json.dumps(_nulls(records), ensure_ascii=False, indent=1, default=str) + "\n"
    else:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    if out is None:
        sys.stdout.write(content)
    else:
        out.write_text(content, encoding="utf-8")


def masked_flags(columns: Iterable[str]) -> dict[str, str]:
    """Value column → its masked flag column: value → masked, growth → growth_masked (also with a prefix:
    target_value → target_masked), and the wide table's NAME → NAME masked."""
    present = set(columns)
    pairs = {}
    for column in present:
        by_suffix = next((column[:-len(value)] + flag for value, flag in MASKED_FLAGS.items()
                          if column.endswith(value)), None)
        flag = next((c for c in (by_suffix, f"{column} masked") if c in present), None)
        if flag is not None:
            pairs[column] = flag
    return pairs


def for_screen(table: pd.DataFrame) -> pd.DataFrame:
    """`masked` written in each masked value's cell, the flag columns left out: for reading, not computing."""
    flags = masked_flags(table.columns)
    shown = table.copy()
    for column, flag in flags.items():
        shown[column] = shown[column].astype(object).where(~shown[flag].fillna(False).astype(bool), MASKED)
    return shown.drop(columns=sorted(set(flags.values())))


MASKED_FILL = "FBE3E3"


def write_sheet(writer: pd.ExcelWriter, title: str, frame: pd.DataFrame) -> None:
    """One sheet: the columns as they are named, numbers as numbers, a masked value's cell empty and shaded
    (with the note `masked`), the header frozen and the widths fitted."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    as_text(frame).to_excel(writer, sheet_name=title, index=False)
    sheet = writer.sheets[title]
    sheet.freeze_panes = "B2"
    fill = PatternFill("solid", start_color=MASKED_FILL, end_color=MASKED_FILL)
    position = {name: i + 1 for i, name in enumerate(frame.columns)}
    for column, flag in masked_flags(frame.columns).items():
        for row in (frame[flag].fillna(False).astype(bool).to_numpy().nonzero()[0] + 2):
            cell = sheet.cell(row=int(row), column=position[column])
            cell.fill = fill
            cell.comment = Comment(MASKED, "parksum")
    for cells in sheet.columns:
        sheet.column_dimensions[cells[0].column_letter].width = min(
            60, max(8, *(len(str(c.value or "")) * 1.6 for c in cells[:50])))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A spreadsheet opens a cell that starts with = + - @ as a formula (=HYPERLINK(…) from a document or a
    park name): such strings are written with a leading ' so that they stay text. Numbers stay numbers."""
    def safe(value: object) -> object:
        return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value

    frame = frame.copy()
    frame.index = frame.index.map(safe)
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(frame[column]):
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


def is_number(value: object) -> bool:
    """True for a value that can be drawn: a number, not a missing one."""
    return isinstance(value, int | float) and not isinstance(value, bool) and not math.isnan(value)
