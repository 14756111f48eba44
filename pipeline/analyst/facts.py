"""Facts, conflicts, masked values and coverage as pandas DataFrames, read from the views.

The rules (what a fact is, which mention it takes its figure from, what counts as a
conflict) are in parksum/store/views.py, so that the database and this API agree.
"""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from parksum.extractors.indicators import lexicon
from parksum.store import Store, queries

# When a comparison does not name a status, an actual figure wins over a forecast, a
# forecast over a target.
STATUS_PREFERENCE = ("actual", "forecast", "target")
MASKED = "masked"
Db = str | Store | None


def store_of(db: Db = None) -> Store:
    """The store given as a path or URL (default: $PARKSUM_DB or parks.db), opened for reading, or a Store."""
    return db if isinstance(db, Store) else Store(db)


def facts(db: Db = None, *, indicators: Iterable[str] | None = None,
          park: str | None = None, period: int | None = None, status: str | None = None) -> pd.DataFrame:
    """One row per park, indicator, period_year and status, with `mention_ids`: the metrics rows behind it.

    `indicators` are names as `resolve_indicators` returns them.
    """
    store = store_of(db)
    frame = fact_rows(store, indicators=indicators, park=park, period=period, status=status)
    ids = queries.fact_mention_ids(store, indicators=indicators, park=park, period_year=period, status=status)
    frame["mention_ids"] = frame["fact_key"].map(ids.groupby("fact_key")["metric_id"].agg(
        lambda s: ",".join(map(str, s))))
    return frame


def fact_rows(store: Store, *, indicators: Iterable[str] | None = None, park: str | None = None,
              period: int | None = None, status: str | None = None) -> pd.DataFrame:
    """The facts as `facts` gives them, without `mention_ids` (a second query and a pass per fact)."""
    frame = queries.facts(store, indicators=indicators, park=park, period_year=period, status=status)
    return frame.astype({column: "boolean" for column in ("masked", "growth_masked", "in_conflict")})


def conflicts(db: Db = None) -> pd.DataFrame:
    """Every mention of a conflicting fact, with `chosen` marking the one the fact takes its figure from."""
    return queries.conflicts(store_of(db)).astype(
        {"masked": "boolean", "chosen": "boolean"})


def masked_values(db: Db = None) -> pd.DataFrame:
    return queries.masked_values(store_of(db))


def mentions(db: Db = None) -> pd.DataFrame:
    return queries.mentions(store_of(db))


def parks(db: Db = None) -> list[str]:
    return queries.park_names(store_of(db))


def coverage(db: Db = None) -> pd.DataFrame:
    """Parks × indicators: how many facts each park reports, and how many of them are masked."""
    store = store_of(db)
    frame = facts(store)
    names = parks(store)
    if frame.empty:
        return pd.DataFrame(index=pd.Index(names, name="park"))
    grouped = frame.assign(masked=frame["masked"].fillna(False)).groupby(["park", "indicator"])
    counts = grouped.size().unstack(fill_value=0)
    masked = grouped["masked"].sum().unstack(fill_value=0)
    cells = counts.astype(str) + " (" + masked.astype(int).astype(str) + " masked)"
    cells = cells.where(counts > 0, "")
    order = counts.gt(0).sum().sort_values(ascending=False, kind="stable").index
    return cells.reindex(index=names, fill_value="")[order].rename_axis("park")


def resolve_indicators(wanted: Iterable[str], db: Db = None) -> list[str]:
    """Indicator names as the facts view spells them, for ids, canonical names, aliases or raw phrases.

    A canonical id, Chinese name or alias from extractors/data/indicators.csv gives the canonical
    name; otherwise a phrase written in metrics.indicator stands for itself. Raises LookupError
    naming the query that matches nothing.
    """
    lex = lexicon()
    store = store_of(db)
    names = []
    for query in wanted:
        found = lex.resolve(query.strip()) or lex.resolve(query.strip().lower())
        name = found.name_zh if found else (query if queries.names_an_indicator(store, query) else None)
        if name is None:
            phrases = queries.indicator_phrases(store)
            near = sorted({i.name_zh for i in lex.suggest(query)} | {p for p in phrases if query in p})
            hint = f"; did you mean {', '.join(near[:8])}?" if near else ""
            raise LookupError(f"no indicator matches {query!r}{hint}")
        names.append(name)
    return list(dict.fromkeys(names))


def metrics(db: Db = None, *, indicators: Iterable[str] | None = None,
            park: str | None = None, period: str | None = None, status: str | None = None) -> pd.DataFrame:
    """Every extracted figure with its provenance; a masked figure has no value and `masked` true (the text
    table on the screen writes `masked` in its value cell), never 0.

    `period` is a year (matched against the year the period resolves to) or a period as written
    (1-10月, 今年**月).
    """
    store = store_of(db)
    year = bool(period) and period.isascii() and period.isdigit()
    frame = queries.mentions(store, indicators=None if indicators is None else resolve_indicators(indicators, store),
                             park=park or None, status=status or None, period_year=int(period) if year else None,
                             period=period if period and not year else None)
    masked = frame["masked"].eq(1)
    frame = frame.assign(masked=masked, value=frame["value"].astype("float64").where(~masked))
    columns = ["park", "document", "section_path", "indicator", "text", "value", "unit", "masked", "role", "qualifier",
               "status", "period", "period_year", "sentence", "start", "end"]
    return frame[columns].set_index("park")


def targets(db: Db = None, *, park: str | None = None, indicators: Iterable[str] | None = None) -> pd.DataFrame:
    """Plans against outcomes (the target_outcomes view): per park, indicator and year the target, the actual
    reported for that year, achieved_pct and outcome; masked on either side stays masked."""
    store = store_of(db)
    frame = queries.target_outcomes(store)
    for column in ("target_masked", "target_growth_masked", "actual_masked", "actual_growth_masked"):
        frame[column] = frame[column].astype("boolean")
    if park is not None:
        frame = frame[frame["park"] == park]
    if indicators is not None:
        frame = frame[frame["indicator"].isin(resolve_indicators(indicators, store))]
    return frame.reset_index(drop=True)


def unmapped_indicators(db: Db = None) -> pd.DataFrame:
    """Indicator phrases no alias of the lexicon covers, most frequent first: where the lexicon can grow."""
    return queries.unmapped_phrases(store_of(db)).set_index("phrase")
