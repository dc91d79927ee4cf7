"""The engines that analyse chunks: local worker processes, or a Ray cluster.

An engine takes the pending chunks (chunk number and records) and hands each
:class:`~spinscope.batch.tables.ChunkResult` back to the runner, which writes it; chunks may
come back in any order (the part files are named by chunk number). Both engines run the same
:func:`~spinscope.batch.work.analyse_chunk` on the same chunks, so their tables are the same.
"""

from __future__ import annotations

import json
import logging
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from spinscope.analyzer import cores_per_worker
from spinscope.batch.inputs import Record
from spinscope.batch.tables import ChunkResult
from spinscope.errors import SpinscopeError, require_extra

if TYPE_CHECKING:
    from spinscope.analyzer import Analyzer
    from spinscope.batch.runner import BatchOptions

__all__ = ["Engine", "LocalEngine", "RayEngine", "make_engine"]

Chunks = Iterator[tuple[int, list[Record]]]
OnResult = Callable[[ChunkResult], None]

#: Seconds without progress after which a Ray run fails instead of hanging (unless the
#: RAY_DATA_EXECUTION_NO_PROGRESS_TIMEOUT_S environment variable says otherwise).
RAY_NO_PROGRESS_TIMEOUT_S = 600.0


class Engine(Protocol):
    """Computes chunk results and passes each to ``on_result`` as soon as it is ready."""

    def run(self, chunks: Chunks, on_result: OnResult) -> None:
        """Analyse every chunk of ``chunks``."""


# ------------------------------------------------------------------------------- local

_WORKER_ANALYZER: Analyzer | None = None


def _init_worker(detector: str | None, threshold: float | None, threads: int) -> None:
    global _WORKER_ANALYZER
    # Ctrl-C reaches the whole process group: the parent alone handles it (and stops us)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from spinscope.analyzer import Analyzer

    _WORKER_ANALYZER = Analyzer(detector, threshold=threshold, threads=threads).load()


def _work(chunk: int, records: list[Record], language: str | None) -> ChunkResult:
    from spinscope.batch.work import analyse_chunk

    assert _WORKER_ANALYZER is not None, "the worker's initializer did not run"
    return analyse_chunk(_WORKER_ANALYZER, chunk, records, language)


class LocalEngine:
    """``workers`` processes on this machine, each loading the model once.

    Processes start with ``spawn``: nothing of the parent (no onnxruntime session, no threads)
    is inherited. One worker runs in the parent process itself. ``language`` is the ISO 639-1
    code of every article (default: detected for each).
    """

    def __init__(
        self,
        detector: str | None,
        threshold: float | None,
        workers: int = 1,
        language: str | None = None,
    ) -> None:
        self.detector = detector
        self.threshold = threshold
        self.workers = workers
        self.language = language

    def run(self, chunks: Chunks, on_result: OnResult) -> None:
        """Analyse every chunk, ``2 * workers`` chunks in flight at most."""
        if self.workers == 1:
            from spinscope.analyzer import Analyzer
            from spinscope.batch.work import analyse_chunk

            analyzer = Analyzer(self.detector, threshold=self.threshold).load()
            for number, records in chunks:
                on_result(analyse_chunk(analyzer, number, records, self.language))
            return
        import multiprocessing

        pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(self.detector, self.threshold, cores_per_worker(self.workers)),
        )
        try:
            running: set[Future[ChunkResult]] = set()
            for number, records in chunks:
                running.add(pool.submit(_work, number, records, self.language))
                if len(running) >= 2 * self.workers:
                    done, running = wait(running, return_when=FIRST_COMPLETED)
                    for future in done:
                        on_result(future.result())
            while running:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    on_result(future.result())
        except KeyboardInterrupt:
            # the chunks in flight are lost anyway (they are redone on resume): stop now
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
            raise
        except BrokenProcessPool:
            raise SpinscopeError(
                "a worker process died (out of memory, or killed); the chunks written so far "
                "are kept: re-run the same command to finish the rest, perhaps with fewer "
                "--workers."
            ) from None
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


# ------------------------------------------------------------------------------- ray


class ChunkActor:
    """A Ray Data actor: loads the analyzer once, then analyses whole chunks.

    Each input row is one chunk (its number and its records as JSON); each output row is its
    :class:`ChunkResult` as JSON, so the driver writes exactly what a local worker would.
    """

    def __init__(
        self,
        detector: str | None,
        threshold: float | None,
        threads: int,
        language: str | None = None,
    ) -> None:
        from spinscope.analyzer import Analyzer

        self.analyzer = Analyzer(detector, threshold=threshold, threads=threads).load()
        self.language = language

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        """Analyse the chunks of ``batch``."""
        from spinscope.batch.work import analyse_chunk

        out: dict[str, list[Any]] = {"chunk": [], "result": []}
        for number, raw in zip(batch["chunk"], batch["records"], strict=True):
            records = [Record.from_dict(r) for r in json.loads(str(raw))]
            result = analyse_chunk(self.analyzer, int(number), records, self.language)
            out["chunk"].append(int(number))
            out["result"].append(result.to_json())
        return out


