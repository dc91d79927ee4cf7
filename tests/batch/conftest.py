"""Fixtures of the batch tests; the corpora live in :mod:`batch_support`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from batch_support import corpus, write_jsonl


@pytest.fixture
def make_jsonl(tmp_path: Path) -> Callable[..., Path]:
    """Write a JSONL corpus of ``n`` invented articles (plus raw ``extra`` lines)."""

    def make(n: int = 20, extra: Sequence[str] = (), name: str = "corpus.jsonl") -> Path:
        return write_jsonl(tmp_path / "in" / name, corpus(n), extra)

    return make
