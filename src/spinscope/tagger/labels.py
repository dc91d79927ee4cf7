"""The tagger's output columns: column 0 is "any technique", then one per SemEval-2023 technique."""

from __future__ import annotations

from spinscope.taxonomy import TECHNIQUES

__all__ = ["ANY", "OUTPUTS", "column"]

ANY = "any"
OUTPUTS: tuple[str, ...] = (ANY, *TECHNIQUES)
_COLUMN = {name: i for i, name in enumerate(OUTPUTS)}


def column(name: str) -> int:
    """The output column of ``name`` ("any" or a technique)."""
    return _COLUMN[name]
