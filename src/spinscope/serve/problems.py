"""Errors as problem details (RFC 9457).

Bodies are ``application/problem+json`` with ``type``, ``title``, ``status`` and ``detail``,
plus ``code`` (spinscope's error code) when one applies and, for validation errors,
``errors`` (each with ``loc``, ``msg`` and ``type``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi.responses import JSONResponse

from spinscope.errors import (
    InputError,
    MissingDependencyError,
    ModelError,
    SpinscopeError,
    StorageError,
)

__all__ = [
    "PROBLEM_JSON",
    "Problem",
    "problem_response",
    "status_of",
    "validation_errors",
]

PROBLEM_JSON = "application/problem+json"
#: How many validation errors a problem's ``detail`` names (``errors`` lists them all).
_SUMMARY_ERRORS = 3
#: Seconds a client is told to wait (``Retry-After``) when the database is unavailable.
STORAGE_RETRY_AFTER_S = 5

# Problem types are relative URIs (RFC 9457 §3.1.1), documented in docs/serve.md.
_TYPES = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    413: "too-large",
    415: "unsupported-media-type",
    422: "invalid-input",
    500: "internal-error",
    503: "not-ready",
}


class Problem(Exception):
    """An HTTP error to answer with a problem-details body."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})
        #: the request as far as it could be read (a form draws it again); not sent
        self.draft: Any = None

    @classmethod
    def from_error(cls, err: SpinscopeError) -> Problem:
        """The problem for an error spinscope raised on purpose (its message, its code)."""
        if isinstance(err, StorageError):
            return cls(
                503,
                err.message,
                code=err.code,
                headers={"Retry-After": str(STORAGE_RETRY_AFTER_S)},
                extra={"type": "/problems/database-unavailable"},
            )
        return cls(status_of(err), err.message, code=err.code)

    def to_dict(self) -> dict[str, Any]:
        """The problem-details body."""
        body: dict[str, Any] = {
            "type": f"/problems/{_TYPES.get(self.status, 'error')}",
            "title": HTTPStatus(self.status).phrase,
            "status": self.status,
            "detail": self.detail,
        }
        if self.code:
            body["code"] = self.code
        body.update(self.extra)
        return body


def status_of(err: SpinscopeError) -> int:
    """The HTTP status of a spinscope error: the client's input (422) or the server (503/500)."""
    if isinstance(err, InputError):
        return 422
    if isinstance(err, ModelError | MissingDependencyError | StorageError):
        return 503
    return 500 if type(err) is SpinscopeError else 422


def problem_response(problem: Problem) -> JSONResponse:
    """``problem`` as a response."""
    return JSONResponse(
        problem.to_dict(),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=problem.headers or None,
    )


def validation_errors(errors: Sequence[Any]) -> tuple[str, list[dict[str, Any]]]:
    """A one-line summary and the JSON-ready list of pydantic/FastAPI validation errors.

    The summary names up to three errors ("loc: message; ..."), so that it does not depend on
    the order pydantic reports them in (which changed between its releases).
    """
    items: list[dict[str, Any]] = []
    for e in errors:
        loc = [str(p) for p in e.get("loc", ()) if p != "body"]
        items.append({"loc": loc, "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))})
    if not items:
        return "the request is not valid.", items
    shown = []
    for item in items[:_SUMMARY_ERRORS]:
        where = ".".join(item["loc"])
        shown.append(f"{where}: {item['msg']}" if where else str(item["msg"]))
    more = len(items) - len(shown)
    return "; ".join(shown) + (f" (and {more} more)" if more else ""), items
