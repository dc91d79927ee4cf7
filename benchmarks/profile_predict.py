"""Profile ``spinscope predict --task flc``: where the time goes per article, model and around it.

Usage::

    python benchmarks/profile_predict.py                       # 90 articles, hybrid and baseline
    python benchmarks/profile_predict.py --articles 20 --flame runs/predict.collapsed

Copies ``--articles`` typical English news articles into a temporary folder (the 75 PTC dev
articles, then PTC train articles by id when more are asked for), then:

1. times fresh processes: the bare interpreter, ``import spinscope.cli.app`` and that plus
   ``spinscope.predict`` (what the command imports before it reads anything);
2. runs the real command, ``spinscope predict --task flc --articles DIR -o OUT``, in a
   subprocess (start-up included, no profiler) with the default detector and with
   ``--detector baseline``: articles/s end to end and peak RSS;
3. runs the same command in a fresh process under cProfile (the CLI called in-process, so its
   imports are profiled too), for each detector, and prints a per-stage table derived from the
   cumulative times of named functions (:data:`STAGES`), what is left unaccounted (and where),
   then cProfile's top ``--top`` functions by cumulative and by own time;
4. with ``--flame FILE``, writes collapsed stacks (``frame;frame;frame count``, the format of
   flamegraph.pl, inferno and speedscope) for the default detector: sampled by py-spy when it
   is installed (``--flame-source auto``), else rebuilt from the cProfile call graph.

cProfile slows down pure-Python code more than native code (the tokenizer, onnxruntime), so the
profiled seconds overstate the Python stages; the unprofiled end-to-end time is printed beside
the profiled total. The baseline run separates the model's cost from the rest.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import io
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

FuncKey = tuple[str, int, str]


# ----------------------------------------------------------------------------- the articles


def article_folder(folder: Path, n: int, data: str | None = None) -> str:
    """Copy ``n`` PTC articles (dev first, then train, by id) into ``folder``; say which.

    The files are copied byte for byte under their own names (``article<ID>.txt``), so the
    command reads exactly what it reads from the corpus.
    """
    from spinscope.corpora.ptc import ptc_article_paths

    dev = ptc_article_paths("dev", data)
    train = ptc_article_paths("train", data) if n > len(dev) else {}
    chosen = [*dev.items(), *((k, v) for k, v in train.items() if k not in dev)][:n]
    if len(chosen) < n:
        raise SystemExit(f"only {len(chosen)} PTC articles under the data root; asked for {n}")
    words = []
    for _, path in chosen:
        shutil.copyfile(path, folder / path.name)
        words.append(len(path.read_text(encoding="utf-8").split()))
    n_dev = sum(1 for k, _ in chosen if k in dev)
    parts = [f"{n_dev} PTC dev"] + ([f"{n - n_dev} PTC train (first by id)"] if n > n_dev else [])
    return (
        f"{n} articles ({' + '.join(parts)}), words: median {statistics.median(words):.0f}, "
        f"total {sum(words)}"
    )


def cli_command(folder: Path, out: Path, detector: str | None = None) -> list[str]:
    """The real ``spinscope predict --task flc`` command line (the installed console script)."""
    script = Path(sys.executable).parent / "spinscope"
    if not script.is_file():
        found = shutil.which("spinscope")
        script = Path(found) if found else Path()
    head = [str(script)] if script.name == "spinscope" else [sys.executable, "-m", "spinscope"]
    args = ["predict", "--task", "flc", "--articles", str(folder), "-o", str(out)]
    return head + args + (["--detector", detector] if detector else [])


def run_child(command: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``command``; return its wall seconds, peak RSS (MB, from wait4), rc and output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {
            "wall_s": wall,
            "peak_rss_mb": usage.ru_maxrss / 1024,
            "rc": proc.returncode,
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
        }


def checked(result: dict[str, Any], what: str) -> dict[str, Any]:
    """``result`` if its command succeeded; else stop with its stderr."""
    if result["rc"] != 0:
        raise SystemExit(f"{what} failed (exit {result['rc']}):\n{result['stderr'][-3000:]}")
    return result


# ------------------------------------------------------------------------- profiled run


def _profiled_cli(folder: str, out: str, detector: str | None) -> None:
    """What the ``spinscope`` console script does, in this process (profiled by the caller)."""
    from spinscope.cli.app import app

    args = ["predict", "--task", "flc", "--articles", folder, "-o", out]
    app(args=args + (["--detector", detector] if detector else []), prog_name="spinscope")


def profile_child(folder: str, out: str, detector: str | None, prof: str) -> None:
    """Run the command under cProfile in this (fresh) process; dump the stats to ``prof``."""
    paused = [0.0, 0.0]  # garbage-collector pause time so far, start of the current pause

    def on_gc(phase: str, _: dict[str, int]) -> None:
        if phase == "start":
            paused[1] = time.perf_counter()
        else:
            paused[0] += time.perf_counter() - paused[1]

    gc.callbacks.append(on_gc)
    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    profiler.enable()
    try:
        _profiled_cli(folder, out, detector)
    except SystemExit as done:  # typer exits with the command's status
        if done.code not in (0, None):
            raise
    finally:
        profiler.disable()
    wall = time.perf_counter() - t0
    profiler.dump_stats(prof)
    gc.callbacks.remove(on_gc)
    figures = {"wall_s": wall, "gc_s": paused[0]}
    Path(prof + ".json").write_text(json.dumps(figures), encoding="utf-8")


# ----------------------------------------------------------------------------- the stages


def _key(fn: Any) -> FuncKey:
    """The pstats key of a Python function (unwraps methods and properties)."""
    code = getattr(fn, "__code__", None) or fn.__func__.__code__
    return (code.co_filename, code.co_firstlineno, code.co_name)


def stage_functions() -> dict[str, Any]:
    """The functions whose cumulative times make the stages, by name, as pstats keys.

    Where each lives is written beside it; the keys are exact (file, first line, name).
    """
    import onnxruntime as ort

    from spinscope import predict
    from spinscope.analysis import build_analysis
    from spinscope.article.features import TfidfFeaturizer, style_features
    from spinscope.article.models import ArticleModels
    from spinscope.cli import app as cli_app
    from spinscope.detectors import registry
    from spinscope.detectors.baseline import BaselineDetector
    from spinscope.detectors.hybrid import HybridDetector, _union
    from spinscope.signals import language
    from spinscope.tagger import windows
    from spinscope.tagger.model import Tagger

    return {
        # benchmarks/profile_predict.py: the console script's work (imports the CLI, runs it)
        "runner": ("profile_predict.py", "_profiled_cli"),
        # spinscope/cli/app.py: the `predict` command (imports spinscope.predict lazily)
        "cli_predict": _key(cli_app.predict),
        # spinscope/predict.py
        "predict_to_file": _key(predict.predict_to_file),
        "read_articles": _key(predict.read_articles),
        "article_languages": _key(predict.article_languages),
        "language_note": _key(predict.language_note),
        "predict_rows": _key(predict.predict_rows),
        "_spans": _key(predict._spans),
        "_flc_rows": _key(predict._flc_rows),
        "write_rows": _key(predict.write_rows),
        # spinscope/signals/language.py: py3langid's model, loaded once
        "lang_identifier": _key(language._loaded_identifier.__wrapped__),
        # spinscope/detectors/registry.py: builds and loads the detector
        "load_detector": _key(registry.load_detector),
        # spinscope/tagger/model.py
        "tagger_load": _key(Tagger.load),
        "tagger_predict": _key(Tagger.predict),
        "article_probs": _key(Tagger.article_probs),
        "tagger_decode": _key(Tagger.decode),
        # spinscope/tagger/windows.py: tokenising, windows, batches, stitching
        "encode": _key(windows.encode),
        "windows": _key(windows.windows),
        "make_batches": _key(windows.make_batches),
        "stitch": _key(windows.stitch),
        # onnxruntime/capi/onnxruntime_inference_collection.py
        "ort_run": _key(ort.InferenceSession.run),
        "ort_session_init": _key(ort.InferenceSession.__init__),
        # spinscope/detectors/baseline.py and hybrid.py: the rules and the union
        "baseline_predict": _key(BaselineDetector.predict),
        "baseline_load": _key(BaselineDetector.load),
        "hybrid_predict": _key(HybridDetector.predict),
        "union": _key(_union),
        # spinscope/article/models.py and features.py: genre and frames (st1/st2, analyze)
        "article_models": _key(ArticleModels.predict),
        "tfidf": _key(TfidfFeaturizer.transform),
        "style": _key(style_features),
        # spinscope/analysis.py: the Analysis of `spinscope analyze` and the API
        "build_analysis": _key(build_analysis),
    }


#: (stage, function names of :func:`stage_functions` whose cumulative times add up to it).
#: "imports" is special: the time of the imports done directly by the runner and the command.
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("imports: spinscope.cli.app + spinscope.predict", ("imports",)),
    ("reading the articles", ("read_articles",)),
    ("language detection (py3langid; incl. its load)", ("article_languages", "language_note")),
    ("loading the detector (model, tokenizer, lexicons)", ("load_detector",)),
    ("tokenisation (tokenizers, Unigram)", ("encode",)),
    ("windowing + batching", ("windows", "make_batches")),
    ("ONNX inference (InferenceSession.run)", ("ort_run",)),
    ("stitching windows", ("stitch",)),
    ("decoding to spans", ("tagger_decode",)),
    ("rules (baseline detector)", ("baseline_predict",)),
    ("hybrid union (rules vs model spans)", ("union",)),
    ("article models (genre/frames: TF-IDF, style)", ("article_models",)),
    ("building the Analysis", ("build_analysis",)),
    ("submission rows (merging spans)", ("_flc_rows",)),
    ("writing the output", ("write_rows",)),
)


class Profile:
    """A cProfile dump with lookups by exact key or by (file basename, name)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.stats = pstats.Stats(path)
        self.raw: dict[FuncKey, Any] = self.stats.stats  # type: ignore[attr-defined]
        figures = json.loads(Path(path + ".json").read_text(encoding="utf-8"))
        self.wall, self.gc = figures["wall_s"], figures["gc_s"]

    def find(self, key: Any) -> FuncKey | None:
        """The stored key of ``key`` (exact, or ``(basename, name)``), ``None`` if not called."""
        if len(key) == 3:
            return key if key in self.raw else None
        base, name = key
        for k in self.raw:
            if k[2] == name and os.path.basename(k[0]) == base:
                return k
        return None

    def ct(self, key: Any) -> float:
        """Cumulative seconds of a function (0 when it was not called)."""
        found = self.find(key)
        return self.raw[found][3] if found else 0.0

    def calls(self, key: Any) -> int:
        """How many times a function was called (0 when not)."""
        found = self.find(key)
        return self.raw[found][1] if found else 0

    def imports_from(self, caller: Any) -> float:
        """Seconds of the imports that ``caller``'s own code did (importlib's entry points)."""
        found = self.find(caller)
        if found is None:
            return 0.0
        total = 0.0
        for key, (_, _, _, _, callers) in self.raw.items():
            if key[2] in ("_find_and_load", "_handle_fromlist") and "importlib" in key[0]:
                edge = callers.get(found)
                if edge is not None:
                    total += edge[3]
        return total

    def all_imports(self) -> float:
        """Seconds inside importlib's ``_find_and_load`` over the run (nested imports once)."""
        return sum(
            v[3]
            for k, v in self.raw.items()
            if k[2] == "_find_and_load" and k[0].startswith("<frozen importlib")
        )


