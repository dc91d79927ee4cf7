"""The spaCy pipeline component: nlp.add_pipe("spinscope") (spinscope.integrations.spacy)."""

from __future__ import annotations

import dataclasses
import json
import logging
import pickle
import subprocess
import sys
import textwrap
import warnings
from typing import Any

import pytest

spacy = pytest.importorskip("spacy", reason="the spacy extra is not installed")

from spacy.language import Language  # noqa: E402
from spacy.tokens import Doc, DocBin  # noqa: E402
from spacy.training import Example  # noqa: E402

from analysis_support import (  # noqa: E402
    HARBOUR_ARTICLE,
    HARBOUR_PHRASES,
    PhraseDetector,
    tiered_analysis,
)
from spinscope.analysis import Analysis, TechniqueSpan  # noqa: E402
from spinscope.analyzer import Analyzer  # noqa: E402
from spinscope.integrations.spacy import (  # noqa: E402
    DEFAULT_CONFIG,
    SpinscopeComponent,
    analysis_of,
    make_spinscope,
    register_extensions,
)

PHRASES_FUNC = "spinscope_tests.phrases.v1"


@spacy.registry.misc(PHRASES_FUNC)
def phrase_detector(phrases: list[list[Any]]) -> PhraseDetector:
    """A fixed detector for the configs of these tests: [[phrase, technique, score], ...]."""
    return PhraseDetector([(str(p), str(t), float(s)) for p, t, s in phrases])


HARBOUR_CONFIG: dict[str, Any] = {
    "detector": {"@misc": PHRASES_FUNC, "phrases": [list(p) for p in HARBOUR_PHRASES]},
    "article_models": False,
}


def phrases_config(*phrases: tuple[str, str, float], **options: Any) -> dict[str, Any]:
    return {
        "detector": {"@misc": PHRASES_FUNC, "phrases": [list(p) for p in phrases]},
        "article_models": False,
        **options,
    }


def harbour_nlp(**options: Any) -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("spinscope", config={**HARBOUR_CONFIG, **options})
    return nlp


def labels(doc: Doc) -> list[str]:
    """The labels of the doc's spinscope spans (a span group needs its doc alive)."""
    return [s.label_ for s in doc.spans["spinscope"]]


class FixedAnalyzer:
    """Stands in for an Analyzer: returns prepared analyses and counts the calls."""

    def __init__(self, make: Any) -> None:
        self.make = make
        self.calls: list[int] = []

    def analyze_many(self, articles: list[str], **_: Any) -> list[Analysis]:
        self.calls.append(len(articles))
        return [self.make(text) for text in articles]


# ----------------------------------------------------------------------------- blank pipeline


def test_blank_pipeline_sets_span_group_and_report() -> None:
    nlp = harbour_nlp()
    doc = nlp(HARBOUR_ARTICLE)
    group = doc.spans["spinscope"]
    expected = Analyzer(PhraseDetector(HARBOUR_PHRASES), article_models=False).analyze(
        HARBOUR_ARTICLE
    )
    assert [(s.start_char, s.end_char, s.label_) for s in group] == [
        (s.start, s.end, s.technique) for s in expected.spans
    ]
    traitors = next(s for s in group if s.text == "traitors")
    assert traitors.label_ == "Name_Calling-Labeling"
    assert traitors._.spinscope_score == 0.9
    assert traitors._.spinscope_category == "Attack on Reputation"
    assert traitors._.spinscope_tier == "likely"
    assert traitors._.spinscope_quoted is False
    assert traitors._.spinscope_title == "Name calling or labelling"
    quoted = next(s for s in group if s.text == "disgraceful attack")
    assert quoted._.spinscope_quoted is True
    assert quoted._.spinscope_speaker == "Mayor Ilse Vandermeer"
    assert quoted._.spinscope["text"] == "disgraceful attack"
    assert group.attrs["detector"] == "phrases"
    assert group.attrs["unmapped"] == []
    # the report: the Analysis JSON, rebuilt by analysis_of
    report = doc._.spinscope
    assert report == expected.to_dict() | {"spinscope_version": report["spinscope_version"]}
    assert {"summary", "genre", "frames", "language", "warnings"} <= set(report)
    assert report["language"]["code"] == "en"
    assert analysis_of(doc).to_dict() == report


