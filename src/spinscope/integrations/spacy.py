"""spinscope as a spaCy pipeline component: ``nlp.add_pipe("spinscope")``.

The ``spinscope`` factory is found through the ``spacy_factories`` entry point, so a pipeline
needs no ``import spinscope`` first. For each :class:`~spacy.tokens.Doc` the component runs an
:class:`~spinscope.analyzer.Analyzer` on ``doc.text`` and sets:

``doc.spans[spans_key]``
    a :class:`~spacy.tokens.SpanGroup` with one :class:`~spacy.tokens.Span` per technique span,
    labelled with the SemEval-2023 technique name (``"Loaded_Language"``). A span found inside
    a token is widened to whole tokens (``doc.char_span(start, end, alignment_mode="expand")``);
    a span that covers no token, or whitespace tokens only, is left out, listed in the group's
    ``attrs["unmapped"]`` and logged.
``span._.spinscope`` and ``span._.spinscope_{score,category,tier,quoted,speaker,title}``
    read-only attributes of each of those spans: the span's record (the JSON of
    :class:`~spinscope.analysis.TechniqueSpan`, with the character offsets the detector found),
    and its fields. The records live in the group's ``attrs["spans"]``; each span's ``id_``
    (``"spinscope:<index>:<spans_key>"``) points at its record, so the attributes follow a span
    into other groups and survive ``Doc.to_bytes`` and ``DocBin``. spaCy keys ordinary span
    extensions by character offsets only, which would mix up two techniques on the same words.
``doc._.spinscope``
    the whole report as a dict: :meth:`spinscope.analysis.Analysis.to_dict` (summary, genre,
    frames, language, warnings, quotations, ...; ``analysis.schema.json``), so that it is
    serialised with the doc; :func:`analysis_of` rebuilds the
    :class:`~spinscope.analysis.Analysis`. ``None`` for an empty or whitespace-only doc.

The configuration (``threshold``, ``detector``, ``article_models``, ``likely_only``,
``spans_key``) is saved with the pipeline; the component has no weights of its own. A detector
object (not a name) can be given through spaCy's registry: a function registered in
``spacy.registry.misc`` that returns it, named in the config as ``{"@misc": "..."}``. An
already loaded analyzer can be shared by assigning :attr:`SpinscopeComponent.analyzer`.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any

from spinscope.detectors.base import Detector
from spinscope.errors import MissingDependencyError

try:
    from spacy.language import Language
    from spacy.pipeline import Pipe
    from spacy.tokens import Doc, Span, SpanGroup
except ModuleNotFoundError as err:  # spaCy is an optional extra
    if err.name is None or err.name.split(".")[0] not in ("spacy", "thinc"):
        raise
    raise MissingDependencyError(
        "spinscope's spaCy component (spinscope.integrations.spacy) needs spacy, which is not "
        "installed; install the spacy extra: pip install 'spinscope[spacy]'"
    ) from None

if TYPE_CHECKING:
    from spinscope.analysis import Analysis

__all__ = [
    "DEFAULT_CONFIG",
    "FACTORY",
    "SPAN_EXTENSIONS",
    "SpinscopeComponent",
    "analysis_of",
    "make_spinscope",
    "register_extensions",
]

logger = logging.getLogger(__name__)

#: The factory's name: ``nlp.add_pipe(FACTORY)``.
FACTORY = "spinscope"

#: The factory's configuration and its defaults (see :func:`make_spinscope`).
DEFAULT_CONFIG: dict[str, Any] = {
    "threshold": None,
    "detector": None,
    "article_models": True,
    "likely_only": False,
    "spans_key": "spinscope",
}

#: Read-only span attributes (``span._.NAME``) and the record field each returns.
SPAN_EXTENSIONS: dict[str, str] = {
    "spinscope_score": "score",
    "spinscope_category": "category",
    "spinscope_tier": "tier",
    "spinscope_quoted": "quoted",
    "spinscope_speaker": "speaker",
    "spinscope_title": "title",
}

#: The prefix of the ``id_`` given to each span the component makes.
_ID_PREFIX = "spinscope"


# ---------------------------------------------------------------------------- extensions


def _record(span: Span) -> dict[str, Any] | None:
    """The record of a span made by the component (``None`` for any other span)."""
    try:
        marker = span.id_
    except (KeyError, ValueError):  # an id that is not in the string store
        return None
    prefix, _, rest = marker.partition(":")
    index, _, key = rest.partition(":")
    if prefix != _ID_PREFIX or not index.isdigit():
        return None
    group = span.doc.spans.get(key)
    records = group.attrs.get("spans") if group is not None else None
    if not isinstance(records, list | tuple) or int(index) >= len(records):
        return None
    found = records[int(index)]
    return dict(found) if isinstance(found, Mapping) else None


def _field(name: str) -> Callable[[Span], Any]:
    def get(span: Span) -> Any:
        record = _record(span)
        return record.get(name) if record is not None else None

    get.__name__ = f"get_{name}"
    return get


def register_extensions() -> None:
    """Register ``doc._.spinscope`` and the ``span._.spinscope*`` attributes (idempotent).

    The factory calls it; call it yourself to read docs saved by a pipeline with the
    component (``DocBin``, ``Doc.from_bytes``) in a process that never builds one.
    """
    if not Doc.has_extension("spinscope"):
        Doc.set_extension("spinscope", default=None)
    if not Span.has_extension("spinscope"):
        Span.set_extension("spinscope", getter=_record)
    for name, field in SPAN_EXTENSIONS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, getter=_field(field))


def analysis_of(doc: Doc) -> Analysis | None:
    """The :class:`~spinscope.analysis.Analysis` stored in ``doc._.spinscope`` (or ``None``)."""
    from spinscope.analysis import Analysis

    register_extensions()
    data = doc._.spinscope
    return Analysis.from_dict(data) if data is not None else None


# ---------------------------------------------------------------------------- component


class SpinscopeComponent(Pipe):
    """Marks persuasion techniques in each doc; built by :func:`make_spinscope`.

    The analyzer loads on first use (or in ``nlp.initialize()``); ``nlp.pipe`` analyses each
    batch at once (:meth:`~spinscope.analyzer.Analyzer.analyze_many`).
    """

    def __init__(
        self,
        nlp: Language,
        name: str = FACTORY,
        *,
        threshold: float | None = None,
        detector: str | Detector | None = None,
        article_models: bool = True,
        likely_only: bool = False,
        spans_key: str = "spinscope",
    ) -> None:
        self.name = name
        self.threshold = threshold
        self.detector = detector
        self.article_models = article_models
        self.likely_only = likely_only
        self.spans_key = spans_key
        self._analyzer: Any = None
        self._assigned = False  # whether _analyzer was assigned rather than built here
        self._lock = threading.Lock()
        register_extensions()

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle the configuration (``nlp.pipe(n_process=...)``); a built analyzer reloads.

        spaCy's :class:`~spacy.pipeline.Pipe` pickles with Cython's own reducer, which would
        take the lock and the loaded model along.
        """
        state = {k: v for k, v in self.__dict__.items() if k != "_lock"}
        if not state["_assigned"]:
            state["_analyzer"] = None
        state["name"] = self.name
        return (_restore, (type(self), state))

    # -- the analyzer

    @property
    def analyzer(self) -> Any:
        """The :class:`~spinscope.analyzer.Analyzer` in use, loaded on first access.

        Assign a loaded analyzer to share it between pipelines; the assignment is not saved
        with the pipeline (its configuration still names the detector it was built with).
        """
        with self._lock:
            if self._analyzer is None:
                from spinscope.analyzer import Analyzer

                self._analyzer = Analyzer(
                    self.detector,
                    threshold=self.threshold,
                    article_models=self.article_models,
                ).load()
            return self._analyzer

    @analyzer.setter
    def analyzer(self, value: Any) -> None:
        with self._lock:
            self._analyzer = value
            self._assigned = value is not None

    def initialize(
        self, get_examples: Callable[[], Iterable[Any]] | None = None, *, nlp: Any = None
    ) -> None:
        """Load the analyzer now (``nlp.initialize()``), so that a broken model fails early."""
        _ = self.analyzer

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels the spans can carry: the SemEval-2023 techniques."""
        from spinscope.taxonomy import TECHNIQUES

        return tuple(TECHNIQUES)

    # -- running

    def __call__(self, doc: Doc) -> Doc:
        """Analyse one doc and set its spans and ``doc._.spinscope``."""
        try:
            self._annotate([doc])
        except Exception as err:
            self.get_error_handler()(self.name, self, [doc], err)
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        """Analyse a stream of docs, a batch of ``batch_size`` at a time, in order."""
        docs_in = iter(stream)
        while docs := list(islice(docs_in, max(1, batch_size))):
            try:
                self._annotate(docs)
            except Exception as err:
                self.get_error_handler()(self.name, self, docs, err)
            yield from docs

    def _annotate(self, docs: Sequence[Doc]) -> None:
        todo = [doc for doc in docs if doc.text.strip()]
        for doc in docs:
            if not doc.text.strip():  # nothing to analyse: an empty group, no report
                doc.spans[self.spans_key] = SpanGroup(
                    doc, name=self.spans_key, attrs={"spans": [], "unmapped": []}
                )
                doc._.spinscope = None
        if not todo:
            return
        analyses = self.analyzer.analyze_many([doc.text for doc in todo])
        for doc, analysis in zip(todo, analyses, strict=True):
            if self.likely_only:
                analysis = analysis.likely_only()
            self._set(doc, analysis)

    def _set(self, doc: Doc, analysis: Analysis) -> None:
        spans: list[Span] = []
        records: list[dict[str, Any]] = []
        unmapped: list[dict[str, Any]] = []
        for found in analysis.spans:
            record = found.to_dict()
            record["label"] = found.label
            mapped = doc.char_span(found.start, found.end, alignment_mode="expand")
            if mapped is None or all(token.is_space for token in mapped):
                unmapped.append(record)  # no token, or whitespace tokens only
                continue
            span_id = f"{_ID_PREFIX}:{len(records)}:{self.spans_key}"
            spans.append(
                Span(doc, mapped.start, mapped.end, label=found.technique, span_id=span_id)
            )
            records.append(record)
        if unmapped:
            logger.warning(
                "spinscope: %d of %d technique spans cover no token of the doc and were left "
                "out of doc.spans[%r] (listed in its attrs['unmapped'])",
                len(unmapped),
                len(analysis.spans),
                self.spans_key,
            )
        detector = analysis.detector
        doc.spans[self.spans_key] = SpanGroup(
            doc,
            name=self.spans_key,
            attrs={
                "spans": records,
                "unmapped": unmapped,
                "detector": detector.name,
                "threshold": detector.threshold,
            },
            spans=spans,
        )
        doc._.spinscope = json.loads(analysis.to_json())  # plain JSON types: lists, not tuples

    def __repr__(self) -> str:
        return (
            f"SpinscopeComponent(name={self.name!r}, detector={self.detector!r}, "
            f"threshold={self.threshold!r}, article_models={self.article_models!r}, "
            f"likely_only={self.likely_only!r}, spans_key={self.spans_key!r})"
        )


def _restore(cls: type[SpinscopeComponent], state: dict[str, Any]) -> SpinscopeComponent:
    """Unpickle a component (see :meth:`SpinscopeComponent.__reduce__`)."""
    state = dict(state)
    component = cls.__new__(cls)
    component.name = state.pop("name")  # an attribute of spaCy's Pipe, not in __dict__
    component.__dict__.update(state)
    component._lock = threading.Lock()
    return component


@Language.factory(
    FACTORY,
    default_config=DEFAULT_CONFIG,
    assigns=["doc.spans", "doc._.spinscope"],
)
def make_spinscope(
    nlp: Language,
    name: str,
    threshold: float | None = None,
    detector: str | Detector | None = None,
    article_models: bool = True,
    likely_only: bool = False,
    spans_key: str = "spinscope",
) -> SpinscopeComponent:
    """Build the ``spinscope`` component (the factory behind ``nlp.add_pipe("spinscope")``).

    Registering is idempotent: spaCy accepts the same function again (a second import or a
    reload of this module), and the extensions are only added when missing.

    Args:
        nlp: the pipeline.
        name: the component's name in it.
        threshold: the detector's decision threshold (``None``: the model's tuned one).
        detector: ``"hybrid"``, ``"tagger"``, ``"baseline"``, ``None`` (the hybrid when the
            model is installed, else the baseline with a warning), or a detector object made
            by a function in ``spacy.registry.misc`` (``{"@misc": "..."}`` in the config).
        article_models: whether to add the genre and frames to ``doc._.spinscope``.
        likely_only: keep only the spans at or above the threshold (no ``possible`` tier).
        spans_key: the key of the span group in ``doc.spans``.

    """
    return SpinscopeComponent(
        nlp,
        name,
        threshold=threshold,
        detector=detector,
        article_models=article_models,
        likely_only=likely_only,
        spans_key=spans_key,
    )
