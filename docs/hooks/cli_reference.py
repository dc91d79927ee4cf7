"""MkDocs hook: the command-line reference, generated from the Typer app at build time.

A page holding the line ``<!-- cli-reference -->`` gets it replaced by the reference of
:data:`spinscope.cli.app.app`: the usage, help and options of ``spinscope`` and of every
command (sub-groups included), walked through ``typer.main.get_command(app)``. The option lines
are the ones ``spinscope COMMAND --help`` prints (``get_help_record``), so the page cannot drift
from the CLI. Each command's heading has the command path as its anchor
(``reference/cli.md#analyze``, ``#label-studio-export`` for a sub-group's command).

Registered under ``hooks:`` in ``mkdocs.yml``; no plugin needed.
"""

from __future__ import annotations

import html
import re
from typing import Any

MARKER = "<!-- cli-reference -->"
PROGRAM = "spinscope"

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|{}])")


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Replace the marker with the generated reference."""
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, cli_reference())


def cli_reference() -> str:
    """The reference of every ``spinscope`` command, as Markdown."""
    import typer

    from spinscope.cli.app import app

    root = typer.main.get_command(app)
    ctx = root.context_class(root, info_name=PROGRAM)
    out: list[str] = []
    _command(root, ctx, [], out)
    return "\n".join(out).rstrip() + "\n"


def _command(cmd: Any, ctx: Any, path: list[str], out: list[str]) -> None:
    """Write ``cmd`` (a command or group at ``path`` under the program) and its subcommands."""
    if path:
        level = min(1 + len(path), 6)
        anchor = "-".join(path)
        title = " ".join([PROGRAM, *path])
        out += [f"{'#' * level} `{title}` {{ #{anchor} }}", ""]
    if getattr(cmd, "deprecated", False):
        out += ["*Deprecated.*", ""]
    out += ["```text", cmd.get_usage(ctx).strip(), "```", ""]
    help_text = cmd.help or cmd.short_help or ""
    for paragraph in _paragraphs(help_text):
        out += [paragraph, ""]

    rows = []
    for param in cmd.get_params(ctx):
        if getattr(param, "hidden", False):
            continue
        record = param.get_help_record(ctx)
        if record is None:  # a plain click argument: no help of its own
            metavar = param.make_metavar(ctx) if _takes_ctx(param) else param.make_metavar()
            record = (metavar, "")
        names, description = record
        rows.append(f"| `{names}` | {_inline(description)} |")
    if rows:
        out += ["| Option or argument | Description |", "| --- | --- |", *rows, ""]

    subcommands = _subcommands(cmd, ctx)
    if subcommands:
        out += ["| Command | What it does |", "| --- | --- |"]
        for name, sub in subcommands:
            anchor = "-".join([*path, name])
            summary = sub.get_short_help_str(limit=300)
            out.append(f"| [`{name}`](#{anchor}) | {_inline(summary)} |")
        out.append("")
        for name, sub in subcommands:
            sub_ctx = sub.context_class(sub, info_name=name, parent=ctx)
            _command(sub, sub_ctx, [*path, name], out)


def _subcommands(cmd: Any, ctx: Any) -> list[tuple[str, Any]]:
    """The visible subcommands of a group, in the order ``--help`` lists them."""
    if not hasattr(cmd, "list_commands"):
        return []
    found = []
    for name in cmd.list_commands(ctx):
        sub = cmd.get_command(ctx, name)
        if sub is not None and not getattr(sub, "hidden", False):
            found.append((name, sub))
    return found


def _takes_ctx(param: Any) -> bool:
    """Whether ``param.make_metavar`` takes the context (click >= 8.2) rather than nothing."""
    import inspect

    try:
        return "ctx" in inspect.signature(param.make_metavar).parameters
    except (TypeError, ValueError):
        return False


def _paragraphs(text: str) -> list[str]:
    r"""Help text as Markdown paragraphs: wrapped lines joined, click's ``\b`` blocks kept."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.splitlines()]
        if lines and lines[0] == "\b":  # click: do not rewrap this paragraph
            paragraphs.append("  \n".join(_inline(line) for line in lines[1:]))
        elif lines:
            paragraphs.append(_inline(" ".join(lines)))
    return paragraphs


def _inline(text: str) -> str:
    """Plain help text as inline Markdown that shows exactly that text."""
    text = html.escape(" ".join(text.split()), quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # a leading "#", "+", "-" or "1." would start a heading or a list
    text = re.sub(r"^([#+\-])", r"\\\1", text)
    return re.sub(r"^(\d+)\.", r"\1\\.", text)
