from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spinscope
from analysis_support import HARBOUR_PHRASES, PhraseDetector
from language_support import MIXED_TEXT, NO_LETTERS_TEXT, OTHER_TEXTS, SUPPORTED_TEXTS
from spinscope.analysis import ANALYSIS_SCHEMA_VERSION, Analysis, DetectorInfo, build_analysis
from spinscope.analyzer import FALLBACK_NOTE, Analyzer
from spinscope.document import Document, Span
from spinscope.errors import InputError
from spinscope.render.json import schema
from spinscope.signals.language import language_name
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
    assert data["detector"] == {
        "name": "phrases",
        "threshold": None,
        "note": None,
        "languages": None,
        "possible_floor": None,
    }
    assert all(span["tier"] == "likely" for span in data["spans"])
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


def _codes(analysis) -> list[str]:  # type: ignore[no-untyped-def]
    return [w.code for w in analysis.warnings]


LANGUAGE_CODES = {"unsupported_language", "mixed_language", "unknown_language", "not_english"}


@pytest.mark.parametrize("code", sorted(SUPPORTED_TEXTS))
def test_supported_languages_get_no_language_warning(phrase_analyzer, code: str) -> None:
    a = phrase_analyzer().analyze(SUPPORTED_TEXTS[code])
    assert a.language == code
    assert a.language_check.source == "detected"
    assert not LANGUAGE_CODES & set(_codes(a))


@pytest.mark.parametrize("code", sorted(OTHER_TEXTS))
def test_other_languages_run_with_a_warning_naming_them(phrase_analyzer, code: str) -> None:
    a = phrase_analyzer().analyze(OTHER_TEXTS[code])
    assert a.language == code
    [warning] = [w for w in a.warnings if w.code == "unsupported_language"]
    assert f"{language_name(code)} ({code})" in warning.message
    assert "en, fr, de, it, pl, ru" in warning.message
    assert "English, French, German, Italian, Polish and Russian" in warning.message
    VALIDATOR.validate(json.loads(a.to_json()))


def test_mixed_text_is_its_majority_language_with_a_note(phrase_analyzer) -> None:
    a = phrase_analyzer().analyze(MIXED_TEXT)
    assert a.language == "fr"
    [note] = [w for w in a.warnings if w.code == "mixed_language"]
    assert "French (fr)" in note.message and "English (en)" in note.message
    assert "unsupported_language" not in _codes(a)


def test_mixed_text_with_an_unsupported_language_says_so(phrase_analyzer) -> None:
    text = SUPPORTED_TEXTS["de"] + "\n\n" + SUPPORTED_TEXTS["de"] + "\n\n" + OTHER_TEXTS["es"]
    a = phrase_analyzer().analyze(text)
    assert a.language == "de"
    [note] = [w for w in a.warnings if w.code == "mixed_language"]
    assert "Spanish" in note.message and "not trained on Spanish" in note.message


def test_no_letters_is_unknown_with_a_warning(phrase_analyzer) -> None:
    a = phrase_analyzer().analyze(NO_LETTERS_TEXT)
    assert a.language is None
    assert _codes(a)[:2] == ["unknown_language", "too_short"]
    assert "no letters" in a.warnings[0].message
    VALIDATOR.validate(json.loads(a.to_json()))


def test_given_language_overrides_detection(phrase_analyzer) -> None:
    a = phrase_analyzer().analyze(SUPPORTED_TEXTS["en"], language="fr")
    assert a.language == "fr"
    assert a.language_check.source == "given"
    assert not LANGUAGE_CODES & set(_codes(a))


def test_given_unsupported_language_is_accepted_with_a_warning(phrase_analyzer) -> None:
    a = phrase_analyzer().analyze(SUPPORTED_TEXTS["en"], language="es")
    assert a.language == "es"
    [warning] = [w for w in a.warnings if w.code == "unsupported_language"]
    assert warning.message.startswith("The language was given as Spanish (es)")


def test_unknown_language_code_is_an_input_error(phrase_analyzer) -> None:
    analyzer = phrase_analyzer()
    with pytest.raises(InputError, match=r"unknown language 'xx'.*en \(English\)"):
        analyzer.analyze(SUPPORTED_TEXTS["en"], language="xx")
    with pytest.raises(InputError, match="unknown language"):
        analyzer.analyze_many([SUPPORTED_TEXTS["en"]], language="english")


def test_analyze_many_takes_one_language_for_all(phrase_analyzer) -> None:
    out = phrase_analyzer().analyze_many(list(SUPPORTED_TEXTS.values()), language="it")
    assert {a.language for a in out} == {"it"}


