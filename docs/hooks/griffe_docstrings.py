"""Griffe extension for the API reference: read spinscope's docstrings as their authors wrote them.

spinscope's docstrings are Google-style prose with Sphinx habits, which mkdocstrings would
otherwise show verbatim. When the package is loaded, this extension:

* turns reST roles (``:class:`Analysis```, ``:func:`~spinscope.analyzer.load```, ``:mod:``,
  ``:meth:``, ``:attr:``, ``:data:``, ``:exc:``, ``:obj:``) into code that links to the object's
  entry when the reference documents it (an *optional* cross-reference: no warning when the
  object is not documented, such as a private module); names are resolved in the docstring's
  own scope, as Sphinx does;
* gives module and class attributes the ``#:`` comments written above them (Sphinx's
  documentation comments) as their docstrings, so that constants such as
  :data:`spinscope.taxonomy.TECHNIQUES` are documented.

``code`` in double backquotes is already Markdown and is left alone. Loaded by mkdocstrings
(``extensions:`` in ``mkdocs.yml``).
"""

from __future__ import annotations

import html
import re
from typing import Any

import griffe

_ROLE = re.compile(
    r":(?:py:)?(?P<role>class|func|meth|mod|attr|data|exc|obj|const|type):`(?P<content>[^`]+)`"
)
_EXPLICIT = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$")


class SphinxHabits(griffe.Extension):
    """Resolve reST roles into cross-references and ``#:`` comments into attribute docstrings."""

    def on_attribute_instance(self, *, attr: griffe.Attribute, **kwargs: Any) -> None:
        """Give an undocumented attribute the ``#:`` comment lines right above it."""
        if attr.docstring is not None or attr.lineno is None:
            return
        try:
            lines = attr.lines_collection[attr.filepath]  # type: ignore[index]
        except (KeyError, TypeError, AttributeError):
            return
        comment: list[str] = []
        index = attr.lineno - 2  # the line above, 0-based
        while index >= 0 and lines[index].strip().startswith("#:"):
            comment.insert(0, lines[index].strip()[2:].strip())
            index -= 1
        if comment:
            attr.docstring = griffe.Docstring(
                " ".join(comment), lineno=index + 2, parent=attr, parser=None
            )

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Rewrite the roles of every docstring in the package, once it is fully loaded."""
        for obj in _walk(pkg):
            if obj.docstring is not None and ":" in obj.docstring.value:
                value = obj.docstring.value
                obj.docstring.value = _ROLE.sub(lambda m, o=obj: _reference(m, o), value)


def _walk(obj: griffe.Object) -> Any:
    """``obj`` and every object defined under it (imported names are visited where defined)."""
    yield obj
    for member in obj.members.values():
        if not member.is_alias:
            yield from _walk(member)  # type: ignore[arg-type]


def _reference(match: re.Match[str], scope: griffe.Object) -> str:
    """The optional cross-reference that a role stands for."""
    content = match["content"].strip()
    explicit = _EXPLICIT.match(content)
    if explicit:
        title, target = explicit["title"], explicit["target"].strip()
    else:
        target = content.lstrip("~").lstrip(".")
        title = target.rsplit(".", 1)[-1] if content.startswith("~") else target
    title = title.rstrip("()")
    if match["role"] in ("func", "meth"):
        title += "()"
    identifier = _resolve(target.lstrip("~").lstrip("."), scope)
    # a Markdown code span, so that names such as __init__ are not read as emphasis
    return f'<autoref identifier="{html.escape(identifier)}" optional>`{title}`</autoref>'


def _resolve(target: str, scope: griffe.Object) -> str:
    """The full path of ``target`` seen from ``scope`` (``target`` itself when unknown)."""
    first, _, rest = target.partition(".")
    try:
        base = scope.resolve(first)
    except Exception:  # griffe's NameResolutionError, and lookups of odd names
        return target
    return f"{base}.{rest}" if rest else base
