r"""The one way spinscope writes HTML: Jinja2 templates, escaped by default.

Every HTML surface — the report (:mod:`spinscope.render.html`), the server's pages
(:mod:`spinscope.serve.pages`) and the batch dashboard (:mod:`spinscope.batch.report`) — is a
template in ``spinscope/resources/templates``, drawn by :func:`render` from plain data. The
environment autoescapes every value (all the templates are HTML), so escaping is never a
per-call decision: text is escaped unless it arrives as :class:`markupsafe.Markup`, and the few
pieces of markup built in Python are wrapped in ``Markup`` once each, where they are built, with
the reason they are safe beside them. A variable a template names but the caller forgot raises
(``StrictUndefined``) instead of drawing nothing.

JSON inside a ``<script>`` element goes through the ``script_json`` filter (:func:`embed_json`):
``<``, ``>`` and ``&`` are written as ``\u003c``, ``\u003e`` and ``\u0026``, so no text in the
data can close the element.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup

__all__ = ["embed_json", "environment", "render"]


def embed_json(data: Any) -> str:
    """``data`` as JSON safe to place inside a ``<script>`` element (no ``<``, ``>``, ``&``)."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        raw.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _script_json(data: Any) -> Markup:
    # safe in a <script> element: embed_json writes no <, > or &, so nothing in the data can
    # close the element or start markup; HTML-escaping it instead would corrupt the JSON
    return Markup(embed_json(data))


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The templates' environment (built once): autoescaping, strict about missing variables."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("spinscope", "resources/templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        # block tags on their own line leave no blank line and no indentation behind
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # the templates are package files: they do not change while the process runs
        auto_reload=False,
    )
    env.filters["script_json"] = _script_json
    return env


def render(name: str, /, **context: Any) -> str:
    """The template ``name`` drawn with ``context``."""
    return environment().get_template(name).render(**context)
