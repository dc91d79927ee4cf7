"""``--workers N`` of ``spinscope predict`` and ``analyze``: the same output as one process.

The articles are written for these tests (never corpus text). The tests that spawn worker
processes load the shipped ONNX model in each, so they are few and marked ``slow``; the serial
outputs they are compared with are computed once per module.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from spinscope.cli.app import app
from spinscope.detectors.registry import MODEL_FILES, detector_choice, load_detector
from spinscope.document import Document
from spinscope.errors import InputError
from spinscope.parallel import MAX_CHUNK, PARALLEL_TASKS, chunked, parallel_rows
from spinscope.predict import PredictSummary, predict_to_file

#: id -> text. "1" is multi-paragraph English with loaded words, a rhetorical question and a
#: repeated slogan; "2" is French over two paragraphs and "3" German (both supported, so the
#: article models calibrate them per language); "4" is very short (no language detected);
#: "5" has a BOM and CRLF lines; "6" is Spanish (not supported: the language note names it);
#: "10" sorts between "1" and "2", so the rows must come back in the readers' id order.
ARTICLES = {
    "1": (
        "Council Betrays Harbour Town\n"
        "\n"
        "The spineless council voted on Tuesday to shut the ferry terminal, a shameful "
        "betrayal of every family that depends on it.\n"
        "\n"
        "Who really believes the savings will ever reach our schools? Only a fool would trust "
        "these people again.\n"
        "\n"
        "Save our ferry! Save our ferry! The mayor must resign before he ruins the whole "
        "coast.\n"
    ),
    "2": (
        "Le conseil municipal de Honfleur a voté mardi la fermeture du vieux marché couvert.\n"
        "\n"
        "Les commerçants dénoncent une décision scandaleuse et irresponsable, prise sans "
        "aucune concertation. Qui peut encore croire les promesses du maire ?\n"
    ),
    "3": (
        "Der Gemeinderat von Lindau hat am Montag beschlossen, das alte Hallenbad zu "
        "schließen. Die Bürger sprechen von einem Skandal und fordern den sofortigen "
        "Rücktritt des Bürgermeisters.\n"
    ),
    "4": "Shame!\n",
    "5": (
        "\ufeffA Quiet Budget\r\n"
        "\r\n"
        "The county budget passed after a long debate on Thursday evening.\r\n"
        "Road repairs will start in the spring, the treasurer said.\r\n"
    ),
    "6": (
        "El ayuntamiento de Tarifa aprobó ayer un plan que nadie pidió. Los vecinos dicen que "
        "es una vergüenza total y exigen respuestas inmediatas del alcalde.\n"
    ),
    "10": (
        "The new bridge opened to traffic on Monday morning.\n"
        "\n"
        "Critics called it a monstrous waste of money, but drivers seemed pleased.\n"
    ),
}


def write(path: Path, text: str) -> Path:
    """Write ``text`` byte-exactly (no newline translation)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return path


def same_fields(summary: PredictSummary) -> dict[str, Any]:
    """A summary's fields but the output path (serial and parallel runs write apart)."""
    fields = dataclasses.asdict(summary)
    fields.pop("out")
    return fields


@dataclasses.dataclass(frozen=True)
class Run:
    """What a :func:`predict_to_file` call wrote, returned and said."""

    data: bytes
    summary: PredictSummary
    notes: list[str]