def stage_table(prof: Profile, keys: dict[str, Any], n: int, label: str) -> None:
    """Print the per-stage table of one profiled run."""
    total = prof.ct(keys["runner"])
    values: dict[str, float] = {name: prof.ct(key) for name, key in keys.items()}
    values["imports_cli"] = prof.imports_from(keys["cli_predict"])
    values["imports_runner"] = prof.imports_from(keys["runner"])
    values["imports"] = values["imports_runner"] + values["imports_cli"]

    print(f"\n== per-stage table: {label} ({n} articles, under cProfile) ==")
    print(
        f"profiled total {total:.2f} s (wall {prof.wall:.2f} s in the child; "
        "interpreter start-up not included)"
    )
    print(f"{'stage':52} {'seconds':>8} {'% total':>8} {'ms/article':>11}")
    accounted = 0.0
    for stage, names in STAGES:
        s = sum(values[name] for name in names)
        accounted += s
        note = "" if s else "  (not called)"
        print(f"{stage:52} {s:8.3f} {100 * s / total:7.1f}% {1000 * s / n:11.1f}{note}")
    left = total - accounted
    print(f"{'left unaccounted':52} {left:8.3f} {100 * left / total:7.1f}% {1000 * left / n:11.1f}")
    print(f"{'total':52} {total:8.3f} {100.0:7.1f}% {1000 * total / n:11.1f}")

    detector = next(
        (v for k in ("hybrid_predict", "tagger_predict", "baseline_predict") if (v := values[k])),
        0.0,
    )
    gaps = (
        ("typer/click parsing (lazy imports), output", "runner", ("imports_runner", "cli_predict")),
        ("cli `predict` command (own)", "cli_predict", ("imports_cli", "predict_to_file")),
        (
            "predict_to_file (own)",
            "predict_to_file",
            (
                "read_articles",
                "article_languages",
                "language_note",
                "load_detector",
                "predict_rows",
                "write_rows",
            ),
        ),
        ("predict_rows (own)", "predict_rows", ("_spans", "_flc_rows")),
        ("_spans: renaming and copying spans", "_spans", ("detector",)),
        (
            "HybridDetector.predict (own)",
            "hybrid_predict",
            ("tagger_predict", "baseline_predict", "union"),
        ),
        ("Tagger.predict (own)", "tagger_predict", ("article_probs", "tagger_decode")),
        (
            "Tagger.article_probs (own: loop, outputs, mean embedding)",
            "article_probs",
            ("encode", "windows", "make_batches", "ort_run", "stitch"),
        ),
    )
    values["detector"] = detector
    print("  where the unaccounted time sits (a function's time less its listed callees'):")
    for what, parent, children in gaps:
        if values[parent]:
            gap = values[parent] - sum(values[c] for c in children)
            print(f"    {what:58} {gap:8.3f} s {1000 * gap / n:8.1f} ms/article")
    print("  inside the stages (already counted above):")
    lazy = prof.all_imports() - values["imports"]
    rows = [
        ("py3langid model load (language._identifier)", values["lang_identifier"]),
        ("Tagger.load (onnxruntime/tokenizers import, session)", values["tagger_load"]),
        ("  of which InferenceSession.__init__", values["ort_session_init"]),
        ("BaselineDetector.load (lexicons)", values["baseline_load"]),
        ("all other imports during the run (lazy, nested)", lazy),
        ("garbage-collector pauses (charged to the running frame)", prof.gc),
    ]
    for what, s in rows:
        print(f"    {what:58} {s:8.3f} s")
    runs = prof.calls(keys["ort_run"])
    if runs:
        print(
            f"  model calls: {runs} InferenceSession.run ({runs / n:.1f} windows per article, "
            f"{1000 * values['ort_run'] / runs:.1f} ms per window)"
        )


