"""Numbers written in Chinese numerals, Arabic digits or circled digits."""
from __future__ import annotations

from functools import lru_cache

import cn2an

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


@lru_cache(maxsize=4096)
def chinese_value(numeral: str) -> float | None:
    """三千 → 3000, 两 → 2, 一百二十 → 120, 二〇二二 → 2022; None when it is no number."""
    numeral = numeral.replace("两", "二").replace("〇", "零").replace("○", "零")
    try:
        return float(cn2an.cn2an(numeral, "smart"))
    except (ValueError, KeyError, IndexError):
        return None


def ordinal_value(marker_number: str) -> int:
    """The ordinal of a heading marker's number: 十一 → 11, 3 → 3, ④ → 4."""
    if marker_number in _CIRCLED:  # before isdigit(), which is true for circled digits too
        return _CIRCLED.index(marker_number) + 1
    if marker_number.isdigit():
        return int(marker_number)
    value = chinese_value(marker_number)
    return int(value) if value is not None else 0
