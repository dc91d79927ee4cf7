"""Genre and frames in the Analysis, its JSON and the three reports."""

from __future__ import annotations

import json

import jsonschema

from analysis_support import HARBOUR_ARTICLE, PhraseDetector
from spinscope.analysis import GENRE_MIN_WORDS
from spinscope.analyzer import Analyzer
from spinscope.article import ArticleModels
from spinscope.document import Document
from spinscope.render.html import render_html
from spinscope.render.json import render_json, schema
from spinscope.render.markdown import render_markdown
from spinscope.render.terminal import terminal_report
from spinscope.taxonomy import FRAMES, GENRES

VALIDATOR = jsonschema.Draft202012Validator(schema())


def analyse(**options):  # type: ignore[no-untyped-def]
    analyzer = Analyzer(PhraseDetector([("bridge plan", "Slogans", 0.7)]), **options).load()
    return analyzer.analyze(Document("harbour", HARBOUR_ARTICLE))


def test_analysis_has_genre_and_sorted_frames() -> None:
    a = analyse()
    assert a.genre is not None and a.frames is not None
    assert a.genre.label in GENRES
    assert set(a.genre.probabilities) == set(GENRES)
    assert abs(sum(a.genre.probabilities.values()) - 1) < 1e-5
    assert a.genre.not_detected == ()
    # the figure of the article's language, not the one over all languages
    models = ArticleModels().load()
    assert a.genre.cv_macro_f1 == models.cv_figure("genre", "en")
    assert a.frames_cv_micro_f1 == models.cv_figure("frames", "en")
    assert sorted(f.frame for f in a.frames) == sorted(FRAMES)
    assert [f.score for f in a.frames] == sorted((f.score for f in a.frames), reverse=True)
    assert a.selected_frames == tuple(f for f in a.frames if f.selected)
    data = json.loads(render_json(a))
    VALIDATOR.validate(data)
    assert data["genre"]["label"] == a.genre.label
    assert data["frames"][0]["frame"] == a.frames[0].frame


def test_without_article_models_the_fields_are_null() -> None:
    a = analyse(article_models=False)
    assert a.genre is None and a.frames is None
    data = json.loads(render_json(a))
    VALIDATOR.validate(data)
    assert data["genre"] is None and data["frames"] is None
    assert "Genre" not in terminal_report(a) and "Genre" not in render_markdown(a)


def test_reports_show_genre_and_frames() -> None:
    a = analyse()
    assert a.genre is not None
    text = " ".join(terminal_report(a).split())
    assert f"Genre: {a.genre.label} (" in text
    assert f"cross-validated macro-F1 {a.genre.cv_macro_f1:.2f} on English articles" in text
    assert "Frames: " in text
    md = render_markdown(a)
    assert f"- **Genre** (a rough guess): {a.genre.label} (" in md
    assert "- **Frames** (a rough guess): " in md
    assert a.frames_cv_micro_f1 is not None
    assert f"cross-validated micro-F1 {a.frames_cv_micro_f1:.2f}" in text
    # below the findings: the summary comes first on every surface
    assert md.index("### Summary") < md.index("**Genre**")
    assert text.index("Summary") < text.index("Genre: ")
    page = render_html(a)
    assert 'id="genre"' in page and 'id="frames"' in page and "Genre and framing" in page
    assert page.index('id="summary-title"') < page.index('id="genre"')


def test_no_genre_or_frames_for_unsupported_languages_or_short_texts() -> None:
    analyzer = Analyzer(PhraseDetector([("puente", "Slogans", 0.7)])).load()
    spanish = (
        "El consejo del puerto aprobó el nuevo plan del puente el lunes después de una "
        "campaña vergonzosa de sus opositores. Los pescadores protestaron frente al "
        "ayuntamiento durante toda la tarde. El alcalde dijo que el puente costará doce "
        "millones y que las obras empezarán en primavera, aunque la oposición promete "
        "más protestas y un recurso ante los tribunales de la región."
    )
    a = analyzer.analyze(spanish)
    assert a.language == "es" and a.genre is None and a.frames is None
    assert "genre_withheld" in [w.code for w in a.warnings]
    short = analyzer.analyze("The bridge plan won.")
    assert short.genre is None and short.frames is None
    # long enough for techniques (40 words) but not for a genre (80): a teaser, a long post
    teaser = " ".join(HARBOUR_ARTICLE.split()[:60])
    post = analyzer.analyze(teaser)
    assert post.genre is None and post.frames is None
    (note,) = [w.message for w in post.warnings if w.code == "genre_withheld"]
    assert "too short" in note and "60 words" in note and str(GENRE_MIN_WORDS) in note
    assert "too_short" not in [w.code for w in post.warnings]
    assert 'id="genre"' not in render_html(a)


def test_missing_models_leave_a_note(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(
        "spinscope.article.models.default_article_models_dir", lambda: tmp_path / "none"
    )
    a = analyse()
    assert a.genre is None
    notes = [w for w in a.warnings if w.code == "article_models"]
    assert notes and "not installed" in notes[0].message
    VALIDATOR.validate(json.loads(render_json(a)))
