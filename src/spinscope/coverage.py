"""What a detector was checked to find: the coverage statement every report carries.

"No technique found" must not read as "this article is clean". A detector finds some of the 23
techniques often, some rarely, and some never; a report says which, with the precision measured
on the development articles, so that a reader knows what an empty report covers.

The figures are measured by ``python benchmarks/dev_eval.py --model DIR --write-coverage``
(FLC precision, recall and F1 per technique, pooled over the dev articles of every training
language, at the detector's default threshold) and stored in the model's ``config.json`` under
``coverage``, one record per detector built on the model (``tagger``, ``hybrid``). A technique
"can be found" when the detector's dev F1 on it is above 0: at least one of its dev spans of
that technique overlapped a gold span of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from spinscope.taxonomy import TECHNIQUES, technique

__all__ = ["Coverage", "TechniqueFigures", "coverage_record", "stored_coverage"]


@dataclass(frozen=True)
class TechniqueFigures:
    """A technique's dev figures for one detector (FLC, at the default threshold)."""

    technique: str
    precision: float | None
    recall: float | None = None

    @property
    def title(self) -> str:
        """The technique's name for a reader."""
        return technique(self.technique).title

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "technique": self.technique,
            "title": self.title,
            "precision": None if self.precision is None else round(self.precision, 3),
            "recall": None if self.recall is None else round(self.recall, 3),
        }


@dataclass(frozen=True)
class Coverage:
    """Which techniques a detector can find (with dev precision) and which it cannot.

    ``measured_on`` says on what the figures were measured (``None``: not measured; then
    ``found`` lists what the detector can output, without figures).
    """

    detector: str
    found: tuple[TechniqueFigures, ...]
    missing: tuple[str, ...]
    measured_on: str | None = None

    @classmethod
    def from_record(cls, detector: str, record: Mapping[str, Any]) -> Coverage:
        """Read a stored record (:func:`coverage_record`)."""
        figures = record.get("techniques", {})
        found = sorted(
            (
                TechniqueFigures(name, fig.get("precision"), fig.get("recall"))
                for name, fig in figures.items()
                if name in TECHNIQUES and (fig.get("f1") or 0.0) > 0.0
            ),
            key=lambda f: (-(f.precision or 0.0), TECHNIQUES.index(f.technique)),
        )
        names = {f.technique for f in found}
        return cls(
            detector,
            tuple(found),
            tuple(t for t in TECHNIQUES if t not in names),
            record.get("measured_on"),
        )

    @classmethod
    def unmeasured(cls, detector: str, techniques: tuple[str, ...]) -> Coverage:
        """A detector that can output ``techniques``, with no measured figures."""
        names = set(techniques)
        return cls(
            detector,
            tuple(TechniqueFigures(t, None) for t in TECHNIQUES if t in names),
            tuple(t for t in TECHNIQUES if t not in names),
        )

    @property
    def summary(self) -> str:
        """One plain sentence: how many techniques are checked, and what is not."""
        n = len(self.found)
        text = f"This detector can find {n} of the {len(TECHNIQUES)} techniques"
        if self.measured_on:
            text += f" (dev precision measured on {self.measured_on})"
        if self.missing:
            titles = ", ".join(technique(t).title.lower() for t in self.missing)
            text += f"; it cannot find {titles}"
        return text + ". A technique not listed here may be present even when none is found."

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "detector": self.detector,
            "measured_on": self.measured_on,
            "found": [f.to_dict() for f in self.found],
            "missing": list(self.missing),
            "summary": self.summary,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Coverage:
        """Inverse of :meth:`to_dict`."""
        return cls(
            data["detector"],
            tuple(
                TechniqueFigures(f["technique"], f.get("precision"), f.get("recall"))
                for f in data.get("found", [])
            ),
            tuple(data.get("missing", [])),
            data.get("measured_on"),
        )


def coverage_record(flc: Mapping[str, float], measured_on: str) -> dict[str, Any]:
    """The stored form of a detector's coverage, from pooled FLC scores (:func:`score_flc`)."""
    techniques: dict[str, dict[str, float]] = {}
    for key, value in flc.items():
        if "/" not in key:
            continue
        metric, name = key.split("/", 1)
        techniques.setdefault(name, {})[metric] = round(float(value), 4)
    return {"measured_on": measured_on, "techniques": dict(sorted(techniques.items()))}


def stored_coverage(config: Mapping[str, Any], detector: str) -> Coverage | None:
    """The coverage of ``detector`` stored in a model's ``config.json`` (``None``: none)."""
    record = config.get("coverage", {}).get(detector)
    return Coverage.from_record(detector, record) if record else None