def run(task: str, articles: Path, out: Path, **kwargs: Any) -> Run:
    """:func:`predict_to_file` with a notify that keeps the notes."""
    notes: list[str] = []
    summary = predict_to_file(task, articles, out, notify=notes.append, **kwargs)
    return Run(out.read_bytes(), summary, notes)


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of :data:`ARTICLES`, plus a file predict must ignore."""
    folder = tmp_path_factory.mktemp("parallel") / "articles"
    for doc_id, text in ARTICLES.items():
        write(folder / f"article{doc_id}.txt", text)
    write(folder / "notes.md", "not an article\n")
    return folder


@pytest.fixture(scope="module")
def serial(articles: Path) -> Callable[[str], Run]:
    """The one-process run of a task on :func:`articles`, computed once per task."""
    done: dict[str, Run] = {}
    out = articles.parent / "serial"

    def get(task: str) -> Run:
        if task not in done:
            done[task] = run(task, articles, out / f"{task}.txt")
        return done[task]

    return get


# ------------------------------------------------------------------------------- chunked


@given(st.integers(0, 400), st.integers(0, 40))
def test_chunks_cover_every_article_once_in_order(n, workers):
    chunks = chunked(n, workers)
    assert [i for chunk in chunks for i in chunk] == list(range(n))
    assert all(1 <= len(chunk) <= MAX_CHUNK for chunk in chunks)
    assert all(chunk.step == 1 for chunk in chunks)
    # one size for all but the last, which may be shorter
    assert len({len(chunk) for chunk in chunks[:-1]}) <= 1
    if chunks:
        assert len(chunks[-1]) <= len(chunks[0])
    w = max(1, workers)
    if n <= 4 * w * MAX_CHUNK:
        # small jobs: about four chunks per worker, never more, and enough to share out
        assert len(chunks) <= 4 * w
        assert len(chunks) >= min(n, 2 * w)
    else:
        assert all(len(chunk) == MAX_CHUNK for chunk in chunks[:-1])


def test_chunks_examples():
    assert chunked(0, 2) == []
    assert chunked(-3, 2) == []
    assert chunked(5, 2) == [range(i, i + 1) for i in range(5)]
    assert chunked(20, 1) == [range(0, 5), range(5, 10), range(10, 15), range(15, 20)]
    assert chunked(17, 1) == [range(0, 5), range(5, 10), range(10, 15), range(15, 17)]
    assert chunked(1000, 2) == [range(lo, min(1000, lo + 8)) for lo in range(0, 1000, 8)]
    assert chunked(3, 0) == chunked(3, 1) == [range(0, 1), range(1, 2), range(2, 3)]


# ------------------------------------------------------------------------ input checks


@pytest.mark.parametrize("workers", [0, -1])
def test_workers_below_one_is_an_input_error(articles, tmp_path, workers):
    for task in ("flc", "tc"):
        with pytest.raises(InputError, match="--workers must be at least 1"):
            predict_to_file(task, articles, tmp_path / "out.txt", workers=workers)
    assert not (tmp_path / "out.txt").exists()


def test_parallel_rows_refuses_template_tasks_and_no_workers():
    docs = [Document("1", "One.\n"), Document("2", "Two.\n")]
    for task in ("tc", "st3"):
        with pytest.raises(InputError, match="cannot be split across processes"):
            parallel_rows(task, docs, 2)
    with pytest.raises(InputError, match="--workers must be at least 1"):
        parallel_rows("flc", docs, 0)
    assert set(PARALLEL_TASKS) == {"si", "flc", "st1", "st2"}


def test_cli_workers_zero_exits_non_zero(articles, tmp_path):
    out = tmp_path / "flc.txt"
    argv = ["predict", "--task", "flc", "--articles", str(articles), "-o", str(out)]
    result = CliRunner().invoke(app, [*argv, "--workers", "0"])
    assert result.exit_code != 0
    assert "--workers" in result.output + result.stderr
    assert not out.exists()


# ------------------------------------------------------------------------ detector_choice


def model_folder(path: Path) -> Path:
    """A folder with the files of a model folder (their content is not read)."""
    for name in MODEL_FILES:
        write(path / name, "{}\n")
    return path


def test_detector_choice_names_without_loading(tmp_path):
    assert detector_choice(None) == ("hybrid", None)  # the model ships with the package
    for name in ("hybrid", "tagger", "baseline"):
        assert detector_choice(name) == (name, None)
    folder = model_folder(tmp_path / "m")
    assert detector_choice(None, model=folder) == ("hybrid", None)
    assert detector_choice("tagger", model=str(folder)) == ("tagger", None)


def test_detector_choice_agrees_with_load_detector_on_the_baseline():
    loaded, note = load_detector("baseline")
    assert detector_choice("baseline") == (loaded.name, note)


def test_detector_choice_without_the_model_falls_back_with_a_note(tmp_path, monkeypatch):
    monkeypatch.setattr("spinscope.tagger.model.default_model_dir", lambda: tmp_path)
    name, note = detector_choice(None)
    assert name == "baseline"
    assert note is not None and "model.onnx" in note and str(tmp_path) in note


def test_detector_choice_errors(tmp_path):
    with pytest.raises(InputError, match="unknown detector 'rules'"):
        detector_choice("rules")
    not_model = tmp_path / "weights"
    not_model.mkdir()
    with pytest.raises(InputError, match="is not a model folder") as caught:
        detector_choice(None, model=not_model)
    assert str(not_model) in str(caught.value)
    with pytest.raises(InputError, match="does not exist") as caught:
        detector_choice("tagger", model=tmp_path / "nowhere")
    assert str(tmp_path / "nowhere") in str(caught.value)
    # the model one level down is pointed at
    model_folder(tmp_path / "run" / "model")
    with pytest.raises(InputError, match="Did you mean"):
        detector_choice(None, model=tmp_path / "run")
    with pytest.raises(InputError, match="baseline has no model"):
        detector_choice("baseline", model=model_folder(tmp_path / "m"))


# ---------------------------------------------------------------- tasks in one process


def test_template_tasks_ignore_workers_with_a_note(articles, tmp_path, monkeypatch):
    text = ARTICLES["1"]
    shut = text.index("shut the ferry")
    fool = text.index("Only a fool")
    tc_template = write(
        tmp_path / "tc.template",
        f"1\t?\t{shut}\t{shut + 14}\n1\t?\t{fool}\t{fool + 11}\n1\t?\t{shut}\t{shut + 14}\n"
        "10\t?\t4\t15\n",
    )
    st3_template = write(
        tmp_path / "st3.template",
        "".join(
            f"{doc_id}\t{number}\t{line}\n"
            for doc_id in ("1", "5")
            for number, line in enumerate(ARTICLES[doc_id].split("\n"), start=1)
            if line.strip()
        ),
    )

    def no_processes(*args: object, **kwargs: object) -> None:
        raise AssertionError("tc and st3 must not be split across processes")

    monkeypatch.setattr("spinscope.parallel.parallel_rows", no_processes)
    for task, template in (("tc", tc_template), ("st3", st3_template)):
        kwargs: dict[str, Any] = {"template": template, "detector": "baseline"}
        one = run(task, articles, tmp_path / f"{task}-1.txt", **kwargs)
        two = run(task, articles, tmp_path / f"{task}-2.txt", workers=2, **kwargs)
        ignored = [note for note in two.notes if "--workers is ignored" in note]
        assert len(ignored) == 1 and f"task {task}" in ignored[0]
        assert not any("--workers" in note for note in one.notes)
        assert sorted(note for note in two.notes if note not in ignored) == sorted(one.notes)
        assert one.data and two.data == one.data
        assert same_fields(two.summary) == same_fields(one.summary)
    assert same_fields(one.summary)["articles"] == 2  # st3: the articles the template names


# ------------------------------------------------------------------ in several processes


@pytest.mark.slow
@pytest.mark.parametrize("task", ["flc", "si", "st1", "st2"])
def test_two_workers_write_the_same_file_as_one(task, articles, serial, tmp_path):
    one = serial(task)
    two = run(task, articles, tmp_path / f"{task}.txt", workers=2)
    assert two.data == one.data
    assert same_fields(two.summary) == same_fields(one.summary)
    assert two.summary.out == tmp_path / f"{task}.txt"
    # the language note: the same messages, whichever process detected the languages
    assert set(two.notes) == set(one.notes)
    assert any("article6 (Spanish)" in note for note in one.notes), one.notes
    # the comparison is not between two empty files
    assert one.summary.articles == len(ARTICLES)
    if task in ("st1", "st2"):
        assert one.summary.rows == len(ARTICLES)
        assert one.summary.detector.startswith("article models (")
    else:
        assert one.summary.rows > 0 and one.summary.detector == "hybrid"
        ids = [line.split(b"\t")[0] for line in one.data.splitlines()]
        assert b"1" in ids


@pytest.mark.slow
def test_cli_with_two_workers_writes_the_same_file(articles, tmp_path):
    runner = CliRunner()
    results = {}
    for name, extra in (("one", []), ("two", ["--workers", "2"])):
        out = tmp_path / f"{name}.txt"
        argv = ["predict", "--task", "flc", "--articles", str(articles), "-o", str(out)]
        result = runner.invoke(app, argv + extra)
        assert result.exit_code == 0, result.output + result.stderr
        assert "detector: hybrid" in result.stderr
        notes = {line for line in result.stderr.splitlines() if line.startswith("note:")}
        results[name] = (out.read_bytes(), notes)
    assert results["two"] == results["one"]
    assert results["one"][0]


@pytest.mark.slow
def test_article_tasks_name_a_bad_model_folder_with_workers(articles, tmp_path):
    not_model = tmp_path / "weights"
    not_model.mkdir()
    with pytest.raises(InputError, match="is not a model folder"):
        predict_to_file("st1", articles, tmp_path / "one.txt", model=not_model)
    with pytest.raises(InputError, match="is not a model folder"):
        predict_to_file("st1", articles, tmp_path / "two.txt", model=not_model, workers=2)


@pytest.mark.slow
def test_an_error_in_a_worker_reaches_the_parent_as_it_is(articles, tmp_path):
    """A model that exists but cannot load fails in the workers: the parent gets that error."""
    from spinscope.errors import ModelError

    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("model.onnx", "tokenizer.json", "config.json"):
        (broken / name).write_text("{}" if name != "model.onnx" else "not onnx")
    with pytest.raises(ModelError, match="could not be loaded") as caught:
        predict_to_file("flc", articles, tmp_path / "out.txt", model=broken, workers=2)
    assert str(caught.value).count("[E006]") == 1
    assert not (tmp_path / "out.txt").exists()


# ------------------------------------------------------------------- analyze --workers

#: name -> text of the articles ``spinscope analyze --workers`` reads. "ferry" has loaded
#: words, a rhetorical question and a repeated slogan; "marche" is French; "library" is plain
#: reporting; "piped" is what the CLI tests send on standard input.
ANALYZE_TEXTS = {
    "ferry": (
        "Ferry Vote Sparks Fury\n"
        "\n"
        "The spineless island council voted to shut the ferry terminal, a shameful betrayal of "
        "every family that depends on it.\n"
        "\n"
        "Who really believes the savings will reach our schools? Save our ferry! Save our "
        "ferry!\n"
    ),
    "marche": (
        "Le conseil municipal de Pontbriand a voté mardi la fermeture du vieux marché couvert. "
        "Les commerçants dénoncent une décision scandaleuse et irresponsable, prise sans "
        "aucune concertation. Qui peut encore croire les promesses du maire ?\n"
    ),
    "library": (
        "The county library will open an hour earlier on weekdays from April, the board said "
        "on Thursday after a survey of its readers.\n"
    ),
    "piped": (
        "Orchard Scheme Called a Disgrace\n"
        "\n"
        "Growers called the new orchard scheme a disgraceful land grab by greedy developers. "
        "Are we really expected to believe it will help anyone but them?\n"
    ),
}


@pytest.fixture(scope="module")
def analyze_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """:data:`ANALYZE_TEXTS` as ``<name>.txt`` files, and ``"missing"``: a path never written."""
    folder = tmp_path_factory.mktemp("analyze")
    files = {name: write(folder / f"{name}.txt", text) for name, text in ANALYZE_TEXTS.items()}
    files["missing"] = folder / "missing.txt"
    return files


@pytest.fixture(scope="module")
def analyser() -> Any:
    """One in-process analyzer with the default (shipped) detector, for the serial runs."""
    from spinscope.analyzer import Analyzer

    return Analyzer().load()


def analysis_json(result: Any) -> dict[str, Any]:
    """A :class:`~spinscope.analyzer.SourceResult`'s analysis as JSON data."""
    assert result.error is None and result.analysis is not None, result
    data: dict[str, Any] = json.loads(result.analysis.to_json())
    return data


