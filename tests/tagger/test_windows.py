from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from spinscope.tagger.windows import Encoded, Window, make_batches, stitch, windows


@given(n=st.integers(0, 3000), length=st.integers(4, 300), data=st.data())
def test_windows_cover_every_token_within_length(n: int, length: int, data: st.DataObject) -> None:
    stride = data.draw(st.integers(1, length))
    wins = windows(n, 0, length, stride)
    covered = np.zeros(n, dtype=int)
    for w in wins:
        assert 0 <= w.start <= w.end <= n
        assert w.end - w.start <= length
        covered[w.start : w.end] += 1
    assert (covered >= 1).all()


@settings(max_examples=50)
@given(n=st.integers(1, 1200), length=st.integers(8, 64), stride_frac=st.floats(0.3, 1.0))
def test_stitch_recovers_per_token_values_at_any_length(
    n: int, length: int, stride_frac: float
) -> None:
    # each token's "output" is a function of its position: stitching must put it back in place
    stride = max(1, int(length * stride_frac))
    truth = np.stack([np.arange(n), np.arange(n) * 2], axis=1).astype(np.float32)
    wins = windows(n, 0, length, stride)
    parts = [(w, truth[w.start : w.end]) for w in wins]
    out = stitch(n, parts, 2)
    np.testing.assert_allclose(out, truth, rtol=1e-5, atol=1e-3)


def test_make_batches_wraps_windows_in_special_tokens_and_masks_padding() -> None:
    enc = [
        Encoded(np.arange(10, 15), np.zeros((5, 2), dtype=np.int64)),
        Encoded(np.arange(20, 22), np.zeros((2, 2), dtype=np.int64)),
    ]
    wins = [Window(0, 0, 5), Window(1, 0, 2)]
    batches = list(make_batches(enc, wins, cls_id=1, sep_id=2, pad_id=0, batch_size=8))
    assert len(batches) == 1
    idx, ids, mask = batches[0]
    assert idx == [1, 0]  # shortest first
    assert ids[0].tolist() == [1, 20, 21, 2, 0, 0, 0]
    assert ids[1].tolist() == [1, 10, 11, 12, 13, 14, 2]
    assert mask[0].tolist() == [1, 1, 1, 1, 0, 0, 0]


def test_make_batches_per_document_never_mixes_documents() -> None:
    enc = [Encoded(np.arange(n), np.zeros((n, 2), dtype=np.int64)) for n in (3, 5, 4)]
    wins = [Window(0, 0, 3), Window(1, 0, 5), Window(2, 0, 4), Window(1, 0, 2)]
    batches = list(
        make_batches(enc, wins, cls_id=1, sep_id=2, pad_id=0, batch_size=8, per_document=True)
    )
    assert [sorted(wins[i].doc for i in idx) for idx, _, _ in batches] == [[0], [1, 1], [2]]
