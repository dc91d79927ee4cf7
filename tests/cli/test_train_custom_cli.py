"""``spinscope train`` on an annotation folder, then ``analyze --model``, ``evaluate --model`` and
the server on the model folder it writes (a tiny random BERT: seconds, not minutes)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from spinscope.tagger.model import default_model_dir
from training.annotation_support import annotation_folder, invented_docs

SHIPPED_INSTALLED = (default_model_dir() / "model.onnx").is_file()


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``spinscope train --data MINE`` once for the module: the folders involved."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("onnx")
    from typer.testing import CliRunner

    from spinscope.cli.app import app
    from training.annotation_support import tiny_base_model

    root = tmp_path_factory.mktemp("loop")
    base = tiny_base_model(root / "tiny-bert")
    mine = annotation_folder(root / "mine", 6)
    held = annotation_folder(root / "held", 3, prefix="held")
    out = root / "run"
    argv = ["train", "--data", str(mine), "-o", str(out), "--base-model", str(base)]
    result = CliRunner().invoke(app, [*argv, "--epochs", "1", "--dev-share", "0"])
    assert result.exit_code == 0, result.output
    assert "no development split (--dev-share 0): trained on all of them" in result.stderr
    assert f"model: {out / 'model'}" in result.stderr
    assert f"spinscope analyze --model {out / 'model'}" in result.stderr
    return {"mine": mine, "held": held, "out": out, "model": out / "model"}


def test_train_writes_a_model_folder_and_a_report(trained: dict[str, Path]) -> None:
    model = trained["model"]
    assert {p.name for p in model.iterdir()} == {"model.onnx", "tokenizer.json", "config.json"}
    summary = json.loads((trained["out"] / "summary.json").read_text())
    assert summary["your_train_articles"] == 6 and summary["dev_articles"] == 0
    assert "Training report" in (trained["out"] / "report.md").read_text()


def test_analyze_runs_the_model_folder(
    invoke: Callable[..., Result], trained: dict[str, Path], tmp_path: Path
) -> None:
    article = tmp_path / "article.txt"
    article.write_text(invented_docs(1)[0].text, encoding="utf-8")
    result = invoke("analyze --format json --threshold 0 --model", trained["model"], article)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["detector"]["name"] == "hybrid"
    assert report["detector"]["languages"] == ["en"]
    result = invoke("analyze --format json --detector tagger --model", trained["model"], article)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["detector"]["name"] == "tagger"


def test_analyze_names_a_folder_that_is_not_a_model_folder(
    invoke: Callable[..., Result], trained: dict[str, Path], tmp_path: Path
) -> None:
    article = tmp_path / "article.txt"
    article.write_text("A calm article.\n", encoding="utf-8")
    result = invoke("analyze --model", trained["out"], article)
    assert result.exit_code == 2
    assert f"{str(trained['out'])!r} is not a model folder" in result.stderr
    assert f"Did you mean {str(trained['model'])!r}" in result.stderr
    result = invoke("analyze --detector baseline --model", trained["model"], article)
    assert result.exit_code == 2 and "baseline has no model" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.skipif(not SHIPPED_INSTALLED, reason="the shipped model is not installed")
def test_evaluate_prints_the_shipped_and_the_new_model_side_by_side(
    invoke: Callable[..., Result], trained: dict[str, Path]
) -> None:
    result = invoke("evaluate --json --gold", trained["held"], "--model", trained["model"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["articles"] == 3 and body["detector"] == "hybrid"
    assert list(body["models"]) == ["shipped", str(trained["model"])]
    for figures in body["models"].values():
        assert {"precision", "recall", "f1"} <= set(figures["si"])
        assert {"precision", "recall", "f1"} <= set(figures["flc"])
    result = invoke(
        "evaluate --task flc --detector tagger --gold", trained["held"], "--model", trained["model"]
    )
    assert result.exit_code == 0, result.output
    assert "shipped" in result.stdout and str(trained["model"]) in result.stdout
    assert "flc f1" in result.stdout and "si f1" not in result.stdout


def test_evaluate_without_the_shipped_model(
    invoke: Callable[..., Result], trained: dict[str, Path]
) -> None:
    result = invoke(
        "evaluate --json --no-shipped --task si --gold",
        trained["held"],
        "--model",
        trained["model"],
    )
    assert result.exit_code == 0, result.output
    assert list(json.loads(result.stdout)["models"]) == [str(trained["model"])]


def test_evaluate_errors_are_clear(
    invoke: Callable[..., Result], trained: dict[str, Path], tmp_path: Path, write_file
) -> None:
    result = invoke("evaluate --gold", trained["held"], "--model", trained["out"])
    assert result.exit_code == 2 and "is not a model folder" in result.stderr
    result = invoke("evaluate --task st1 --gold", trained["held"])
    assert result.exit_code == 2 and "si and flc" in result.stderr
    labels = write_file(tmp_path / "gold.labels", "1\t0\t10\n")
    result = invoke("evaluate --gold", labels)
    assert result.exit_code == 2 and "is not an annotation folder" in result.stderr
    result = invoke("evaluate --gold", labels, "--pred", labels)
    assert result.exit_code == 2 and "--pred needs --task" in result.stderr
    result = invoke("evaluate --task si --gold", labels, "--pred", labels, "--model", tmp_path)
    assert result.exit_code == 2 and "drop --pred" in result.stderr


def test_train_option_errors(invoke: Callable[..., Result], tmp_path: Path) -> None:
    mine = annotation_folder(tmp_path / "mine", 2)
    result = invoke("train --data", mine, "--dev", mine, "--dev-share", "0.3")
    assert result.exit_code == 2 and "not both" in result.stderr
    corpus = tmp_path / "corpus"
    (corpus / "semeval2023").mkdir(parents=True)
    result = invoke("train --with-base --data", corpus)
    assert result.exit_code == 2 and "--with-base go with an annotation folder" in result.stderr
    half = tmp_path / "half"
    (half / "articles").mkdir(parents=True)
    result = invoke("train --data", half)
    assert result.exit_code == 2 and "has articles/ but no labels/" in result.stderr
    # the folder is read once the training extra is found installed
    pytest.importorskip("torch", reason="the train extra is not installed")
    bad = tmp_path / "bad"
    (bad / "articles").mkdir(parents=True)
    (bad / "labels").mkdir()
    result = invoke("train --data", bad, "-o", tmp_path / "out")
    assert result.exit_code == 2 and "holds no article" in result.stderr
    assert "Traceback" not in result.output


def test_serve_app_loads_the_model_folder(
    trained: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The settings ``spinscope serve --model`` writes for its workers build an app on it."""
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from spinscope.serve import Settings
    from spinscope.serve.app import app_from_env

    settings = Settings(database=f"sqlite:///{tmp_path / 'serve.db'}", model=str(trained["model"]))
    assert settings.detector is None  # the hybrid on the model folder, as the shipped default
    for name, value in settings.to_env().items():
        monkeypatch.setenv(name, value)
    assert Settings.from_env().model == str(trained["model"])
    with TestClient(app_from_env(), base_url="http://127.0.0.1:8000") as client:
        for _ in range(600):
            if client.get("/readyz").status_code == 200:
                break
        ready = client.get("/readyz").json()
        assert ready["detector"]["name"] == "hybrid"
        assert ready["detector"]["languages"] == ["en"]
        r = client.post("/v1/analyze", json={"text": invented_docs(1)[0].text, "threshold": 0.0})
        assert r.status_code == 200, r.text
        assert r.json()["detector"]["name"] == "hybrid"


def test_serve_refuses_a_folder_that_is_not_a_model_folder(
    invoke: Callable[..., Result], tmp_path: Path
) -> None:
    pytest.importorskip("fastapi")
    from spinscope.errors import InputError
    from spinscope.serve import Settings

    with pytest.raises(InputError, match="is not a model folder"):
        Settings(model=str(tmp_path))
    result = invoke("serve --database", f"sqlite:///{tmp_path / 's.db'}", "--model", tmp_path)
    assert result.exit_code == 2
    assert f"{str(tmp_path)!r} is not a model folder" in result.stderr
