from __future__ import annotations

import pytest

from spinscope.signals.language import check_language


def test_english(harbour_text: str) -> None:
    check = check_language(harbour_text)
    assert check.english is True
    assert check.english_ratio > 0.15
    assert check.words > 40


@pytest.mark.parametrize(
    "text",
    [
        "Le conseil du port a approuvé mardi le nouveau projet de pont après une longue campagne "
        "de ses opposants, qui ont manifesté devant la mairie pendant des semaines.",
        "Der Hafenrat hat am Montag den neuen Brückenplan gebilligt, nachdem die Gegner wochenlang "
        "vor dem Rathaus protestiert hatten.",
        "El consejo del puerto aprobó el lunes el nuevo plan del puente después de una larga "
        "campaña de sus opositores frente al ayuntamiento.",
        "Городской совет одобрил новый план строительства моста после долгой кампании его "
        "противников у здания мэрии.",
    ],
)
def test_not_english(text: str) -> None:
    check = check_language(text)
    assert check.english is False


def test_too_few_words_to_tell() -> None:
    assert check_language("Bridge approved.").english is None
    assert check_language("").words == 0


def test_to_dict() -> None:
    d = check_language(
        "The bridge was approved by the council on Monday after a long debate."
    ).to_dict()
    assert set(d) == {"english", "english_ratio", "latin_ratio", "words"}
