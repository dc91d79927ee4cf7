"""The ``spinscope serve`` command and the settings it hands to the workers."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from extras_support import run_cli_without
from spinscope.cli.app import app
from spinscope.errors import InputError
from spinscope.serve.settings import ENV, Settings


def test_help_lists_the_options() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--database", "--workers", "--detector", "--allow-private"):
        assert option in result.output


def test_the_cli_does_not_import_the_serve_extra() -> None:
    code = (
        "import sys, spinscope.cli.app\n"
        "loaded = {'fastapi', 'uvicorn', 'sqlalchemy', 'alembic'} & set(sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("missing", ["fastapi", "uvicorn", "sqlalchemy"])
def test_without_the_extra_serve_says_how_to_install_it(missing: str) -> None:
    done = run_cli_without([missing], "serve")
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    assert f"needs {missing}" in done.stderr and "pip install 'spinscope[serve]'" in done.stderr


def test_missing_extra_names_the_install_command(monkeypatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "uvicorn" else real(name, *a),
    )
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 3
    assert "pip install 'spinscope[serve]'" in result.output


def test_settings_round_trip_through_the_environment() -> None:
    settings = Settings(
        database="sqlite:///x.db",
        detector="baseline",
        api_key="k",
        allow_private=True,
        max_chars=10,
        max_body_bytes=100,
        fetch_timeout=2.5,
        threads=1,
    )
    assert Settings.from_env(settings.to_env()) == settings
    assert Settings.from_env({}) == Settings()
    assert "k" not in repr(settings)  # the key is never logged


@pytest.mark.parametrize(
    ("var", "value"),
    [
        (ENV["allow_private"], "maybe"),
        (ENV["max_chars"], "many"),
        (ENV["max_chars"], "-1"),
        (ENV["fetch_timeout"], "soon"),
    ],
)
def test_bad_environment_values(var, value) -> None:
    with pytest.raises(InputError, match=var):
        Settings.from_env({var: value})


def test_default_database_is_created_in_the_user_data_dir(monkeypatch, tmp_path) -> None:
    import platformdirs

    from spinscope.serve.settings import default_database

    folder = tmp_path / "data" / "spinscope"
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda name: str(folder))
    assert default_database() == f"sqlite:///{folder / 'spinscope.db'}"
    assert folder.is_dir()
    assert Settings().database_url == default_database()
