from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.corpora import datapath
from spinscope.corpora.datapath import data_root, find_data_root
from spinscope.errors import DataRootError


@pytest.fixture
def no_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No env var, and default candidates that do not exist."""
    monkeypatch.delenv("SPINSCOPE_DATA", raising=False)
    missing = [tmp_path / "nowhere-a", tmp_path / "nowhere-b"]
    monkeypatch.setattr(datapath, "_default_candidates", lambda: missing)
    return tmp_path


def test_explicit_wins_over_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    explicit, env = tmp_path / "a", tmp_path / "b"
    explicit.mkdir()
    env.mkdir()
    monkeypatch.setenv("SPINSCOPE_DATA", str(env))
    assert data_root(explicit) == explicit.resolve()
    assert data_root(str(explicit)) == explicit.resolve()
    assert data_root() == env.resolve()


def test_missing_explicit_root_names_it_and_the_fixes(tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    with pytest.raises(DataRootError) as info:
        data_root(missing)
    message = str(info.value)
    assert str(missing) in message
    assert "--data" in message and "SPINSCOPE_DATA" in message


def test_env_pointing_nowhere_is_an_error_not_a_fallback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SPINSCOPE_DATA", str(tmp_path / "gone"))
    with pytest.raises(DataRootError, match="SPINSCOPE_DATA"):
        data_root()


def test_file_is_not_a_root(tmp_path: Path) -> None:
    file = tmp_path / "f"
    file.write_text("x")
    with pytest.raises(DataRootError, match="not a folder"):
        data_root(file)


def test_nothing_found_lists_paths_tried(no_defaults: Path) -> None:
    with pytest.raises(DataRootError) as info:
        data_root()
    message = str(info.value)
    assert "--data" in message and "SPINSCOPE_DATA" in message
    assert "nowhere-a" in message and "nowhere-b" in message
    assert find_data_root() is None


def test_cwd_relative_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SPINSCOPE_DATA", raising=False)
    (tmp_path / "shared" / "data").mkdir(parents=True)
    work = tmp_path / "repo"
    work.mkdir()
    monkeypatch.chdir(work)
    assert data_root() == (tmp_path / "shared" / "data").resolve()
    assert find_data_root() == (tmp_path / "shared" / "data").resolve()


def test_source_relative_default_is_next_to_the_repo() -> None:
    candidate = datapath._default_candidates()[1]
    repo = Path(datapath.__file__).resolve().parents[3]
    assert (repo / "pyproject.toml").is_file()
    assert candidate == repo.parent / "shared" / "data"
