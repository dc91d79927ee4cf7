"""``spinscope serve``: the web page and REST API (needs the serve extra).

FastAPI, uvicorn and SQLAlchemy are imported inside the command, so ``spinscope --help`` stays
fast and the base install works without the extra.
"""

from __future__ import annotations

from typing import Annotated

import typer

from spinscope.cli.common import (
    AllowPrivateOption,
    DetectorOption,
    ServeModelOption,
    reported,
    require_extra,
    stderr,
)


def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on (0.0.0.0: every interface).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8000,
    database: Annotated[
        str | None,
        typer.Option(
            help="Where saved analyses live: an SQLAlchemy URL (sqlite:///path.db, "
            "postgresql://user@host/db). Default: spinscope.db in your data directory.",
            show_default=False,
            envvar="SPINSCOPE_DATABASE",
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes (each loads the model once).")
    ] = 1,
    detector: DetectorOption = None,
    model: ServeModelOption = None,
    allow_private: AllowPrivateOption = False,
    max_chars: Annotated[
        int, typer.Option(min=1, help="Longest article text accepted, in characters (413 beyond).")
    ] = 200_000,
    log_level: Annotated[str, typer.Option(help="uvicorn's log level.")] = "info",
) -> None:
    """Serve the web page and REST API: analyse articles from a browser or over HTTP.

    Set SPINSCOPE_API_KEY to require 'Authorization: Bearer <key>' on every POST and DELETE.
    """
    with reported():
        require_extra(
            "serve",
            "fastapi",
            "uvicorn",
            "sqlalchemy",
            "alembic",
            "platformdirs",
            "fastapi_offline",
        )
        import os

        import uvicorn

        from spinscope.analyzer import cores_per_worker
        from spinscope.serve.settings import DEFAULT_MAX_BODY_BYTES, ENV, Settings
        from spinscope.serve.storage import Storage

        base = Settings.from_env()
        settings = Settings(
            database=database or base.database,
            detector=detector.value if detector is not None else base.detector,
            api_key=base.api_key,
            allow_private=allow_private or base.allow_private,
            max_chars=max_chars,
            # the operator's cap when set; else room for --max-chars of text as JSON
            max_body_bytes=(
                base.max_body_bytes
                if ENV["max_body_bytes"] in os.environ
                else max(DEFAULT_MAX_BODY_BYTES, max_chars * 6)
            ),
            fetch_timeout=base.fetch_timeout,
            # several workers share the cores: each runs the model on its share
            threads=base.threads
            if base.threads is not None or workers == 1
            else cores_per_worker(workers),
            model=str(model) if model is not None else base.model,
        )
        # Migrate once here, before any worker starts, so workers never race to upgrade.
        storage = Storage(settings.database_url)
        revision = storage.migrate()
        storage.close()
        os.environ.update(settings.to_env())
        os.environ["SPINSCOPE_DATABASE"] = settings.database_url
    # the password of a server URL never reaches the log
    where = storage.shown
    if storage.read_only:
        where += " (read-only: its folder is not writable)"
    stderr().print(
        f"spinscope serve: http://{host}:{port}/ (database: {where}, schema {revision}; "
        f"API key: {'required for writes' if settings.api_key else 'none'}"
        + (f"; model: {settings.model}" if settings.model else "")
        + ")"
    )
    uvicorn.run(
        "spinscope.serve.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        timeout_graceful_shutdown=10,
    )
