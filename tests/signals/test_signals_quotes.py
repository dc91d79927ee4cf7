from __future__ import annotations

import pytest

from spinscope.signals.quotes import find_quotations, quotation_covering


def kinds(text: str) -> list[tuple[str, str, str | None]]:
    return [(q.kind, text[q.start : q.end], q.speaker) for q in find_quotations(text)]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "“When talks began, the envoy stressed the risks”, –  reads the statement.",
            "the statement",
        ),
        ("“We will rebuild the pier,” said Mayor Ilse Vandermeer.", "Mayor Ilse Vandermeer"),
        ("“We will rebuild the pier,” she said.", "she"),
        ("“No,” Vandermeer told reporters.", "Vandermeer"),
        ("The minister said: “The budget is balanced and fair.”", "The minister"),
        ("According to the ministry, “the plan failed badly”.", "the ministry"),
        (
            "“The plan is a catastrophe”, reads the statement of the fishermen's union.",
            "the statement of the fishermen's union",
        ),
        ("“It failed,” the ministry said on Tuesday.", "the ministry"),
    ],
)
def test_attributed_speech(text: str, speaker: str) -> None:
    (q,) = find_quotations(text)
    assert q.kind == "speech"
    assert q.speaker == speaker
    assert q.speaker_start is not None and q.speaker_end is not None
    assert text[q.speaker_start : q.speaker_end] == speaker
    assert q.cue and speaker in q.cue


def test_long_unattributed_quotation_is_speech_without_speaker() -> None:
    text = "Residents were clear. “We have waited ten years for a bridge and we are tired.”"
    (q,) = find_quotations(text)
    assert (q.kind, q.speaker) == ("speech", None)


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("Local radio praised the “peaceful” crowd.", "“peaceful”"),
        ("A committee for “power transit” was formed.", "“power transit”"),
        ("The so-called 'reform' is a joke.", "'reform'"),
        ('The "experts" were wrong again.', '"experts"'),
        ("The council's ‘consultation’ lasted a day.", "‘consultation’"),
    ],
)
def test_scare_quotes(text: str, quoted: str) -> None:
    assert kinds(text) == [("scare", quoted, None)]


@pytest.mark.parametrize(
    "text", ["He read “War and Peace” twice.", "The channel “Harbour Watch” reported it."]
)
def test_titles_are_neither_speech_nor_scare(text: str) -> None:
    assert [k for k, _, _ in kinds(text)] == ["title"]


def test_apostrophes_are_not_quotes() -> None:
    assert find_quotations("It's the mayor's plan and the town's choice, isn't it?") == ()


def test_unclosed_quote_runs_to_end_of_paragraph() -> None:
    text = "“We will rebuild the pier and the bridge before winter\nNext paragraph."
    (q,) = find_quotations(text)
    assert q.end == text.index("\n")
    assert q.kind == "speech"


def test_quotation_covering() -> None:
    text = "“This is a disgraceful attack on our town,” said the mayor. A shameful day."
    quotes = find_quotations(text)
    inside = text.index("disgraceful")
    assert quotation_covering(quotes, inside, inside + 11) is quotes[0]
    outside = text.index("shameful")
    assert quotation_covering(quotes, outside, outside + 8) is None
    # mostly outside the quotation: the author's voice
    assert quotation_covering(quotes, text.index("town"), text.index("mayor")) is None


def test_to_dict(harbour_text: str) -> None:
    for q in find_quotations(harbour_text):
        d = q.to_dict(harbour_text)
        assert d["text"] == harbour_text[q.start : q.end]
        assert d["kind"] in ("speech", "scare", "title")


HARDIN = (
    "“We will not back down,” said Mayor Jane Hardin. “They are traitors and cowards.”\n"
    "“Nobody elected them.”\n"
    "Hardin spoke for an hour. “I love this city,” she said.\n"
    "Councilman Bob Reyes disagreed. “This is nonsense,” he said.\n"
)


def speakers(text: str) -> list[tuple[str, str | None]]:
    return [(text[q.start : q.end], q.speaker) for q in find_quotations(text) if q.kind == "speech"]


def test_a_quotation_continued_after_its_attribution_keeps_the_speaker() -> None:
    found = speakers(HARDIN)
    assert found[1] == ("“They are traitors and cowards.”", "Mayor Jane Hardin")
    # a quotation opening the next paragraph continues it too
    assert found[2] == ("“Nobody elected them.”", "Mayor Jane Hardin")
    continued = find_quotations(HARDIN)[1]
    assert HARDIN[continued.speaker_start : continued.speaker_end] == "Mayor Jane Hardin"


def test_pronouns_resolve_to_the_last_named_speaker_only_when_unambiguous() -> None:
    found = dict(speakers(HARDIN))
    assert found["“I love this city,”"] == "Mayor Jane Hardin"
    # Bob Reyes is named in between: "he" stays "he"
    assert found["“This is nonsense,”"] == "he"


def test_narration_between_quotations_breaks_the_continuation() -> None:
    text = "Hardin said: “We will win.” Then the crowd went home. “Really?” asked one man."
    assert speakers(text) == [("“We will win.”", "Hardin"), ("“Really?”", None)]
    direct = "Hardin said: “We will win.” “Nobody stops us.”"
    assert speakers(direct)[1] == ("“Nobody stops us.”", "Hardin")


def test_two_named_speakers_leave_the_pronoun_alone() -> None:
    text = "“Yes,” said Anna Berg. “No,” said Carl Holm.\n“We disagree on everything,” she said.\n"
    assert speakers(text)[-1] == ("“We disagree on everything,”", "she")
