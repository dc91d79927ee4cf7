"""Batch runs: tables, errors, resuming after an interruption, refusing another input."""

from __future__ import annotations

import json
import os

import pytest
from batch_support import ARTICLES, corpus, read_table, write_jsonl

from language_support import NO_LETTERS_TEXT, OTHER_TEXTS, SUPPORTED_TEXTS
from spinscope.analyzer import Analyzer
from spinscope.batch import BatchOptions, run_batch
from spinscope.batch.inputs import Fields, Record
from spinscope.batch.tables import documents_schema, spans_schema
from spinscope.batch.work import analyse_chunk
from spinscope.detectors.baseline import BaselineDetector
from spinscope.errors import InputError

pq = pytest.importorskip("pyarrow.parquet", reason="the batch extra is not installed")

BASELINE = BatchOptions(detector="baseline", chunk_size=4)


def _options(**changes):
    return BatchOptions(**{**BASELINE.__dict__, **changes})


def test_tables_errors_and_manifest(make_jsonl, tmp_path):
    extra = ['{"id": "broken", "text": ', json.dumps({"id": "blank", "text": "  \n"})]
    extra.append(json.dumps({"id": "doc-0001", "text": "a second doc-0001"}))
    source = make_jsonl(9, extra=extra)
    out = tmp_path / "out"
    summary = run_batch([source], out, BASELINE, progress=False)
    assert summary.complete and summary.chunks_total == 3
    assert summary.counts["records"] == 12
    docs = read_table(out, "documents")
    assert [d["seq"] for d in docs] == sorted(d["seq"] for d in docs)
    assert [d["id"] for d in docs] == [f"doc-{i:04d}" for i in range(9)] + ["blank"]
    statuses = {d["id"]: d["status"] for d in docs}
    assert statuses["blank"] == "skipped" and list(statuses.values()).count("ok") == 9
    first = docs[0]
    assert (first["input"], first["line"], first["source"]) == (str(source), 1, "Daily Harbour")
    assert first["text"] == corpus(1)[0]["text"] and first["n_spans"] > 0
    assert first["techniques"] and first["n_words"] > 40
    assert first["density"] == pytest.approx(1000 * first["n_spans"] / first["n_words"])
    spans = read_table(out, "spans")
    assert {s["doc_id"] for s in spans} <= {d["id"] for d in docs if d["status"] == "ok"}
    for s in spans[:20]:
        doc = next(d for d in docs if d["id"] == s["doc_id"])
        assert doc["text"][s["start"] : s["end"]] == s["text"]
    # every rule span says which detector found it and why
    assert {s["detector"] for s in spans} == {"baseline"}
    assert all(s["evidence"] for s in spans)
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert [(e["line"], e["code"]) for e in errors] == [(10, "malformed"), (12, "duplicate_id")]
    assert all(e["input"] == str(source) for e in errors)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] and manifest["done"] == [[0, 2]]
    assert manifest["fingerprint"]["model"]["detector"] == "baseline"
    assert not (out / "_parts").exists()


def test_schemas_are_fixed_even_for_empty_chunks(tmp_path):
    source = write_jsonl(tmp_path / "a.jsonl", corpus(2), extra=["{bad"] * 4)
    out = tmp_path / "out"
    run_batch([source], out, _options(chunk_size=2), progress=False)
    parts = sorted((out / "documents").glob("part-*.parquet"))
    assert len(parts) == 3
    for part in parts:
        assert pq.read_schema(part).equals(documents_schema())
    for part in (out / "spans").glob("part-*.parquet"):
        assert pq.read_schema(part).equals(spans_schema())
    assert pq.read_table(out / "documents").num_rows == 2


def test_jsonl_format_holds_the_same_rows(make_jsonl, tmp_path):
    source = make_jsonl(7)
    run_batch([source], tmp_path / "pq", BASELINE, progress=False)
    run_batch([source], tmp_path / "js", _options(fmt="jsonl"), progress=False)
    assert sorted(p.name for p in (tmp_path / "js").iterdir() if p.name != ".lock") == [
        "documents.jsonl",
        "errors.jsonl",
        "manifest.json",
        "spans.jsonl",
    ]
    for table in ("documents", "spans"):
        assert read_table(tmp_path / "js", table) == read_table(tmp_path / "pq", table)


