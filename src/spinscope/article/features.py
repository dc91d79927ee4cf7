"""Article features computed with numpy alone: TF-IDF of words, and the tagger's signals.

:class:`TfidfFeaturizer` is a small re-implementation of scikit-learn's ``TfidfVectorizer``
with ``sublinear_tf=True``, ``smooth_idf=True`` and ``norm="l2"``: a term's weight is
``(1 + ln tf) * idf`` with ``idf = ln((1 + n) / (1 + df)) + 1``, and each row has unit length.
Terms are lower-cased word n-grams (:func:`terms`). The vocabulary and idf are learned by
:meth:`TfidfFeaturizer.fit` and stored as JSON, so analysing an article needs no scikit-learn.

:func:`tagger_features` turns the tagger's output for one article
(:class:`~spinscope.tagger.model.ArticleProbs`) into a fixed-length vector: the mean window
embedding, then per output column (``any`` and the 23 techniques) the mean and the maximum
word-piece probability and the share of word pieces above 0.5.

:func:`style_features` measures how a piece addresses its reader, in any of the six
languages: the share of its characters inside quoted speech, first- and second-person words,
reporting verbs ("said", "a déclaré", "sagte", ...), questions and exclamations, numbers,
sentence and paragraph length, and the form of its headline. Reports quote and attribute;
opinion says "I" and "we" and asks; satire mocks with quotes it invents.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from spinscope.errors import ModelError
from spinscope.tagger.labels import OUTPUTS

if TYPE_CHECKING:
    from spinscope.tagger.model import ArticleProbs

__all__ = [
    "STYLE_FEATURES",
    "TAGGER_AGGREGATES",
    "TfidfFeaturizer",
    "style_features",
    "tagger_feature_names",
    "tagger_features",
    "terms",
]

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

#: The per-column aggregates of the tagger's word-piece probabilities, in feature order.
TAGGER_AGGREGATES: tuple[str, ...] = ("mean", "max", "share_over_0.5")


def terms(text: str, ngram_max: int = 1) -> list[str]:
    """The lower-cased words of ``text`` (letters and digits, inner apostrophes kept), then n-grams.

    Curly apostrophes become straight ones, so "don’t" and "don't" are one term. n-grams of two
    or more words join the words with a space.
    """
    words = [w.replace("’", "'") for w in _WORD.findall(text.lower())]
    out = list(words)
    for n in range(2, ngram_max + 1):
        out.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return out


class TfidfFeaturizer:
    """TF-IDF vectors of word n-grams; fit on a corpus, then transform any text.

    Args:
        ngram_max: longest n-gram (1: words only, 2: words and word pairs).
        min_df: a term must occur in at least this many training articles.
        max_features: keep the terms found in most articles, at most this many.

    """

    def __init__(self, ngram_max: int = 1, min_df: int = 2, max_features: int | None = None):
        self.ngram_max = ngram_max
        self.min_df = min_df
        self.max_features = max_features
        self.vocabulary: dict[str, int] = {}
        self.idf: npt.NDArray[np.float32] = np.zeros(0, dtype=np.float32)

    def fit(self, texts: Sequence[str]) -> TfidfFeaturizer:
        """Learn the vocabulary and idf from ``texts``."""
        df: Counter[str] = Counter()
        for text in texts:
            df.update(set(terms(text, self.ngram_max)))
        kept = [(t, n) for t, n in df.items() if n >= self.min_df]
        # most frequent first, ties alphabetical: a stable choice whatever the input order
        kept.sort(key=lambda tn: (-tn[1], tn[0]))
        if self.max_features is not None:
            kept = kept[: self.max_features]
        kept.sort()
        self.vocabulary = {t: i for i, (t, _) in enumerate(kept)}
        n = len(texts)
        self.idf = np.array([math.log((1 + n) / (1 + c)) + 1.0 for _, c in kept], dtype=np.float32)
        return self

    @property
    def size(self) -> int:
        """The number of features (terms in the vocabulary)."""
        return len(self.vocabulary)

    def transform(self, texts: Iterable[str]) -> npt.NDArray[np.float32]:
        """One L2-normalised TF-IDF row per text (dense, ``(len(texts), size)``)."""
        rows = []
        for text in texts:
            row = np.zeros(self.size, dtype=np.float32)
            counts = Counter(
                i for i in map(self.vocabulary.get, terms(text, self.ngram_max)) if i is not None
            )
            if counts:
                idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
                tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
                row[idx] = (1.0 + np.log(tf)) * self.idf[idx]
                norm = float(np.linalg.norm(row))
                if norm > 0:
                    row /= norm
            rows.append(row)
        return np.stack(rows) if rows else np.zeros((0, self.size), dtype=np.float32)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (terms in feature order, with their idf)."""
        order = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        return {
            "ngram_max": self.ngram_max,
            "min_df": self.min_df,
            "max_features": self.max_features,
            "terms": order,
            "idf": [round(float(v), 5) for v in self.idf],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TfidfFeaturizer:
        """Inverse of :meth:`to_dict`; raise :class:`ModelError` if it is inconsistent."""
        try:
            out = cls(int(data["ngram_max"]), int(data["min_df"]), data.get("max_features"))
            names = [str(t) for t in data["terms"]]
            out.idf = np.asarray(data["idf"], dtype=np.float32)
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"the TF-IDF vocabulary is corrupt ({exc!r})") from None
        if len(names) != len(out.idf) or len(set(names)) != len(names):
            raise ModelError(
                f"the TF-IDF vocabulary is corrupt: {len(names)} terms but {len(out.idf)} idf "
                "values, or a term listed twice"
            )
        out.vocabulary = {t: i for i, t in enumerate(names)}
        return out