def invoke_analyze(*args: str | Path, input: str | None = None) -> Result:
    """``spinscope analyze ARGS`` in-process; stdout and stderr apart."""
    return CliRunner().invoke(app, ["analyze", *map(str, args)], input=input)


def test_two_serial_analyses_are_identical(analyze_files, analyser):
    """Nothing in a report (no timestamp, no timing) differs from one run to the next.

    So the parallel reports below are compared whole with the serial ones.
    """
    from spinscope.analyzer import Analyzer, analyze_sources

    sources = [str(analyze_files[name]) for name in ("ferry", "marche")]
    first = [analysis_json(r) for r in analyze_sources(sources, analyser)]
    again = [analysis_json(r) for r in analyze_sources(sources, Analyzer().load())]
    assert first == again


@pytest.mark.slow
def test_analyze_in_parallel_keeps_the_order_and_isolates_a_failure(analyze_files, analyser):
    from spinscope.analyzer import SourceResult, analyze_sources
    from spinscope.parallel import analyze_in_parallel

    missing = analyze_files["missing"]
    # not in name order, and the failure between two that succeed
    sources = [str(analyze_files[name]) for name in ("library", "marche")]
    sources += [str(missing), str(analyze_files["ferry"])]
    serial = list(analyze_sources(sources, analyser))
    results = list(analyze_in_parallel(sources, 2))

    assert all(isinstance(r, SourceResult) for r in results)
    assert [r.source for r in results] == sources
    failed = results[2]
    assert failed.analysis is None and isinstance(failed.error, InputError)
    assert str(missing) in str(failed.error) and "does not exist" in str(failed.error)
    assert failed.error.exit_code == 2
    assert str(failed.error) == str(serial[2].error)  # the same error as in one process
    for i in (0, 1, 3):
        assert results[i].error is None
        assert analysis_json(results[i]) == analysis_json(serial[i])
    # the comparison is not between empty or interchangeable reports
    ids = [analysis_json(results[i])["id"] for i in (0, 1, 3)]
    assert ids == ["library", "marche", "ferry"]
    assert analysis_json(results[1])["language"]["code"] == "fr"
    assert analysis_json(results[3])["spans"]


