"""Inference with the model shipped inside the package, on text written for these tests."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from model_support import counting_runs
from spinscope.document import Document
from spinscope.errors import InputError, ModelError
from spinscope.tagger.model import Tagger, default_model_dir
from spinscope.taxonomy import TECHNIQUES

LOADED = (
    "These corrupt, treacherous thugs in the so-called government are destroying our "
    "beloved nation with their disgusting lies, and only a fool would still believe them."
)
DRY = "The committee met on Tuesday and approved the minutes of its previous meeting."


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger().load()


def test_blatantly_loaded_sentence_is_flagged(tagger: Tagger) -> None:
    spans = tagger.predict([Document("t", LOADED)])[0]
    assert spans, "a blatantly loaded sentence produced no span"
    labels = {s.label for s in spans}
    assert labels & {"Loaded_Language", "Name_Calling-Labeling", "Flag_Waving"}


def test_dry_factual_sentence_is_not_flagged(tagger: Tagger) -> None:
    assert tagger.predict([Document("t", DRY)])[0] == []


def test_spans_lie_inside_the_text_and_carry_technique_category_score(tagger: Tagger) -> None:
    text = f"{LOADED}\n\n{DRY}\n\nWhy would anyone trust them? {LOADED}"
    for s in tagger.predict([Document("t", text)])[0]:
        assert 0 <= s.start < s.end <= len(text)
        assert s.label in TECHNIQUES
        assert s.meta["category"]
        assert 0.0 <= s.score <= 1.0
        assert not text[s.start].isspace() and not text[s.end - 1].isspace()


def test_results_are_deterministic_and_independent_of_batching(tagger: Tagger) -> None:
    docs = [Document("a", LOADED), Document("b", DRY), Document("c", LOADED + " " + DRY)]
    together = tagger.predict(docs)
    alone = [tagger.predict([d])[0] for d in docs]
    assert together == alone
    assert tagger.predict(docs) == together


def test_predict_is_the_model_run_then_decoding(tagger: Tagger) -> None:
    docs = [Document("a", LOADED), Document("b", f"{LOADED}\n\n{DRY}")]
    probs = tagger.article_probs([d.text for d in docs])
    with counting_runs(tagger) as counter:
        decoded = tagger.decode(docs, probs)
        assert tagger.predict(docs, probs=probs) == decoded
        assert tagger.predict_si(docs, probs=probs) == tagger.decode(docs, probs, task="si")
        assert tagger.rank(docs[0], [(0, 20)], probs=probs[0]) == tagger.rank(docs[0], [(0, 20)])
        assert counter.runs == 1  # only the rank without outputs ran the model
    assert tagger.predict(docs) == decoded
    assert tagger.predict_si(docs) == tagger.decode(docs, probs, task="si")
    with pytest.raises(InputError, match="article_probs"):
        tagger.decode(docs, probs[:1])


def test_inference_remembers_nothing(tagger: Tagger) -> None:
    texts = [LOADED, DRY]
    before = dict(vars(tagger))
    first = tagger.article_probs(texts)
    tagger.predict([Document("a", LOADED)])
    tagger.rank(Document("a", LOADED), [(0, 10)])
    assert vars(tagger) == before
    again = tagger.article_probs(texts)
    assert again[0] is not first[0]
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a.probs, b.probs)
    assert tagger.article_probs([]) == []


def test_threshold_keeps_only_spans_at_or_above_it() -> None:
    low = Tagger(threshold=0.0).predict([Document("t", LOADED)])[0]
    high = Tagger(threshold=0.9).predict([Document("t", LOADED)])[0]
    assert all(s.score >= 0.9 for s in high)
    assert len(high) <= len(low)


def test_long_article_without_punctuation_is_tagged_in_bounded_windows(tagger: Tagger) -> None:
    text = " ".join([LOADED.replace(".", "").replace(",", "")] * 1250)  # > 200,000 characters
    assert len(text) >= 200_000
    spans = tagger.predict([Document("long", text)])[0]
    assert spans
    assert max(s.end for s in spans) <= len(text)
    assert any(s.start > 150_000 for s in spans), "the end of a long article was never tagged"


def test_empty_article_is_a_clear_error(tagger: Tagger) -> None:
    with pytest.raises(InputError, match="empty"):
        tagger.predict([Document("blank", "  \n\t ")])


def test_missing_model_file_says_how_to_reinstall(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"[Rr]einstall"):
        Tagger(tmp_path).load()


def test_corrupt_model_file_says_how_to_reinstall(tmp_path: Path) -> None:
    for name in ("tokenizer.json", "config.json"):
        shutil.copy(default_model_dir() / name, tmp_path / name)
    (tmp_path / "model.onnx").write_bytes(b"not an onnx graph")
    with pytest.raises(ModelError, match=r"[Rr]einstall"):
        Tagger(tmp_path).load()


def test_rank_orders_all_techniques_and_puts_repeats_first(tagger: Tagger) -> None:
    text = "They are traitors. We said it before: they are traitors."
    doc = Document("r", text)
    first, second = text.index("traitors"), text.rindex("traitors")
    ranks = tagger.rank(doc, [(first, first + 8), (second, second + 8)])
    assert sorted(ranks[0]) == sorted(TECHNIQUES)
    assert ranks[1][0] == "Repetition"
    assert ranks[0][0] != "Repetition"


def test_inference_does_not_import_torch_or_transformers() -> None:
    import subprocess

    code = (
        "import sys\n"
        "from spinscope.document import Document\n"
        "from spinscope.tagger.model import Tagger\n"
        "Tagger().predict([Document('x', 'A shameful, disgusting betrayal of our people.')])\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('torch', 'transformers')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
