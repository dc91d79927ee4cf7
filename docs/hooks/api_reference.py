"""MkDocs hook: the summary of ``import spinscope``, generated from the package's ``__all__``.

A page holding the line ``<!-- public-api -->`` gets it replaced by a table of every name that
``spinscope`` exports, each linked to the entry that documents it (on its module's page), with
the first line of its docstring, and by the mkdocstrings block that documents the functions
defined in ``spinscope/__init__.py`` itself. The package is read statically with griffe (as
mkdocstrings reads it), so a name added to ``__all__`` appears without editing the page.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

MARKER = "<!-- public-api -->"
PACKAGE = "spinscope"


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Replace the marker with the table and the documentation of the package's own functions."""
    if MARKER not in markdown:
        return markdown
    root = Path(config.config_file_path).parent
    return markdown.replace(MARKER, public_api(root))


def public_api(root: Path) -> str:
    """The Markdown that stands for the marker."""
    import griffe

    extension = Path(__file__).with_name("griffe_docstrings.py")
    package = griffe.load(
        PACKAGE,
        search_paths=[str(root / "src")],
        try_relative_path=False,
        extensions=griffe.load_extensions(str(extension)),
    )
    rows = ["| Name | What it is |", "| --- | --- |"]
    own: list[str] = []
    for name in package.exports or []:
        try:
            member = package[name]
        except KeyError:
            continue
        if member.is_alias:
            path = member.target_path
            try:
                target = member.final_target
            except Exception:  # an alias griffe cannot follow: no summary
                target = None
        else:
            path, target = member.path, member
            if member.is_function or member.is_class:
                own.append(name)
        summary = _summary(target)
        link = f'<autoref identifier="{html.escape(path)}" optional>`{name}`</autoref>'
        rows.append(f"| {link} | {summary} |")
    # the package's docstring, then the table, then the functions defined in __init__.py
    out = [f"::: {PACKAGE}", "    options:", "      show_root_heading: false"]
    out += ["      members: false", ""]
    out += ["\n".join(rows), ""]
    if own:
        out += [f"## Defined in `{PACKAGE}`", ""]
        for name in own:
            out += [
                f"::: {PACKAGE}.{name}",
                "    options:",
                "      heading_level: 3",
                "",
            ]
    return "\n".join(out)


def _summary(target: Any) -> str:
    """The first line of ``target``'s docstring, fit for a table cell."""
    if target is None or target.docstring is None:
        return ""
    first = target.docstring.value.strip().split("\n\n", 1)[0]
    return " ".join(first.split()).replace("|", "\\|")
