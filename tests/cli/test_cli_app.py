from __future__ import annotations

from spinscope import __version__


def test_version(invoke):
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"spinscope {__version__}"


def test_help_lists_the_commands(invoke):
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("predict", "evaluate", "train"):
        assert command in result.stdout


def test_no_arguments_shows_help(invoke):
    result = invoke()
    assert "predict" in result.output
