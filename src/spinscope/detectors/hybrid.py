"""The default detector: the trained tagger, plus the baseline's rules where they add spans.

On the development articles the union of the tagger's spans and the baseline's rule spans
(without the scare-quote rule, which the report shows as its own signal) scored FLC F1 0.243,
against 0.223 for the tagger alone and 0.181 for the baseline: the rules' lexicons reach
wordings that the 371 training articles never showed the model. A rule span is dropped where a
tagger span of the same technique overlaps it, so each finding is reported once. Rule spans
keep their evidence (``meta["rule"]``, ``meta["evidence"]``) and their score, the share of the
rule's training-set spans that gold spans of the same technique cover: the same meaning as the
tagger's calibrated score (expected precision), so one threshold applies to both; where a rule
span is more confident than an overlapping *possible* tagger span of its technique (below the
threshold), the rule span stays instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from spinscope.coverage import Coverage
from spinscope.detectors.base import BaseDetector
from spinscope.detectors.baseline import RULES, BaselineDetector
from spinscope.document import Document, Span
from spinscope.tagger.model import ArticleProbs, Tagger

__all__ = ["HYBRID_RULES", "HybridDetector"]

#: The baseline rules the hybrid adds to the tagger (every rule but scare quotes).
HYBRID_RULES: tuple[str, ...] = tuple(r for r in RULES if r != "scare_quotes")


def _union(
    model: Sequence[Span], rules: Sequence[Span], threshold: float | None, likely: float | None
) -> list[Span]:
    """Model spans and rule spans (scored ``>= threshold``), one finding per place and technique.

    A rule span is dropped where a model span of its technique overlaps it, unless that model
    span is below ``likely`` (a possible one, when decoding down to the possible floor) and
    less confident than the rule: then the rule span replaces it.
    """
    above = [r for r in rules if threshold is None or r.score >= threshold]

    def beats(m: Span, r: Span) -> bool:
        return likely is None or m.score >= likely or m.score >= r.score

    kept_rules = [
        r
        for r in above
        if not any(m.label == r.label and m.overlaps(r) and beats(m, r) for m in model)
    ]
    kept_model = [
        m for m in model if not any(r.label == m.label and r.overlaps(m) for r in kept_rules)
    ]
    return sorted(kept_model + kept_rules)


class HybridDetector(BaseDetector):
    """Tagger spans plus baseline rule spans that no tagger span of the same technique covers."""

    name = "hybrid"

    def __init__(
        self,
        tagger: Tagger | None = None,
        baseline: BaselineDetector | None = None,
        *,
        threshold: float | None = None,
        likely: float | None = None,
    ) -> None:
        self.threshold = threshold
        #: the score from which a tagger span is likely, when decoding below it (possible tier)
        self.likely = likely
        self.tagger = tagger if tagger is not None else Tagger(threshold=threshold)
        self.baseline = baseline if baseline is not None else BaselineDetector(HYBRID_RULES)

    @property
    def languages(self) -> tuple[str, ...]:
        """The tagger's training languages (the rules' lexicons are English)."""
        return self.tagger.languages

    @property
    def coverage(self) -> Coverage | None:
        """What the tagger and rules together can find (measured with the tagger's model)."""
        return self.tagger.coverage_for(self.name)

    def with_threshold(self, threshold: float | None) -> HybridDetector:
        """A copy at ``threshold`` sharing the loaded tagger's session and the rules."""
        return HybridDetector(
            self.tagger.with_threshold(threshold), self.baseline, threshold=threshold
        )

    def with_floor(self, floor: float) -> HybridDetector:
        """A copy that also keeps the possible spans, down to ``floor``.

        The tagger spans at or above this detector's threshold keep precedence over rule spans
        as before; rule spans are kept from ``floor`` up.
        """
        return HybridDetector(
            self.tagger.with_threshold(floor),
            self.baseline,
            threshold=floor,
            likely=self._threshold(),
        )

    def load(self) -> HybridDetector:
        """Load the tagger's model and the baseline's lexicons."""
        self.tagger.load()
        self.baseline.load()
        return self

    def _threshold(self) -> float | None:
        if self.threshold is not None:
            return self.threshold
        return self.tagger.decode_config_for().threshold

    def predict(
        self, docs: Sequence[Document], *, probs: Sequence[ArticleProbs] | None = None
    ) -> list[list[Span]]:
        """Technique spans for each document (no side effects).

        ``probs``, the tagger's outputs for the documents
        (:meth:`~spinscope.tagger.model.Tagger.article_probs`), go to the tagger, which
        otherwise runs its model here.
        """
        model = self.tagger.predict(docs, probs=probs)
        rules = self.baseline.predict(docs)
        t = self._threshold()
        return [_union(m, r, t, self.likely) for m, r in zip(model, rules, strict=True)]

    def predict_si(
        self, docs: Sequence[Document], *, probs: Sequence[ArticleProbs] | None = None
    ) -> list[list[Span]]:
        """Spans at the tagger's span-identification operating point, plus rule spans."""
        model = self.tagger.predict_si(docs, probs=probs)
        rules = self.baseline.predict(docs)
        return [_union(m, r, None, None) for m, r in zip(model, rules, strict=True)]

    def rank(
        self,
        doc: Document,
        spans: Sequence[tuple[int, int]],
        *,
        probs: ArticleProbs | None = None,
    ) -> list[list[str]]:
        """Techniques of each given span, most likely first (the tagger's ranking)."""
        return self.tagger.rank(doc, spans, probs=probs)

    def classify(
        self,
        doc: Document,
        spans: Sequence[tuple[int, int]],
        *,
        probs: ArticleProbs | None = None,
    ) -> list[str]:
        """The most likely technique of each given span."""
        return self.tagger.classify(doc, spans, probs=probs)
