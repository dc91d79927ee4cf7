from __future__ import annotations

import math

import numpy as np
import pytest

from spinscope.article.features import (
    STYLE_FEATURES,
    TfidfFeaturizer,
    style_features,
    tagger_feature_names,
    tagger_features,
    terms,
)
from spinscope.errors import ModelError
from spinscope.tagger.labels import OUTPUTS
from spinscope.tagger.model import ArticleProbs

DOCS = ["The cat sat.", "The cat ran, the cat hid!", "A dog barked."]


def test_terms_lowercase_words_and_keep_inner_apostrophes() -> None:
    assert terms("Don’t STOP the 2 cats_now") == ["don't", "stop", "the", "2", "cats", "now"]
    assert terms("big red dog", ngram_max=2) == ["big", "red", "dog", "big red", "red dog"]
    assert terms("   ") == []


def test_vocabulary_idf_and_weights_by_hand() -> None:
    f = TfidfFeaturizer(min_df=1).fit(DOCS)
    assert list(f.vocabulary) == ["a", "barked", "cat", "dog", "hid", "ran", "sat", "the"]
    n = 3
    idf_cat = math.log((1 + n) / (1 + 2)) + 1  # "cat" is in two of three articles
    idf_hid = math.log((1 + n) / (1 + 1)) + 1
    assert f.idf[f.vocabulary["cat"]] == pytest.approx(idf_cat)
    (row,) = f.transform(["the cat ran, the cat hid!"])
    # sublinear tf: "cat" and "the" occur twice
    raw = {"cat": (1 + math.log(2)) * idf_cat, "the": (1 + math.log(2)) * idf_cat}
    raw |= {"ran": idf_hid, "hid": idf_hid}
    norm = math.sqrt(sum(v * v for v in raw.values()))
    for term, value in raw.items():
        assert row[f.vocabulary[term]] == pytest.approx(value / norm, rel=1e-5)
    assert np.linalg.norm(row) == pytest.approx(1.0)
    assert row[f.vocabulary["dog"]] == 0


def test_min_df_and_max_features() -> None:
    f = TfidfFeaturizer(min_df=2).fit(DOCS)
    assert set(f.vocabulary) == {"cat", "the"}
    g = TfidfFeaturizer(min_df=1, max_features=1).fit(DOCS)
    assert set(g.vocabulary) == {"cat"}  # ties by document frequency go alphabetically


def test_unknown_words_give_a_zero_row() -> None:
    f = TfidfFeaturizer(min_df=1).fit(DOCS)
    out = f.transform(["zebra quokka", ""])
    assert out.shape == (2, f.size) and not out.any()
    assert f.transform([]).shape == (0, f.size)


def test_round_trip_through_a_dict() -> None:
    f = TfidfFeaturizer(ngram_max=2, min_df=1).fit(DOCS)
    g = TfidfFeaturizer.from_dict(f.to_dict())
    np.testing.assert_allclose(g.transform(DOCS), f.transform(DOCS), rtol=1e-5)


def test_corrupt_vocabulary_is_a_model_error() -> None:
    data = TfidfFeaturizer(min_df=1).fit(DOCS).to_dict()
    data["idf"] = data["idf"][:-1]
    with pytest.raises(ModelError, match="corrupt"):
        TfidfFeaturizer.from_dict(data)
    with pytest.raises(ModelError, match="corrupt"):
        TfidfFeaturizer.from_dict({"terms": []})


def test_matches_scikit_learn() -> None:
    sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")
    ours = TfidfFeaturizer(ngram_max=2, min_df=1).fit(DOCS)
    theirs = sklearn_text.TfidfVectorizer(
        analyzer=lambda t: terms(t, 2), sublinear_tf=True, min_df=1
    ).fit(DOCS)
    assert list(theirs.get_feature_names_out()) == list(ours.vocabulary)
    np.testing.assert_allclose(
        ours.transform(DOCS), theirs.transform(DOCS).toarray(), rtol=1e-5, atol=1e-7
    )


def test_tagger_features_layout() -> None:
    probs = np.zeros((4, len(OUTPUTS)), dtype=np.float32)
    probs[1, 0] = 0.9
    probs[2, 0] = 0.3
    ap = ArticleProbs(encoded=None, probs=probs, embedding=np.ones(8, dtype=np.float32))  # type: ignore[arg-type]
    x = tagger_features(ap)
    names = tagger_feature_names(8)
    assert x.shape == (len(names),) == (8 + 3 * len(OUTPUTS),)
    assert x[names.index("mean/any")] == pytest.approx(0.3)
    assert x[names.index("max/any")] == pytest.approx(0.9)
    assert x[names.index("share_over_0.5/any")] == pytest.approx(0.25)


def test_tagger_features_need_the_embedding() -> None:
    ap = ArticleProbs(encoded=None, probs=np.zeros((1, len(OUTPUTS))), embedding=None)  # type: ignore[arg-type]
    with pytest.raises(ModelError, match="embedding"):
        tagger_features(ap)


def test_style_features_count_address_quotes_and_attribution() -> None:
    opinion = (
        "Why do we keep paying?\n\nI think we deserve better. You know it, and I know it! "
        "Our leaders must listen to us."
    )
    report = (
        "Parliament passes budget\n\nThe parliament approved the budget on Wednesday by 210 "
        'votes to 190, officials said. "We will challenge it," the opposition leader told '
        "reporters, according to a statement."
    )
    names = list(STYLE_FEATURES)
    o = dict(zip(names, style_features(opinion), strict=True))
    r = dict(zip(names, style_features(report), strict=True))
    assert len(style_features(opinion)) == len(STYLE_FEATURES)
    assert o["first_singular_per_100_words"] > 0 and r["first_singular_per_100_words"] == 0
    assert o["first_plural_per_100_words"] > r["first_plural_per_100_words"]
    assert o["second_person_per_100_words"] > 0 and r["second_person_per_100_words"] == 0
    assert r["reporting_verbs_per_100_words"] > 0 and o["reporting_verbs_per_100_words"] == 0
    assert r["quoted_speech_share"] > 0 and o["quoted_speech_share"] == 0
    assert r["numbers_per_100_words"] > 0
    assert o["headline_question"] == 1.0 and r["headline_question"] == 0.0
    assert o["questions_per_sentence"] > 0 and o["exclamations_per_sentence"] > 0


def test_style_features_read_the_other_languages() -> None:
    cases = {
        "fr": "Je pense que nous avons tort. Le ministre a déclaré que tout va bien.",
        "de": "Ich glaube, wir haben recht. Der Minister sagte, alles sei gut.",
        "it": "Io credo che noi abbiamo ragione. Il ministro ha detto che va tutto bene.",
        "pl": "Ja uważam, że my mamy rację. Minister powiedział, że wszystko jest dobrze.",
        "ru": "Я думаю, что мы правы. Министр заявил, что всё хорошо.",
    }
    names = list(STYLE_FEATURES)
    for lang, text in cases.items():
        f = dict(zip(names, style_features(text), strict=True))
        assert f["first_singular_per_100_words"] > 0, lang
        assert f["first_plural_per_100_words"] > 0, lang
        assert f["reporting_verbs_per_100_words"] > 0, lang


def test_italian_article_i_is_not_english_i() -> None:
    names = list(STYLE_FEATURES)
    f = dict(zip(names, style_features("Tutti i ministri e i deputati hanno votato."), strict=True))
    assert f["first_singular_per_100_words"] == 0