def top_tables(prof: Profile, top: int) -> None:
    """Print cProfile's ``top`` functions by cumulative and by own time."""
    for order, what in (("cumulative", "cumulative"), ("tottime", "total (own)")):
        buf = io.StringIO()
        stats = pstats.Stats(prof.path, stream=buf)
        stats.strip_dirs().sort_stats(order).print_stats(top)
        body = buf.getvalue()
        start = body.find("   ncalls")
        print(f"\n== cProfile top {top} by {what} time ==")
        print(body[start:].rstrip() if start >= 0 else body.rstrip())


# ------------------------------------------------------------------------------- flame


def _label(key: FuncKey) -> str:
    filename, line, name = key
    if filename == "~":
        return name.replace(";", ",")
    return f"{name} ({os.path.basename(filename)}:{line})".replace(";", ",")


def collapsed_from_profile(prof: Profile, root: Any) -> list[str]:
    """Collapsed stacks rebuilt from cProfile's caller -> callee edges (microseconds).

    cProfile keeps edges, not whole stacks: a function reached along several paths has its
    callees split in proportion to the time each path spent in it; recursion is cut (its time
    stays with the frame above). Approximate, but every frame's total is right at the top.
    """
    children: dict[FuncKey, list[tuple[FuncKey, float]]] = {}
    for key, (_, _, _, _, callers) in prof.raw.items():
        for caller, edge in callers.items():
            children.setdefault(caller, []).append((key, edge[3]))
    found = prof.find(root)
    if found is None:
        return []
    floor = 1e-4  # seconds: smaller branches are folded into their parent
    lines: dict[str, float] = {}

    def walk(node: FuncKey, stack: tuple[FuncKey, ...], spent: float) -> None:
        ct = prof.raw[node][3] or 1e-12
        scale = spent / ct
        path = (*stack, node)
        inner = 0.0
        for child, edge_ct in children.get(node, []):
            share = edge_ct * scale
            if child in path or share < floor:
                continue
            walk(child, path, share)
            inner += share
        own = max(spent - inner, 0.0)
        if own > 0:
            name = ";".join(_label(k) for k in path)
            lines[name] = lines.get(name, 0.0) + own

    walk(found, (), prof.raw[found][3])
    return [f"{k} {round(v * 1e6)}" for k, v in lines.items() if round(v * 1e6) > 0]


