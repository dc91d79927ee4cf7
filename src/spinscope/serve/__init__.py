"""``spinscope serve``: a REST API and web pages for analysing articles, with saved analyses.

Needs the serve extra (``pip install 'spinscope[serve]'``). :func:`create_app` builds the
FastAPI app from :class:`Settings`; :class:`Storage` keeps saved analyses (SQLite by default,
any SQLAlchemy URL), migrated with the Alembic scripts shipped in
:mod:`spinscope.serve.migrations`.
"""

from __future__ import annotations

from spinscope.serve.app import app_from_env, create_app
from spinscope.serve.settings import Settings
from spinscope.serve.storage import Storage

__all__ = ["Settings", "Storage", "app_from_env", "create_app"]
