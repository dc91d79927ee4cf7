"""Plain-language explanations of the 23 persuasion techniques, their 6 categories and 2 signals.

Written by the spinscope authors for a general reader (a student, a journalist), not copied
from the SemEval annotation guidelines. Each technique gets what it is, why it persuades, an
invented example and the question a careful reader should ask. Examples are invented, name no
real person and are drawn from different sides of public debate, so that the report stays
even-handed.

Besides the techniques, the report shows two signals that are not techniques
(:data:`SIGNALS`): scare quotes, and quoted speech (a technique inside a quotation belongs to
the speaker, not necessarily to the author).

Length limits (in words, split on whitespace) are module constants so that the report and the
tests share them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from types import MappingProxyType

from spinscope.errors import UnknownTechniqueError
from spinscope.taxonomy import CATEGORIES, TECHNIQUES, category_of, technique

__all__ = [
    "CATEGORY_EXPLANATIONS",
    "EXPLANATIONS",
    "MAX_ASK_WORDS",
    "MAX_EXAMPLE_WORDS",
    "MAX_WHAT_WORDS",
    "MAX_WHY_WORDS",
    "SIGNALS",
    "SIGNAL_CATEGORY",
    "CategoryExplanation",
    "Explanation",
    "all_explanations",
    "catalogue",
    "explain",
]

#: Most words in a ``what`` (technique, signal or category).
MAX_WHAT_WORDS = 45
#: Most words in a ``why``.
MAX_WHY_WORDS = 45
#: Most words in an ``ask``.
MAX_ASK_WORDS = 25
#: Most words in an ``example``.
MAX_EXAMPLE_WORDS = 30

#: The category given to the non-technique signals in :data:`SIGNALS`.
SIGNAL_CATEGORY = "Signal"


@dataclass(frozen=True)
class Explanation:
    """A reader-facing explanation of one technique or signal."""

    technique: str
    category: str
    title: str
    what: str
    why: str
    example: str
    ask: str

    def to_dict(self) -> dict[str, str]:
        """Return the explanation as a JSON-ready dict; ``Explanation(**d)`` rebuilds it."""
        return asdict(self)


@dataclass(frozen=True)
class CategoryExplanation:
    """A reader-facing explanation of one of the 6 technique categories."""

    category: str
    what: str

    def to_dict(self) -> dict[str, str]:
        """Return the explanation as a JSON-ready dict."""
        return asdict(self)


def _technique(name: str, what: str, why: str, example: str, ask: str) -> Explanation:
    # Category and title come from the taxonomy so that there is one source for both.
    return Explanation(
        technique=name,
        category=category_of(name),
        title=technique(name).title,
        what=what,
        why=why,
        example=example,
        ask=ask,
    )


_EXPLANATIONS: tuple[Explanation, ...] = (
    # Attack on Reputation
    _technique(
        "Name_Calling-Labeling",
        what=(
            "Attaching a label or nickname to a person or group, so that the reader judges "
            "them by the label rather than by what they actually did or said."
        ),
        why=(
            "A label is quicker to absorb than an argument. Once it sticks, it colours "
            "everything the target says afterwards and spares the writer from proving anything."
        ),
        example="The greedy landlord lobby has once again bought itself a seat at the table.",
        ask=(
            "Does the label describe something the person actually did, or does it stand in "
            "for evidence?"
        ),
    ),
    _technique(
        "Guilt_by_Association",
        what=(
            "Discrediting a person, group or idea by linking it to something the reader already "
            "dislikes, such as a hated regime, a criminal or an extremist group, instead of "
            "judging it on its merits."
        ),
        why=(
            "Bad feelings about the disliked thing spill over onto the target. The link feels "
            "like evidence even when it is only a shared opinion or a chance contact."
        ),
        example=(
            "The zoning plan was first drafted by a think tank that once praised a military "
            "dictatorship."
        ),
        ask="Is the idea wrong on its own terms, or only linked to someone unpopular?",
    ),
    _technique(
        "Doubt",
        what=(
            "Questioning whether a person or organisation can be trusted — their honesty, "
            "competence or motives — often through hints and insinuation rather than evidence."
        ),
        why=(
            "Suspicion is easy to raise and hard to dispel. Readers tend to remember the doubt "
            "even when no evidence is offered or the doubt is later answered."
        ),
        example=(
            "Can we really trust a health minister who has never worked a single day in a hospital?"
        ),
        ask=(
            "What evidence supports the suspicion, and does it concern the claim or only the "
            "person making it?"
        ),
    ),
    _technique(
        "Appeal_to_Hypocrisy",
        what=(
            "Attacking someone as a hypocrite — pointing out that they do, or once said, the "
            "opposite of what they now argue — instead of addressing the argument itself."
        ),
        why=(
            "Inconsistency feels like dishonesty, so readers may throw out the argument along "
            "with the person. Yet a claim can be true even if its speaker fails to live by it."
        ),
        example=(
            "The senator lectures us about flying less, yet she took a private jet to the "
            "climate summit."
        ),
        ask="Even if the person is inconsistent, is what they are saying right or wrong?",
    ),
    _technique(
        "Questioning_the_Reputation",
        what=(
            "Damaging the overall standing of a person or group with strong negative claims "
            "about their character or moral worth, rather than engaging with what they argue "
            "on the topic."
        ),
        why=(
            "A tarnished reputation lowers trust in everything the target says or does later, "
            "and sweeping claims about character are hard for the target to disprove."
        ),
        example=(
            "Everyone in the industry knows the company's founder has cut corners his whole career."
        ),
        ask=(
            "Are specific, checkable facts given, or only a sweeping judgement of someone's "
            "character?"
        ),
    ),
    # Justification
    _technique(
        "Flag_Waving",
        what=(
            "Justifying a position by appealing to pride in, or loyalty to, a group — a nation, "
            "a religion, a party, a profession — as if every loyal member must support it."
        ),
        why=(
            "People want to belong and to be seen as loyal. Tying a position to the group's "
            "identity makes disagreeing feel like betrayal."
        ),
        example="Real farmers stand together, and real farmers will vote against this treaty.",
        ask=(
            "Would the reasons given convince someone outside the group, or is the appeal only "
            "to belonging?"
        ),
    ),
    _technique(
        "Appeal_to_Authority",
        what=(
            "Presenting a claim as true because an authority, expert or famous person backs it, "
            "especially when they are not an expert on the subject or no evidence is offered."
        ),
        why=(
            "Trusting experts is usually a sensible shortcut, so readers may accept the claim "
            "without checking whether the authority is relevant, representative or quoted "
            "correctly."
        ),
        example="A Nobel-winning physicist says the new diet cures fatigue, so it must work.",
        ask="Is this person an expert on this subject, and do others in the field agree?",
    ),
    _technique(
        "Appeal_to_Popularity",
        what=(
            "Arguing that a claim is true, or an action right, because many people — or "
            "“everyone” — already believe it or do it."
        ),
        why=(
            "Following the crowd is a deep social instinct: people fear being left out and "
            "assume that so many others cannot all be wrong."
        ),
        example=(
            "Millions of families have already switched to home schooling — isn't it time you "
            "did too?"
        ),
        ask=(
            "Would the claim still be true, or the action wise, if far fewer people believed "
            "or did it?"
        ),
    ),
    _technique(
        "Appeal_to_Values",
        what=(
            "Supporting a position by tying it to values the reader holds dear — freedom, "
            "fairness, tradition, faith — presented as plainly good, without showing how the "
            "position serves them."
        ),
        why=(
            "Values are held with feeling rather than doubt. Once a position is wrapped in a "
            "cherished value, opposing it feels like opposing the value itself."
        ),
        example=(
            "This bill is about one thing only: fairness. Anyone who believes in fairness will "
            "vote for it."
        ),
        ask=(
            "How, concretely, does the position serve that value, and could people sharing the "
            "value disagree?"
        ),
    ),
    _technique(
        "Appeal_to_Fear-Prejudice",
        what=(
            "Promoting or opposing an idea by stirring fear of what might happen, or by playing "
            "on prejudice against a group, instead of weighing the likely outcomes."
        ),
        why=(
            "Fear narrows attention and urges quick action; prejudice offers a ready-made "
            "villain. Both make a careful comparison of the options feel unnecessary."
        ),
        example=(
            "If this factory closes, crime will flood our streets and no child will be safe "
            "walking to school."
        ),
        ask=(
            "How likely is the feared outcome, what evidence is given, and who is cast as the "
            "threat?"
        ),
    ),
    # Simplification
    _technique(
        "Causal_Oversimplification",
        what=(
            "Blaming a complex problem on a single cause, or crediting a good outcome to one "
            "cause, when many factors are involved."
        ),
        why=(
            "One clear cause is easier to grasp, remember and act on than a tangle of causes, "
            "and it often points conveniently at someone to blame."
        ),
        example="Prices went up for one reason and one reason only: the new minimum wage.",
        ask="What other causes could have played a part, and what evidence singles out this one?",
    ),
    _technique(
        "False_Dilemma-No_Choice",
        what=(
            "Presenting only two options, or just one, as if no others existed, usually to push "
            "the reader towards the writer's preferred choice."
        ),
        why=(
            "With the alternatives hidden, the preferred option looks like the only sensible "
            "one, and rejecting it seems to mean accepting the bad one."
        ),
        example=(
            "Either we ban all cars from the city centre, or we accept that our children will "
            "breathe poison."
        ),
        ask="Are there other options, or a middle ground, that the text leaves out?",
    ),
    _technique(
        "Consequential_Oversimplification",
        what=(
            "Claiming that a first step will inevitably set off a chain of events ending in "
            "something extreme, good or bad, without showing why each step must follow "
            "(the “slippery slope”)."
        ),
        why=(
            "Each step sounds plausible on its own, so the far-off outcome borrows their "
            "plausibility. The reader reacts to the end of the chain rather than to the "
            "proposal itself."
        ),
        example=(
            "Let students retake one exam, and soon nobody will study and every diploma will "
            "be worthless."
        ),
        ask="Does each step really lead to the next, or could the chain stop early?",
    ),
    # Distraction
    _technique(
        "Straw_Man",
        what=(
            "Replacing an opponent's actual position with a distorted, weaker or more extreme "
            "version of it, and then attacking that version."
        ),
        why=(
            "Knocking down the weak version looks like defeating the real one, and readers who "
            "never hear the original position cannot tell the difference."
        ),
        example=(
            "My opponent wants tighter border checks; in other words, he wants to shut our "
            "country off from the world."
        ),
        ask="Is this really what the other side said? How would they put their own position?",
    ),
    _technique(
        "Red_Herring",
        what=(
            "Drawing the reader's attention to a different, irrelevant topic so that the "
            "original question goes unanswered."
        ),
        why=(
            "The new topic often stirs stronger feelings or is easier to win on, and readers "
            "rarely notice that the first question was quietly dropped."
        ),
        example=(
            "Asked about the hospital's waiting lists, the spokesperson talked at length about "
            "the new car park and the staff charity run."
        ),
        ask="Does this answer the question that was raised, or change the subject?",
    ),
    _technique(
        "Whataboutism",
        what=(
            "Answering a criticism by pointing to a similar or worse failing of the critic or "
            "their side, without addressing the criticism itself."
        ),
        why=(
            "It turns the discussion into a contest of blame and makes the critic look unfair, "
            "so the original fault fades from view."
        ),
        example=(
            "They complain about our party's expenses? What about the luxury trips their own "
            "leaders took last year?"
        ),
        ask="Is the original criticism true, whatever the other side has done?",
    ),
    # Call
    _technique(
        "Slogans",
        what=(
            "A short, catchy phrase that packs a position into a few memorable words, often "
            "with a call to act, in place of an argument."
        ),
        why=(
            "Slogans are easy to repeat and remember, and they stir emotion and shared identity. "
            "Their brevity leaves no room for the reasons and caveats a real argument needs."
        ),
        example="Our town, our jobs, our choice!",
        ask="What does the slogan actually claim, and what reasons stand behind it?",
    ),
    _technique(
        "Conversation_Killer",
        what=(
            "A phrase that discourages further thought or discussion — “rules are rules”, "
            "“end of story” — presenting a matter as settled when it is not."
        ),
        why=(
            "It signals that questioning is pointless, naive or rude, so readers stop examining "
            "the claim and accept the conclusion as closed."
        ),
        example="It is what it is, and there's nothing more to say about it.",
        ask=(
            "Is the matter really settled, or does the phrase just end a discussion that "
            "should go on?"
        ),
    ),
    _technique(
        "Appeal_to_Time",
        what=(
            "Arguing that the moment to act is now (or that it is too late or too early), so "
            "that urgency takes the place of a reasoned case for the action."
        ),
        why=(
            "A deadline creates pressure and fear of missing out. Under time pressure people "
            "deliberate less and go with the option in front of them."
        ),
        example=(
            "The window is closing fast: sign the petition tonight, before it is too late for "
            "our libraries."
        ),
        ask="Why exactly must this happen now, and what would be lost by taking time to think?",
    ),
    # Manipulative Wording
    _technique(
        "Loaded_Language",
        what=(
            "Words and phrases chosen for their strong emotional charge, positive or negative, "
            "rather than for their precise meaning."
        ),
        why=(
            "Emotional words trigger a feeling before the reader has weighed the facts, and "
            "that feeling colours how the facts are then judged."
        ),
        example="The reckless scheme will ravage our quiet, peaceful neighbourhood.",
        ask="How would a neutral writer describe the same thing, and would I react differently?",
    ),
    _technique(
        "Obfuscation-Vagueness-Confusion",
        what=(
            "Wording that is deliberately unclear, vague or ambiguous, so that readers can read "
            "into it whatever they like, or cannot pin down what is being claimed."
        ),
        why=(
            "Vague claims are hard to check or refute, let each reader fill in the meaning they "
            "prefer, and let the writer deny any specific claim later."
        ),
        example=(
            "Certain measures may be taken, in due course, to address some of the issues that "
            "have been raised."
        ),
        ask="What exactly is being claimed or promised here, and could I check it?",
    ),
    _technique(
        "Exaggeration-Minimisation",
        what=(
            "Making something seem much bigger, better or worse than it is, or downplaying "
            "something so that it seems smaller or less important than it is."
        ),
        why=(
            "Inflated stakes provoke strong reactions, while downplaying makes real problems "
            "seem not worth attention. Either way the reader's sense of scale shifts without "
            "evidence."
        ),
        example=(
            "A two-percent rise in bus fares is the greatest betrayal of working people in "
            "living memory."
        ),
        ask="What are the actual numbers or facts, and how do they compare with similar cases?",
    ),
    _technique(
        "Repetition",
        what=(
            "Repeating the same word, phrase or claim several times in a text so that it sticks "
            "in the reader's mind."
        ),
        why=(
            "Familiar statements feel truer, so repetition can make a claim seem established "
            "without adding any evidence for it."
        ),
        example=(
            "We were promised jobs. We were promised roads. We were promised schools. We got "
            "nothing."
        ),
        ask="Does the claim gain new support each time it is repeated, or only familiarity?",
    ),
)

#: Technique name -> explanation, for all 23 techniques in :data:`~spinscope.taxonomy.TECHNIQUES`
#: order.
EXPLANATIONS: Mapping[str, Explanation] = MappingProxyType(
    {e.technique: e for e in sorted(_EXPLANATIONS, key=lambda e: TECHNIQUES.index(e.technique))}
)

_CATEGORY_EXPLANATIONS: tuple[CategoryExplanation, ...] = (
    CategoryExplanation(
        "Attack on Reputation",
        "Techniques that target the person or group behind a claim — their character, honesty, "
        "associations or consistency — instead of the claim itself.",
    ),
    CategoryExplanation(
        "Justification",
        "Techniques that support a claim with something other than evidence for it: authority, "
        "popularity, loyalty to a group, cherished values or fear.",
    ),
    CategoryExplanation(
        "Simplification",
        "Techniques that make a complex situation look simpler than it is: a single cause, only "
        "two options, or an inevitable chain of consequences.",
    ),
    CategoryExplanation(
        "Distraction",
        "Techniques that steer attention away from the question at hand: misrepresenting the "
        "other side's view, changing the subject, or pointing to someone else's faults.",
    ),
    CategoryExplanation(
        "Call",
        "Techniques that push the reader to act, or to stop thinking: catchy slogans, phrases "
        "that close a discussion, and pressure of time.",
    ),
    CategoryExplanation(
        "Manipulative Wording",
        "Techniques that persuade through the choice and arrangement of words: emotionally "
        "charged terms, deliberate vagueness, exaggeration or downplaying, and repetition.",
    ),
)

#: Category name -> explanation, for the 6 categories in
#: :data:`~spinscope.taxonomy.CATEGORIES` order.
CATEGORY_EXPLANATIONS: Mapping[str, CategoryExplanation] = MappingProxyType(
    {
        c.category: c
        for c in sorted(_CATEGORY_EXPLANATIONS, key=lambda c: CATEGORIES.index(c.category))
    }
)

#: Signal name -> explanation, for the two non-technique signals the report shows.
SIGNALS: Mapping[str, Explanation] = MappingProxyType(
    {
        "scare_quotes": Explanation(
            technique="scare_quotes",
            category=SIGNAL_CATEGORY,
            title="Scare quotes",
            what=(
                "Quotation marks put around a word not to quote anyone, but to show that the "
                "writer doubts or rejects it, as in “peaceful” demonstrators."
            ),
            why=(
                "The marks let the writer mock or dismiss a description without arguing "
                "against it, inviting the reader to share the doubt."
            ),
            example="The company's “green” factory still burns coal every night.",
            ask=(
                "Is someone being quoted, or is doubt being signalled — and is a reason for the "
                "doubt given?"
            ),
        ),
        "quoted_speech": Explanation(
            technique="quoted_speech",
            category=SIGNAL_CATEGORY,
            title="Quoted speech",
            what=(
                "A technique found inside a quotation is the speaker's, not necessarily the "
                "author's: reporting what someone said is not the same as agreeing with it."
            ),
            why=(
                "Quotations can still persuade. The writer chooses whom to quote and which "
                "words, and a strong quote can carry a message the writer would not state "
                "directly."
            ),
            example=(
                "The union leader called the deal “a shameful surrender”, while the company "
                "said it was “fair to all sides”."
            ),
            ask="Who is speaking here, and do other sides get a comparable voice?",
        ),
    }
)


def explain(technique: str) -> Explanation:
    """Return the explanation of the SemEval-2023 technique ``technique``.

    Raises :class:`~spinscope.errors.UnknownTechniqueError` (listing the valid names) for any
    other name. Signals are not techniques: look them up in :data:`SIGNALS`.
    """
    try:
        return EXPLANATIONS[technique]
    except KeyError:
        raise UnknownTechniqueError(technique, TECHNIQUES) from None


def all_explanations() -> list[Explanation]:
    """Return the explanations of all 23 techniques, in taxonomy order."""
    return list(EXPLANATIONS.values())


def catalogue() -> dict[str, list[dict[str, str]]]:
    """Every category, technique and signal with its explanation, JSON-ready.

    What ``spinscope techniques --json`` prints and ``GET /v1/techniques`` answers.
    """
    return {
        "categories": [c.to_dict() for c in CATEGORY_EXPLANATIONS.values()],
        "techniques": [e.to_dict() for e in all_explanations()],
        "signals": [s.to_dict() for s in SIGNALS.values()],
    }
