"""Where the corpora live: the data root that holds ``ptc/`` and ``semeval2023/``.

The corpora may not be redistributed, so they are never part of the package; every reader
takes a ``root`` and falls back on :func:`data_root` to find one.
"""

from __future__ import annotations

import os
from pathlib import Path

from spinscope.errors import DataRootError

__all__ = ["ENV_VAR", "data_root", "find_data_root", "require_dir", "require_file"]

#: Environment variable that names the data root.
ENV_VAR = "SPINSCOPE_DATA"

_FIX = f"Pass --data DIR or set {ENV_VAR} to the folder that holds ptc/ and semeval2023/."


def _checked(path: Path, origin: str) -> Path:
    # A root the user named explicitly must exist: falling back silently would read other data.
    if not path.is_dir():
        what = "does not exist" if not path.exists() else "is not a folder"
        raise DataRootError(f"data root {str(path)!r} (from {origin}) {what}. {_FIX}")
    return path


def _default_candidates() -> list[Path]:
    return [
        Path.cwd() / ".." / "shared" / "data",
        # <repo>/../shared/data, for a source checkout (src/spinscope/corpora/datapath.py).
        Path(__file__).resolve().parents[3].parent / "shared" / "data",
    ]


def data_root(explicit: str | Path | None = None) -> Path:
    """Return the corpus data root, resolved to an absolute path.

    Looks in order at ``explicit`` (the CLI's ``--data``), the ``SPINSCOPE_DATA`` environment
    variable, ``../shared/data`` relative to the current folder, and ``<repo>/../shared/data``
    next to a source checkout. An explicit argument or a set variable must name an existing
    folder; otherwise :class:`~spinscope.errors.DataRootError` is raised rather than silently
    falling back. When nothing is found, the error lists every path tried.
    """
    if explicit is not None and str(explicit) != "":
        return _checked(Path(explicit).expanduser(), "--data").resolve()
    env = os.environ.get(ENV_VAR, "")
    if env:
        return _checked(Path(env).expanduser(), ENV_VAR).resolve()
    tried = _default_candidates()
    for candidate in tried:
        if candidate.is_dir():
            return candidate.resolve()
    listed = ", ".join(repr(str(p)) for p in tried)
    raise DataRootError(
        f"no corpus data root found: --data was not given, {ENV_VAR} is not set, and none of "
        f"these folders exists: {listed}. {_FIX}"
    )


def find_data_root() -> Path | None:
    """Return :func:`data_root`, or ``None`` where it would raise (for tests that skip)."""
    try:
        return data_root()
    except DataRootError:
        return None


def require_dir(path: Path, what: str) -> Path:
    """Return ``path`` if it is a folder, else raise :class:`DataRootError` naming ``what``."""
    if not path.is_dir():
        raise DataRootError(f"{what} folder {str(path)!r} does not exist. {_FIX}")
    return path


def require_file(path: Path, what: str) -> Path:
    """Return ``path`` if it is a file, else raise :class:`DataRootError` naming ``what``."""
    if not path.is_file():
        raise DataRootError(f"{what} file {str(path)!r} does not exist. {_FIX}")
    return path
