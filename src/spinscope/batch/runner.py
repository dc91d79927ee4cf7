"""Run a batch: fingerprint the input and model, split records into chunks, resume, write.

A run splits its records into fixed chunks by sequence number (chunk ``k`` holds records
``k * chunk_size`` to ``(k + 1) * chunk_size - 1``) and writes each chunk's parts atomically.
The manifest (``manifest.json``, itself rewritten atomically after each chunk) lists the chunks
that are done. A re-run of the same command skips them and redoes any chunk that was being
written when the run stopped, so after any interruption, even ``kill -9``, every record ends up
written exactly once. Only the parent process writes, whichever engine computes.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from spinscope.batch.inputs import Fields, Record, count_records, input_fingerprint, iter_records
from spinscope.batch.tables import (
    FORMATS,
    TABLES_VERSION,
    ChunkResult,
    ChunkWriter,
    atomic_write_bytes,
)
from spinscope.errors import InputError, SpinscopeError
from spinscope.signals.language import language_code

__all__ = [
    "MANIFEST",
    "BatchOptions",
    "BatchSummary",
    "model_fingerprint",
    "read_manifest",
    "run_batch",
]

MANIFEST = "manifest.json"
LOCK = ".lock"
MANIFEST_VERSION = 1
ENGINES = ("local", "ray")


@dataclass(frozen=True)
class BatchOptions:
    """How to run a batch (see ``spinscope batch --help``)."""

    fields: Fields = field(default_factory=Fields)
    detector: str | None = None
    threshold: float | None = None
    #: the ISO 639-1 code of every article; ``None``: detected for each
    language: str | None = None
    fmt: str = "parquet"
    chunk_size: int = 16
    workers: int = 1
    engine: str = "local"
    ray_address: str | None = None
    overwrite: bool = False


@dataclass
class BatchSummary:
    """What a run did: counts, speed, and the peak memory of each worker."""

    out: Path
    complete: bool = False
    already_complete: bool = False
    chunks_total: int = 0
    chunks_done_before: int = 0
    chunks_done_now: int = 0
    records_now: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    worker_peak_rss: dict[str, int] = field(default_factory=dict)

    @property
    def docs_per_second(self) -> float:
        """Records processed per second in this session."""
        return self.records_now / self.seconds if self.seconds > 0 else 0.0


# ------------------------------------------------------------------------------- fingerprints


def _sha256_files(paths: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def model_fingerprint(
    detector: str | None, threshold: float | None, language: str | None = None
) -> dict[str, Any]:
    """What identifies the analysis: spinscope's version, the settings, the model files.

    ``detector=None`` resolves here as the analyzer would: the hybrid when the tagger's model
    is installed, else the baseline. ``language`` is the language given for every article
    (``None``: detected); a manifest written before it existed reads as ``None``.
    """
    from spinscope import __version__
    from spinscope.article.models import default_article_models_dir
    from spinscope.tagger.model import default_model_dir

    model_dir = default_model_dir()
    installed = (model_dir / "model.onnx").is_file()
    resolved = detector or ("hybrid" if installed else "baseline")
    out: dict[str, Any] = {
        "spinscope": __version__,
        "detector": resolved,
        "threshold": threshold,
        "language": language,
    }
    if resolved in ("hybrid", "tagger") and installed:
        out["model_sha256"] = _sha256_files(
            [p for p in model_dir.iterdir() if p.is_file() and not p.name.startswith(".")]
        )
    articles = default_article_models_dir()
    if articles.is_dir():
        out["article_models_sha256"] = _sha256_files(
            [p for p in articles.iterdir() if p.is_file() and not p.name.startswith(".")]
        )
    return out


def _describe_difference(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    problems = []
    old_files = {f[0]: f[1:] for f in old["input"]["files"]}
    new_files = {f[0]: f[1:] for f in new["input"]["files"]}
    added = sorted(set(new_files) - set(old_files))
    removed = sorted(set(old_files) - set(new_files))
    changed = sorted(p for p in set(old_files) & set(new_files) if old_files[p] != new_files[p])
    if list(old_files) != list(new_files) and not (added or removed):
        problems.append("the inputs are given in another order")
    for what, paths in (("new input files", added), ("missing input files", removed)):
        if paths:
            more = f" and {len(paths) - 3} more" if len(paths) > 3 else ""
            problems.append(f"{what}: {', '.join(paths[:3])}{more}")
    if changed:
        more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        problems.append(f"changed input files (size or time): {', '.join(changed[:3])}{more}")
    if old["input"]["fields"] != new["input"]["fields"]:
        fields_then, fields_now = old["input"]["fields"], new["input"]["fields"]
        changed_fields = [
            f"{k} {fields_then.get(k)!r} then, {fields_now.get(k)!r} now"
            for k in sorted(set(fields_then) | set(fields_now))
            if fields_then.get(k) != fields_now.get(k)
        ]
        problems.append(f"the field options differ ({'; '.join(changed_fields)})")
    for key in sorted(set(old["model"]) | set(new["model"])):
        if old["model"].get(key) != new["model"].get(key):
            problems.append(f"{key}: {old['model'].get(key)!r} then, {new['model'].get(key)!r} now")
    for key in sorted(set(old["output"]) | set(new["output"])):
        if old["output"].get(key) != new["output"].get(key):
            then, now = old["output"].get(key), new["output"].get(key)
            problems.append(f"{key}: {then!r} then, {now!r} now")
    return problems


# ------------------------------------------------------------------------------- manifest


def _ranges(chunks: set[int]) -> list[list[int]]:
    out: list[list[int]] = []
    for n in sorted(chunks):
        if out and out[-1][1] == n - 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return out


def _from_ranges(ranges: Sequence[Sequence[int]]) -> set[int]:
    return {n for a, b in ranges for n in range(a, b + 1)}


def read_manifest(out: Path) -> dict[str, Any]:
    """The manifest of the run in ``out``; :class:`InputError` if there is none."""
    path = out / MANIFEST
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"{str(out)!r} has no {MANIFEST}: it is not the output folder of spinscope batch."
        ) from None
    except (OSError, ValueError) as err:
        raise InputError(f"{str(path)!r} cannot be read ({err}).") from None
    return data


class _Manifest:
    def __init__(self, out: Path, data: dict[str, Any]) -> None:
        self.path = out / MANIFEST
        self.data = data
        self.done = _from_ranges(data.get("done", []))

    def save(self) -> None:
        self.data["done"] = _ranges(self.done)
        self.data["updated"] = datetime.now(UTC).isoformat(timespec="seconds")
        raw = json.dumps(self.data, indent=1, ensure_ascii=False).encode("utf-8")
        atomic_write_bytes(self.path, raw)

    def mark(self, result: ChunkResult) -> None:
        counts = self.data.setdefault("counts", {})
        statuses = [d["status"] for d in result.documents]
        add = {
            "records": result.records,
            "documents": len(result.documents),
            "ok": statuses.count("ok"),
            "skipped": statuses.count("skipped"),
            "failed": statuses.count("failed"),
            "spans": len(result.spans),
            "errors": len(result.errors),
        }
        for key, value in add.items():
            counts[key] = counts.get(key, 0) + value
        self.done.add(result.chunk)


def _new_manifest(fingerprint: dict[str, Any], options: BatchOptions, inputs: list[str]) -> Any:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    return {
        "manifest_version": MANIFEST_VERSION,
        "created": now,
        "updated": now,
        "inputs": inputs,
        "format": options.fmt,
        "chunk_size": options.chunk_size,
        "detector": options.detector,
        "threshold": options.threshold,
        "language": options.language,
        "fingerprint": fingerprint,
        "complete": False,
        "total_chunks": None,
        "done": [],
        "counts": {},
    }


# ------------------------------------------------------------------------------- chunks


def _chunks(records: Iterator[Record], size: int) -> Iterator[tuple[int, list[Record]]]:
    """Records grouped by chunk number (``seq // size``); one empty chunk if there are none."""
    current: list[Record] = []
    number = 0
    for record in records:
        k = record.seq // size
        if k != number:
            yield number, current
            current, number = [], k
        current.append(record)
    yield number, current


#: Off a terminal, a progress line is printed at most this often (seconds).
PROGRESS_LINE_SECONDS = 30.0


class _Progress:
    """A progress bar on a terminal; otherwise a line every :data:`PROGRESS_LINE_SECONDS`.

    Lines (for logs of long runs) say how many documents are done and at what rate.
    """

    def __init__(
        self,
        show: bool,
        total: int | None,
        done: int,
        lines: bool = False,
        every: float = PROGRESS_LINE_SECONDS,
    ) -> None:
        self.show = show
        self.lines = lines and not show
        self.every = every
        self.start = time.monotonic()
        self.last_line = self.start
        self.now_done = 0
        self.bar: Any = None
        if show:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(
                TextColumn("analysing"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TextColumn("{task.fields[eta]}"),
                transient=False,
                console=_stderr_console(),
            )
            self.task = self.bar.add_task("batch", total=total, completed=done, rate="", eta="")
            self.bar.start()
        self.total = total
        self.done = done

    def advance(self, n: int) -> None:
        self.now_done += n
        self.done += n
        now = time.monotonic()
        if self.lines and now - self.last_line >= self.every:
            self.last_line = now
            rate = self.now_done / max(now - self.start, 1e-9)
            print(
                f"batch: {self.done} documents done ({self.now_done} in this run, "
                f"{rate:.1f} documents/s)",
                file=sys.stderr,
                flush=True,
            )
        if self.bar is None:
            return
        elapsed = now - self.start
        rate = self.now_done / elapsed if elapsed > 0 else 0.0
        eta = ""
        if rate > 0 and self.total is not None and self.total > self.done:
            left = int((self.total - self.done) / rate)
            eta = f"ETA {left // 3600}:{left % 3600 // 60:02d}:{left % 60:02d}"
        self.bar.update(self.task, completed=self.done, rate=f"{rate:.1f} docs/s", eta=eta)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


# ------------------------------------------------------------------------------- running


def _check_options(options: BatchOptions) -> None:
    if options.fmt not in FORMATS:
        raise InputError(f"unknown format {options.fmt!r}; use one of: {', '.join(FORMATS)}.")
    if options.engine not in ENGINES:
        raise InputError(f"unknown engine {options.engine!r}; use one of: {', '.join(ENGINES)}.")
    if options.chunk_size < 1 or options.workers < 1:
        raise InputError("--chunk-size and --workers must be at least 1.")


def _open_run(
    out: Path, inputs: list[str], options: BatchOptions, writer: ChunkWriter
) -> _Manifest:
    fingerprint = {
        "input": input_fingerprint(inputs, options.fields),
        "model": model_fingerprint(options.detector, options.threshold, options.language),
        "output": {
            "format": options.fmt,
            "chunk_size": options.chunk_size,
            "tables": TABLES_VERSION,
        },
    }
    has_manifest = (out / MANIFEST).is_file()
    if has_manifest and not options.overwrite:
        old = read_manifest(out)
        if old.get("manifest_version") != MANIFEST_VERSION:
            raise InputError(
                f"{str(out)!r} was written by another version of spinscope batch "
                f"(manifest version {old.get('manifest_version')!r}); pass --overwrite to start "
                "over, or choose another output folder."
            )
        problems = _describe_difference(old["fingerprint"], fingerprint)
        if problems:
            raise InputError(
                f"{str(out)!r} holds a run of another input, model or settings, so it "
                f"cannot be resumed: {'; '.join(problems)}. Pass --overwrite to start over, or "
                "choose another output folder."
            )
        return _Manifest(out, old)
    others = [p for p in out.iterdir() if p.name != LOCK] if out.is_dir() else []
    if others and not has_manifest and not options.overwrite:
        (out / LOCK).unlink(missing_ok=True)  # leave the folder as it was
        raise InputError(
            f"{str(out)!r} is not empty and holds no spinscope batch run; choose an empty or "
            "new folder, or pass --overwrite to write there anyway."
        )
    if options.overwrite:
        # the manifest first: a run stopped midway must not list chunks whose parts are gone
        (out / MANIFEST).unlink(missing_ok=True)
        writer.remove_outputs()
    out.mkdir(parents=True, exist_ok=True)
    manifest = _Manifest(out, _new_manifest(fingerprint, options, inputs))
    manifest.save()
    return manifest


def run_batch(
    inputs: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    options: BatchOptions = BatchOptions(),
    *,
    progress: bool | None = None,
    on_chunk: Callable[[ChunkResult], None] | None = None,
) -> BatchSummary:
    """Analyse every record of ``inputs`` into the tables in ``out``, resuming a stopped run.

    ``progress`` shows a bar on stderr (default: when stderr is a terminal). ``on_chunk`` is
    called after each chunk is written and recorded. Raises
    :class:`~spinscope.errors.InputError` when ``out`` holds a run over another input or model
    (unless ``options.overwrite``), or when another run is writing there.
    """
    _check_options(options)
    if options.language is not None:  # checked, and spelled as the fingerprint keeps it
        options = replace(options, language=language_code(options.language))
    names = [os.fspath(p) for p in inputs]
    folder = Path(out)
    with _exclusive(folder):
        return _run_locked(names, folder, options, progress, on_chunk)


@contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    """Hold ``folder/.lock`` for the run: two runs writing one folder would mix their chunks.

    The lock is an ``flock``, which the system releases when the process dies, even by
    ``kill -9``; where there is no ``fcntl`` (Windows), runs are not guarded.
    """
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{str(folder)!r} is a file; give a folder for the output (-o).")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(folder / LOCK, "a") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise InputError(
                f"another spinscope batch is writing to {str(folder)!r}; wait for it to finish "
                "(or stop it), then run this command again to resume."
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _run_locked(
    names: list[str],
    folder: Path,
    options: BatchOptions,
    progress: bool | None,
    on_chunk: Callable[[ChunkResult], None] | None,
) -> BatchSummary:
    from spinscope.batch.engines import make_engine

    writer = ChunkWriter(folder, options.fmt)
    manifest = _open_run(folder, names, options, writer)
    summary = BatchSummary(folder, chunks_done_before=len(manifest.done))
    if manifest.data.get("complete"):
        writer.remove_parts()
        summary.complete = summary.already_complete = True
        summary.chunks_total = int(manifest.data.get("total_chunks") or 0)
        summary.counts = dict(manifest.data.get("counts", {}))
        return summary
    writer.clean_temporary()
    show = sys.stderr.isatty() if progress is None else progress
    bar = _Progress(
        show,
        count_records(names) if show else None,
        int(manifest.data.get("counts", {}).get("records", 0)),
        lines=progress is None,
    )
    seen_chunks: list[int] = []

    def pending() -> Iterator[tuple[int, list[Record]]]:
        for number, records in _chunks(iter_records(names, options.fields), options.chunk_size):
            seen_chunks.append(number)
            if number not in manifest.done:
                yield number, records

    def record(result: ChunkResult) -> None:
        writer.write(result)
        manifest.mark(result)
        manifest.save()
        summary.chunks_done_now += 1
        n = result.records
        summary.records_now += n
        key = result.worker
        summary.worker_peak_rss[key] = max(summary.worker_peak_rss.get(key, 0), result.peak_rss)
        bar.advance(n)
        if on_chunk is not None:
            on_chunk(result)

    start = time.monotonic()
    try:
        make_engine(options).run(pending(), record)
    finally:
        bar.close()
        summary.seconds = time.monotonic() - start
    missing = sorted(set(seen_chunks) - manifest.done)
    if missing:  # an engine must deliver every chunk it was given
        raise SpinscopeError(f"chunks {missing[:5]} were not written; re-run to finish them.")
    manifest.data["total_chunks"] = len(seen_chunks)
    writer.finish(seen_chunks)
    manifest.data["complete"] = True
    manifest.save()
    writer.remove_parts()
    summary.complete = True
    summary.chunks_total = len(seen_chunks)
    summary.counts = dict(manifest.data.get("counts", {}))
    return summary