def test_analyze_in_parallel_refuses_no_workers(analyze_files, monkeypatch):
    from spinscope.parallel import analyze_in_parallel

    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("no process pool for --workers 0")

    monkeypatch.setattr("spinscope.parallel.ProcessPoolExecutor", no_pool)
    sources = [str(analyze_files["ferry"]), str(analyze_files["library"])]
    for workers in (0, -2):
        with pytest.raises(InputError, match="--workers must be at least 1, got"):
            list(analyze_in_parallel(sources, workers))


def test_cli_analyze_workers_zero_exits_non_zero(analyze_files, tmp_path):
    out = tmp_path / "out.json"
    files = [analyze_files["ferry"], analyze_files["library"]]
    result = invoke_analyze(*files, "-f", "json", "-o", out, "--workers", "0")
    assert result.exit_code == 2
    assert "--workers" in result.output + result.stderr
    assert not out.exists()


@pytest.mark.slow
def test_cli_analyze_with_two_workers_writes_the_same_reports(analyze_files, tmp_path):
    missing = analyze_files["missing"]
    argv = [analyze_files["ferry"], analyze_files["marche"], missing, "-f", "json"]
    serial = invoke_analyze(*argv, "-o", tmp_path / "one.json")
    out = tmp_path / "out.json"
    result = invoke_analyze(*argv, "-o", out, "--workers", "2")

    assert serial.exit_code == 2, serial.output
    assert result.exit_code == serial.exit_code, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data == json.loads((tmp_path / "one.json").read_text(encoding="utf-8"))
    assert [a["id"] for a in data] == ["ferry", "marche"]
    assert [a["language"]["code"] for a in data] == ["en", "fr"]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and str(missing) in errors[0] and "does not exist" in errors[0]
    assert f"wrote {out}" in result.stderr
    assert result.stdout == ""