def test_factory_defaults_and_saved_config() -> None:
    nlp = spacy.blank("en")
    component = nlp.add_pipe("spinscope")
    assert isinstance(component, SpinscopeComponent)
    assert component._analyzer is None  # nothing loads before the first doc
    config = nlp.config["components"]["spinscope"]
    assert config == {"factory": "spinscope", **DEFAULT_CONFIG}
    assert nlp.get_pipe_meta("spinscope").assigns == ["doc.spans", "doc._.spinscope"]
    assert "Loaded_Language" in component.labels


def test_initialize_loads_the_analyzer() -> None:
    nlp = harbour_nlp()
    nlp.initialize()
    assert isinstance(nlp.get_pipe("spinscope")._analyzer, Analyzer)


def test_other_spans_have_no_spinscope_attributes() -> None:
    nlp = harbour_nlp()
    doc = nlp(HARBOUR_ARTICLE)
    assert doc[0:3]._.spinscope is None
    assert doc[0:3]._.spinscope_score is None
    doc.spans["mine"] = [doc[0:2]]
    assert doc.spans["mine"][0]._.spinscope_tier is None


def test_same_words_two_techniques_keep_their_own_scores() -> None:
    # spaCy keys ordinary span extensions by character offsets: the span ids keep them apart
    nlp = spacy.blank("en")
    nlp.add_pipe(
        "spinscope",
        config=phrases_config(
            ("traitors", "Name_Calling-Labeling", 0.9), ("traitors", "Loaded_Language", 0.3)
        ),
    )
    doc = nlp(HARBOUR_ARTICLE)
    found = {s.label_: s._.spinscope_score for s in doc.spans["spinscope"]}
    assert found == {"Loaded_Language": 0.3, "Name_Calling-Labeling": 0.9}
    assert len({(s.start, s.end) for s in doc.spans["spinscope"]}) == 1


# ----------------------------------------------------------------------------- widening


def test_spans_inside_tokens_widen_to_whole_tokens() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe(
        "spinscope",
        config=phrases_config(
            ("disgrace", "Loaded_Language", 0.9),  # ends inside "disgraceful"
            ("raitors", "Name_Calling-Labeling", 0.8),  # starts inside "traitors"
        ),
    )
    doc = nlp(HARBOUR_ARTICLE)
    spans = {s.label_: s for s in doc.spans["spinscope"]}
    loaded = spans["Loaded_Language"]
    start = HARBOUR_ARTICLE.index("disgrace")
    assert loaded.text == "disgraceful"
    assert (loaded.start_char, loaded.end_char) == (start, start + len("disgraceful"))
    # the record keeps the characters the detector found
    assert (loaded._.spinscope["start"], loaded._.spinscope["end"]) == (start, start + 8)
    assert loaded._.spinscope["text"] == "disgrace"
    name = spans["Name_Calling-Labeling"]
    assert name.text == "traitors"
    assert name.start_char == HARBOUR_ARTICLE.index("raitors") - 1
    assert name._.spinscope["text"] == "raitors"


def test_spans_that_cover_no_token_are_dropped_and_counted(caplog) -> None:
    space = HARBOUR_ARTICLE.index(" bridge plan")  # one space between two words: no token
    gap = HARBOUR_ARTICLE.index("\n\n") + 1  # inside the "\n\n" token: whitespace only

    def with_blank_spans(text: str) -> Analysis:
        analysis = Analyzer(PhraseDetector(HARBOUR_PHRASES), article_models=False).analyze(text)
        blank = [
            TechniqueSpan(i, i + 1, text[i], "Doubt", "Attack on Reputation", 0.7)
            for i in (space, gap)
        ]
        return dataclasses.replace(analysis, spans=(*analysis.spans, *blank))

    nlp = spacy.blank("en")
    component = nlp.add_pipe("spinscope")
    component.analyzer = FixedAnalyzer(with_blank_spans)
    with caplog.at_level(logging.WARNING, logger="spinscope.integrations.spacy"):
        doc = nlp(HARBOUR_ARTICLE)
    assert len(doc.char_span(space, space + 1, alignment_mode="expand")) == 0
    assert doc.char_span(gap, gap + 1, alignment_mode="expand").text == "\n\n"
    group = doc.spans["spinscope"]
    assert len(group) == len(HARBOUR_PHRASES)
    assert [(r["start"], r["text"]) for r in group.attrs["unmapped"]] == [
        (gap, "\n"),
        (space, " "),
    ] or [(r["start"], r["text"]) for r in group.attrs["unmapped"]] == [(space, " "), (gap, "\n")]
    assert len(doc._.spinscope["spans"]) == len(HARBOUR_PHRASES) + 2
    assert "2 of 9 technique spans cover no token" in caplog.text


