"""The persuasion-technique taxonomies: SemEval-2023 Task 3 (ours) and SemEval-2020 Task 11.

Names are spelled exactly as in the official technique lists
(``scorers/techniques_subtask3.txt`` and ``propaganda-techniques-names-semeval2020task11.txt``).

Mapping 2020 -> 2023 (:data:`FROM_2020`): one 2020 class maps to one 2023 technique where the
definitions match (renamed or the same). Two 2020 classes merged several techniques that 2023
keeps apart, so they map to ``None``:

* ``Bandwagon,Reductio_ad_hitlerum`` -> Appeal_to_Popularity *or* Guilt_by_Association;
* ``Whataboutism,Straw_Men,Red_Herring`` -> Whataboutism *or* Straw_Man *or* Red_Herring.

Mapping 2023 -> 2020 (:data:`TO_2020`) is many-to-one and total where a 2020 class covers the
technique; techniques that 2020 had no class for (Appeal_to_Values, Appeal_to_Time,
Consequential_Oversimplification, Questioning_the_Reputation, Obfuscation-Vagueness-Confusion)
map to ``None``. Appeal_to_Hypocrisy (tu quoque) was part of 2020's Whataboutism definition.
"""

from __future__ import annotations

from dataclasses import dataclass

from spinscope.errors import UnknownTechniqueError

__all__ = [
    "CATEGORIES",
    "FRAMES",
    "FRAME_TITLES",
    "FROM_2020",
    "GENRES",
    "TECHNIQUES",
    "TECHNIQUES_2020",
    "TO_2020",
    "Technique",
    "category_of",
    "check_technique",
    "technique",
]


@dataclass(frozen=True)
class Technique:
    """One SemEval-2023 persuasion technique and its category."""

    name: str
    category: str
    title: str


CATEGORIES: tuple[str, ...] = (
    "Attack on Reputation",
    "Justification",
    "Simplification",
    "Distraction",
    "Call",
    "Manipulative Wording",
)

_TECHNIQUES: tuple[Technique, ...] = (
    Technique("Name_Calling-Labeling", "Attack on Reputation", "Name calling or labelling"),
    Technique("Guilt_by_Association", "Attack on Reputation", "Guilt by association"),
    Technique("Doubt", "Attack on Reputation", "Casting doubt"),
    Technique("Appeal_to_Hypocrisy", "Attack on Reputation", "Appeal to hypocrisy"),
    Technique("Questioning_the_Reputation", "Attack on Reputation", "Questioning the reputation"),
    Technique("Flag_Waving", "Justification", "Flag-waving"),
    Technique("Appeal_to_Authority", "Justification", "Appeal to authority"),
    Technique("Appeal_to_Popularity", "Justification", "Appeal to popularity"),
    Technique("Appeal_to_Values", "Justification", "Appeal to values"),
    Technique("Appeal_to_Fear-Prejudice", "Justification", "Appeal to fear or prejudice"),
    Technique("Causal_Oversimplification", "Simplification", "Causal oversimplification"),
    Technique("False_Dilemma-No_Choice", "Simplification", "False dilemma or no choice"),
    Technique(
        "Consequential_Oversimplification", "Simplification", "Consequential oversimplification"
    ),
    Technique("Straw_Man", "Distraction", "Straw man"),
    Technique("Red_Herring", "Distraction", "Red herring"),
    Technique("Whataboutism", "Distraction", "Whataboutism"),
    Technique("Slogans", "Call", "Slogans"),
    Technique("Conversation_Killer", "Call", "Conversation killer"),
    Technique("Appeal_to_Time", "Call", "Appeal to time"),
    Technique("Loaded_Language", "Manipulative Wording", "Loaded language"),
    Technique(
        "Obfuscation-Vagueness-Confusion",
        "Manipulative Wording",
        "Obfuscation, vagueness or confusion",
    ),
    Technique("Exaggeration-Minimisation", "Manipulative Wording", "Exaggeration or minimisation"),
    Technique("Repetition", "Manipulative Wording", "Repetition"),
)

#: The 23 SemEval-2023 technique names, grouped by category.
TECHNIQUES: tuple[str, ...] = tuple(t.name for t in _TECHNIQUES)
_BY_NAME: dict[str, Technique] = {t.name: t for t in _TECHNIQUES}

