"""Errors raised by spinscope, each with a stable code and a message that says what to do next.

Every error names the input it is about, the problem, and the fix. The CLI prints ``str(err)``
and exits with :attr:`SpinscopeError.exit_code`.
"""

from __future__ import annotations

from typing import Any


class SpinscopeError(Exception):
    """Base class of every error spinscope raises on purpose."""

    code = "E000"
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(f"[{self.code}] {message}")
        self.message = message

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled as it is (worker processes send their errors to the parent): a subclass's
        # own __init__ arguments are not its message
        return (_rebuild, (type(self), self.message, dict(self.__dict__)))


def _rebuild(cls: type[SpinscopeError], message: str, state: dict[str, Any]) -> SpinscopeError:
    err = cls.__new__(cls)
    SpinscopeError.__init__(err, message)
    err.__dict__.update(state)
    return err


class DataRootError(SpinscopeError):
    """The corpus data root is missing or lacks an expected folder."""

    code = "E001"
    exit_code = 2


class LabelFormatError(SpinscopeError):
    """A label or submission file line does not follow its official format."""

    code = "E002"
    exit_code = 2

    def __init__(self, path: object, line_no: int, problem: str) -> None:
        super().__init__(f"{path}:{line_no}: {problem}")
        self.path = path
        self.line_no = line_no


class SpanOffsetError(SpinscopeError):
    """A span does not fit inside its article."""

    code = "E003"
    exit_code = 2


class UnknownTechniqueError(SpinscopeError):
    """A technique, category or class name is not in the taxonomy."""

    code = "E004"
    exit_code = 2

    def __init__(self, name: str, valid: list[str] | tuple[str, ...], where: str = "") -> None:
        place = f" in {where}" if where else ""
        super().__init__(f"unknown technique {name!r}{place}; valid names are: {', '.join(valid)}")
        self.name = name


class InputError(SpinscopeError):
    """An input document or path cannot be used (missing, empty, undecodable)."""

    code = "E005"
    exit_code = 2


class ModelError(SpinscopeError):
    """The shipped model is missing or corrupt."""

    code = "E006"
    exit_code = 3


class UnsupportedTaskError(SpinscopeError):
    """A task that the chosen detector cannot do."""

    code = "E007"
    exit_code = 2


class MissingDependencyError(SpinscopeError):
    """An optional dependency (an extra such as ``train``) is not installed."""

    code = "E008"
    exit_code = 3


class StorageError(SpinscopeError):
    """The database of saved analyses cannot be read or written now (down, full, read-only).

    The server answers it with 503 and ``Retry-After``: the request was fine, and the same
    request succeeds once the database is back.
    """

    code = "E009"
    exit_code = 3


def require_extra(extra: str, *modules: str, needed_by: str = "this command") -> None:
    """Raise :class:`MissingDependencyError` naming ``pip install 'spinscope[extra]'``.

    Raised when any of ``modules`` (top-level import names) is not installed; ``needed_by``
    says what needs them.
    """
    import importlib.util

    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise MissingDependencyError(
            f"{needed_by} needs {', '.join(missing)}, which "
            f"{'is' if len(missing) == 1 else 'are'} not installed; install the {extra} "
            f"extra: pip install 'spinscope[{extra}]'"
        )