# ----------------------------------------------------------------------------- options


def test_threshold_and_spans_key() -> None:
    nlp = harbour_nlp(threshold=0.6, spans_key="persuasion")
    doc = nlp(HARBOUR_ARTICLE)
    assert "spinscope" not in doc.spans
    group = doc.spans["persuasion"]
    assert group.name == "persuasion"
    assert sorted(s._.spinscope_score for s in group) == [0.6, 0.7, 0.8, 0.9]
    assert doc._.spinscope["detector"]["threshold"] == 0.6


@pytest.mark.parametrize("likely_only", [False, True])
def test_likely_only_drops_possible_spans(likely_only: bool) -> None:
    nlp = spacy.blank("en")
    component = nlp.add_pipe("spinscope", config={"likely_only": likely_only})
    component.analyzer = FixedAnalyzer(tiered_analysis)
    doc = nlp(HARBOUR_ARTICLE)
    tiers = {s.text: s._.spinscope_tier for s in doc.spans["spinscope"]}
    if likely_only:
        assert "outrageous" not in tiers
        assert set(tiers.values()) == {"likely"}
        assert doc._.spinscope["summary"]["possible_spans"] == 1  # still counted
    else:
        assert tiers["outrageous"] == "possible"


def test_article_models_add_genre_and_frames() -> None:
    doc = harbour_nlp(article_models=True)(HARBOUR_ARTICLE)
    assert doc._.spinscope["genre"]["label"] in {"reporting", "opinion", "satire"}
    assert len(doc._.spinscope["frames"]) == 14


def test_a_detector_that_is_not_a_name_or_detector_is_refused() -> None:
    from confection import ConfigValidationError

    with pytest.raises(ConfigValidationError):
        spacy.blank("en").add_pipe("spinscope", config={"detector": 5})


def test_a_shared_analyzer_can_be_assigned() -> None:
    shared = Analyzer(PhraseDetector([("traitors", "Loaded_Language", 0.5)]), article_models=False)
    nlp = spacy.blank("en")
    nlp.add_pipe("spinscope").analyzer = shared.load()
    doc = nlp(HARBOUR_ARTICLE)
    assert [s.text for s in doc.spans["spinscope"]] == ["traitors"]
    assert nlp.get_pipe("spinscope").analyzer is shared


# ----------------------------------------------------------------------------- batches


def test_pipe_analyses_each_batch_at_once() -> None:
    texts = [
        HARBOUR_ARTICLE,
        "The traitors met again on Tuesday, and the council called it a shameful campaign.",
        "",
        "   ",
        "A catastrophe, said the union, and an outrageous one.",
        "Nothing charged here at all, just a note on the weather in Velmora.",
    ]
    nlp = spacy.blank("en")
    component = nlp.add_pipe("spinscope")
    counting = FixedAnalyzer(
        Analyzer(PhraseDetector(HARBOUR_PHRASES), article_models=False).load().analyze
    )
    component.analyzer = counting
    docs = list(nlp.pipe(texts, batch_size=4))
    assert counting.calls == [2, 2]  # empty docs are not sent to the analyzer
    one_by_one = harbour_nlp()
    for text, doc in zip(texts, docs, strict=True):
        assert doc.text == text
        if not text.strip():
            assert doc._.spinscope is None
            assert len(doc.spans["spinscope"]) == 0
            continue
        alone = one_by_one(text)
        assert [(s.start, s.end, s.label_) for s in doc.spans["spinscope"]] == [
            (s.start, s.end, s.label_) for s in alone.spans["spinscope"]
        ]
        assert doc._.spinscope["summary"] == alone._.spinscope["summary"]


