"""A transparent, rule-based technique detector: the yardstick next to the trained model.

Nothing here is learned. Each span comes from one rule, and ``Span.meta`` says which rule
fired and why (``rule``, ``evidence``), so the baseline also serves as explainable evidence.

Rules (names as in :data:`RULES`):

* ``repetition`` -- a phrase of 1-5 words that holds a charged word (a lexicon match) and
  occurs at least ``min_repeats`` times in the article: the later occurrences are Repetition
  (CyberWallE, aschern). Longer phrases are taken first; capitalised names are skipped.
* ``scare_quotes`` -- a quoted phrase of 1-3 words that is not reported speech (no speech
  verb just before or after it) -> Name_Calling-Labeling, quote marks included.
* ``rhetorical_question`` -- a sentence of four or more words ending in ``?`` outside quoted
  speech -> Doubt. Reader polls are skipped.
* ``loaded_language``, ``name_calling``, ``flag_waving``, ``fear``, ``exaggeration``,
  ``doubt``, ``slogans`` -- hand-written lexicons under ``spinscope/resources/lexicons/``; the
  slogan rule also takes hashtags and short all-capitals exclamations.

Hits of one rule that touch ("utterly disgraceful") are merged into one span. Each rule's
``score`` is a fixed prior: the share of its characters that fell inside a gold span of its
technique on the SemEval-2023 English training articles (not the dev articles).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from spinscope.coverage import Coverage
from spinscope.detectors.base import BaseDetector, check_spans
from spinscope.document import Document, Span
from spinscope.errors import InputError
from spinscope.segment import paragraphs, sentences
from spinscope.taxonomy import category_of

__all__ = ["DEFAULT_RULES", "PRECISE_RULES", "RULES", "BaselineDetector", "load_lexicon"]

#: Every rule the baseline knows, in the order they run.
RULES: tuple[str, ...] = (
    "repetition",
    "scare_quotes",
    "rhetorical_question",
    "loaded_language",
    "name_calling",
    "flag_waving",
    "fear",
    "exaggeration",
    "doubt",
    "slogans",
)

#: The rules a default :class:`BaselineDetector` runs: each raised SI and FLC F1 on the dev
#: split (removing any one lowered both, or left them equal).
DEFAULT_RULES: tuple[str, ...] = RULES

#: A higher-precision subset for evidence display: drops the rules whose spans were mostly
#: outside the gold spans of their technique (scare quotes, questions, exaggeration cues).
PRECISE_RULES: tuple[str, ...] = (
    "repetition",
    "loaded_language",
    "name_calling",
    "flag_waving",
    "fear",
    "doubt",
    "slogans",
)

#: Lexicon rules: rule -> (resource file, technique).
_LEXICON_RULES: dict[str, tuple[str, str]] = {
    "loaded_language": ("loaded_words.txt", "Loaded_Language"),
    "name_calling": ("name_calling.txt", "Name_Calling-Labeling"),
    "flag_waving": ("flag_waving.txt", "Flag_Waving"),
    "fear": ("fear.txt", "Appeal_to_Fear-Prejudice"),
    "exaggeration": ("exaggeration.txt", "Exaggeration-Minimisation"),
    "doubt": ("doubt.txt", "Doubt"),
    "slogans": ("slogans.txt", "Slogans"),
}

#: Fixed score of each rule's spans (see the module docstring).
_SCORES: dict[str, float] = {
    "repetition": 0.14,
    "scare_quotes": 0.10,
    "rhetorical_question": 0.16,
    "loaded_language": 0.39,
    "name_calling": 0.34,
    "flag_waving": 0.42,
    "fear": 0.17,
    "exaggeration": 0.18,
    "doubt": 0.39,
    "slogans": 0.19,
}

#: Scores of the span-level tests of :meth:`BaselineDetector.classify`.
_SPAN_SCORES: dict[str, float] = {
    "repeated_span": 0.63,
    "question_span": 0.66,
    "hashtag_span": 0.75,
}

_SCARE_QUOTE_TECHNIQUE = "Name_Calling-Labeling"
_FALLBACK_TECHNIQUE = "Loaded_Language"

_WORD = re.compile(r"\w+(?:['’]\w+)*")
_WORD_AND_GAP = re.compile(r"(\w+(?:['’]\w+)*)(\W*)")
# A repeated phrase may not run across sentence punctuation, quotes, brackets or lines.
_BREAK = re.compile(r"[.!?;:\n\"“”‘’()\[\]]|'(?!\w)")
_TOUCH = re.compile(r"[ \t\-]{1,2}")
_CACHE_SIZE = 100_000  # words whose lexicon candidates the matcher remembers
_HASHTAG = re.compile(r"(?<![\w#])#[A-Za-z]\w{2,}")
_CAPS_EXCLAMATION = re.compile(r"(?<!\w)[A-Z][A-Z'’]+(?:[ ,]+[A-Z][A-Z'’]*){1,7}\s*!+")


@dataclass(frozen=True)
class _Hit:
    """One rule firing on ``[start, end)``."""

    start: int
    end: int
    technique: str
    rule: str
    evidence: str

    @property
    def score(self) -> float:
        return _SCORES[self.rule]


def _gap_kind(gap: str) -> tuple[bool, bool]:
    """Classify the text between two words.

    Returns whether the two words may join into one lexicon phrase and whether a repeated
    phrase has to stop there.
    """
    return (bool(gap) and not gap.strip(" \t-"), _BREAK.search(gap) is not None)


_GAP_KINDS: dict[str, tuple[bool, bool]] = {}


@dataclass(frozen=True)
class _Tokens:
    """Words of a text: offsets, normalised forms, and which may join into one phrase."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    norms: tuple[str, ...]
    joinable: tuple[bool, ...]  # word i and word i + 1 may belong to one lexicon phrase
    segment: tuple[int, ...]  # no repeated phrase crosses a segment boundary

    @classmethod
    def of(cls, text: str) -> _Tokens:
        """Tokenise ``text`` into words (letters, digits, inner apostrophes)."""
        starts: list[int] = []
        ends: list[int] = []
        norms: list[str] = []
        joinable: list[bool] = []
        segment: list[int] = []
        first = _WORD.search(text)
        if first is None:
            return cls((), (), (), (), ())
        pos = first.start()
        seg = 0
        breaks = False
        # Word and gap pairs tile the text from the first word on, so offsets are running sums.
        for word, gap in _WORD_AND_GAP.findall(text, pos):
            if breaks:
                seg += 1
            starts.append(pos)
            pos += len(word)
            ends.append(pos)
            pos += len(gap)
            norms.append(word.lower().replace("’", "'"))
            kind = _GAP_KINDS.get(gap)
            if kind is None:
                kind = _gap_kind(gap)
                if len(_GAP_KINDS) < _CACHE_SIZE:
                    _GAP_KINDS[gap] = kind
            joins, breaks = kind
            joinable.append(joins)
            segment.append(seg)
        joinable[-1] = False
        return cls(tuple(starts), tuple(ends), tuple(norms), tuple(joinable), tuple(segment))

    def __len__(self) -> int:
        return len(self.starts)