def write_flame(path: Path, source: str, folder: Path, prof: Profile | None, root: Any) -> str:
    """Write collapsed stacks to ``path``; return how they were made."""
    py_spy = shutil.which("py-spy")
    if source == "py-spy" or (source == "auto" and py_spy):
        if not py_spy:
            raise SystemExit("--flame-source py-spy: py-spy is not installed")
        with tempfile.TemporaryDirectory(prefix="flame-") as tmp:
            command = [
                py_spy, "record", "--idle", "--rate", "200", "--format", "raw",
                "-o", str(path), "--", *cli_command(folder, Path(tmp) / "out.txt"),
            ]  # fmt: skip
            done = run_child(command)
        if done["rc"] == 0 and path.is_file():
            return "py-spy record --idle --rate 200 of the real command (sampled wall time)"
        if source == "py-spy":
            raise SystemExit(f"py-spy failed:\n{done['stderr'][-2000:]}")
        print(f"(py-spy failed, falling back on cProfile: {done['stderr'][-300:]})")
    assert prof is not None
    path.write_text("\n".join(collapsed_from_profile(prof, root)) + "\n", encoding="utf-8")
    return "rebuilt from the cProfile call graph (microseconds)"


# -------------------------------------------------------------------------------- main


def _median_run(command: list[str], runs: int) -> float:
    return statistics.median(checked(run_child(command), " ".join(command))["wall_s"]
                             for _ in range(runs))  # fmt: skip