class _Stop(Exception):
    pass


def test_resume_after_interruption_writes_every_document_once(make_jsonl, tmp_path):
    source = make_jsonl(30)
    whole = tmp_path / "whole"
    run_batch([source], whole, BASELINE, progress=False)
    out = tmp_path / "out"
    seen = []

    def stop_after_three(result):
        seen.append(result.chunk)
        if len(seen) == 3:
            raise _Stop

    with pytest.raises(_Stop):
        run_batch([source], out, BASELINE, progress=False, on_chunk=stop_after_three)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["done"] == [[0, 2]] and not manifest["complete"]
    # what a kill leaves behind: a temporary file, and a chunk written but not recorded
    (out / "documents" / ".part-00000003.parquet.tmp").write_bytes(b"half")
    (out / "documents" / "part-00000003.parquet").write_bytes(b"not parquet")
    summary = run_batch([source], out, BASELINE, progress=False)
    assert summary.chunks_done_before == 3 and summary.chunks_done_now == 5
    assert summary.counts["documents"] == 30
    assert not list((out / "documents").glob(".*.tmp"))
    for table in ("documents", "spans"):
        assert read_table(out, table) == read_table(whole, table)
    ids = [d["id"] for d in read_table(out, "documents")]
    assert sorted(ids) == sorted(set(ids)) and len(ids) == 30


def test_complete_run_is_not_redone(make_jsonl, tmp_path):
    source = make_jsonl(5)
    run_batch([source], tmp_path / "out", BASELINE, progress=False)
    again = run_batch([source], tmp_path / "out", BASELINE, progress=False)
    assert again.already_complete and again.counts["documents"] == 5
    assert again.chunks_done_now == 0


def test_refuses_another_input_or_model_unless_overwrite(make_jsonl, tmp_path):
    source = make_jsonl(5)
    out = tmp_path / "out"
    run_batch([source], out, BASELINE, progress=False)
    write_jsonl(source, corpus(6))
    with pytest.raises(InputError) as err:
        run_batch([source], out, BASELINE, progress=False)
    assert "changed input files" in str(err.value) and "--overwrite" in str(err.value)
    with pytest.raises(InputError, match="threshold"):
        run_batch([source], out, _options(threshold=0.9), progress=False)
    with pytest.raises(InputError, match="chunk_size"):
        run_batch([source], out, _options(chunk_size=5), progress=False)
    with pytest.raises(InputError, match=r"field options differ \(text 'text' then, 'body' now\)"):
        run_batch([source], out, _options(fields=Fields(text="body")), progress=False)
    summary = run_batch([source], out, _options(overwrite=True), progress=False)
    assert summary.complete and summary.counts["documents"] == 6
    assert len(read_table(out, "documents")) == 6


