"""The report as JSON (one object) or JSON Lines (one object per line, for many articles).

The layout is described by the JSON Schema ``spinscope/resources/analysis.schema.json``
(:func:`schema`); every object carries ``schema_version``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from importlib import resources
from typing import Any

from spinscope.analysis import Analysis

__all__ = ["SCHEMA_FILE", "render_json", "render_jsonl", "schema"]

#: The schema's file name under ``spinscope/resources/``.
SCHEMA_FILE = "analysis.schema.json"


def render_json(analysis: Analysis | Iterable[Analysis], *, indent: int | None = 2) -> str:
    """One analysis as a JSON object, or several as a JSON array (with a final newline)."""
    if isinstance(analysis, Analysis):
        data: Any = analysis.to_dict()
    else:
        data = [a.to_dict() for a in analysis]
    return json.dumps(data, ensure_ascii=False, indent=indent) + "\n"


def render_jsonl(analyses: Iterable[Analysis]) -> str:
    """Analyses as JSON Lines: one compact object per line."""
    return "".join(json.dumps(a.to_dict(), ensure_ascii=False) + "\n" for a in analyses)


def schema() -> dict[str, Any]:
    """The JSON Schema of :meth:`Analysis.to_dict`."""
    raw = (
        resources.files("spinscope")
        .joinpath("resources")
        .joinpath(SCHEMA_FILE)
        .read_text(encoding="utf-8")
    )
    data: dict[str, Any] = json.loads(raw)
    return data