def test_errors_go_to_the_error_handler() -> None:
    def broken(text: str) -> Analysis:
        raise RuntimeError("model exploded")

    nlp = spacy.blank("en")
    component = nlp.add_pipe("spinscope")
    component.analyzer = FixedAnalyzer(broken)
    with pytest.raises(RuntimeError, match="model exploded"):
        nlp("Some text.")
    seen: list[str] = []
    nlp.set_error_handler(lambda name, proc, docs, err: seen.append(f"{name}: {err}"))
    assert [d.text for d in nlp.pipe(["One text.", "Two texts."])] == ["One text.", "Two texts."]
    assert seen == ["spinscope: model exploded"]


def test_pickles_and_runs_in_several_processes() -> None:
    nlp = harbour_nlp()
    first = nlp(HARBOUR_ARTICLE)  # the analyzer is loaded: it is not pickled, it reloads
    copy = pickle.loads(pickle.dumps(nlp))
    component = copy.get_pipe("spinscope")
    assert component.name == "spinscope" and component._analyzer is None
    again = copy(HARBOUR_ARTICLE)
    assert [(s.start, s.end, s.label_) for s in again.spans["spinscope"]] == [
        (s.start, s.end, s.label_) for s in first.spans["spinscope"]
    ]
    texts = [HARBOUR_ARTICLE, "The traitors ran a shameful campaign."] * 2
    docs = list(nlp.pipe(texts, n_process=2, batch_size=1))
    assert [labels(d) for d in docs] == [labels(nlp(t)) for t in texts]
    assert docs[1].spans["spinscope"][0]._.spinscope_score == 0.9


# ----------------------------------------------------------------------------- with other pipes

TAG_EXAMPLES = [
    ("Critics call the plan a disaster", ["NOUN", "VERB", "DET", "NOUN", "DET", "NOUN"]),
    ("The council approved the bridge", ["DET", "NOUN", "VERB", "DET", "NOUN"]),
    ("Traitors ruin our town", ["NOUN", "VERB", "PRON", "NOUN"]),
    ("The mayor praised the crowd", ["DET", "NOUN", "VERB", "DET", "NOUN"]),
]


@pytest.fixture(scope="module")
def tagged_nlp() -> Language:
    """A blank English pipeline with a sentencizer and a tagger trained on four sentences."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("tagger")
    examples = [
        Example.from_dict(nlp.make_doc(text), {"tags": tags}) for text, tags in TAG_EXAMPLES
    ]
    with warnings.catch_warnings():  # no lexeme normalisation tables offline (W033)
        warnings.simplefilter("ignore")
        optimizer = nlp.initialize(lambda: examples)
    for _ in range(30):
        nlp.update(examples, sgd=optimizer)
    nlp.add_pipe("spinscope", config=HARBOUR_CONFIG)
    return nlp


def test_after_a_sentencizer_and_a_trained_tagger(tagged_nlp: Language) -> None:
    assert tagged_nlp.pipe_names == ["sentencizer", "tagger", "spinscope"]
    doc = tagged_nlp("Critics call the plan a disaster. The traitors ran a shameful campaign.")
    assert [t.tag_ for t in doc[:6]] == TAG_EXAMPLES[0][1]
    assert len(list(doc.sents)) == 2
    spans = doc.spans["spinscope"]
    assert [(s.text, s.label_) for s in spans] == [
        ("traitors", "Name_Calling-Labeling"),
        ("shameful", "Name_Calling-Labeling"),
        ("shameful campaign", "Loaded_Language"),
    ]
    assert spans[0].sent.text == "The traitors ran a shameful campaign."


def test_to_disk_and_back(tagged_nlp: Language, tmp_path) -> None:
    tagged_nlp.to_disk(tmp_path / "pipeline")
    assert not (tmp_path / "pipeline" / "spinscope").exists()  # no weights of its own
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names == tagged_nlp.pipe_names
    assert loaded.config["components"]["spinscope"] == tagged_nlp.config["components"]["spinscope"]
    text = "The traitors ran a shameful campaign."
    mine, theirs = loaded(text), tagged_nlp(text)
    assert [(s.text, s.label_) for s in mine.spans["spinscope"]] == [
        (s.text, s.label_) for s in theirs.spans["spinscope"]
    ]
    again = spacy.blank("en").from_config(tagged_nlp.config).from_disk(tmp_path / "pipeline")
    assert [t.tag_ for t in again(text)] == [t.tag_ for t in tagged_nlp(text)]


def test_docs_keep_their_spans_through_docbin() -> None:
    doc = harbour_nlp()(HARBOUR_ARTICLE)
    data = DocBin(store_user_data=True, docs=[doc]).to_bytes()
    vocab = spacy.blank("en").vocab
    register_extensions()
    (back,) = DocBin().from_bytes(data).get_docs(vocab)
    assert [(s.text, s.label_, s._.spinscope_score) for s in back.spans["spinscope"]] == [
        (s.text, s.label_, s._.spinscope_score) for s in doc.spans["spinscope"]
    ]
    # msgpack reads the report's lists back as tuples: the same JSON
    assert json.loads(json.dumps(back._.spinscope)) == doc._.spinscope
    assert analysis_of(back).to_dict() == analysis_of(doc).to_dict()
    assert isinstance(Doc(vocab).from_bytes(doc.to_bytes())._.spinscope, dict)


# ----------------------------------------------------------------------------- entry point


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_entry_point_finds_the_factory_without_importing_spinscope() -> None:
    done = run_python(
        """
        import importlib, sys
        import spacy
        assert not any(m == "spinscope" or m.startswith("spinscope.") for m in sys.modules)
        nlp = spacy.blank("en")
        component = nlp.add_pipe("spinscope", config={"detector": "baseline"})
        print(type(component).__module__, type(component).__name__)
        doc = nlp("The council approved the plan after a shameful campaign by its critics.")
        print(doc._.spinscope["detector"]["name"], len(doc.spans["spinscope"]) >= 0)
        # registering again (a second import, a reload) is harmless
        module = importlib.reload(sys.modules["spinscope.integrations.spacy"])
        module.register_extensions()
        nlp.add_pipe("spinscope", name="again", config={"spans_key": "again"})
        print(spacy.blank("en").add_pipe("spinscope").spans_key)
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:3] == [
        "spinscope.integrations.spacy SpinscopeComponent",
        "baseline True",
        "spinscope",
    ]


