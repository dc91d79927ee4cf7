from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spinscope
from analysis_support import HARBOUR_PHRASES, PhraseDetector
from spinscope.analysis import ANALYSIS_SCHEMA_VERSION, DetectorInfo, build_analysis
from spinscope.analyzer import FALLBACK_NOTE, Analyzer
from spinscope.document import Document, Span
from spinscope.errors import InputError
from spinscope.render.json import schema
from spinscope.taxonomy import CATEGORIES, TECHNIQUES

VALIDATOR = jsonschema.Draft202012Validator(schema())


def by_text(analysis):  # type: ignore[no-untyped-def]
    return {(s.text, s.technique): s for s in analysis.spans}


def test_spans_carry_text_technique_category_score(harbour_analysis) -> None:
    spans = by_text(harbour_analysis)
    traitors = spans[("traitors", "Name_Calling-Labeling")]
    assert traitors.category == "Attack on Reputation"
    assert traitors.score == 0.9
    assert traitors.title == "Name calling or labelling"
    for span in harbour_analysis.spans:
        assert harbour_analysis.text[span.start : span.end] == span.text
        assert span.technique in TECHNIQUES and span.category in CATEGORIES


def test_quoted_spans_and_speakers(harbour_analysis) -> None:
    spans = by_text(harbour_analysis)
    mayor = spans[("disgraceful attack", "Loaded_Language")]
    assert mayor.quoted and mayor.speaker == "Mayor Ilse Vandermeer"
    union = spans[("catastrophe", "Appeal_to_Fear-Prejudice")]
    assert union.quoted and union.speaker == "the statement of the fishermen's union"
    assert not spans[("traitors", "Name_Calling-Labeling")].quoted
    assert {s.text for s in harbour_analysis.quoted_spans} == {"disgraceful attack", "catastrophe"}


def test_scare_quotes(harbour_analysis) -> None:
    (scare,) = harbour_analysis.scare_quotes
    assert harbour_analysis.text[scare.start : scare.end] == "“peaceful”"
    span = by_text(harbour_analysis)[("“peaceful”", "Doubt")]
    assert span.scare_quote and not span.quoted


def test_summary(harbour_analysis) -> None:
    s = harbour_analysis.summary
    assert s.spans == 7 and s.quoted_spans == 2 and s.author_spans == 5
    assert s.by_technique == {
        "Loaded_Language": 3,
        "Name_Calling-Labeling": 2,
        "Doubt": 1,
        "Appeal_to_Fear-Prejudice": 1,
    }
    # a tie (3 and 3) goes to taxonomy order
    assert list(s.by_category) == ["Attack on Reputation", "Manipulative Wording", "Justification"]
    assert s.by_category["Attack on Reputation"] == 3
    assert 0 < s.sentences_with_technique <= s.sentences
    assert s.author_sentences_with_technique < s.sentences_with_technique
    assert s.sentence_share == pytest.approx(s.sentences_with_technique / s.sentences)
    # the heaviest sentence holds "shameful campaign", "shameful" and "traitors"
    top = s.charged_sentences[0]
    assert "traitors" in top.text
    assert top.charge == pytest.approx(0.8 + 0.5 + 0.9)
    assert top.techniques == ("Name_Calling-Labeling", "Loaded_Language")
    # quoted speech never counts towards the charge
    assert all("disgraceful" not in c.text for c in s.charged_sentences)
    assert [p.phrase for p in s.repeated_phrases] == ["bridge plan", "harbour council"]


def test_warnings(harbour_analysis) -> None:
    codes = [w.code for w in harbour_analysis.warnings]
    assert codes == ["name_variants"]
    assert "Kovarenko" in harbour_analysis.warnings[0].message


def test_explanations_for_found_techniques_and_signals(harbour_analysis) -> None:
    found = harbour_analysis.explanations
    assert set(found) == {
        "Name_Calling-Labeling",
        "Doubt",
        "Appeal_to_Fear-Prejudice",
        "Loaded_Language",
        "quoted_speech",
        "scare_quotes",
    }
    assert found["Doubt"].ask.endswith("?")


def test_title_is_the_headline(harbour_analysis) -> None:
    assert harbour_analysis.title == "Harbour Council Approves Bridge Plan"


def test_title_and_url_arguments(phrase_analyzer, harbour_text: str) -> None:
    a = phrase_analyzer().analyze(harbour_text, title="Given", url="https://example.org/story")
    assert (a.title, a.url) == ("Given", "https://example.org/story")


def test_to_dict_follows_the_schema(harbour_analysis) -> None:
    data = json.loads(harbour_analysis.to_json())
    VALIDATOR.validate(data)
    assert data["schema_version"] == ANALYSIS_SCHEMA_VERSION == 1
    assert data["spinscope_version"] == spinscope.__version__
    assert data["detector"] == {"name": "phrases", "threshold": None, "note": None}
    assert set(data["explanations"]["Doubt"]) == {
        "technique",
        "category",
        "title",
        "what",
        "why",
        "example",
        "ask",
    }


