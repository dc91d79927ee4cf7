"""Compare two to four articles about one story: what each says that the others do not, and how.

Each article is analysed as ``spinscope analyze`` would (:class:`~spinscope.analyzer.Analyzer`);
its sentences are embedded across languages (:mod:`spinscope.comparison.encoder`) and matched one
to one with the sentences of every other article: a pair is kept when its cosine reaches
:data:`DEFAULT_THRESHOLD` (tuned on hand-built pairs, see ``benchmarks/compare_threshold.py``),
best pairs first, each sentence used at most once per other article. Sentences of fewer than
:data:`MIN_SENTENCE_WORDS` words (bylines, datelines) are not aligned.

For each aligned pair, a likely technique span in one sentence whose counterpart has no span
of the same technique is a :class:`~spinscope.comparison.model.WordingDifference`: in one
language the words that replace it are traced with :mod:`difflib`; across languages the
counterpart sentence is given whole. Two articles that share few sentences and have no
sentence pair close to the threshold get a ``low_overlap`` warning instead of forced alignments.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from spinscope.analysis import Analysis, Notice
from spinscope.comparison.encoder import E5Encoder, SentenceEncoder
from spinscope.comparison.model import (
    LABELS,
    MAX_ARTICLES,
    MIN_SENTENCE_WORDS,
    WORD,
    AlignedPair,
    ArticleProfile,
    ComparedArticle,
    Comparison,
    Failure,
    Sentence,
    WordingDifference,
    alignable,
)
from spinscope.document import Document
from spinscope.errors import InputError, SpinscopeError
from spinscope.segment import sentences as sentence_spans

__all__ = [
    "CROSS_LANGUAGE_THRESHOLD",
    "DEFAULT_THRESHOLD",
    "LOADED_WORDS_MAX",
    "LOW_OVERLAP",
    "MAX_ARTICLES",
    "MIN_SENTENCE_WORDS",
    "RELATED_MARGIN",
    "align",
    "compare",
    "compare_sources",
    "persuasion_density",
]

#: Cosine from which two sentences of one language count as telling the same thing
#: (multilingual-e5-small, "passage" embeddings): the lowest at which no hand-built pair of
#: different facts aligns, see ``benchmarks/compare_threshold.py``.
DEFAULT_THRESHOLD = 0.90
#: The same for two sentences in different languages: a translation scores lower than a
#: paraphrase in one language (tuned on the cross-language pairs of the same benchmark).
CROSS_LANGUAGE_THRESHOLD = 0.81
#: Below this share of the shorter article's sentences aligned, and with no sentence pair
#: within :data:`RELATED_MARGIN` of the threshold, two articles are said to be probably about
#: different events. (A partisan text and a wire report of one event often share few sentences
#: outright, but always come close: on realworld-dev the closest pair of every event scored at
#: least 0.86; an article on a dam burst and one on a wheat harvest, 0.81.)
LOW_OVERLAP = 0.15
RELATED_MARGIN = 0.05
#: Longest loaded-language or name-calling span (in words) listed among an article's loaded
#: words: a longer span is a whole charged clause, not a word choice to set beside another.
LOADED_WORDS_MAX = 5
_LOADED = ("Loaded_Language", "Name_Calling-Labeling")


def persuasion_density(analysis: Analysis, *, author_only: bool = True) -> float:
    """Share of the article's characters (spaces left out) inside a likely technique span.

    With ``author_only`` the characters of reported speech are left out, and so are spans
    inside it: the density of the author's own words.
    """
    text = analysis.text
    if not text:
        return 0.0
    inside = np.zeros(len(text), dtype=bool)
    for span in analysis.likely_spans:
        if author_only and span.quoted:
            continue
        inside[span.start : span.end] = True
    voice = np.frombuffer(bytes(0 if c.isspace() else 1 for c in text), dtype=np.uint8).astype(bool)
    if author_only:
        for q in analysis.quotations:
            if q.kind == "speech":
                voice[q.start : q.end] = False
    n = int(voice.sum())
    return float((inside & voice).sum() / n) if n else 0.0


def _sentences(analysis: Analysis) -> list[tuple[int, int, str]]:
    text = analysis.text
    return [(s.start, s.end, text[s.start : s.end]) for s in sentence_spans(text)]


def align(
    a: npt.NDArray[np.float32], b: npt.NDArray[np.float32], threshold: float
) -> list[tuple[int, int, float]]:
    """One-to-one pairs ``(i, j, cosine)`` of rows of ``a`` and ``b`` at or above ``threshold``.

    Greedy on the cosine: the best pair first, then the best among the rows still free, so
    each row is used at most once. ``a`` and ``b`` hold unit-length rows.
    """
    if len(a) == 0 or len(b) == 0:
        return []
    sim = a @ b.T
    rows, cols = np.nonzero(sim >= threshold)
    order = np.argsort(-sim[rows, cols], kind="stable")
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = []
    for k in order:
        i, j = int(rows[k]), int(cols[k])
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        out.append((i, j, float(sim[i, j])))
    return sorted(out)


def _profile(analysis: Analysis, sentences: Sequence[Sentence]) -> ArticleProfile:
    author = analysis.author_spans
    words = len(WORD.findall(analysis.text))
    sources = Counter(q.speaker for q in analysis.quotations if q.kind == "speech")
    loaded = Counter(
        " ".join(s.text.lower().split())
        for s in author
        if s.technique in _LOADED and len(s.text.split()) <= LOADED_WORDS_MAX
    )
    eligible = [s for s in sentences if alignable(s.text)]
    return ArticleProfile(
        words=words,
        density=persuasion_density(analysis),
        density_with_quotes=persuasion_density(analysis, author_only=False),
        spans_per_1000_words=1000 * len(author) / words if words else 0.0,
        techniques=dict(Counter(s.technique for s in author).most_common()),
        categories=dict(Counter(s.category for s in author).most_common()),
        sources=tuple(sorted(sources.items(), key=lambda kv: (-kv[1], kv[0] is None, kv[0] or ""))),
        loaded_words=tuple(sorted(loaded.items(), key=lambda kv: (-kv[1], kv[0]))[:20]),
        genre=analysis.genre.label if analysis.genre is not None else None,
        shared_sentences=sum(1 for s in eligible if s.shared),
        sentences=len(eligible),
    )


def _spans_in(analysis: Analysis, start: int, end: int) -> list[Any]:
    return [s for s in analysis.likely_spans if s.start < end and s.end > start]


def _words(text: str, offset: int) -> list[tuple[str, int, int]]:
    return [(m.group().lower(), offset + m.start(), offset + m.end()) for m in WORD.finditer(text)]


def _traced(span: Any, sent: Sentence, other: Sentence) -> tuple[str, bool] | None:
    """What ``other`` says in place of ``span`` (in ``sent``): ``(words, whole_sentence)``.

    ``None`` when ``other`` uses the very same words (the detector scored them differently:
    not a difference in wording). Traced word by word with :mod:`difflib`; when the change
    cannot be traced (a rewritten sentence) the whole counterpart sentence is returned.
    """
    a = _words(sent.text, sent.start)
    b = _words(other.text, other.start)
    inside = [k for k, (_, s, e) in enumerate(a) if s < span.end and e > span.start]
    if not inside:
        return other.text, True
    first, last = inside[0], inside[-1] + 1
    matcher = difflib.SequenceMatcher(None, [w for w, _, _ in a], [w for w, _, _ in b], False)
    replaced: list[int] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if i2 <= first or i1 >= last:
            continue
        if op == "equal":
            continue
        if op in ("replace", "insert"):
            replaced.extend(range(j1, j2))
        elif op == "delete":
            replaced.append(-1)
    if not replaced:
        return None  # the same words
    if matcher.ratio() < 0.5:
        return other.text, True
    kept = [j for j in replaced if j >= 0]
    if not kept:
        return "", False  # left out
    s, e = b[min(kept)][1], b[max(kept)][2]
    return other.text[s - other.start : e - other.start], False


def _differences(
    label: str,
    analysis: Analysis,
    sent: Sentence,
    other_label: str,
    other_analysis: Analysis,
    other: Sentence,
) -> list[WordingDifference]:
    theirs = {s.technique for s in _spans_in(other_analysis, other.start, other.end)}
    same_language = analysis.language is not None and analysis.language == other_analysis.language
    out = []
    for span in _spans_in(analysis, sent.start, sent.end):
        if span.technique in theirs:
            continue
        if same_language:
            traced = _traced(span, sent, other)
            if traced is None:
                continue
            counterpart, whole = traced
        else:
            counterpart, whole = other.text, True
        out.append(
            WordingDifference(
                label=label,
                sentence=sent.index,
                start=span.start,
                end=span.end,
                text=span.text,
                technique=span.technique,
                category=span.category,
                other_label=other_label,
                other_sentence=other.index,
                counterpart_text=counterpart,
                whole_sentence=whole,
            )
        )
    return out


def _labels(n: int, labels: Sequence[str] | None) -> list[str]:
    if labels is None:
        return list(LABELS[:n])
    out = [str(x).strip() for x in labels]
    if len(out) != n or len(set(out)) != n or not all(out):
        raise InputError(
            f"give one distinct, non-empty label per article ({n} articles, labels {out!r})"
        )
    return out


def _check_count(n: int) -> None:
    if n < 2:
        raise InputError(
            f"compare needs two to four articles about one story; got {n}. Give at least two "
            "(spinscope compare A B)."
        )
    if n > MAX_ARTICLES:
        raise InputError(
            f"compare takes at most {MAX_ARTICLES} articles side by side; got {n}. Compare "
            "them in groups of up to four."
        )


def compare(
    articles: Sequence[str | Document | Analysis],
    *,
    analyzer: Any = None,
    encoder: SentenceEncoder | None = None,
    labels: Sequence[str] | None = None,
    sources: Sequence[str] | None = None,
    threshold: float | None = None,
    cross_threshold: float | None = None,
    language: str | None = None,
    failures: Iterable[Failure] = (),
) -> Comparison:
    """Compare two to four articles (texts, :class:`Document` or :class:`Analysis` objects).

    ``analyzer`` analyses the articles that are not analyses yet (default: the shipped
    :class:`~spinscope.analyzer.Analyzer`); ``encoder`` embeds sentences (default:
    :class:`~spinscope.comparison.encoder.E5Encoder`); ``labels`` name the articles (default A,
    B, C, D); ``sources`` say where each came from (shown and stored; default: its label);
    ``threshold`` is the cosine from which two sentences of one language align (default
    :data:`DEFAULT_THRESHOLD`), ``cross_threshold`` that of two articles in different
    languages (default :data:`CROSS_LANGUAGE_THRESHOLD`); ``language`` (an ISO code) is every
    article's language (default: detected). ``failures`` are inputs that could not be read,
    reported with the comparison. Raises :class:`~spinscope.errors.InputError` for fewer
    than two or more than four articles.
    """
    from spinscope import __version__

    _check_count(len(articles))
    names = _labels(len(articles), labels)
    where = list(sources) if sources is not None else names
    if len(where) != len(articles):
        raise InputError(f"got {len(articles)} articles but {len(where)} sources")
    cut = DEFAULT_THRESHOLD if threshold is None else float(threshold)
    cross_cut = CROSS_LANGUAGE_THRESHOLD if cross_threshold is None else float(cross_threshold)
    for value in (cut, cross_cut):
        if not 0.0 < value <= 1.0:
            raise InputError(f"an alignment threshold must lie in (0, 1]; got {value}")
    todo = [(i, a) for i, a in enumerate(articles) if not isinstance(a, Analysis)]
    analyses: list[Analysis | None] = [a if isinstance(a, Analysis) else None for a in articles]
    if todo:
        if analyzer is None:
            from spinscope.analyzer import Analyzer

            analyzer = Analyzer()
        docs = [a if isinstance(a, Document) else Document(f"{names[i]}", a) for i, a in todo]
        for (i, _), result in zip(
            todo, analyzer.load().analyze_many(docs, language=language), strict=True
        ):
            analyses[i] = result
    done: list[Analysis] = [a for a in analyses if a is not None]
    encoder = encoder if encoder is not None else E5Encoder()

    raw = [_sentences(a) for a in done]
    eligible = [[k for k, (_, _, t) in enumerate(sents) if alignable(t)] for sents in raw]
    flat = [raw[d][k][2] for d in range(len(done)) for k in eligible[d]]
    vectors = encoder.encode(flat) if flat else np.zeros((0, 1), dtype=np.float32)
    blocks: list[npt.NDArray[np.float32]] = []
    at = 0
    for ks in eligible:
        blocks.append(vectors[at : at + len(ks)])
        at += len(ks)

    counterparts: list[list[dict[str, int]]] = [[{} for _ in sents] for sents in raw]
    similarity: list[list[dict[str, float]]] = [[{} for _ in sents] for sents in raw]
    matched: list[tuple[int, int, int, int, float]] = []
    overlap: dict[str, float] = {}
    warnings: list[Notice] = []
    for x in range(len(done)):
        for y in range(x + 1, len(done)):
            langs = {done[x].language, done[y].language}
            pair_cut = cut if len(langs) == 1 else cross_cut
            found = align(blocks[x], blocks[y], pair_cut)
            for i, j, s in found:
                si, sj = eligible[x][i], eligible[y][j]
                counterparts[x][si][names[y]] = sj
                counterparts[y][sj][names[x]] = si
                similarity[x][si][names[y]] = s
                similarity[y][sj][names[x]] = s
                matched.append((x, si, y, sj, s))
            shorter = min(len(eligible[x]), len(eligible[y]))
            share = len(found) / shorter if shorter else 0.0
            overlap[f"{names[x]}-{names[y]}"] = share
            closest = float((blocks[x] @ blocks[y].T).max()) if shorter else 0.0
            if share < LOW_OVERLAP and closest < pair_cut - RELATED_MARGIN:
                warnings.append(
                    Notice(
                        "low_overlap",
                        f"{names[x]} and {names[y]} tell few of the same things ({len(found)} "
                        f"of {shorter} sentences align, and no other pair comes close): they "
                        "may not be about the same event, so read their differences with care.",
                    )
                )

    sentence_rows = [
        tuple(
            Sentence(k, s, e, t, counterparts[d][k], similarity[d][k])
            for k, (s, e, t) in enumerate(raw[d])
        )
        for d in range(len(done))
    ]
    pairs = []
    for x, si, y, sj, s in matched:
        a_sent, b_sent = sentence_rows[x][si], sentence_rows[y][sj]
        diffs = _differences(names[x], done[x], a_sent, names[y], done[y], b_sent)
        diffs += _differences(names[y], done[y], b_sent, names[x], done[x], a_sent)
        pairs.append(AlignedPair(names[x], si, names[y], sj, s, tuple(diffs)))
    compared = tuple(
        ComparedArticle(
            names[d], where[d], done[d], sentence_rows[d], _profile(done[d], sentence_rows[d])
        )
        for d in range(len(done))
    )
    for f in failures:
        warnings.append(Notice("input_failed", f"{f.source} could not be compared: {f.message}"))
    return Comparison(
        articles=compared,
        pairs=tuple(pairs),
        overlap=overlap,
        threshold=cut,
        encoder=type(encoder).__name__,
        warnings=tuple(warnings),
        failures=tuple(failures),
        version=__version__,
    )


def compare_sources(
    sources: Sequence[str],
    *,
    analyzer: Any = None,
    encoder: SentenceEncoder | None = None,
    threshold: float | None = None,
    cross_threshold: float | None = None,
    language: str | None = None,
    read: Callable[[str], Document] | None = None,
    **read_options: Any,
) -> Comparison:
    """Read each source (a path, an http(s) URL or ``-``) and compare those that could be read.

    An input that cannot be read or analysed is reported in the comparison (``failures`` and
    an ``input_failed`` warning) while the others are still compared; fewer than two readable
    inputs raise the first input's error. ``read_options`` go to
    :func:`spinscope.ingest.read_source`.
    """
    _check_count(len(sources))
    if read is None:
        from spinscope.ingest import read_source

        def read(source: str) -> Document:
            return read_source(source, **read_options)

    docs: list[Document] = []
    kept: list[str] = []
    labels: list[str] = []
    failures: list[Failure] = []
    errors: list[SpinscopeError] = []
    for label, source in zip(LABELS, sources, strict=False):
        try:
            docs.append(read(source))
            kept.append(source)
            labels.append(label)
        except SpinscopeError as err:
            failures.append(Failure(source, str(err)))
            errors.append(err)
    if len(docs) < 2:
        if errors:
            raise errors[0]
        _check_count(len(docs))
    return compare(
        docs,
        analyzer=analyzer,
        encoder=encoder,
        labels=labels,
        sources=kept,
        threshold=threshold,
        cross_threshold=cross_threshold,
        language=language,
        failures=failures,
    )
