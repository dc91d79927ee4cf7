from __future__ import annotations

from collections.abc import Sequence

import pytest

from spinscope.detectors import DEFAULT_LAYER, BaseDetector, BaselineDetector, Detector
from spinscope.detectors.base import check_spans
from spinscope.document import Document, Span
from spinscope.errors import InputError, SpanOffsetError


class _EveryWord(BaseDetector):
    """A toy detector: every word is Loaded_Language."""

    name = "toy"

    def predict(self, docs: Sequence[Document]) -> list[list[Span]]:
        out = []
        for doc in docs:
            spans, pos = [], 0
            for word in doc.text.split():
                start = doc.text.index(word, pos)
                pos = start + len(word)
                spans.append(Span(start, pos, "Loaded_Language", 1.0, self.name))
            out.append(spans)
        return out

    def classify(self, doc: Document, spans: Sequence[tuple[int, int]]) -> list[str]:
        return ["Loaded_Language" for _ in spans]


def _docs(n: int) -> list[Document]:
    return [Document(f"d{i}", f"word{i} other{i}") for i in range(n)]


def test_base_and_baseline_satisfy_the_protocol() -> None:
    assert isinstance(_EveryWord(), Detector)
    assert isinstance(BaselineDetector(), Detector)


def test_call_writes_the_default_layer_and_leaves_the_input_unchanged() -> None:
    doc = Document("a", "one two")
    out = _EveryWord()(doc)
    assert doc.layers == {}
    assert [s.text_in(out.text) for s in out.layer(DEFAULT_LAYER)] == ["one", "two"]


def test_set_annotations_uses_the_named_layer() -> None:
    det = _EveryWord()
    docs = _docs(2)
    out = det.set_annotations(docs, det.predict(docs), layer="mine")
    assert all(d.layer("mine") and not d.layer(DEFAULT_LAYER) for d in out)


def test_set_annotations_refuses_mismatched_lengths() -> None:
    det = _EveryWord()
    with pytest.raises(InputError):
        det.set_annotations(_docs(2), [[]])


@pytest.mark.parametrize("batch_size", [1, 2, 3, 32])
def test_pipe_keeps_order_for_any_batch_size(batch_size: int) -> None:
    docs = _docs(7)
    out = list(_EveryWord().pipe(iter(docs), batch_size=batch_size))
    assert [d.id for d in out] == [d.id for d in docs]
    assert out == [_EveryWord()(d) for d in docs]


def test_pipe_refuses_a_zero_batch_size() -> None:
    with pytest.raises(InputError):
        list(_EveryWord().pipe(_docs(1), batch_size=0))


def test_check_spans() -> None:
    doc = Document("a", "abc")
    check_spans(doc, [(0, 3), (1, 1)])
    for bad in [(0, 4), (-1, 2), (2, 1)]:
        with pytest.raises(SpanOffsetError):
            check_spans(doc, [bad])
