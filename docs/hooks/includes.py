"""MkDocs hook: pages built from the repository instead of hand-kept copies.

Markers a page may hold (each on a line of its own):

* ``<!-- include: PATH -->``: the file ``PATH`` of the repository root (``MODEL_CARD.md``),
  with its relative links rewritten for the site: ``docs/x.md`` becomes the page ``x.md``, and a
  link to any other repository file becomes the file's name in code (the site does not hold the
  repository's files).
* ``<!-- techniques-table -->``: the 23 techniques by category, from :mod:`spinscope.taxonomy`
  and :mod:`spinscope.explanations`, with the default detector's development precision stored
  with the shipped model (its coverage statement, :mod:`spinscope.coverage`).
* ``<!-- model-settings -->``: the shipped model's threshold and possible floor.

And on every page, a link to the repository's ``MODEL_CARD.md`` (``../MODEL_CARD.md`` from
``docs/``, which is right on GitHub) points to the site's model card page instead.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from pathlib import Path
from typing import Any

MODEL_CARD = "MODEL_CARD.md"
MODEL_CARD_PAGE = "model-card.md"
DETECTOR = "hybrid"

_INCLUDE = re.compile(r"^<!-- include: (?P<path>[^>]+?) -->[ \t]*$", re.MULTILINE)
_LINK = re.compile(
    r"(?P<bang>!?)\[(?P<text>[^\]\n]*)\]\((?P<target>[^)\s#]*)(?P<anchor>#[^)\s]*)?"
    r"(?P<title>\s+\"[^\"]*\")?\)"
)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Expand the markers of ``page`` and point its model-card links at the site's page."""
    root = _norm(Path(config.config_file_path).parent)
    docs = _norm(Path(config.docs_dir))
    src_uri = page.file.src_uri

    def include(match: re.Match[str]) -> str:
        path = root / match["path"].strip()
        if not path.is_file():
            from mkdocs.exceptions import PluginError

            raise PluginError(f"{src_uri}: cannot include {path}: no such file")
        return _rebase_links(path.read_text(encoding="utf-8"), path.parent, root, docs, src_uri)

    markdown = _INCLUDE.sub(include, markdown)
    if "<!-- techniques-table -->" in markdown:
        markdown = markdown.replace("<!-- techniques-table -->", techniques_table())
    if "<!-- model-settings -->" in markdown:
        markdown = markdown.replace("<!-- model-settings -->", model_settings())
    return _rebase_links(markdown, (docs / src_uri).parent, root, docs, src_uri)


def _rebase_links(text: str, base: Path, root: Path, docs: Path, src_uri: str) -> str:
    """Rewrite the relative links of ``text`` (written from ``base``) for page ``src_uri``."""
    page_dir = posixpath.dirname(src_uri)

    def rewrite(match: re.Match[str]) -> str:
        target = match["target"]
        if not target or re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("/"):
            return match[0]
        path = _norm(base / target)
        if path == root / MODEL_CARD:
            new = posixpath.relpath(MODEL_CARD_PAGE, page_dir or ".")
        elif path.is_relative_to(docs):
            if base == (docs / src_uri).parent:
                return match[0]  # a page's own link: mkdocs checks it as written
            new = posixpath.relpath(path.relative_to(docs).as_posix(), page_dir or ".")
        elif path.is_relative_to(root) and path.exists() and not match["bang"]:
            # a repository file that the site does not hold: keep the text, name the file
            repo_path = path.relative_to(root).as_posix()
            if match["text"].strip("`") in (repo_path, path.name, target):
                return f"`{repo_path}`"
            return f"{match['text']} (`{repo_path}` in the repository)"
        else:
            return match[0]
        anchor, title = match["anchor"] or "", match["title"] or ""
        return f"{match['bang']}[{match['text']}]({new}{anchor}{title})"

    return _LINK.sub(rewrite, text)


def _norm(path: Path) -> Path:
    """``path`` made absolute and normalised (``..`` folded), symbolic links left as they are."""
    return Path(os.path.normpath(os.path.abspath(path)))


def techniques_table() -> str:
    """The techniques by category, with the default detector's dev precision."""
    from spinscope.coverage import stored_coverage
    from spinscope.explanations import CATEGORY_EXPLANATIONS, explain
    from spinscope.taxonomy import CATEGORIES, TECHNIQUES, technique

    coverage = stored_coverage(_model_config(), DETECTOR)
    precision = {} if coverage is None else {f.technique: f.precision for f in coverage.found}
    out = []
    for category in CATEGORIES:
        out += [f"### {category}", "", CATEGORY_EXPLANATIONS[category].what, ""]
        out += [
            f"| Technique | Name in the data | What it is | Dev precision ({DETECTOR}) |",
            "| --- | --- | --- | ---: |",
        ]
        for name in TECHNIQUES:
            if technique(name).category != category:
                continue
            found = precision.get(name)
            shown = (
                "not found" if name not in precision else ("–" if found is None else f"{found:.2f}")
            )
            out.append(f"| {technique(name).title} | `{name}` | {explain(name).what} | {shown} |")
        out.append("")
    if coverage is not None and coverage.measured_on:
        out += [
            f"Dev precision: the FLC precision of the {DETECTOR} detector's spans of the "
            "technique (the characters of each span that a gold span of the same technique "
            f"covers, as a share of the span, averaged over its spans), measured on "
            f"{coverage.measured_on}. These are the figures every report's coverage statement "
            'gives; "not found": none of its spans of that technique overlapped a gold one.',
            "",
        ]
    return "\n".join(out)


def model_settings() -> str:
    """One sentence: the shipped model's threshold and possible floor."""
    decode = _model_config().get("decode", {})
    threshold, floor = decode.get("threshold"), decode.get("possible_floor")
    if threshold is None:
        return ""
    text = f"The shipped model's threshold is **{threshold:g}**"
    if floor is not None:
        text += f" and its possible floor **{floor:g}**"
    return text + " (`detector.threshold` and `detector.possible_floor` in every report)."


def _model_config() -> dict[str, Any]:
    from spinscope.tagger.model import default_model_dir

    path = default_model_dir() / "config.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
