"""``python -m spinscope``: the same as the ``spinscope`` command."""

from __future__ import annotations

from spinscope.cli import main

if __name__ == "__main__":
    main()
