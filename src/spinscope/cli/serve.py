"""``spinscope serve``: placeholder while issue 5 is built."""

from __future__ import annotations


def serve() -> None:
    """Run the web app and REST API (being built)."""
    raise SystemExit("not built yet")
