"""Offset-preserving normalisation.

Each character maps to exactly one character, so an offset into the normalised text
is the same offset into the original: nothing needs mapping back. Chinese punctuation
(，。；：（）) is left alone; the patterns accept both widths where it matters.
"""
from __future__ import annotations

# Full-width digits and Latin letters, and the signs that belong to numbers.
_TABLE = {cp: cp - 0xFEE0 for cp in range(ord("０"), ord("９") + 1)}
_TABLE.update({cp: cp - 0xFEE0 for cp in range(ord("Ａ"), ord("Ｚ") + 1)})
_TABLE.update({cp: cp - 0xFEE0 for cp in range(ord("ａ"), ord("ｚ") + 1)})
_TABLE.update({ord(f): h for f, h in zip("．％＋－／＊～＿", ".%+-/*~_", strict=True)})
# Exotic spaces become plain spaces.
_TABLE.update({cp: " " for cp in (0x3000, 0x00A0, 0x2002, 0x2003, 0x2009, 0x200B)})


def normalize(text: str) -> str:
    """Half-width digits, Latin letters, number signs and spaces; same length as `text`."""
    return text.translate(_TABLE)
