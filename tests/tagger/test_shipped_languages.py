"""The shipped model in each of its six languages, and on scripts it was not trained on.

Every sentence here was written for these tests: a blatantly loaded one and a dry one per
language, the same content in each.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spinscope.analyzer import Analyzer
from spinscope.document import Document
from spinscope.tagger.model import Tagger, default_model_dir

pytestmark = pytest.mark.skipif(
    not (default_model_dir() / "model.onnx").is_file(), reason="the shipped model is not installed"
)

#: (language, loaded sentence, dry sentence)
SENTENCES = [
    (
        "en",
        "These corrupt, treacherous thugs in the so-called government are destroying our "
        "beloved nation with their disgusting lies, and only a fool would still believe them.",
        "The committee met on Tuesday and approved the minutes of its previous meeting.",
    ),
    (
        "fr",
        "Ces voyous corrompus et traîtres du soi-disant gouvernement détruisent notre chère "
        "nation avec leurs mensonges répugnants, et seul un imbécile les croirait encore.",
        "Le comité s'est réuni mardi et a approuvé le procès-verbal de sa réunion précédente.",
    ),
    (
        "de",
        "Diese korrupten, verräterischen Schläger in der sogenannten Regierung zerstören "
        "unsere geliebte Nation mit ihren widerlichen Lügen, und nur ein Narr glaubt ihnen noch.",
        "Der Ausschuss trat am Dienstag zusammen und genehmigte das Protokoll der letzten Sitzung.",
    ),
    (
        "it",
        "Questi delinquenti corrotti e traditori del cosiddetto governo stanno distruggendo la "
        "nostra amata nazione con le loro menzogne disgustose, e solo uno sciocco ci crede ancora.",
        "Il comitato si è riunito martedì e ha approvato il verbale della riunione precedente.",
    ),
    (
        "pl",
        "Ci skorumpowani zdrajcy i bandyci z tak zwanego rządu niszczą nasz ukochany naród "
        "swoimi obrzydliwymi kłamstwami, a tylko głupiec wciąż im wierzy.",
        "Komisja zebrała się we wtorek i zatwierdziła protokół z poprzedniego posiedzenia.",
    ),
    (
        "ru",
        "Эти продажные предатели и бандиты из так называемого правительства уничтожают наш "
        "любимый народ своей отвратительной ложью, и только дурак всё ещё им верит.",
        "Комитет собрался во вторник и утвердил протокол предыдущего заседания.",
    ),
]
IDS = [lang for lang, _, _ in SENTENCES]


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger().load()


def test_the_model_says_it_reads_all_six_languages(tagger: Tagger) -> None:
    assert set(tagger.languages) == set(IDS)


@pytest.mark.parametrize(("lang", "loaded", "dry"), SENTENCES, ids=IDS)
def test_a_loaded_sentence_is_flagged_and_a_dry_one_is_not(
    tagger: Tagger, lang: str, loaded: str, dry: str
) -> None:
    spans = tagger.predict([Document(lang, loaded)])[0]
    assert spans, f"{lang}: a blatantly loaded sentence produced no span"
    assert {s.label for s in spans} & {
        "Loaded_Language",
        "Name_Calling-Labeling",
        "Flag_Waving",
        "Doubt",
        "Questioning_the_Reputation",
    }
    assert tagger.predict([Document(lang, dry)])[0] == []


@pytest.mark.parametrize(("lang", "loaded", "dry"), SENTENCES, ids=IDS)
def test_spans_lie_inside_the_text_and_are_deterministic(
    tagger: Tagger, lang: str, loaded: str, dry: str
) -> None:
    text = f"{loaded}\n\n{dry}\n\n{loaded}"
    first = tagger.predict([Document(lang, text)])[0]
    assert first == tagger.predict([Document(lang, text)])[0]
    for s in first:
        assert 0 <= s.start < s.end <= len(text)
        assert not text[s.start].isspace() and not text[s.end - 1].isspace()


@pytest.mark.parametrize(("lang", "loaded", "dry"), SENTENCES, ids=IDS)
def test_no_model_language_warning_in_a_trained_language(lang: str, loaded: str, dry: str) -> None:
    a = Analyzer("tagger", article_models=False).analyze(
        f"{loaded} {dry} {loaded} {dry}", language=lang
    )
    assert "model_language" not in [w.code for w in a.warnings]
    assert a.language == lang


@pytest.mark.parametrize(
    "text",
    [
        # Arabic (right to left), Chinese and Japanese: written for this test
        "هذه الحكومة الفاسدة تدمر وطننا الحبيب بأكاذيبها المقززة. اجتمعت اللجنة يوم الثلاثاء.",
        "这个腐败的政府正在用令人作呕的谎言摧毁我们亲爱的国家。委员会于星期二开会。",
        "この腐敗した政府は嫌な嘘で私たちの愛する国を壊している。委員会は火曜日に開かれた。",
    ],
    ids=["ar", "zh", "ja"],
)
def test_right_to_left_and_cjk_articles_get_a_warning_and_a_result(text: str) -> None:
    a = Analyzer(article_models=False).analyze(text)
    assert "unsupported_language" in [w.code for w in a.warnings]
    for s in a.spans:
        assert a.text[s.start : s.end] == s.text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.characters(
            whitelist_categories=("Lu", "Ll", "Lo", "Nd", "Po", "Zs", "Mn", "So"),
        ),
        min_size=1,
        max_size=3000,
    ).filter(str.strip)
)
def test_offsets_survive_windowing_for_any_script_and_length(text: str) -> None:
    tagger = _TAGGER
    ap = tagger.article_probs([text])[0]
    offsets = ap.encoded.offsets
    assert len(offsets) == len(ap.probs)
    assert ((0 <= offsets[:, 0]) & (offsets[:, 0] <= offsets[:, 1])).all()
    assert (offsets[:, 1] <= len(text)).all()
    for s in tagger.decode([Document("x", text)], [ap])[0]:
        assert 0 <= s.start < s.end <= len(text)


_TAGGER = Tagger(threshold=0.0)


@pytest.mark.parametrize(("lang", "loaded", "dry"), SENTENCES, ids=IDS)
def test_no_span_of_the_shipped_model_crosses_a_line_break(
    lang: str, loaded: str, dry: str
) -> None:
    # a headline, then paragraphs: the loaded words run up to each line's end
    text = f"{loaded.rstrip('.')}\n{loaded}\n\n{dry}\n{loaded}\n"
    a = Analyzer(article_models=False).analyze(text, language=lang)
    assert a.spans
    for s in a.spans:
        assert "\n" not in s.text
        assert s.text == s.text.strip()
