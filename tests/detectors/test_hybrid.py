from __future__ import annotations

from model_support import counting_runs
from spinscope.detectors.baseline import BaselineDetector
from spinscope.detectors.hybrid import HYBRID_RULES, HybridDetector, _union
from spinscope.document import Document, Span
from spinscope.tagger.model import Tagger


def test_union_drops_rule_spans_that_a_model_span_of_the_same_technique_covers() -> None:
    model = [Span(0, 10, "Loaded_Language", 0.5)]
    rules = [
        Span(2, 8, "Loaded_Language", 0.3),  # covered: dropped
        Span(2, 8, "Doubt", 0.3),  # other technique: kept
        Span(20, 25, "Loaded_Language", 0.3),  # elsewhere: kept
        Span(30, 35, "Slogans", 0.05),  # below the threshold: dropped
    ]
    kept = _union(model, rules, threshold=0.1, likely=None)
    assert [(s.start, s.label) for s in kept] == [
        (0, "Loaded_Language"),
        (2, "Doubt"),
        (20, "Loaded_Language"),
    ]


def test_a_surer_rule_span_replaces_a_possible_model_span_but_never_a_likely_one() -> None:
    model = [Span(0, 10, "Loaded_Language", 0.5), Span(20, 30, "Doubt", 0.06)]
    rules = [Span(2, 8, "Loaded_Language", 0.6), Span(22, 28, "Doubt", 0.39)]
    kept = _union(model, rules, threshold=0.05, likely=0.2)
    # the likely model span (0.5 >= 0.2) stays; the possible Doubt span (0.06) gives way
    assert [(s.start, s.label, s.source) for s in kept] == [
        (0, "Loaded_Language", ""),
        (22, "Doubt", ""),
    ]
    assert [s.score for s in kept] == [0.5, 0.39]


def test_hybrid_has_every_tagger_span_and_no_scare_quote_rule() -> None:
    assert "scare_quotes" not in HYBRID_RULES
    text = (
        "These treacherous thugs are destroying our beloved nation with disgusting lies.\n"
        "Patriots, stand up for our great country! Stand up for our great country!"
    )
    doc = Document("h", text)
    tagger = Tagger()
    hybrid = HybridDetector(tagger, BaselineDetector(HYBRID_RULES)).load()
    spans = hybrid.predict([doc])[0]
    assert set(tagger.predict([doc])[0]) <= set(spans)
    assert all(s.meta.get("rule") != "scare_quotes" for s in spans)
    assert spans == hybrid.predict([doc])[0]
    ranks = hybrid.rank(doc, [(6, 17)])
    assert ranks == tagger.rank(doc, [(6, 17)])


def test_hybrid_passes_the_taggers_outputs_through() -> None:
    doc = Document("h", "These treacherous thugs are destroying our beloved nation. Traitors!")
    tagger = Tagger()
    hybrid = HybridDetector(tagger).load()
    probs = tagger.article_probs([doc.text])
    with counting_runs(tagger) as counter:
        assert hybrid.predict([doc], probs=probs) == hybrid.predict([doc])
        assert hybrid.predict_si([doc], probs=probs) == hybrid.predict_si([doc])
        assert hybrid.classify(doc, [(6, 17)], probs=probs[0]) == hybrid.classify(doc, [(6, 17)])
    assert counter.runs == 3  # once for each call without the outputs
