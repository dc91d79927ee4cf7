"""The ``spinscope`` command line: a thin layer over the library."""

from __future__ import annotations


def main() -> None:
    """Entry point of the ``spinscope`` console script."""
    from spinscope.cli.app import app

    app()
