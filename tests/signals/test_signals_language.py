from __future__ import annotations

import json

import pytest

from language_support import MIXED_TEXT, NO_LETTERS_TEXT, OTHER_TEXTS, SUPPORTED_TEXTS
from spinscope.errors import InputError
from spinscope.signals.iso639 import DETECTOR_ALIASES, DETECTOR_NAMES, ISO_639_1
from spinscope.signals.language import (
    MIN_OTHER_SHARE,
    SUPPORTED_LANGUAGES,
    LanguageCheck,
    check_language,
    detect_language,
    language_code,
    language_name,
)


def test_the_supported_languages_are_the_six_training_languages() -> None:
    assert SUPPORTED_LANGUAGES == ("en", "fr", "de", "it", "pl", "ru")
    assert set(SUPPORTED_TEXTS) == set(SUPPORTED_LANGUAGES)


@pytest.mark.parametrize("code", sorted(SUPPORTED_TEXTS))
def test_each_supported_language_is_detected(code: str) -> None:
    check = check_language(SUPPORTED_TEXTS[code])
    assert check.code == code
    assert check.source == "detected"
    assert check.supported
    assert dict(check.shares) == {code: 1.0}
    assert check.others == ()
    assert check.english is (code == "en")


@pytest.mark.parametrize("code", sorted(OTHER_TEXTS))
def test_other_languages_are_named_not_forced_into_a_supported_one(code: str) -> None:
    # Spanish, Ukrainian, Chinese and Arabic stay themselves, so the report can warn
    check = check_language(OTHER_TEXTS[code])
    assert check.code == code
    assert not check.supported
    assert check.english is False


def test_english_harbour_article(harbour_text: str) -> None:
    check = check_language(harbour_text)
    assert (check.code, check.name, check.english) == ("en", "English", True)
    assert check.english_ratio > 0.15
    assert check.words > 40


def test_mixed_text_is_its_majority_language_and_names_the_others() -> None:
    code, shares = detect_language(MIXED_TEXT)
    assert code == "fr"
    assert list(shares) == ["fr", "en"]
    assert shares["fr"] > 0.5 and shares["en"] >= MIN_OTHER_SHARE
    assert sum(shares.values()) == pytest.approx(1.0)
    assert check_language(MIXED_TEXT).others == ("en",)


@pytest.mark.parametrize("text", [NO_LETTERS_TEXT, "", "   ", "1234567890", "🙂🙂🙂 !!! ???"])
def test_no_letters_means_no_language(text: str) -> None:
    check = check_language(text)
    assert check.code is None and check.name is None and check.english is None
    assert check.letters == 0
    assert dict(check.shares) == {}


def test_too_few_letters_to_tell() -> None:
    check = check_language("Bridge approved.")
    assert check.code is None and check.letters == 14


def test_a_given_language_skips_detection() -> None:
    check = check_language(SUPPORTED_TEXTS["en"], "FR")
    assert (check.code, check.source, dict(check.shares)) == ("fr", "given", {})
    assert check.words == 43  # still counted: the "too short" warning reads them


def test_a_given_unsupported_language_is_accepted() -> None:
    check = check_language(SUPPORTED_TEXTS["en"], "es")
    assert (check.code, check.supported, check.name) == ("es", False, "Spanish")


@pytest.mark.parametrize("code", ["xx", "english", "e", "", "zz", "sh", "pcm"])
def test_an_unknown_code_is_an_input_error_listing_the_supported_ones(code: str) -> None:
    with pytest.raises(InputError) as err:
        language_code(code)
    message = str(err.value)
    assert repr(code) in message
    assert "en (English), fr (French), de (German), it (Italian), pl (Polish), ru (Russian)" in (
        message
    )
    assert err.value.exit_code == 2


def test_language_code_normalises() -> None:
    assert language_code(" DE ") == "de"
    assert language_code("uk") == "uk"


def test_names() -> None:
    assert len(ISO_639_1) == 183
    assert language_name("de") == "German"
    assert language_name("pcm") == "Nigerian Pidgin"
    assert language_name(None) is None
    assert language_name("qq") == "qq"
    # every code the detector answers with, once folded, has a name
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    for label in LanguageIdentifier.from_model_file(MODEL_FILE).labels:
        folded = DETECTOR_ALIASES.get(label, label)
        assert folded is None or folded in ISO_639_1 or folded in DETECTOR_NAMES, label


def test_detection_is_deterministic() -> None:
    assert detect_language(MIXED_TEXT) == detect_language(MIXED_TEXT)


@pytest.mark.parametrize(
    "text", [MIXED_TEXT, NO_LETTERS_TEXT, SUPPORTED_TEXTS["pl"], OTHER_TEXTS["zh"]]
)
def test_to_dict_round_trips(text: str) -> None:
    check = check_language(text)
    data = json.loads(json.dumps(check.to_dict()))
    assert LanguageCheck.from_dict(data).to_dict() == data
    assert set(data) == {
        "code",
        "name",
        "supported",
        "source",
        "shares",
        "letters",
        "english",
        "english_ratio",
        "latin_ratio",
        "words",
    }


def test_from_dict_reads_the_layout_before_language_codes() -> None:
    old = {"english": True, "english_ratio": 0.25, "latin_ratio": 1.0, "words": 120}
    assert LanguageCheck.from_dict(old).code == "en"
    not_english = {**old, "english": False}
    assert LanguageCheck.from_dict(not_english).code is None
    assert LanguageCheck.from_dict(not_english).words == 120
