from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from spinscope.render import render_text
from spinscope.render.json import render_json, render_jsonl, schema


def test_schema_is_valid_and_documented() -> None:
    s = schema()
    jsonschema.Draft202012Validator.check_schema(s)
    assert s["properties"]["schema_version"]["const"] == 1
    for name, prop in s["properties"].items():
        assert "description" in prop or name == "schema_version" or "$ref" in prop, name


def test_schema_file_ships_in_the_package() -> None:
    import spinscope

    path = Path(spinscope.__file__).parent / "resources" / "analysis.schema.json"
    assert json.loads(path.read_text(encoding="utf-8")) == schema()


def test_one_object(harbour_analysis) -> None:
    data = json.loads(render_json(harbour_analysis))
    jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)
    assert data["id"] == "harbour"
    assert data["text"].startswith("Harbour Council")


def test_several_make_an_array(harbour_analysis) -> None:
    data = json.loads(render_text("json", [harbour_analysis, harbour_analysis]))
    assert isinstance(data, list) and len(data) == 2


def test_jsonl(harbour_analysis) -> None:
    out = render_jsonl([harbour_analysis, harbour_analysis])
    lines = out.splitlines()
    assert len(lines) == 2 and out.endswith("\n")
    for line in lines:
        jsonschema.validate(json.loads(line), schema(), cls=jsonschema.Draft202012Validator)


def test_stable_field_names(harbour_analysis) -> None:
    data = json.loads(render_json(harbour_analysis))
    assert list(data) == [
        "schema_version",
        "spinscope_version",
        "id",
        "title",
        "url",
        "metadata",
        "detector",
        "language",
        "warnings",
        "text",
        "spans",
        "quotations",
        "name_variants",
        "summary",
        "explanations",
        "genre",
        "frames",
        "coverage",
        "frames_cv_micro_f1",
    ]
    assert list(data["genre"]) == [
        "label",
        "probabilities",
        "not_detected",
        "features",
        "cv_macro_f1",
    ]
    assert list(data["frames"][0]) == ["frame", "score", "selected"]
    assert list(data["spans"][0]) == [
        "start",
        "end",
        "text",
        "technique",
        "title",
        "category",
        "score",
        "quoted",
        "speaker",
        "scare_quote",
        "source",
        "evidence",
        "tier",
        "alternatives",
    ]
