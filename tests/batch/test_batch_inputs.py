"""Reading a corpus into numbered records: order, line numbers, bad lines, missing columns."""

from __future__ import annotations

import pytest
from batch_support import corpus, write_csv, write_jsonl, write_parquet

from spinscope.batch.inputs import Fields, count_records, input_fingerprint, iter_records
from spinscope.errors import InputError

pytest.importorskip("pyarrow", reason="the batch extra is not installed")


def test_jsonl_records_in_order_with_line_numbers(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", corpus(3), extra=["", "{not json", '["a list"]'])
    records = list(iter_records([path]))
    assert [r.seq for r in records] == [0, 1, 2, 3, 4]
    assert [r.id for r in records[:3]] == ["doc-0000", "doc-0001", "doc-0002"]
    assert records[0].source == "Daily Harbour" and records[0].date == "2024-01-01"
    assert records[0].title == "Article 0" and records[0].line == 1
    bad, not_object = records[3], records[4]
    # the blank line 4 is skipped, not an error
    assert (bad.line, bad.error_code) == (5, "malformed") and bad.text is None
    # the decoder's own "line 1" would contradict the file's line number: not repeated
    assert (
        bad.error == "malformed JSON line: Expecting property name enclosed in double "
        "quotes at character 2"
    )
    assert not_object.line == 6 and "not an object" in (not_object.error or "")


def test_missing_text_column_lists_the_columns_found(tmp_path):
    rows = [{"id": "1", "body": "x", "outlet": "y"}]
    for path in (
        write_jsonl(tmp_path / "a.jsonl", rows),
        write_csv(tmp_path / "a.csv", rows),
        write_parquet(tmp_path / "a.parquet", rows),
    ):
        with pytest.raises(InputError) as err:
            list(iter_records([path]))
        message = str(err.value)
        assert "'body'" in message and "'outlet'" in message and "--text-field" in message
    # naming the column reads it, and outlet stands in for source
    records = list(iter_records([tmp_path / "a.csv"], Fields(text="body")))
    assert records[0].text == "x" and records[0].source == "y"


def test_csv_malformed_row_keeps_its_line_and_multiline_rows_count(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(
        'id,text,source\n1,"two\nlines",S\n2,too,many,fields\n3,fine,S\n', encoding="utf-8"
    )
    records = list(iter_records([path]))
    assert [(r.seq, r.line, r.error_code) for r in records] == [
        (0, 2, None),
        (1, 4, "malformed"),
        (2, 5, None),
    ]
    assert records[0].text == "two\nlines"
    assert "4 fields" in (records[1].error or "")


def test_parquet_rows_and_dates_become_text(tmp_path):
    import datetime

    rows = [
        {"id": 7, "text": "a", "date": datetime.date(2024, 5, 6)},
        {"id": 8, "text": None, "date": None},
    ]
    records = list(iter_records([write_parquet(tmp_path / "a.parquet", rows)]))
    assert [(r.id, r.line, r.date) for r in records] == [("7", 1, "2024-05-06"), ("8", 2, None)]
    assert records[1].text == ""  # a null text is an empty document (skipped later)


def test_folder_sorted_recursively_with_source_from_subfolder(tmp_path):
    folder = tmp_path / "articles"
    (folder / "outlet-b").mkdir(parents=True)
    (folder / "outlet-a").mkdir()
    (folder / "outlet-b" / "x.txt").write_text("b", encoding="utf-8")
    (folder / "outlet-a" / "y.html").write_text("<p>a</p>", encoding="utf-8")
    (folder / "top.txt").write_text("t", encoding="utf-8")
    (folder / "notes.md").write_text("ignored", encoding="utf-8")
    records = list(iter_records([folder]))
    assert [(r.id, r.source, r.line) for r in records] == [
        ("outlet-a/y", "outlet-a", None),
        ("outlet-b/x", "outlet-b", None),
        ("top", None, None),
    ]
    assert all(r.path is not None and r.text is None for r in records)
    assert count_records([folder]) == 3


def test_duplicate_ids_are_errors_across_inputs(tmp_path):
    a = write_jsonl(tmp_path / "a.jsonl", corpus(2))
    b = write_csv(tmp_path / "b.csv", corpus(1))
    records = list(iter_records([a, b]))
    assert [r.seq for r in records] == [0, 1, 2]
    assert records[2].error_code == "duplicate_id" and "record 0" in (records[2].error or "")
    assert records[2].input == str(b) and records[2].line == 2


def test_missing_id_falls_back_to_file_and_line(tmp_path):
    path = write_jsonl(tmp_path / "feed.jsonl", [{"text": "a"}, {"text": "b"}])
    assert [r.id for r in iter_records([path])] == ["feed-1", "feed-2"]


def test_generated_ids_never_collide_across_inputs(tmp_path):
    """Ids spinscope makes up (no id column, folder files) name their input uniquely."""
    for year in ("2023", "2024"):
        (tmp_path / year).mkdir()
        write_jsonl(tmp_path / year / "data.jsonl", [{"text": "a"}, {"text": "b"}])
    for outlet in ("post", "courier"):
        (tmp_path / outlet).mkdir()
        (tmp_path / outlet / "story.txt").write_text("The story.", encoding="utf-8")
    inputs = [
        str(tmp_path / "2023" / "data.jsonl"),
        str(tmp_path / "2024" / "data.jsonl"),
        tmp_path / "post",
        tmp_path / "courier",
    ]
    records = list(iter_records(inputs))
    assert all(r.error is None for r in records), [r.error for r in records]
    ids = [r.id for r in records]
    assert len(set(ids)) == len(ids) == 6
    base = tmp_path.as_posix().strip("/")
    assert ids[:2] == [f"{base}/2023/data-1", f"{base}/2023/data-2"]
    assert ids[4:] == ["post/story", "courier/story"]
    # one input alone keeps the short ids
    assert [r.id for r in iter_records([tmp_path / "post"])] == ["story"]


def test_lone_surrogates_become_replacement_characters(tmp_path):
    """Valid JSON, but no UTF-8 file can hold them: replaced, offsets unchanged."""
    path = tmp_path / "s.jsonl"
    path.write_text('{"id": "x\\ud800", "text": "Bad \\udc00 text", "title": "\\ud83d"}\n')
    (record,) = iter_records([path])
    assert record.text == "Bad \ufffd text" and len(record.text) == 10
    assert record.id == "x\ufffd" and record.title == "\ufffd"


def test_unknown_or_missing_inputs(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        list(iter_records([tmp_path / "missing.jsonl"]))
    (tmp_path / "a.xlsx").write_bytes(b"")
    with pytest.raises(InputError, match="unknown input type"):
        list(iter_records([tmp_path / "a.xlsx"]))


def test_fingerprint_changes_with_content_and_options(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", corpus(2))
    first = input_fingerprint([path], Fields())
    assert input_fingerprint([path], Fields()) == first
    assert input_fingerprint([path], Fields(text="body")) != first
    write_jsonl(path, corpus(3))
    assert input_fingerprint([path], Fields()) != first