def tagger_feature_names(embedding_size: int) -> list[str]:
    """The names of :func:`tagger_features`' columns, for a model with that embedding size."""
    names = [f"embedding/{i}" for i in range(embedding_size)]
    names += [f"{agg}/{col}" for agg in TAGGER_AGGREGATES for col in OUTPUTS]
    return names


def tagger_features(probs: ArticleProbs) -> npt.NDArray[np.float32]:
    """The tagger's article vector: mean window embedding, then probability aggregates.

    Raises :class:`ModelError` when the tagger model has no embedding output.
    """
    if probs.embedding is None:
        raise ModelError(
            "the tagger model has no window-embedding output ('pooled'), which the article "
            "models need. Re-export the tagger with spinscope train, or use the TF-IDF models."
        )
    p = probs.probs
    if len(p) == 0:
        p = np.zeros((1, len(OUTPUTS)), dtype=np.float32)
    parts = [probs.embedding.astype(np.float32), p.mean(0), p.max(0), (p > 0.5).mean(0)]
    return np.concatenate(parts).astype(np.float32)


# Word lists of the six languages, written by hand for spinscope (lower case; English "I" is
# matched before lower-casing, since Italian "i" is an article).
_FIRST_SINGULAR = frozenset(
    "me my mine myself je j' moi mon ma mes ich mich mir mein meine meinen meinem meiner io "
    "mio mia miei mie ja mnie mój moja moje mojego mi я меня мне мой моя моё мои".split()
)
_FIRST_PLURAL = frozenset(
    "we us our ours ourselves nous notre nos wir uns unser unsere unseren unserem unserer noi "
    "nostro nostra nostri nostre my nas nasz nasza nasze naszego nam мы нас нам наш наша наше "
    "наши".split()
)
_SECOND = frozenset(
    "you your yours yourself tu toi ton ta tes vous votre vos du dich dir dein deine euch euer "
    "eure voi tuo tua tuoi vostro vostra ty ciebie twój twoja wy wasz wasza ты тебя тебе твой "
    "вы вас вам ваш ваша".split()
)
_REPORTING = frozenset(
    "said says told according stated announced reported confirmed declared added dit déclaré "
    "affirmé selon annoncé indiqué précisé ajouté sagte sagt laut erklärte teilte berichtete "
    "bestätigte detto dichiarato secondo affermato annunciato spiegato riferito powiedział "
    "powiedziała według oświadczył poinformował przekazał dodał сказал сказала заявил заявила "
    "сообщил сообщила словам отметил добавил".split()
)
_STYLE_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+(?:[.,]\d+)*")

#: The names of :func:`style_features`' columns, in order.
STYLE_FEATURES: tuple[str, ...] = (
    "log_words",
    "log_paragraphs",
    "words_per_sentence",
    "quoted_speech_share",
    "scare_quotes_per_100_words",
    "first_singular_per_100_words",
    "first_plural_per_100_words",
    "second_person_per_100_words",
    "reporting_verbs_per_100_words",
    "questions_per_sentence",
    "exclamations_per_sentence",
    "numbers_per_100_words",
    "capitalised_share",
    "headline_question",
    "headline_colon_or_quote",
)


def style_features(text: str) -> npt.NDArray[np.float32]:
    """How ``text`` addresses its reader: the :data:`STYLE_FEATURES`, as one float32 row."""
    from spinscope.segment import paragraphs, sentences
    from spinscope.signals.quotes import find_quotations

    tokens = _STYLE_WORD.findall(text)
    words = [t for t in tokens if not t[0].isdigit()]
    n = max(1, len(words))
    lower = [w.lower().replace("’", "'") for w in words]
    n_sent = max(1, len(sentences(text)))
    quotes = find_quotations(text)
    speech = sum(q.end - q.start for q in quotes if q.kind == "speech")
    scare = sum(1 for q in quotes if q.kind != "speech")
    headline = text.lstrip().split("\n", 1)[0].strip()
    per100 = 100.0 / n
    row = [
        math.log1p(len(words)),
        math.log1p(len(paragraphs(text))),
        min(len(words) / n_sent, 80.0),
        speech / max(1, len(text)),
        scare * per100,
        (sum(w in _FIRST_SINGULAR for w in lower) + words.count("I")) * per100,
        sum(w in _FIRST_PLURAL for w in lower) * per100,
        sum(w in _SECOND for w in lower) * per100,
        sum(w in _REPORTING for w in lower) * per100,
        text.count("?") / n_sent,
        text.count("!") / n_sent,
        (len(tokens) - len(words)) * per100,
        sum(w[0].isupper() for w in words) / n,
        float(headline.endswith("?")),
        float(any(c in headline for c in ':"«»“”„')),
    ]
    return np.asarray(row, dtype=np.float32)
