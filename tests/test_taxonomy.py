from __future__ import annotations

import pytest

from spinscope.errors import UnknownTechniqueError
from spinscope.taxonomy import (
    CATEGORIES,
    FRAMES,
    FROM_2020,
    TECHNIQUES,
    TECHNIQUES_2020,
    TO_2020,
    category_of,
    check_technique,
)

# the official list, scorers/techniques_subtask3.txt of the SemEval-2023 Task 3 bundle
OFFICIAL_2023 = """Appeal_to_Authority Appeal_to_Popularity Appeal_to_Values
Appeal_to_Fear-Prejudice Flag_Waving Causal_Oversimplification False_Dilemma-No_Choice
Consequential_Oversimplification
Straw_Man Red_Herring Whataboutism Slogans Appeal_to_Time Conversation_Killer Loaded_Language
Repetition Exaggeration-Minimisation Obfuscation-Vagueness-Confusion Name_Calling-Labeling Doubt
Guilt_by_Association Appeal_to_Hypocrisy Questioning_the_Reputation""".split()


def test_23_techniques_spelled_as_the_official_list_in_6_categories() -> None:
    assert sorted(TECHNIQUES) == sorted(OFFICIAL_2023)
    assert len(CATEGORIES) == 6 and {category_of(t) for t in TECHNIQUES} == set(CATEGORIES)
    assert category_of("Flag_Waving") == "Justification"
    assert category_of("Repetition") == "Manipulative Wording"
    assert len(TECHNIQUES_2020) == 14 and len(FRAMES) == 14


def test_mappings_are_consistent() -> None:
    assert set(FROM_2020) == set(TECHNIQUES_2020)
    assert set(TO_2020) == set(TECHNIQUES)
    assert FROM_2020["Bandwagon,Reductio_ad_hitlerum"] is None
    assert FROM_2020["Whataboutism,Straw_Men,Red_Herring"] is None
    for old, new in FROM_2020.items():
        if new is not None:
            assert TO_2020[new] == old
    assert all(v is None or v in TECHNIQUES_2020 for v in TO_2020.values())


def test_unknown_technique_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownTechniqueError, match="Loaded_Language"):
        check_technique("Loaded-Language")
    assert check_technique("Flag-Waving", "semeval2020") == "Flag-Waving"
