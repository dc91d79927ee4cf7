"""The settings of ``spinscope serve``, read from the command line or the environment.

Each uvicorn worker process builds its app from the environment (:meth:`Settings.from_env`),
so the command line writes its options there before starting the workers.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from spinscope.errors import InputError

__all__ = ["DEFAULT_MAX_BODY_BYTES", "DEFAULT_MAX_CHARS", "ENV", "Settings", "default_database"]

#: Longest article text accepted, in characters (413 beyond).
DEFAULT_MAX_CHARS = 200_000
#: Largest request body, in bytes: room for the longest text written as JSON with every
#: character escaped, or for an HTML page or file whose extracted text is under the cap.
DEFAULT_MAX_BODY_BYTES = 2_000_000

#: The environment variables each setting is read from.
ENV = {
    "database": "SPINSCOPE_DATABASE",
    "detector": "SPINSCOPE_DETECTOR",
    "api_key": "SPINSCOPE_API_KEY",
    "allow_private": "SPINSCOPE_ALLOW_PRIVATE",
    "max_chars": "SPINSCOPE_MAX_CHARS",
    "max_body_bytes": "SPINSCOPE_MAX_BODY_BYTES",
    "fetch_timeout": "SPINSCOPE_FETCH_TIMEOUT",
    "threads": "SPINSCOPE_THREADS",
    "model": "SPINSCOPE_MODEL",
}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def default_database() -> str:
    """``sqlite:///<user data dir>/spinscope.db``; the folder is created when missing."""
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("spinscope"))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'spinscope.db'}"


@dataclass(frozen=True)
class Settings:
    """What the server needs to know; every field has a safe default.

    ``database`` is an SQLAlchemy URL (``None``: SQLite under the user's data directory);
    ``detector`` is as for :class:`~spinscope.analyzer.Analyzer`; ``api_key``, when set, is
    required (``Authorization: Bearer <key>``) by every endpoint that writes or analyses;
    ``allow_private`` lets URL fetching reach loopback and private addresses; ``model`` is a
    model folder (``spinscope train`` writes one) that the tagger loads instead of the shipped
    model.
    """

    database: str | None = None
    detector: str | None = None
    api_key: str | None = field(default=None, repr=False)
    allow_private: bool = False
    max_chars: int = DEFAULT_MAX_CHARS
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    fetch_timeout: float = 15.0
    #: onnxruntime threads per process (``None``: one per core, up to 4); ``spinscope serve
    #: --workers N`` gives each worker its share of the cores
    threads: int | None = None
    #: whether the article models (genre, frames) run
    article_models: bool = True
    #: a model folder to run instead of the shipped model (``None``: the shipped one)
    model: str | None = None

    def __post_init__(self) -> None:
        """Check that ``model``, when given, is a model folder (naming it if not)."""
        if self.model:
            from spinscope.detectors.registry import check_model_folder

            check_model_folder(self.model)

    @property
    def database_url(self) -> str:
        """The database URL to connect to (the default one created on first use)."""
        return self.database or default_database()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``SPINSCOPE_*`` variables (see :data:`ENV`); unset ones keep defaults."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for name, var in ENV.items():
            raw = env.get(var)
            if raw is None:
                continue
            if name == "allow_private":
                values[name] = _flag(var, raw)
            elif name in ("max_chars", "max_body_bytes", "threads"):
                values[name] = _number(var, raw, int)
            elif name == "fetch_timeout":
                values[name] = _number(var, raw, float)
            else:
                values[name] = raw or None
        return cls(**values)  # type: ignore[arg-type]

    def to_env(self) -> dict[str, str]:
        """The environment variables that :meth:`from_env` reads back into these settings."""
        out = {
            ENV["allow_private"]: "1" if self.allow_private else "0",
            ENV["max_chars"]: str(self.max_chars),
            ENV["max_body_bytes"]: str(self.max_body_bytes),
            ENV["fetch_timeout"]: str(self.fetch_timeout),
        }
        if self.threads is not None:
            out[ENV["threads"]] = str(self.threads)
        for name in ("database", "detector", "api_key", "model"):
            value = getattr(self, name)
            if value:
                out[ENV[name]] = str(value)
        return out


def _flag(var: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InputError(f"{var}={raw!r} is not a yes/no value; use 1 or 0.")


def _number(var: str, raw: str, kind: type[int] | type[float]) -> int | float:
    try:
        value = kind(raw)
    except ValueError:
        raise InputError(f"{var}={raw!r} is not a number.") from None
    if value <= 0:
        raise InputError(f"{var}={raw!r} must be positive.")
    return value