def test_language_round_trips_through_json(phrase_analyzer) -> None:
    for text, language in ((MIXED_TEXT, None), (SUPPORTED_TEXTS["pl"], "pl"), ("🙂 12", None)):
        data = json.loads(phrase_analyzer().analyze(text, language=language).to_json())
        rebuilt = Analysis.from_dict(data)
        assert rebuilt.to_dict() == data
        assert rebuilt.language == data["language"]["code"]


def test_a_report_from_before_language_detection_still_reads(harbour_analysis) -> None:
    data = json.loads(harbour_analysis.to_json())
    data["language"] = {"english": True, "english_ratio": 0.3, "latin_ratio": 1.0, "words": 120}
    data["warnings"] = [{"code": "not_english", "message": "old"}]
    VALIDATOR.validate(data)
    rebuilt = Analysis.from_dict(data)
    assert rebuilt.language == "en"
    assert rebuilt.language_check.words == 120


def test_too_short_warning(phrase_analyzer) -> None:
    a = phrase_analyzer().analyze("The traitors won.")
    assert a.language is None  # too few letters to tell
    assert _codes(a) == ["too_short", "genre_withheld"]
    assert a.genre is None and a.frames is None


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
    assert first.detector == DetectorInfo("baseline", 0.3, None, ("en",))


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


@pytest.mark.parametrize("code", ["fr", "ru"])
def test_a_model_trained_on_english_only_says_so_for_other_supported_languages(
    code: str,
) -> None:
    a = spinscope.load("baseline").analyze(SUPPORTED_TEXTS[code])
    [warning] = [w for w in a.warnings if w.code == "model_language"]
    assert f"({code})" in warning.message and "trained on English only" in warning.message
    assert "model_language" not in _codes(spinscope.load("baseline").analyze(SUPPORTED_TEXTS["en"]))
    VALIDATOR.validate(json.loads(a.to_json()))
    assert Analysis.from_dict(json.loads(a.to_json())).detector.languages == ("en",)


def test_a_detector_that_names_no_languages_gets_no_model_note(phrase_analyzer) -> None:
    a = phrase_analyzer().analyze(SUPPORTED_TEXTS["fr"])
    assert a.detector.languages is None
    assert "model_language" not in _codes(a)


def test_detector_info_from_before_languages_reads() -> None:
    info = DetectorInfo.from_dict({"name": "tagger", "threshold": 0.2, "note": None})
    assert info == DetectorInfo("tagger", 0.2, None, None)


def test_mostly_quoted_sentences_are_judged_by_their_narration(phrase_analyzer) -> None:
    text = (
        "The council met on Monday to vote on the harbour budget.\n"
        "“They are traitors and cowards, every single one of them,” she added, to loud "
        "applause.\n"
        "“The plan is a disgrace,” said Mayor Jane Hardin.\n"
        "Critics called the reckless plan a scandal.\n"
    )
    phrases = [
        ("traitors", "Name_Calling-Labeling", 0.9),
        ("loud applause", "Appeal_to_Popularity", 0.3),
        ("disgrace", "Loaded_Language", 0.8),
        ("reckless", "Loaded_Language", 0.4),
    ]
    a = phrase_analyzer(phrases).analyze(text)
    charged = {c.text: c.techniques for c in a.summary.charged_sentences}
    # the quoted sentence is listed by its narration only; the fully quoted one not at all
    assert charged == {
        "she added, to loud applause.": ("Appeal_to_Popularity",),
        "Critics called the reckless plan a scandal.": ("Loaded_Language",),
    }
    narration = next(c for c in a.summary.charged_sentences if "applause" in c.text)
    assert text[narration.start : narration.end] == narration.text
    assert narration.charge == pytest.approx(0.3)


def test_a_span_whose_technique_is_uncertain_reads_as_its_category() -> None:
    from spinscope.analysis import DetectorInfo, build_analysis
    from spinscope.document import Span

    text = "Those traitors ruined the harbour. The council met on Monday to vote again."
    span = Span(
        6,
        14,
        "Name_Calling-Labeling",
        0.6,
        "tagger",
        {"category": "Attack on Reputation", "alternatives": ["Doubt"]},
    )
    a = build_analysis(Document("u", text), [span], DetectorInfo("tagger"))
    (found,) = a.spans
    assert found.alternatives == ("Doubt",)
    assert found.label == (
        "Attack on Reputation (name calling or labelling or casting doubt: "
        "the model cannot tell which)"
    )
    assert "Doubt" in a.explanations
    data = json.loads(a.to_json())
    VALIDATOR.validate(data)
    assert data["spans"][0]["alternatives"] == ["Doubt"]
    assert Analysis.from_dict(data).to_dict() == data
    # the terminal's line under the label does not name the category a second time
    from spinscope.render.terminal import terminal_report

    report = terminal_report(a, width=160).splitlines()
    line = next(x for x in report if "the model cannot tell which" in x)
    assert line.count("Attack on Reputation") == 1 and line.rstrip().endswith("60% · ¶1")
