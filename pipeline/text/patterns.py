"""Scanning a whole text with an alternation of patterns kept as data (heading markers, periods).

`re` leaves a position fastest when the pattern starts with a lookahead on the characters a
match can begin with. That set is derived from the patterns themselves, so that a pattern added
to the data is never skipped because a hand-kept list of first characters missed it.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from re import _constants as sre  # the parser's own opcodes: stable across 3.11+
from re import _parser as sre_parse


def scanner(patterns: Iterable[str], flags: int = 0) -> re.Pattern[str]:
    """`(?:p1|p2|…)` compiled with a first-character guard where every pattern allows one."""
    patterns = list(patterns)
    body = "(?:" + "|".join(patterns) + ")"
    firsts = set()
    for pattern in patterns:
        chars = first_chars(pattern)
        if chars is None:
            return re.compile(body, flags)  # one pattern can start anywhere: no guard, nothing missed
        firsts |= chars
    guard = "".join(re.escape(c) for c in sorted(firsts))
    return re.compile(f"(?=[{guard}]){body}", flags)


def first_chars(pattern: str) -> set[str] | None:
    """The characters a match of `pattern` can start with, or None where that is not a small known set."""
    return _first(sre_parse.parse(pattern))


def _first(items) -> set[str] | None:
    """First characters of a parsed sequence; an optional element adds its own and lets the next one in."""
    chars: set[str] = set()
    for op, arg in items:
        if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
            continue  # zero-width: the match starts with what follows
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            inner = _first(arg[2])
            if inner is None:
                return None
            chars |= inner
            if arg[0] > 0:
                return chars
            continue
        own = _first_of(op, arg)
        return None if own is None else chars | own
    return None  # the sequence can match nothing: any character may start a match


def _first_of(op, arg) -> set[str] | None:
    if op is sre.LITERAL:
        return {chr(arg)}
    if op is sre.IN:
        chars: set[str] = set()
        for kind, value in arg:
            if kind is sre.LITERAL:
                chars.add(chr(value))
            elif kind is sre.RANGE and value[1] - value[0] < 0x3000:
                chars.update(map(chr, range(value[0], value[1] + 1)))
            else:  # a negated or category class (\d, [^…]) matches too much to list
                return None
        return chars
    if op is sre.SUBPATTERN:
        return _first(arg[-1])
    if op is sre.BRANCH:
        branches = [_first(branch) for branch in arg[1]]
        return None if any(b is None for b in branches) else set().union(*branches)
    return None
