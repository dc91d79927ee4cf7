"""``spinscope batch`` and ``spinscope report``: placeholders while issue 6 is built."""

from __future__ import annotations


def batch() -> None:
    """Analyse a corpus (being built)."""
    raise SystemExit("not built yet")


def report() -> None:
    """Dashboard of a batch run (being built)."""
    raise SystemExit("not built yet")
