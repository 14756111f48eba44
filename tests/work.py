"""Work counted, not timed: the Python and C functions a call makes (a profiler hook counts them), so
that a test can compare the work on a text and on one twice as long, the same on every machine."""
from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any


def calls(function: Callable[..., Any], *args: Any, outside: str | None = None) -> int:
    """How many function calls (generator steps included) `function(*args)` makes; with `outside`, not
    counting those made in files whose path holds it (a library's own work)."""
    count = 0

    def hook(frame, event: str, arg) -> None:
        nonlocal count
        if event in ("call", "c_call") and not (outside and outside in frame.f_code.co_filename):
            count += 1

    previous = sys.getprofile()
    sys.setprofile(hook)
    try:
        function(*args)
    finally:
        sys.setprofile(previous)
    return count


def growth(function: Callable[[str], Any], make: Callable[[int], str], n: int) -> float:
    """The work on `make(2n)` over the work on `make(n)`: about 2 where the work is linear."""
    for text in make(n), make(2 * n):  # lazy loads, and caches of what the texts hold, on both alike
        function(text)
    return calls(function, make(2 * n)) / calls(function, make(n))