def test_refuses_a_folder_that_is_not_a_run(make_jsonl, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(InputError, match="not empty"):
        run_batch([make_jsonl(2)], out, BASELINE, progress=False)
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


class _Exploding(BaselineDetector):
    """The baseline, except that an article with BOOM in it breaks it."""

    def predict(self, docs):
        if any("BOOM" in d.text for d in docs):
            raise ValueError("the detector broke")
        return super().predict(docs)


def test_a_failing_document_does_not_sink_its_chunk():
    analyzer = Analyzer(_Exploding().load()).load()
    records = [
        Record(0, "in.jsonl", 1, "a", text=ARTICLES[0]),
        Record(1, "in.jsonl", 2, "b", text=ARTICLES[1] + " BOOM"),
        Record(2, "in.jsonl", 3, "c", text=ARTICLES[2]),
    ]
    result = analyse_chunk(analyzer, 0, records)
    assert [(d["id"], d["status"]) for d in result.documents] == [
        ("a", "ok"),
        ("b", "failed"),
        ("c", "ok"),
    ]
    assert result.documents[1]["reason"] == "ValueError: the detector broke"
    assert result.errors == [
        {
            "seq": 1,
            "input": "in.jsonl",
            "line": 2,
            "id": "b",
            "code": "analysis_failed",
            "reason": "ValueError: the detector broke",
        }
    ]


def test_folder_input_with_html_and_empty_files(tmp_path):
    folder = tmp_path / "articles"
    (folder / "Valley Post").mkdir(parents=True)
    (folder / "Valley Post" / "a.txt").write_text(ARTICLES[2], encoding="utf-8")
    page = (
        "<html><head><title>Harvest news</title></head><body><article><h1>Harvest</h1>"
        f"<p>{ARTICLES[3]}</p></article></body></html>"
    )
    (folder / "b.html").write_text(page, encoding="utf-8")
    (folder / "c.txt").write_text("\n \n", encoding="utf-8")
    out = tmp_path / "out"
    run_batch([folder], out, BASELINE, progress=False)
    docs = {d["id"]: d for d in read_table(out, "documents")}
    assert docs["Valley Post/a"]["source"] == "Valley Post"
    assert docs["Valley Post/a"]["input"] == str(folder / "Valley Post" / "a.txt")
    assert docs["b"]["status"] == "ok" and "harvest" in docs["b"]["text"]
    assert docs["c"]["status"] == "skipped" and docs["c"]["line"] is None


def test_two_workers_write_the_same_tables_as_one(make_jsonl, tmp_path):
    source = make_jsonl(24)
    run_batch([source], tmp_path / "one", BASELINE, progress=False)
    summary = run_batch([source], tmp_path / "two", _options(workers=2), progress=False)
    # worker processes did the work, not this one
    assert summary.worker_peak_rss and all(
        not key.endswith(f":{os.getpid()}") for key in summary.worker_peak_rss
    )
    for table in ("documents", "spans"):
        assert pq.read_table(tmp_path / "two" / table).equals(
            pq.read_table(tmp_path / "one" / table)
        )


def test_progress_bar_when_asked(make_jsonl, tmp_path, capsys):
    summary = run_batch([make_jsonl(9)], tmp_path / "out", BASELINE, progress=True)
    assert summary.complete
    err = capsys.readouterr().err
    assert "9/9" in err and "docs/s" in err


@pytest.mark.slow
def test_the_shipped_model_gives_the_same_tables_with_two_workers(make_jsonl, tmp_path):
    """Deterministic with the default detector too: each worker runs the model on its share
    of the cores (fewer onnxruntime threads), and the spans must not change with that."""
    source = make_jsonl(12)
    default = _options(detector=None, chunk_size=4)
    run_batch([source], tmp_path / "one", default, progress=False)
    two = _options(detector=None, chunk_size=4, workers=2)
    run_batch([source], tmp_path / "two", two, progress=False)
    manifest = json.loads((tmp_path / "one" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["fingerprint"]["model"]["detector"] == "hybrid"
    assert pq.read_table(tmp_path / "one" / "spans").num_rows > 0
    for table in ("documents", "spans"):
        assert pq.read_table(tmp_path / "two" / table).equals(
            pq.read_table(tmp_path / "one" / table)
        )


def test_a_file_that_fails_to_read_in_any_way_is_recorded(tmp_path, monkeypatch):
    import spinscope.ingest

    good, bad = tmp_path / "good.txt", tmp_path / "bad.html"
    good.write_text(ARTICLES[0], encoding="utf-8")
    bad.write_text("<html><body><p>x</p></body></html>", encoding="utf-8")
    real = spinscope.ingest.read_file

    def read_file(path, data=None):
        if str(path).endswith(".html"):
            raise RuntimeError("the extractor crashed")
        return real(path, data=data)

    monkeypatch.setattr(spinscope.ingest, "read_file", read_file)
    records = [
        Record(0, str(bad), None, "bad", path=str(bad)),
        Record(1, str(good), None, "good", path=str(good)),
    ]
    result = analyse_chunk(Analyzer("baseline").load(), 0, records)
    assert [(d["id"], d["status"]) for d in result.documents] == [("bad", "failed"), ("good", "ok")]
    assert result.errors[0]["code"] == "unreadable"
    assert result.errors[0]["reason"] == "RuntimeError: the extractor crashed"


def _multilingual(tmp_path):
    rows = [{"id": code, "text": text} for code, text in SUPPORTED_TEXTS.items()]
    rows += [{"id": "es", "text": OTHER_TEXTS["es"]}, {"id": "none", "text": NO_LETTERS_TEXT}]
    return write_jsonl(tmp_path / "langs.jsonl", rows)


def test_documents_have_a_language_column(tmp_path):
    out = tmp_path / "out"
    run_batch([_multilingual(tmp_path)], out, BASELINE, progress=False)
    docs = {d["id"]: d for d in read_table(out, "documents")}
    assert {k: d["language"] for k, d in docs.items()} == {
        **{code: code for code in SUPPORTED_TEXTS},
        "es": "es",
        "none": None,
    }
    assert "unsupported_language" in docs["es"]["warning_codes"]
    assert "unknown_language" in docs["none"]["warning_codes"]
    assert not {"unsupported_language", "mixed_language"} & set(docs["fr"]["warning_codes"])
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["language"] is None and manifest["fingerprint"]["model"]["language"] is None


def test_a_given_language_is_every_documents_and_part_of_the_fingerprint(tmp_path):
    source = _multilingual(tmp_path)
    out = tmp_path / "out"
    run_batch([source], out, _options(language="it", fmt="jsonl"), progress=False)
    assert {d["language"] for d in read_table(out, "documents")} == {"it"}
    with pytest.raises(InputError, match="language: 'it' then, None now"):
        run_batch([source], out, _options(fmt="jsonl"), progress=False)
    with pytest.raises(InputError, match="unknown language 'xx'"):
        run_batch([source], tmp_path / "other", _options(language="xx"), progress=False)
    assert not (tmp_path / "other").exists() or not any((tmp_path / "other").iterdir())


def test_a_run_from_before_the_language_option_resumes(make_jsonl, tmp_path):
    """A manifest without the language setting reads as "detected", as it was."""
    source = make_jsonl(12)
    out = tmp_path / "out"

    def stop(result):
        raise _Stop

    with pytest.raises(_Stop):
        run_batch([source], out, BASELINE, progress=False, on_chunk=stop)
    path = out / "manifest.json"
    manifest = json.loads(path.read_text())
    del manifest["fingerprint"]["model"]["language"]
    path.write_text(json.dumps(manifest))
    summary = run_batch([source], out, BASELINE, progress=False)
    assert summary.chunks_done_before == 1 and summary.counts["documents"] == 12


def test_tables_of_another_layout_are_not_resumed(make_jsonl, tmp_path):
    source = make_jsonl(8)
    out = tmp_path / "out"

    def stop(result):
        raise _Stop

    with pytest.raises(_Stop):
        run_batch([source], out, BASELINE, progress=False, on_chunk=stop)
    path = out / "manifest.json"
    manifest = json.loads(path.read_text())
    del manifest["fingerprint"]["output"]["tables"]  # a run written without the new column
    path.write_text(json.dumps(manifest))
    with pytest.raises(InputError, match="tables: None then, 2 now"):
        run_batch([source], out, BASELINE, progress=False)


def test_two_workers_pass_the_language_on(tmp_path):
    source = _multilingual(tmp_path)
    run_batch([source], tmp_path / "out", _options(workers=2, language="pl"), progress=False)
    assert {d["language"] for d in read_table(tmp_path / "out", "documents")} == {"pl"}


def test_analyse_chunk_takes_the_language():
    analyzer = Analyzer("baseline").load()
    records = [Record(0, "in.jsonl", 1, "a", text=SUPPORTED_TEXTS["de"])]
    assert analyse_chunk(analyzer, 0, records).documents[0]["language"] == "de"
    assert analyse_chunk(analyzer, 0, records, "ru").documents[0]["language"] == "ru"


def test_progress_lines_off_a_terminal(capsys) -> None:
    from spinscope.batch.runner import _Progress

    quiet = _Progress(False, None, 0, lines=True, every=3600.0)
    quiet.advance(16)
    assert capsys.readouterr().err == ""  # nothing before the interval has passed
    chatty = _Progress(False, None, 32, lines=True, every=0.0)
    chatty.advance(16)
    chatty.advance(16)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("batch: 48 documents done (16 in this run, ")
    assert lines[1].startswith("batch: 64 documents done (32 in this run, ")
    assert _Progress(True, 10, 0, lines=True).lines is False  # a bar instead on a terminal