def _check_reachable(address: str) -> None:
    """Fail fast on a ``host:port`` nobody listens on (``ray.init`` retries for minutes)."""
    import socket

    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not port.isdigit():
        return  # "auto" and the like: Ray finds the cluster itself
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=5):
            pass
    except OSError as err:
        raise SpinscopeError(
            f"cannot reach the Ray cluster at {address} ({err.strerror or err}). Check "
            "--ray-address: ray start --head prints it, and RAY_AUTH_MODE=disabled must be set "
            "on both sides to join by address."
        ) from None


class RayEngine:
    """Ray Data: an actor pool of ``workers`` actors, each holding the model once.

    ``address`` joins a running cluster (``ray start --head`` prints it); without it a local
    Ray instance starts and stops with the run. Chunks go to the cluster in windows of
    :attr:`window` chunks, so the driver never holds the whole corpus. ``language`` is the
    ISO 639-1 code of every article (default: detected for each).
    """

    window = 256

    def __init__(
        self,
        detector: str | None,
        threshold: float | None,
        workers: int = 1,
        address: str | None = None,
        language: str | None = None,
    ) -> None:
        self.detector = detector
        self.threshold = threshold
        self.workers = workers
        self.address = address
        self.language = language

    def _init(self) -> bool:
        """Start or join Ray; return whether this call started it (and so must stop it)."""
        import ray

        if ray.is_initialized():
            return False
        kwargs: dict[str, Any] = {"logging_level": "WARNING", "log_to_driver": False}
        if self.address is None:
            # workers must import this very spinscope, installed or not
            src = str(Path(__file__).resolve().parents[2])
            path = os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p)
            kwargs["runtime_env"] = {"env_vars": {"PYTHONPATH": path}}
            kwargs["include_dashboard"] = False
        if self.address is not None:
            _check_reachable(self.address)
        try:
            ray.init(address=self.address or "local", **kwargs)
        except Exception as err:  # ray raises ConnectionError, RuntimeError, its own types
            where = f"the Ray cluster at {self.address}" if self.address else "a local Ray"
            raise SpinscopeError(
                f"cannot start or join {where} ({err}). Check --ray-address (ray start --head "
                "prints it; set RAY_AUTH_MODE=disabled on both sides to join by address)."
            ) from None
        return True

    def run(self, chunks: Chunks, on_result: OnResult) -> None:
        """Send the chunks to the actor pool, window by window, and hand back the results."""
        import ray
        from ray.data import ActorPoolStrategy, DataContext

        started = self._init()
        # Ray Data logs each execution and that its own progress bars are off: ours show
        quiet = logging.getLogger("ray.data")
        level = quiet.level
        quiet.setLevel(logging.ERROR)
        try:
            context = DataContext.get_current()
            context.enable_progress_bars = False
            context.print_on_execution_start = False
            if "RAY_DATA_EXECUTION_NO_PROGRESS_TIMEOUT_S" not in os.environ:
                context.execution_no_progress_timeout_s = RAY_NO_PROGRESS_TIMEOUT_S
            while True:
                window = list(islice(chunks, self.window))
                if not window:
                    break
                items = [
                    {"chunk": n, "records": json.dumps([r.to_dict() for r in rs])}
                    for n, rs in window
                ]
                dataset = ray.data.from_items(items, override_num_blocks=len(items))
                results = dataset.map_batches(
                    ChunkActor,
                    fn_constructor_kwargs={
                        "detector": self.detector,
                        "threshold": self.threshold,
                        "threads": cores_per_worker(self.workers),
                        "language": self.language,
                    },
                    compute=ActorPoolStrategy(size=self.workers),
                    # whole CPUs for every actor leave none for the tasks that feed them
                    num_cpus=0.5,
                    batch_size=1,
                    batch_format="numpy",
                )
                for row in results.iter_rows():
                    on_result(ChunkResult.from_json(str(row["result"])))
        finally:
            quiet.setLevel(level)
            if started:
                ray.shutdown()


def make_engine(options: BatchOptions) -> Engine:
    """The engine ``options`` ask for (the Ray engine needs the ``ray`` extra)."""
    if options.engine == "ray":
        require_extra("ray", "ray", needed_by="--engine ray")
        return RayEngine(
            options.detector,
            options.threshold,
            options.workers,
            options.ray_address,
            options.language,
        )
    return LocalEngine(options.detector, options.threshold, options.workers, options.language)
