"""Hand-written articles with genres and frames, for the article-model tests (no corpus text)."""

from __future__ import annotations

# (genre, frames, text): opinion pieces argue in the first person, reporting attributes and
# dates, satire reports the absurd with a straight face
ARTICLES: list[tuple[str, tuple[str, ...], str]] = [
    (
        "opinion",
        ("Crime_and_punishment", "Morality"),
        "I believe the thieves who looted our shops deserve the harshest prison terms. "
        "We cannot let crime go unpunished; it is a moral disgrace.",
    ),
    (
        "opinion",
        ("Political", "Morality"),
        "Our senator betrayed us. I am sick of politicians who lie to voters and call it "
        "politics. We deserve honest leaders, and I will vote them out.",
    ),
    (
        "opinion",
        ("Economic",),
        "Frankly, I think the new tax is madness. We will all pay more for bread and fuel, "
        "and our wages will shrink. I say scrap the tax now.",
    ),
    (
        "opinion",
        ("Crime_and_punishment",),
        "I have had enough of burglars walking free. We need judges who send criminals to "
        "prison, and I demand longer sentences for every thief.",
    ),
    (
        "opinion",
        ("Political",),
        "I am convinced the election was a farce. We watched politicians trade favours, and I "
        "refuse to trust a single party in parliament again.",
    ),
    (
        "opinion",
        ("Economic", "Morality"),
        "I think bankers who gamble our savings are immoral. We should cap their bonuses, and "
        "I would tax every reckless profit they make.",
    ),
    (
        "reporting",
        ("Crime_and_punishment",),
        "Police arrested two men on Tuesday after a robbery at a jewellery shop, a spokesman "
        "said. The suspects were charged with theft, according to court records.",
    ),
    (
        "reporting",
        ("Political",),
        "The parliament approved the budget on Wednesday by 210 votes to 190, officials said. "
        "The opposition party said it would challenge the vote, according to a statement.",
    ),
    (
        "reporting",
        ("Economic",),
        "The central bank raised interest rates by 0.25 points on Thursday, the bank said in a "
        "statement. Inflation reached 4.1 percent in March, according to official figures.",
    ),
    (
        "reporting",
        ("Crime_and_punishment", "Political"),
        "A court on Monday sentenced the former mayor to four years in prison for bribery, "
        "prosecutors said. His lawyer said he would appeal, according to local media.",
    ),
    (
        "reporting",
        ("Economic",),
        "Factory output rose 2 percent in April, the statistics office said on Friday. "
        "Exports grew for a third month, according to the trade ministry.",
    ),
    (
        "reporting",
        ("Political",),
        "The president met the prime minister on Sunday to discuss the coalition, a spokeswoman "
        "said. Talks will continue next week, officials told reporters.",
    ),
    (
        "satire",
        ("Political",),
        'Area man announces he has read an entire newspaper, astonishing experts. "I just kept '
        'turning the pages," said the hero, who is now expected to run for president.',
    ),
    (
        "satire",
        ("Economic",),
        "Nation's economists confirm money still exists, though nobody has seen any since "
        'Tuesday. "It is around somewhere," insisted a minister wearing three hats.',
    ),
    (
        "satire",
        ("Crime_and_punishment",),
        'Local burglar files complaint after homeowners fail to leave the door open. "Frankly '
        'it is rude," the visibly upset thief told a tearful crowd of pigeons.',
    ),
]