@contextlib.contextmanager
def _workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="profile-predict-") as tmp:
        yield Path(tmp)


def _bytecode_env(work: Path) -> dict[str, str] | None:
    """An environment that caches bytecode (in ``work``), or ``None`` if this one already does."""
    if not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return None
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


def main() -> None:
    """Run every measurement and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=90, help="how many (default 90)")
    parser.add_argument("--data", default=None, help="data root (default: spinscope's)")
    parser.add_argument("--top", type=int, default=25, help="rows of the cProfile tables")
    parser.add_argument("--runs", type=int, default=1, help="end-to-end runs each (median)")
    parser.add_argument("--no-baseline", action="store_true", help="skip --detector baseline")
    parser.add_argument("--flame", type=Path, default=None, help="write collapsed stacks here")
    parser.add_argument("--flame-source", choices=("auto", "py-spy", "cprofile"), default="auto")
    parser.add_argument("--save-prof", type=Path, default=None, help="keep the .prof files here")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        folder, out, detector, prof = args.child
        profile_child(folder, out, detector or None, prof)
        return

    with _workdir() as work:
        folder = work / "articles"
        folder.mkdir()
        what = article_folder(folder, args.articles, args.data)
        n = args.articles
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"{what}; {os.cpu_count()} cores; load average {load}")

        print("\n== start-up (fresh processes, no profiler; median of 3) ==")
        bare = _median_run([sys.executable, "-c", "pass"], 3)
        cli = _median_run([sys.executable, "-c", "import spinscope.cli.app"], 3)
        full = _median_run([sys.executable, "-c", "import spinscope.cli.app, spinscope.predict"], 3)
        print(f"python -c pass                                        {bare:6.3f} s")
        print(f"python -c 'import spinscope.cli.app'                  {cli:6.3f} s")
        print(f"python -c 'import spinscope.cli.app, spinscope.predict' {full:4.3f} s")
        cached = _bytecode_env(work)
        if cached is not None:
            imports = [sys.executable, "-c", "import spinscope.cli.app, spinscope.predict"]
            run_child(imports, cached)  # writes the bytecode
            warm = statistics.median(
                checked(run_child(imports, cached), "import")["wall_s"] for _ in range(3)
            )
            print(
                f"  the same with bytecode cached                       {warm:6.3f} s "
                "(PYTHONDONTWRITEBYTECODE is set here, so every run compiles spinscope's "
                "modules from source)"
            )

        detectors: list[tuple[str, str | None]] = [("default (hybrid)", None)]
        if not args.no_baseline:
            detectors.append(("--detector baseline", "baseline"))
        print("\n== end to end: the real command in a subprocess (start-up included) ==")
        e2e: dict[str | None, float] = {}
        for label, det in detectors:
            command = cli_command(folder, work / f"e2e-{det}.txt", det)
            results = [checked(run_child(command), "spinscope predict") for _ in range(args.runs)]
            wall = statistics.median(r["wall_s"] for r in results)
            e2e[det] = wall
            rss = max(r["peak_rss_mb"] for r in results)
            print(
                f"{label:24} {wall:6.2f} s  {n / wall:5.2f} articles/s  "
                f"{1000 * wall / n:6.1f} ms/article  peak RSS {rss:.0f} MB"
            )
        if cached is not None:
            one = work / "one-article"
            one.mkdir()
            first = min(folder.iterdir())
            shutil.copyfile(first, one / first.name)
            # a first run on one article writes the bytecode of everything the command imports
            checked(run_child(cli_command(one, work / "one.txt"), cached), "spinscope predict")
            command = cli_command(folder, work / "e2e-cached.txt")
            wall = checked(run_child(command, cached), "spinscope predict")["wall_s"]
            print(
                f"{'default, cached bytecode':24} {wall:6.2f} s  {n / wall:5.2f} articles/s  "
                f"{1000 * wall / n:6.1f} ms/article"
            )
        print(f"command: {' '.join(cli_command(folder, Path('OUT')))}")
        if None in e2e and "baseline" in e2e:
            model = e2e[None] - e2e["baseline"]
            print(
                f"the model's share (hybrid - baseline): {model:.2f} s, "
                f"{1000 * model / n:.1f} ms/article ({100 * model / e2e[None]:.0f}% of the run)"
            )

        keys = stage_functions()
        profiles: dict[str | None, Profile] = {}
        for label, det in detectors:
            prof_path = str(work / f"predict-{det or 'default'}.prof")
            out = str(work / f"prof-{det}.txt")
            child = [sys.executable, __file__, "--child", str(folder), out, det or "", prof_path]
            checked(run_child(child), f"profiled run ({label})")
            profiles[det] = prof = Profile(prof_path)
            stage_table(prof, keys, n, f"{label}")
            if det in e2e:
                total = prof.ct(keys["runner"])
                print(
                    f"  unprofiled, end to end: {e2e[det]:.2f} s (interpreter start-up "
                    f"included, {bare:.2f} s); profiled + start-up: {total + bare:.2f} s"
                )
            if args.save_prof:
                args.save_prof.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(prof_path, args.save_prof / Path(prof_path).name)

        main_prof = profiles[None]
        top_tables(main_prof, args.top)
        if args.flame:
            how = write_flame(args.flame, args.flame_source, folder, main_prof, keys["runner"])
            print(f"\ncollapsed stacks written to {args.flame}: {how}")
            print("  render: flamegraph.pl FILE > flame.svg, inferno-flamegraph, or speedscope")


if __name__ == "__main__":
    main()