@pytest.mark.slow
def test_cli_analyze_with_two_workers_reads_standard_input_in_place(analyze_files):
    text = ANALYZE_TEXTS["piped"]
    argv = [analyze_files["library"], "-", analyze_files["ferry"], "-f", "json"]
    serial = invoke_analyze(*argv, input=text)
    result = invoke_analyze(*argv, "--workers", "2", input=text)

    assert serial.exit_code == 0, serial.output
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [a["id"] for a in data] == ["library", "stdin", "ferry"]
    assert data[1]["text"] == text and data[1]["metadata"]["source"] == "<stdin>"
    assert data == json.loads(serial.stdout)


@pytest.mark.parametrize("source", ["file", "-"])
def test_cli_analyze_one_input_with_workers_runs_in_this_process(
    source, analyze_files, monkeypatch
):
    class NoPool(Exception):
        pass

    def no_pool(*args: object, **kwargs: object) -> None:
        raise NoPool("one input must not be analysed in worker processes")

    monkeypatch.setattr("spinscope.parallel.analyze_in_parallel", no_pool)
    text = ANALYZE_TEXTS["piped"]
    if source == "file":
        result = invoke_analyze(analyze_files["piped"], "-f", "json", "--workers", "2")
        expected_id = "piped"
    else:
        result = invoke_analyze("-", "-f", "json", "--workers", "2", input=text)
        expected_id = "stdin"
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["id"] == expected_id and data["text"] == text
    # the replacement is the function the command calls for several inputs
    two = invoke_analyze(analyze_files["piped"], analyze_files["library"], "--workers", "2")
    assert isinstance(two.exception, NoPool)