def test_importing_spinscope_does_not_import_spacy() -> None:
    done = run_python(
        """
        import sys
        import spinscope, spinscope.analyzer, spinscope.integrations
        assert "spacy" not in sys.modules, "spinscope imported spacy"
        """
    )
    assert done.returncode == 0, done.stderr


def test_without_spacy_the_module_says_how_to_install_it() -> None:
    done = run_python(
        """
        import sys
        from importlib.abc import MetaPathFinder

        class Block(MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "spacy":
                    raise ModuleNotFoundError(f"No module named {name!r}", name=name)
                return None

        sys.meta_path.insert(0, Block())
        from spinscope.errors import MissingDependencyError
        try:
            import spinscope.integrations.spacy
        except MissingDependencyError as err:
            print(err)
        else:
            raise SystemExit("imported without spacy")
        """
    )
    assert done.returncode == 0, done.stderr
    assert "E008" in done.stdout
    assert "pip install 'spinscope[spacy]'" in done.stdout


def test_factory_function_is_the_registered_one() -> None:
    assert Language.has_factory("spinscope")
    assert Language.get_factory_meta("spinscope").default_config == DEFAULT_CONFIG
    component = make_spinscope(spacy.blank("en"), "direct", likely_only=True)
    assert component.name == "direct" and component.likely_only is True


# ----------------------------------------------------------------------------- real model


@pytest.mark.slow
def test_real_model_on_a_short_text() -> None:
    text = (
        "The minister's reckless, disastrous scheme will ruin our proud nation. Every true "
        "patriot knows it: these corrupt elites only want to silence ordinary families."
    )
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("spinscope")
    doc = nlp(text)
    report = doc._.spinscope
    assert report["detector"]["name"] in {"tagger", "hybrid", "baseline"}
    group = doc.spans["spinscope"]
    assert len(group) + len(group.attrs["unmapped"]) == len(report["spans"])
    assert len(group) > 0
    for span in group:
        record = span._.spinscope
        assert span.label_ == record["technique"]
        assert span.start_char <= record["start"] < record["end"] <= span.end_char
        assert 0.0 <= span._.spinscope_score <= 1.0
        assert span._.spinscope_tier in {"likely", "possible"}
    assert {w["code"] for w in report["warnings"]} >= {"too_short"}