#: The 14 SemEval-2020 Task 11 classes, in the order of the official list.
TECHNIQUES_2020: tuple[str, ...] = (
    "Appeal_to_Authority",
    "Appeal_to_fear-prejudice",
    "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-White_Fallacy",
    "Causal_Oversimplification",
    "Doubt",
    "Exaggeration,Minimisation",
    "Flag-Waving",
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Slogans",
    "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
)

#: 2020 class -> 2023 technique, ``None`` where 2023 split a merged class.
FROM_2020: dict[str, str | None] = {
    "Appeal_to_Authority": "Appeal_to_Authority",
    "Appeal_to_fear-prejudice": "Appeal_to_Fear-Prejudice",
    "Bandwagon,Reductio_ad_hitlerum": None,
    "Black-and-White_Fallacy": "False_Dilemma-No_Choice",
    "Causal_Oversimplification": "Causal_Oversimplification",
    "Doubt": "Doubt",
    "Exaggeration,Minimisation": "Exaggeration-Minimisation",
    "Flag-Waving": "Flag_Waving",
    "Loaded_Language": "Loaded_Language",
    "Name_Calling,Labeling": "Name_Calling-Labeling",
    "Repetition": "Repetition",
    "Slogans": "Slogans",
    "Thought-terminating_Cliches": "Conversation_Killer",
    "Whataboutism,Straw_Men,Red_Herring": None,
}

#: 2023 technique -> the 2020 class that covers it, ``None`` where 2020 had none.
TO_2020: dict[str, str | None] = {
    **{new: old for old, new in FROM_2020.items() if new is not None},
    "Appeal_to_Popularity": "Bandwagon,Reductio_ad_hitlerum",
    "Guilt_by_Association": "Bandwagon,Reductio_ad_hitlerum",
    "Whataboutism": "Whataboutism,Straw_Men,Red_Herring",
    "Straw_Man": "Whataboutism,Straw_Men,Red_Herring",
    "Red_Herring": "Whataboutism,Straw_Men,Red_Herring",
    "Appeal_to_Hypocrisy": "Whataboutism,Straw_Men,Red_Herring",
    "Appeal_to_Values": None,
    "Appeal_to_Time": None,
    "Consequential_Oversimplification": None,
    "Questioning_the_Reputation": None,
    "Obfuscation-Vagueness-Confusion": None,
}

#: SemEval-2023 subtask 1 genres.
GENRES: tuple[str, ...] = ("opinion", "reporting", "satire")

#: SemEval-2023 subtask 2 frames, in the order of the official list.
FRAMES: tuple[str, ...] = (
    "Economic",
    "Capacity_and_resources",
    "Morality",
    "Fairness_and_equality",
    "Legality_Constitutionality_and_jurisprudence",
    "Policy_prescription_and_evaluation",
    "Crime_and_punishment",
    "Security_and_defense",
    "Health_and_safety",
    "Quality_of_life",
    "Cultural_identity",
    "Public_opinion",
    "Political",
    "External_regulation_and_reputation",
)


#: Each frame's name for a reader.
FRAME_TITLES: dict[str, str] = {
    "Economic": "Economic",
    "Capacity_and_resources": "Capacity and resources",
    "Morality": "Morality",
    "Fairness_and_equality": "Fairness and equality",
    "Legality_Constitutionality_and_jurisprudence": "Legality, constitutionality and jurisprudence",
    "Policy_prescription_and_evaluation": "Policy prescription and evaluation",
    "Crime_and_punishment": "Crime and punishment",
    "Security_and_defense": "Security and defense",
    "Health_and_safety": "Health and safety",
    "Quality_of_life": "Quality of life",
    "Cultural_identity": "Cultural identity",
    "Public_opinion": "Public opinion",
    "Political": "Political",
    "External_regulation_and_reputation": "External regulation and reputation",
}


def technique(name: str) -> Technique:
    """Return the SemEval-2023 :class:`Technique` called ``name``."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise UnknownTechniqueError(name, TECHNIQUES) from None


def category_of(name: str) -> str:
    """Return the category of the SemEval-2023 technique ``name``."""
    return technique(name).category


def check_technique(name: str, taxonomy: str = "semeval2023", where: str = "") -> str:
    """Return ``name`` if it belongs to ``taxonomy``, else raise :class:`UnknownTechniqueError`."""
    valid = TECHNIQUES if taxonomy == "semeval2023" else TECHNIQUES_2020
    if name not in valid:
        raise UnknownTechniqueError(name, valid, where)
    return name
