"""Saved analyses: save, get, list, search, delete, transactions and schema migrations.

Every test that touches a database runs on SQLite and on PostgreSQL (the ``backend`` fixture).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
from serve_support import migrate_to, old_database, with_genre
from sqlalchemy import event, inspect

from spinscope.analysis import Analysis
from spinscope.errors import InputError
from spinscope.serve.storage import HEAD, Storage


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def storage(new_database: Callable[[], str]) -> Iterator[Storage]:
    s = Storage(new_database())
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


def test_migrate_an_empty_database(new_database: Callable[[], str]) -> None:
    s = Storage(new_database())
    assert s.revision() is None
    assert s.migrate() == HEAD
    assert s.migrate() == HEAD  # idempotent
    assert s.count() == 0
    s.close()


def test_a_new_sqlite_file_gets_its_folder(tmp_path) -> None:
    s = Storage(f"sqlite:///{tmp_path / 'new' / '..' / 'fresh.db'}")
    assert s.migrate() == HEAD
    s.close()
    assert (tmp_path / "new").is_dir() and (tmp_path / "fresh.db").is_file()


def test_migrate_an_old_database_keeps_and_fills_rows(new_database, harbour_analysis) -> None:
    satire = with_genre(harbour_analysis, "satire")
    s = old_database(new_database(), satire)
    assert s.revision() == "0001"
    assert s.migrate() == HEAD
    page = s.list()
    assert page.total == 1
    item = page.items[0]
    assert item.id == "oldone" and item.detector == "phrases"
    assert item.spans == len(harbour_analysis.spans)
    assert item.genre == "satire"
    assert item.created_at.tzinfo is not None
    assert s.get("oldone") == json.loads(satire.to_json())
    s.close()


def test_migrate_from_0002_fills_the_genre_and_skips_what_it_cannot_read(
    new_database, harbour_analysis
) -> None:
    without = json.loads(harbour_analysis.to_json())
    without["genre"] = None
    no_key = {k: v for k, v in without.items() if k != "genre"}
    s = old_database(
        new_database(),
        with_genre(harbour_analysis, "reporting"),
        revision="0002",
        raw_rows={
            "nogenre": json.dumps(without),
            "nokey": json.dumps(no_key),
            "broken": '{"genre": {"label": "opinion"',
            "notadict": "[1, 2]",
            "oddlabel": json.dumps({**without, "genre": {"label": 3}}),
            "stringgenre": json.dumps({**without, "genre": "opinion"}),
        },
    )
    assert s.revision() == "0002"
    assert s.migrate() == HEAD == "0003"
    genres = {i.id: i.genre for i in s.list(limit=100).items}
    assert genres == {
        "oldone": "reporting",
        "nogenre": None,
        "nokey": None,
        "broken": None,
        "notadict": None,
        "oddlabel": None,
        "stringgenre": None,
    }
    only = s.list(genre="reporting")
    assert only.total == 1 and only.items[0].id == "oldone"
    assert s.list(genre="opinion").total == 0
    assert s.get("oldone")["genre"]["label"] == "reporting"  # the JSON is kept as it was
    # the rows the migration could not read are kept, untouched
    assert s.get_json("broken") == '{"genre": {"label": "opinion"'
    assert s.count() == 7
    s.close()


def test_downgrade_drops_the_genre_column(new_database, harbour_analysis) -> None:
    s = Storage(new_database())
    s.migrate()
    s.save(with_genre(harbour_analysis, "opinion"))

    def columns() -> set[str]:
        return {c["name"] for c in inspect(s.engine).get_columns("analyses")}

    def indexes() -> set[str | None]:
        return {i["name"] for i in inspect(s.engine).get_indexes("analyses")}

    assert "genre" in columns() and "ix_analyses_genre" in indexes()
    migrate_to(s, "0002", down=True)
    assert s.revision() == "0002"
    assert "genre" not in columns() and "ix_analyses_genre" not in indexes()
    assert {"detector", "spans", "analysis"} <= columns() and s.count() == 1
    # and up again: the row's genre comes back from its JSON
    assert s.migrate() == HEAD
    assert [i.genre for i in s.list().items] == ["opinion"]
    s.close()


def test_the_backfill_reads_only_a_genre_label() -> None:
    import importlib

    genre_of = importlib.import_module("spinscope.serve.migrations.versions.0003_genre").genre_of
    assert genre_of('{"genre": {"label": "satire", "probabilities": {}}}') == "satire"
    for raw in (
        None,
        "",
        "not json",
        "null",
        '"text"',
        '{"genre": null}',
        "{}",
        '{"genre": {"probabilities": {}}}',
        '{"genre": {"label": ""}}',
        '{"genre": {"label": ["opinion"]}}',
        '{"genre": {"label": "' + "x" * 33 + '"}}',
    ):
        assert genre_of(raw) is None, raw


def test_genre_names_are_the_taxonomy_genres() -> None:
    from typing import get_args

    from spinscope.serve.storage import GenreName
    from spinscope.taxonomy import GENRES

    assert get_args(GenreName) == GENRES == ("opinion", "reporting", "satire")


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


def test_save_stores_the_genre(storage: Storage, harbour_analysis) -> None:
    reporting = storage.save(with_genre(harbour_analysis, "reporting", title="Quay report"))
    plain = storage.save(with_genre(harbour_analysis, None, title="No genre"))
    with storage.engine.connect() as conn:
        stored = dict(conn.exec_driver_sql("SELECT id, genre FROM analyses").all())
    assert stored == {reporting.id: "reporting", plain.id: None}
    items = storage.list().items
    assert [(i.id, i.genre) for i in items] == [(plain.id, None), (reporting.id, "reporting")]
    assert items[1].to_dict()["genre"] == "reporting" and items[0].to_dict()["genre"] is None
    assert list(items[1].to_dict()) == [
        "id",
        "created_at",
        "title",
        "url",
        "detector",
        "spans",
        "genre",
        "preview",
    ]


def test_list_filters_by_genre_with_search_and_paging(storage: Storage, harbour_analysis) -> None:
    labels = ["opinion", "reporting", None, "reporting", "satire", "reporting", "opinion"]
    ids = [
        storage.save(
            with_genre(harbour_analysis, label, title=f"Item {i} {'odd' if i % 2 else 'even'}")
        ).id
        for i, label in enumerate(labels)
    ]
    reporting = storage.list(genre="reporting")
    assert reporting.total == 3
    assert [i.id for i in reporting.items] == [ids[5], ids[3], ids[1]]
    assert {i.genre for i in reporting.items} == {"reporting"}
    paged = storage.list(genre="reporting", limit=2, offset=1)
    assert [i.id for i in paged.items] == [ids[3], ids[1]] and paged.total == 3
    assert [i.id for i in storage.list(genre="opinion", q="EVEN").items] == [ids[6], ids[0]]
    assert storage.list(genre="opinion", q="odd").total == 0
    assert [i.id for i in storage.list(genre="satire", q="item 4").items] == [ids[4]]
    assert storage.list(genre=None).total == storage.list(genre="").total == 7
    with pytest.raises(InputError, match=r"unknown genre 'news'.*opinion, reporting, satire"):
        storage.list(genre="news")


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


def test_sqlite_connections_keep_a_small_page_cache(tmp_path) -> None:
    from spinscope.serve.storage import SQLITE_CACHE_KIB

    s = Storage(f"sqlite:///{tmp_path / 'a.db'}")
    with s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -SQLITE_CACHE_KIB
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    s.close()
