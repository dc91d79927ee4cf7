"""``spinscope batch`` and ``spinscope report``: what they pass down and print."""

from __future__ import annotations

import importlib.util
import json

import pytest
from batch_support import read_table, write_csv
from typer.testing import CliRunner

from extras_support import run_cli_without
from spinscope.cli.app import app

pytest.importorskip("pyarrow", reason="the batch extra is not installed")


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_batch_then_report(make_jsonl, tmp_path):
    source = make_jsonl(12, extra=["{bad"])
    out = tmp_path / "out"
    done = invoke("batch", source, "-o", out, "--detector", "baseline", "--chunk-size", "5")
    assert done.exit_code == 0, done.output
    assert "wrote 12 documents (12 analysed, 0 skipped, 0 failed)" in done.stderr
    assert "1 errors" in done.stderr and done.stdout == ""
    assert len(read_table(out, "documents")) == 12
    again = invoke("batch", source, "-o", out, "--detector", "baseline", "--chunk-size", "5")
    assert again.exit_code == 0 and "already holds the complete run" in again.stderr
    shown = invoke("report", out, "-o", tmp_path / "dash.html", "--top", "3")
    assert shown.exit_code == 0, shown.output
    assert (tmp_path / "dash.html").is_file()
    assert len(list((tmp_path / "dash_files" / "articles").glob("*.html"))) == 3


def test_field_options_reach_the_reader(tmp_path):
    rows = [
        {"key": "k1", "body": "Everyone knows the minister is a liar.", "paper": "P"},
        {"key": "k2", "body": "", "paper": "Q"},
    ]
    source = write_csv(tmp_path / "in.csv", rows)
    out = tmp_path / "out"
    done = invoke(
        "batch", source, "-o", out, "--detector", "baseline", "--text-field", "body",
        "--id-field", "key", "--source-field", "paper", "--format", "jsonl",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    docs = read_table(out, "documents")
    assert [(d["id"], d["source"], d["status"]) for d in docs] == [
        ("k1", "P", "ok"),
        ("k2", "Q", "skipped"),
    ]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["fingerprint"]["input"]["fields"]["text"] == "body"
    # the report reads JSONL tables too, and says why there is no view over time
    shown = invoke("report", out, "-o", tmp_path / "r.html", "--top", "1")
    assert shown.exit_code == 0, shown.output
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "no date column" in page and 'id="chart-over_time"' not in page
    assert 'id="chart-source_techniques"' in page


def test_missing_text_column_is_an_error_naming_the_columns(tmp_path):
    source = write_csv(tmp_path / "in.csv", [{"id": "1", "body": "x"}])
    done = invoke("batch", source, "-o", tmp_path / "out", "--detector", "baseline")
    assert done.exit_code == 2
    assert done.stderr.startswith("error: [E005]")
    assert "'id', 'body'" in done.stderr and "--text-field" in done.stderr


def test_another_input_is_refused_with_the_reason(make_jsonl, tmp_path):
    out = tmp_path / "out"
    assert invoke("batch", make_jsonl(3), "-o", out, "--detector", "baseline").exit_code == 0
    other = make_jsonl(3, name="other.jsonl")
    done = invoke("batch", other, "-o", out, "--detector", "baseline")
    assert done.exit_code == 2
    assert "new input files" in done.stderr and "--overwrite" in done.stderr
    done = invoke("batch", other, "-o", out, "--detector", "baseline", "--overwrite")
    assert done.exit_code == 0, done.output


def test_language_option(make_jsonl, tmp_path):
    source = make_jsonl(3)
    bad = invoke(
        "batch", source, "-o", tmp_path / "bad", "--detector", "baseline", "--language", "xx"
    )
    assert bad.exit_code == 2
    assert "unknown language 'xx'" in bad.stderr and "pl (Polish)" in bad.stderr
    out = tmp_path / "out"
    done = invoke("batch", source, "-o", out, "--detector", "baseline", "--language", "FR")
    assert done.exit_code == 0, done.output
    assert {d["language"] for d in read_table(out, "documents")} == {"fr"}
    assert json.loads((out / "manifest.json").read_text())["language"] == "fr"


def test_report_of_a_folder_that_is_not_a_run(tmp_path):
    done = invoke("report", tmp_path, "-o", tmp_path / "r.html")
    assert done.exit_code == 2 and "not the output folder of spinscope batch" in done.stderr


@pytest.mark.parametrize("command", ["batch", "report"])
def test_missing_extra_names_the_install_command(monkeypatch, tmp_path, command):
    real = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        return None if name == "pyarrow" else real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    done = invoke(command, tmp_path, "-o", tmp_path / "x")
    assert done.exit_code == 3
    assert "pip install 'spinscope[batch]'" in done.stderr


@pytest.mark.parametrize(
    ("command", "missing"),
    [("batch", "pyarrow"), ("report", "altair"), ("report", "vl_convert")],
)
def test_without_the_extra_says_how_to_install_it(command, missing, tmp_path):
    args = [command, str(tmp_path), "-o", str(tmp_path / "out")]
    done = run_cli_without([missing], *args)
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    assert missing in done.stderr and "pip install 'spinscope[batch]'" in done.stderr


def test_the_ray_engine_without_ray_says_how_to_install_it(monkeypatch, tmp_path):
    import importlib.util

    from spinscope.batch import BatchOptions
    from spinscope.batch.engines import make_engine
    from spinscope.errors import MissingDependencyError

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "ray" else real(name, *a)
    )
    with pytest.raises(MissingDependencyError) as err:
        make_engine(BatchOptions(engine="ray"))
    assert str(err.value).endswith(
        "--engine ray needs ray, which is not installed; install the ray extra: "
        "pip install 'spinscope[ray]'"
    )
