"""Count the tagger's model runs (imported by tests that check the model runs once)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from spinscope.tagger.model import Tagger


class CountingSession:
    """An onnxruntime session that counts its ``run`` calls (one per window batch)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.runs = 0

    def run(self, *args: Any, **kwargs: Any) -> Any:
        self.runs += 1
        return self.inner.run(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@contextmanager
def counting_runs(tagger: Tagger) -> Iterator[CountingSession]:
    """Count ``tagger``'s model runs inside the ``with`` block (single-threaded use)."""
    tagger.load()
    counter = CountingSession(tagger._session)
    tagger._session = counter
    try:
        yield counter
    finally:
        tagger._session = counter.inner


def runs_for(tagger: Tagger, texts: list[str]) -> int:
    """How many model runs one pass of ``tagger`` over ``texts`` takes."""
    with counting_runs(tagger) as counter:
        tagger.article_probs(texts)
    return counter.runs
