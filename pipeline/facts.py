"""Facts, conflicts, masked values and coverage as pandas DataFrames, read from the views.

The rules (what a fact is, which mention it takes its figure from, what counts as a
conflict) are in pipeline/views.py, so that the database and this API agree.
"""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Engine

from extractors.indicators import lexicon
from pipeline.store import Store

# When a comparison does not name a status, an actual figure wins over a forecast, a
# forecast over a target.
STATUS_PREFERENCE = ("actual", "forecast", "target")
MASKED = "masked"


def engine(db: str | Store | Engine | None = None) -> Engine:
    """The engine of a store given as a path, URL, Store or Engine (default: $PARKSUM_DB or parks.db)."""
    if isinstance(db, Engine):
        return db
    return (db if isinstance(db, Store) else Store(db)).engine


def read(db: str | Store | Engine | None, sql: str, **params: object) -> pd.DataFrame:
    with engine(db).connect() as conn:
        return pd.read_sql_query(text(sql), conn, params=params)


def facts(db: str | Store | Engine | None = None, *, indicators: Iterable[str] | None = None,
          park: str | None = None, period: int | None = None, status: str | None = None) -> pd.DataFrame:
    """One row per park, indicator, period_year and status, with `mention_ids`: the metrics rows behind it.

    `indicators` are names as `resolve_indicators` returns them.
    """
    frame = read(db, "SELECT * FROM facts ORDER BY indicator, park, period_year, status")
    mentions = read(db, "SELECT fact_key, metric_id FROM fact_mentions ORDER BY metric_id")
    ids = mentions.groupby("fact_key")["metric_id"].agg(lambda s: ",".join(map(str, s)))
    frame["mention_ids"] = frame["fact_key"].map(ids)
    for column in ("masked", "growth_masked", "in_conflict"):
        frame[column] = frame[column].astype("boolean")
    if indicators is not None:
        frame = frame[frame["indicator"].isin(list(indicators))]
    if park is not None:
        frame = frame[frame["park"] == park]
    if period is not None:
        frame = frame[frame["period_year"] == period]
    if status is not None:
        frame = frame[frame["status"] == status]
    return frame.reset_index(drop=True)


def conflicts(db: str | Store | Engine | None = None) -> pd.DataFrame:
    """Every mention of a conflicting fact, with `chosen` marking the one the fact takes its figure from."""
    return read(db, """
        SELECT c.park, c.indicator, c.period_year, c.status, c.measure, c.conflict,
               m.document, m.doc_type, m.document_year, m.section_path, m.text, m.value, m.unit, m.base_value,
               m.masked, m.choice = 1 AS chosen, m.sentence, m.metric_id, c.fact_key
        FROM fact_conflicts c
        JOIN fact_mentions m ON m.fact_key = c.fact_key AND m.measure = c.measure
        ORDER BY c.indicator, c.park, c.period_year, c.status, c.measure, m.choice""").astype(
        {"masked": "boolean", "chosen": "boolean"})


def masked_values(db: str | Store | Engine | None = None) -> pd.DataFrame:
    return read(db, "SELECT * FROM masked_values ORDER BY park, document, metric_id")


def mentions(db: str | Store | Engine | None = None) -> pd.DataFrame:
    return read(db, "SELECT * FROM metric_mentions ORDER BY park, document, start")


def parks(db: str | Store | Engine | None = None) -> list[str]:
    return read(db, "SELECT name FROM parks ORDER BY name")["name"].tolist()


def coverage(db: str | Store | Engine | None = None) -> pd.DataFrame:
    """Parks × indicators: how many facts each park reports, and how many of them are masked."""
    frame = facts(db)
    names = parks(db)
    if frame.empty:
        return pd.DataFrame(index=pd.Index(names, name="park"))
    grouped = frame.assign(masked=frame["masked"].fillna(False)).groupby(["park", "indicator"])
    counts = grouped.size().unstack(fill_value=0)
    masked = grouped["masked"].sum().unstack(fill_value=0)
    cells = counts.astype(str) + " (" + masked.astype(int).astype(str) + " masked)"
    cells = cells.where(counts > 0, "")
    order = counts.gt(0).sum().sort_values(ascending=False, kind="stable").index
    return cells.reindex(index=names, fill_value="")[order].rename_axis("park")


def resolve_indicators(queries: Iterable[str], db: str | Store | Engine | None = None) -> list[str]:
    """Indicator names as the facts view spells them, for ids, canonical names, aliases or raw phrases.

    A canonical id, Chinese name or alias from extractors/data/indicators.csv gives the canonical
    name; otherwise a phrase written in metrics.indicator stands for itself. Raises LookupError
    naming the query that matches nothing.
    """
    lex = lexicon()
    phrases = set(read(db, "SELECT DISTINCT indicator FROM metric_mentions WHERE indicator IS NOT NULL")["indicator"])
    names = []
    for query in queries:
        found = lex.resolve(query.strip()) or lex.resolve(query.strip().lower())
        name = found.name_zh if found else (query if query in phrases else None)
        if name is None:
            near = sorted({i.name_zh for i in lex.suggest(query)} | {p for p in phrases if query in p})
            hint = f"; did you mean {', '.join(near[:8])}?" if near else ""
            raise LookupError(f"no indicator matches {query!r}{hint}")
        names.append(name)
    return list(dict.fromkeys(names))


def metrics(db: str | Store | Engine | None = None, *, indicators: Iterable[str] | None = None,
            park: str | None = None, period: str | None = None, status: str | None = None) -> pd.DataFrame:
    """Every extracted figure with its provenance; a masked figure's value reads `masked`, never 0 or blank.

    `period` is a year (matched against the year the period resolves to) or a period as written
    (1-10月, 今年**月).
    """
    frame = mentions(db)
    if indicators is not None:
        frame = frame[frame["indicator"].isin(resolve_indicators(indicators, db))]
    if park:
        frame = frame[frame["park"] == park]
    if status:
        frame = frame[frame["status"] == status]
    if period:
        frame = frame[frame["period_year"] == int(period)] if period.isdigit() else frame[frame["period"] == period]
    frame = frame.assign(value=[MASKED if masked else value for masked, value in zip(
        frame["masked"], frame["value"], strict=True)])
    columns = ["park", "document", "section_path", "indicator", "text", "value", "unit", "role", "qualifier",
               "status", "period", "period_year", "sentence", "start", "end"]
    return frame[columns].set_index("park")


def unmapped_indicators(db: str | Store | Engine | None = None) -> pd.DataFrame:
    """Indicator phrases no alias of the lexicon covers, most frequent first: where the lexicon can grow."""
    return read(db, "SELECT phrase, count(*) AS mentions FROM metric_mentions "
                    "WHERE indicator_id IS NULL AND phrase IS NOT NULL GROUP BY phrase "
                    "ORDER BY mentions DESC, phrase").set_index("phrase")