def test_threshold_filters_spans_of_detectors_without_their_own(harbour_text: str) -> None:
    a = Analyzer(PhraseDetector(HARBOUR_PHRASES), threshold=0.6).analyze(harbour_text)
    assert {s.text for s in a.spans} == {
        "shameful campaign",
        "traitors",
        "disgraceful attack",
        "“peaceful”",
    }


def test_not_english_warning(phrase_analyzer) -> None:
    text = (
        "Le conseil du port a approuvé mardi le nouveau projet de pont après une longue campagne "
        "de ses opposants, qui ont manifesté devant la mairie pendant des semaines. Les pêcheurs "
        "ont dénoncé une catastrophe pour le port et ont promis de continuer la lutte."
    )
    a = phrase_analyzer().analyze(text)
    assert "not_english" in [w.code for w in a.warnings]


def test_too_short_warning(phrase_analyzer) -> None:
    a = phrase_analyzer().analyze("The traitors won.")
    codes = [w.code for w in a.warnings]
    assert "too_short" in codes and "not_english" not in codes


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_text_is_an_error(phrase_analyzer, text: str) -> None:
    with pytest.raises(InputError, match="empty or whitespace"):
        phrase_analyzer().analyze(text)


def test_wrong_type_is_an_error(phrase_analyzer) -> None:
    with pytest.raises(InputError, match="takes article text"):
        phrase_analyzer().analyze(b"bytes")  # type: ignore[arg-type]


def test_long_article(baseline_analyzer, harbour_text: str) -> None:
    text = (harbour_text + "\n") * (200_000 // len(harbour_text) + 1)
    assert len(text) >= 200_000
    a = baseline_analyzer.analyze(text)
    assert a.summary.spans > 100
    assert all(0 <= s.start < s.end <= len(text) for s in a.spans)
    VALIDATOR.validate(json.loads(a.to_json()))


def test_default_analyze_uses_the_shipped_hybrid(harbour_text: str) -> None:
    a = spinscope.analyze(harbour_text)
    assert a.detector.name == "hybrid"
    assert a.detector.note is None
    assert "detector" not in [w.code for w in a.warnings]
    assert spinscope.load("baseline").analyze(harbour_text).detector.note is None


def test_missing_model_falls_back_to_the_baseline_with_a_note(
    harbour_text: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("spinscope.tagger.model.default_model_dir", lambda: tmp_path)
    a = spinscope.load().analyze(harbour_text)
    assert a.detector.name == "baseline"
    assert a.detector.note == FALLBACK_NOTE
    assert "detector" in [w.code for w in a.warnings]


def test_load_returns_a_reusable_analyzer(harbour_text: str) -> None:
    analyzer = spinscope.load("baseline", threshold=0.3)
    assert isinstance(analyzer, Analyzer)
    first, second = analyzer.analyze_many([harbour_text, Document("two", harbour_text)])
    assert first.id == "article" and second.id == "two"
    assert first.spans == second.spans
    assert all(s.score >= 0.3 for s in first.spans)
    assert first.detector == DetectorInfo("baseline", 0.3, None)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(
        alphabet=st.sampled_from(list("ab “”\"'.,!?\n\r\tÉé€😀<>&")), min_size=1, max_size=120
    ),
    raw=st.lists(
        st.tuples(st.integers(0, 130), st.integers(0, 130), st.sampled_from(TECHNIQUES)),
        max_size=6,
    ),
)
def test_any_spans_stay_inside_and_round_trip(text: str, raw) -> None:  # type: ignore[no-untyped-def]
    if not text.strip():
        return
    n = len(text)
    spans = [Span(min(a, b, n), min(max(a, b), n), t, 0.5, "h") for a, b, t in raw]
    a = build_analysis(Document("h", text), spans, DetectorInfo("h"))
    data = json.loads(a.to_json())
    VALIDATOR.validate(data)
    for s in data["spans"]:
        assert 0 <= s["start"] < s["end"] <= n
        assert text[s["start"] : s["end"]] == s["text"]
    for q in data["quotations"]:
        assert text[q["start"] : q["end"]] == q["text"]


def test_threads_cap_the_models_onnxruntime_threads() -> None:
    """Processes sharing the cores (batch and serve workers) each run the model on a share."""
    one = Analyzer("tagger", threads=1, article_models=False).load()
    options = one._model._session.get_session_options()
    assert options.intra_op_num_threads == 1
    assert "threads=1" in repr(one)
    same = Analyzer("tagger", article_models=False).load()
    text = "The shameful, disgraceful plan will destroy our great town, the mayor warned."
    # fewer threads, the same spans
    assert one.analyze(text).to_dict()["spans"] == same.analyze(text).to_dict()["spans"]
