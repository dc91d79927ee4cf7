"""Saved analyses: save, get, list, search, delete, transactions and schema migrations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from serve_support import old_database
from sqlalchemy import event

from spinscope.analysis import Analysis
from spinscope.errors import InputError
from spinscope.serve.storage import HEAD, Storage


@pytest.fixture
def storage(tmp_path: Path) -> Storage:
    s = Storage(f"sqlite:///{tmp_path / 'a.db'}")
    s.migrate()
    yield s
    s.close()


def test_from_dict_round_trips(harbour_analysis, baseline_analyzer, harbour_text) -> None:
    for analysis in (harbour_analysis, baseline_analyzer.analyze(harbour_text)):
        data = json.loads(analysis.to_json())
        rebuilt = Analysis.from_dict(data)
        assert rebuilt.to_dict() == data
        assert rebuilt.text == analysis.text
        assert [(s.start, s.end, s.technique) for s in rebuilt.spans] == [
            (s.start, s.end, s.technique) for s in analysis.spans
        ]
        assert rebuilt.explanations.keys() == analysis.explanations.keys()


def test_from_dict_refuses_other_schema_versions(harbour_analysis) -> None:

    data = harbour_analysis.to_dict()
    with pytest.raises(InputError, match="schema_version"):
        Analysis.from_dict({**data, "schema_version": 99})
    broken = {**data}
    del broken["summary"]
    with pytest.raises(InputError, match="summary"):
        Analysis.from_dict(broken)


def test_migrate_an_empty_database(tmp_path: Path) -> None:
    s = Storage(f"sqlite:///{tmp_path / 'new' / '..' / 'fresh.db'}")
    assert s.revision() is None
    assert s.migrate() == HEAD
    assert s.migrate() == HEAD  # idempotent
    assert s.count() == 0


def test_migrate_an_old_database_keeps_and_fills_rows(tmp_path: Path, harbour_analysis) -> None:
    s = old_database(tmp_path / "old.db", harbour_analysis)
    assert s.revision() == "0001"
    assert s.migrate() == HEAD
    page = s.list()
    assert page.total == 1
    item = page.items[0]
    assert item.id == "oldone" and item.detector == "phrases"
    assert item.spans == len(harbour_analysis.spans)
    assert item.created_at.tzinfo is not None
    assert s.get("oldone") == json.loads(harbour_analysis.to_json())


def test_save_get_delete(storage: Storage, harbour_analysis) -> None:
    saved = storage.save(harbour_analysis)
    assert saved.id != harbour_analysis.id and len(saved.id) == 12
    assert storage.get(saved.id) == saved.to_dict()
    assert storage.get_json(saved.id) == saved.to_json()
    assert storage.count() == 1
    assert storage.delete(saved.id) is True
    assert storage.delete(saved.id) is False
    assert storage.get(saved.id) is None
    assert storage.get("../../etc/passwd") is None


def test_list_newest_first_with_search(storage: Storage, harbour_analysis) -> None:
    from dataclasses import replace

    ids = [
        storage.save(replace(harbour_analysis, title=f"Title {i} {'odd' if i % 2 else 'even'}")).id
        for i in range(6)
    ]
    page = storage.list(limit=4)
    assert [i.id for i in page.items] == ids[::-1][:4] and page.total == 6
    assert [i.id for i in storage.list(limit=4, offset=4).items] == [ids[1], ids[0]]
    odd = storage.list(q="ODD")
    assert odd.total == 3 and {i.id for i in odd.items} == {ids[1], ids[3], ids[5]}
    assert storage.list(q="Velmora").total == 6  # the text is searched too
    assert storage.list(q="_").total == 0 and storage.list(q="%").total == 0
    assert page.items[0].preview.startswith("Harbour Council")


def test_a_failed_write_leaves_nothing(storage: Storage, harbour_analysis) -> None:
    """A crash between the insert and the commit rolls the whole save back."""

    def crash(conn, clauseelement, multiparams, params, execution_options, result) -> None:
        raise RuntimeError("power cut")

    event.listen(storage.engine, "after_execute", crash)
    try:
        with pytest.raises(RuntimeError, match="power cut"):
            storage.save(harbour_analysis)
    finally:
        event.remove(storage.engine, "after_execute", crash)
    assert storage.count() == 0


def test_in_memory_database(harbour_analysis) -> None:
    s = Storage("sqlite://")
    s.migrate()
    saved = s.save(harbour_analysis)
    assert s.get(saved.id) is not None


def test_bad_database_url() -> None:

    with pytest.raises(InputError, match="not a database URL"):
        Storage("no such thing")


def test_a_missing_driver_says_what_to_install(monkeypatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_psycopg(name, *args, **kwargs):
        if name.split(".")[0] == "psycopg":
            raise ModuleNotFoundError(f"No module named {name!r}", name="psycopg")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_psycopg)
    with pytest.raises(InputError, match=r"driver 'psycopg' is not installed.*psycopg\[binary\]"):
        Storage("postgresql://user:secret@db.example/spinscope")
    with pytest.raises(InputError) as err:
        Storage("postgresql://user:secret@db.example/spinscope")
    assert "secret" not in str(err.value)  # the password is never shown
