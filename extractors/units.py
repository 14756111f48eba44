"""Written units (data/units.csv) and their normalisation to a base unit."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from parksum.text.resources import load_csv, load_json


@dataclass(frozen=True)
class Unit:
    written: str
    base: str
    factor: float
    dimension: str
    measure_word: bool  # 个, 家, 次 …: the figure counts things

    def to_base(self, value: float | None) -> float | None:
        return None if value is None else value * self.factor


@cache
def unit_table() -> dict[str, Unit]:
    table = {row["unit"]: Unit(row["unit"], row["base_unit"], float(row["factor"]), row["dimension"],
                               row["measure_word"] == "yes")
             for row in load_csv("parksum.extractors", "units.csv")}
    for latin in load_json("parksum.extractors", "unit_words.json")["latin_units"]:
        table.setdefault(latin, Unit(latin, latin, 1.0, "other", False))
    return table


@cache
def not_after_measure_word() -> tuple[str, ...]:
    """What follows a measure word when it is part of a word instead (项目, 个数): no count then."""
    return tuple(load_json("parksum.extractors", "unit_words.json")["not_after_measure_word"])


_MAGNITUDES = {"万亿": 1e12, "亿": 1e8, "万": 1e4}


def units_longest_first() -> list[str]:
    """So that an alternation prefers 万平方米 to 万 and 亿元 to 亿."""
    return sorted(unit_table(), key=len, reverse=True)


@cache
def unit_for(written: str) -> Unit:
    """A unit of the table, or a magnitude with one (1.6亿户, 1.37万亿斤), or a bare magnitude (6600万)."""
    table = unit_table()
    if written in table:
        return table[written]
    for magnitude, factor in _MAGNITUDES.items():
        if written == magnitude:
            return Unit(written, "", factor, "other", False)
        rest = written[len(magnitude):]
        if written.startswith(magnitude) and rest in table:
            unit = table[rest]
            return Unit(written, unit.base, factor * unit.factor, unit.dimension, unit.measure_word)
    raise KeyError(written)