def load_lexicon(filename: str) -> tuple[str, ...]:
    """The entries of a lexicon file under ``spinscope/resources/lexicons/``, in file order.

    Blank lines and lines starting with ``#`` are skipped; entries are lowercased.
    """
    try:
        raw = (
            resources.files("spinscope")
            .joinpath("resources")
            .joinpath("lexicons")
            .joinpath(filename)
            .read_text(encoding="utf-8")
        )
    except FileNotFoundError:
        raise InputError(
            f"lexicon {filename!r} is missing from spinscope/resources/lexicons/; "
            "reinstall spinscope"
        ) from None
    lines = (line.strip().lower() for line in raw.splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


@dataclass(frozen=True)
class _Entry:
    rule: str
    text: str
    words: tuple[str, ...]  # normalised words after the first
    prefix: bool  # the last word is a prefix ("slaughter*")


class _Matcher:
    """Finds lexicon phrases in :class:`_Tokens`, all lexicons in one pass."""

    def __init__(self, lexicons: Mapping[str, Iterable[str]]) -> None:
        self._first: dict[str, list[_Entry]] = defaultdict(list)
        self._first_prefix: dict[str, list[_Entry]] = defaultdict(list)
        for rule, entries in lexicons.items():
            for text in entries:
                prefix = text.endswith("*")
                words = tuple(w.replace("’", "'") for w in _WORD.findall(text.rstrip("*")))
                if not words:
                    continue
                entry = _Entry(rule, text, words[1:], prefix)
                if prefix and len(words) == 1:
                    self._first_prefix[words[0]].append(entry)
                else:
                    self._first[words[0]].append(entry)
        self._prefix_lengths = sorted({len(p) for p in self._first_prefix})
        self._cache: dict[str, list[_Entry]] = {}

    def _candidates(self, word: str) -> list[_Entry]:
        out = list(self._first.get(word, ()))
        for k in self._prefix_lengths:
            if k > len(word):
                break
            out.extend(self._first_prefix.get(word[:k], ()))
        return out

    def find(self, toks: _Tokens) -> list[tuple[int, int, _Entry]]:
        """Lexicon matches as ``(first word, last word + 1, entry)``.

        At each word the longest entry of each rule wins; a match that overlaps an earlier
        match of the same rule is dropped.
        """
        cache = self._cache
        if len(cache) > _CACHE_SIZE:
            cache.clear()
        best: dict[str, list[tuple[int, int, _Entry]]] = defaultdict(list)
        norms = toks.norms
        n = len(toks)
        for i in range(n):
            word = norms[i]
            cands = cache.get(word)
            if cands is None:
                cands = cache[word] = self._candidates(word)
            if not cands:
                continue
            at: dict[str, tuple[int, int, _Entry]] = {}
            for entry in cands:
                j = i + 1 + len(entry.words)
                if j > n or not all(toks.joinable[i : j - 1]):
                    continue
                rest = norms[i + 1 : j]
                if entry.prefix and entry.words:
                    ok = rest[:-1] == entry.words[:-1] and rest[-1].startswith(entry.words[-1])
                else:
                    ok = rest == entry.words
                if ok and (entry.rule not in at or j > at[entry.rule][1]):
                    at[entry.rule] = (i, j, entry)
            for rule, match in at.items():
                kept = best[rule]
                if kept and kept[-1][1] > i:
                    continue  # overlaps an earlier, already kept match of the same rule
                kept.append(match)
        return [m for matches in best.values() for m in matches]


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return frozenset(load_lexicon("stopwords.txt"))


@lru_cache(maxsize=1)
def _speech_before() -> re.Pattern[str]:
    verbs = "|".join(re.escape(v) for v in sorted(load_lexicon("speech_verbs.txt"), key=len))
    # "... said", "... told reporters", "... said that", "... said:" right before the quote
    return re.compile(rf"\b(?:{verbs})\b(?:\s+\w+){{0,2}}?[\s,:]*(?:that\s+)?$", re.IGNORECASE)


@lru_cache(maxsize=1)
def _speech_after() -> re.Pattern[str]:
    verbs = "|".join(re.escape(v) for v in sorted(load_lexicon("speech_verbs.txt"), key=len))
    # a quotation followed by ", he said" / "said Smith"
    return re.compile(rf"^[\s,]*(?:\w+\s+){{0,2}}(?:{verbs})\b", re.IGNORECASE)


def _quoted_regions(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Quotations inside ``text[start:end]`` (one paragraph), quote marks included.

    Curly double quotes pair “ with the next ”; straight double quotes pair in order; an
    unclosed quotation runs to the end of the paragraph (news quotes spanning paragraphs).
    """
    out: list[tuple[int, int]] = []
    i = start
    while (i := text.find("“", i, end)) != -1:
        j = text.find("”", i + 1, end)
        close = end if j == -1 else j + 1
        out.append((i, close))
        i = close
    straight = [k for k in range(start, end) if text[k] == '"']
    for a in range(0, len(straight), 2):
        b = straight[a + 1] + 1 if a + 1 < len(straight) else end
        out.append((straight[a], b))
    i = start
    while (i := text.find("‘", i, end)) != -1:
        j = i + 1
        while (j := text.find("’", j, end)) != -1 and j + 1 < end and text[j + 1].isalnum():
            j += 1  # an apostrophe inside a word, not the closing quote
        if j == -1:
            break
        out.append((i, j + 1))
        i = j + 1
    out.sort()
    return out


_CLOSING = {"“": "”", '"': '"', "‘": "’", "'": "'"}
_MIN_QUESTION_WORDS = 4
_POLL = re.compile(r"\bpoll\b", re.IGNORECASE)
_SINGLE_QUOTED = re.compile(r"(?<![\w'])'(\w[^'\n]{0,40}?)'(?!\w)")


class BaselineDetector(BaseDetector):
    """Rule-based technique spans with evidence; see the module docstring for the rules.

    Parameters are stored as given; lexicons load on first use or with :meth:`load`.

    Args:
        rules: the rules to run (a subset of :data:`RULES`); default :data:`DEFAULT_RULES`.
        min_repeats: occurrences a phrase needs in the article to count as Repetition.
        max_ngram: the longest repeated phrase considered, in words.

    """

    name = "baseline"
    #: the lexicons and patterns are English
    languages: tuple[str, ...] = ("en",)

    def __init__(
        self,
        rules: Iterable[str] | None = None,
        min_repeats: int = 2,
        max_ngram: int = 5,
    ) -> None:
        self.rules: tuple[str, ...] = DEFAULT_RULES if rules is None else tuple(rules)
        unknown = [r for r in self.rules if r not in RULES]
        if unknown:
            raise InputError(
                f"baseline: unknown rule(s) {', '.join(map(repr, unknown))}; "
                f"choose from {', '.join(RULES)}"
            )
        if min_repeats < 2:
            raise InputError(f"baseline: min_repeats must be at least 2, got {min_repeats}")
        if max_ngram < 1:
            raise InputError(f"baseline: max_ngram must be at least 1, got {max_ngram}")
        self.min_repeats = min_repeats
        self.max_ngram = max_ngram
        self._matcher: _Matcher | None = None

    def __repr__(self) -> str:
        return (
            f"BaselineDetector(rules={self.rules!r}, min_repeats={self.min_repeats}, "
            f"max_ngram={self.max_ngram})"
        )

    @property
    def coverage(self) -> Coverage:
        """The techniques this detector's rules can output (their dev precision unmeasured)."""
        techniques = {_rule_technique(rule) for rule in self.rules}
        return Coverage.unmeasured(self.name, tuple(sorted(techniques)))

    def load(self) -> BaselineDetector:
        """Read the lexicons (once); returns ``self``."""
        self._lexicon_matcher()
        return self

    def _lexicon_matcher(self) -> _Matcher:
        # Every lexicon is read, also for rules that are off: they define "charged" words.
        if self._matcher is None:
            self._matcher = _Matcher(
                {rule: load_lexicon(fname) for rule, (fname, _) in _LEXICON_RULES.items()}
            )
        return self._matcher

    # -- the component interface ------------------------------------------------------------

    def predict(self, docs: Sequence[Document]) -> list[list[Span]]:
        """Technique spans for each document, sorted; ``meta`` has rule and evidence."""
        return [[self._span(hit) for hit in self._hits(doc.text)] for doc in docs]

    def classify(self, doc: Document, spans: Sequence[tuple[int, int]]) -> list[str]:
        """For each span, the technique of the best-scoring rule firing inside it.

        Candidates are the article's rule hits that overlap the span (ties go to the larger
        overlap) and three tests on the span itself: its text occurred earlier in the article
        (Repetition), it ends with a question mark (Doubt), it is a hashtag (Slogans). With
        nothing firing, the most frequent technique in training, Loaded_Language.
        """
        check_spans(doc, spans)
        text = doc.text
        hits = self._hits(text)
        out: list[str] = []
        for start, end in spans:
            best: tuple[float, int, str] | None = None
            for rule, technique in self._span_rules(text, start, end):
                key = (_SPAN_SCORES[rule], end - start, technique)
                if best is None or key[:2] > best[:2]:
                    best = key
            for hit in hits:
                if hit.start >= end:
                    break
                overlap = min(end, hit.end) - max(start, hit.start)
                if overlap <= 0:
                    continue
                key = (hit.score, overlap, hit.technique)
                if best is None or key[:2] > best[:2]:
                    best = key
            out.append(_FALLBACK_TECHNIQUE if best is None else best[2])
        return out

    def _span_rules(self, text: str, start: int, end: int) -> list[tuple[str, str]]:
        """``(rule, technique)`` for the span-level tests that ``text[start:end]`` passes."""
        fired: list[tuple[str, str]] = []
        covered = text[start:end]
        end -= len(covered) - len(covered.rstrip())
        phrase = covered.strip().lower()
        # an occurrence inside text[: end - 1] ends before the span does, so it is another one
        if "repetition" in self.rules and len(phrase) > 2 and phrase in text[: end - 1].lower():
            fired.append(("repeated_span", "Repetition"))
        body = text[start:end].rstrip("\"”’')] ")
        if "rhetorical_question" in self.rules and body.endswith("?"):
            fired.append(("question_span", "Doubt"))
        if "slogans" in self.rules and text.startswith("#", start):
            fired.append(("hashtag_span", "Slogans"))
        return fired

    # -- rules -------------------------------------------------------------------------------

    def _span(self, hit: _Hit) -> Span:
        return Span(
            hit.start,
            hit.end,
            hit.technique,
            hit.score,
            self.name,
            {"category": category_of(hit.technique), "rule": hit.rule, "evidence": hit.evidence},
        )

    def _hits(self, text: str) -> list[_Hit]:
        """All rule hits in ``text``, sorted by position."""
        if not text.strip():
            return []
        toks = _Tokens.of(text)
        matches = self._lexicon_matcher().find(toks)
        hits: list[_Hit] = []
        if "repetition" in self.rules:
            charged = [False] * len(toks)
            for i, j, _ in matches:
                charged[i:j] = [True] * (j - i)
            hits += self._repetition(text, toks, charged)
        if "scare_quotes" in self.rules or "rhetorical_question" in self.rules:
            quoted = [q for p in paragraphs(text) for q in _quoted_regions(text, p.start, p.end)]
            if "scare_quotes" in self.rules:
                hits += self._scare_quotes(text, quoted)
            if "rhetorical_question" in self.rules:
                hits += self._questions(text, quoted)
        hits += self._lexicons(text, toks, matches)
        if "slogans" in self.rules:
            hits += self._slogan_patterns(text)
        return _dedupe(text, hits)

    def _repetition(self, text: str, toks: _Tokens, charged: list[bool]) -> list[_Hit]:
        """Later occurrences of repeated phrases that hold a charged (lexicon) word.

        Measured on the dev split: counting every repeated content phrase flagged many
        neutral repeats (names, topics) and cost more precision than it gained recall.
        """
        stop = _stopwords()
        norms = toks.norms
        n = len(toks)
        content = [w not in stop and not w.isdigit() and len(w) > 1 for w in norms]
        covered = [False] * n
        hits: list[_Hit] = []
        for size in range(min(self.max_ngram, n), 0, -1):
            where: dict[tuple[str, ...], list[int]] = defaultdict(list)
            for i in range(n - size + 1):
                j = i + size - 1
                if toks.segment[i] != toks.segment[j] or not (content[i] and content[j]):
                    continue
                if any(charged[i : j + 1]):
                    where[norms[i : j + 1]].append(i)
            for phrase, starts in where.items():
                if len(starts) < self.min_repeats:
                    continue
                if size > 1 and _is_name(text, toks, starts[0], size):
                    continue
                first = toks.starts[starts[0]]
                for i in starts[1:]:
                    if any(covered[i : i + size]):
                        continue
                    covered[i : i + size] = [True] * size
                    said = " ".join(phrase)
                    hits.append(
                        _Hit(
                            toks.starts[i],
                            toks.ends[i + size - 1],
                            "Repetition",
                            "repetition",
                            f"'{said}' occurs {len(starts)} times in the article; "
                            f"first at character {first}",
                        )
                    )
        return hits

    def _scare_quotes(self, text: str, quoted: list[tuple[int, int]]) -> list[_Hit]:
        regions = list(quoted)
        regions += [m.span() for m in _SINGLE_QUOTED.finditer(text)]
        before = _speech_before()
        after = _speech_after()
        hits: list[_Hit] = []
        for start, end in regions:
            inner = text[start + 1 : end - 1]
            words = inner.split()
            if not (1 <= len(words) <= 3) or not inner[:1].isalnum() or end - start < 4:
                continue
            if text[end - 1] != _CLOSING.get(text[start]) or inner[-1] in ",.!?;:":
                continue  # unclosed, or a fragment of reported speech ("No," he said)
            if before.search(text, max(0, start - 40), start) or after.match(text[end : end + 40]):
                continue
            hits.append(
                _Hit(
                    start,
                    end,
                    _SCARE_QUOTE_TECHNIQUE,
                    "scare_quotes",
                    f"{text[start:end]} is a short quotation not introduced as reported speech",
                )
            )
        return hits

    def _questions(self, text: str, quoted: list[tuple[int, int]]) -> list[_Hit]:
        hits: list[_Hit] = []
        for sent in sentences(text):
            body = text[sent.start : sent.end].rstrip("\"”’')] ")
            if not body.endswith("?"):
                continue
            mark = sent.start + len(body) - 1
            if any(a <= mark < b for a, b in quoted):
                continue
            # One-to-three-word questions ("Really?", "The result?") and reader polls were
            # mostly unannotated on the training articles.
            if len(body.split()) < _MIN_QUESTION_WORDS or _POLL.search(body):
                continue
            hits.append(
                _Hit(
                    sent.start,
                    sent.end,
                    "Doubt",
                    "rhetorical_question",
                    "the sentence is a question outside quoted speech",
                )
            )
        return hits

    def _lexicons(
        self, text: str, toks: _Tokens, matches: list[tuple[int, int, _Entry]]
    ) -> list[_Hit]:
        hits: list[_Hit] = []
        for i, j, entry in matches:
            if entry.rule not in self.rules:
                continue
            technique = _LEXICON_RULES[entry.rule][1]
            start, end = toks.starts[i], toks.ends[j - 1]
            hits.append(
                _Hit(
                    start,
                    end,
                    technique,
                    entry.rule,
                    f"'{text[start:end]}' matches '{entry.text}' in the {entry.rule} lexicon",
                )
            )
        return hits

    def _slogan_patterns(self, text: str) -> list[_Hit]:
        hits = [
            _Hit(m.start(), m.end(), "Slogans", "slogans", f"'{m.group()}' is a hashtag")
            for m in _HASHTAG.finditer(text)
        ]
        for m in _CAPS_EXCLAMATION.finditer(text):
            hits.append(
                _Hit(
                    m.start(),
                    m.end(),
                    "Slogans",
                    "slogans",
                    f"'{m.group()}' is a short all-capitals exclamation",
                )
            )
        return hits


def _rule_technique(rule: str) -> str:
    """The technique a rule's spans get."""
    if rule in _LEXICON_RULES:
        return _LEXICON_RULES[rule][1]
    return {
        "repetition": "Repetition",
        "scare_quotes": _SCARE_QUOTE_TECHNIQUE,
        "rhetorical_question": "Doubt",
    }[rule]


def _is_name(text: str, toks: _Tokens, i: int, size: int) -> bool:
    """Whether words ``i .. i + size`` are all capitalised in ``text`` (a proper name)."""
    return all(text[toks.starts[k]].isupper() for k in range(i, i + size))


def _dedupe(text: str, hits: list[_Hit]) -> list[_Hit]:
    """Sorted hits, one per technique and range (the best score kept).

    Hits of one rule that touch (only spaces or a hyphen between them, as in "utterly
    disgraceful") are merged.
    """
    best: dict[tuple[int, int, str], _Hit] = {}
    for hit in hits:
        key = (hit.start, hit.end, hit.technique)
        if key not in best or hit.score > best[key].score:
            best[key] = hit
    merged: list[_Hit] = []
    for hit in sorted(best.values(), key=lambda h: (h.rule, h.technique, h.start, h.end)):
        last = merged[-1] if merged else None
        if (
            last is not None
            and (last.rule, last.technique) == (hit.rule, hit.technique)
            and last.end <= hit.start
            and _TOUCH.fullmatch(text, last.end, hit.start)
        ):
            merged[-1] = _Hit(
                last.start, hit.end, last.technique, last.rule, f"{last.evidence}; {hit.evidence}"
            )
        else:
            merged.append(hit)
    return sorted(merged, key=lambda h: (h.start, h.end, h.technique))
