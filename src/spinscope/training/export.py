"""Export a trained tagger to ONNX and quantise it to dynamic int8 (per channel).

The exported graph takes ``input_ids`` and ``attention_mask`` (int64, ``(batch, seq)``) and
returns ``probs`` (float32, ``(batch, seq, len(OUTPUTS))``; the sigmoid is inside the graph)
and ``pooled`` (float32, ``(batch, hidden)``: the mean of each window's token vectors, an
embedding for article-level models).
Per-channel int8 keeps ≥ 0.98 cosine fidelity for MiniLM; per-tensor is too lossy.
"""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path
from typing import Any

__all__ = ["export_model", "simplify_attention"]


def export_model(
    model: Any,
    tokenizer_json: Path,
    out_dir: Path,
    *,
    window: int,
    stride: int,
    metadata: dict[str, Any],
    quantize: bool = True,
    keep_fp32: bool = False,
) -> Path:
    """Write ``model.onnx`` (int8 unless ``quantize`` is false), tokenizer and config.

    With ``keep_fp32`` the unquantised graph stays beside it as ``model.fp32.onnx``.
    """
    import torch

    out_dir.mkdir(parents=True, exist_ok=True)

    class _Probs(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            hidden = self.inner.hidden(input_ids, attention_mask)
            probs = torch.sigmoid(self.inner.head(hidden))
            # mean of the window's token vectors: a window embedding for article-level models
            m = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
            return probs, pooled

    wrapper = _Probs(model).eval()
    model.eval()
    ids = torch.ones((2, 16), dtype=torch.long)
    mask = torch.ones((2, 16), dtype=torch.long)
    fp32 = out_dir / "model.fp32.onnx"
    with warnings.catch_warnings():
        # The TorchScript exporter is deprecated but needs no extra packages and handles BERT;
        # its tracer warns about shape checks that are constant for our inputs.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapper,
            (ids, mask),
            str(fp32),
            input_names=["input_ids", "attention_mask"],
            output_names=["probs", "pooled"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "seq"},
                "attention_mask": {0: "batch", 1: "seq"},
                "probs": {0: "batch", 1: "seq"},
                "pooled": {0: "batch"},
            },
            opset_version=17,
            dynamo=False,
        )
    simplify_attention(fp32)
    target = out_dir / "model.onnx"
    if quantize:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(str(fp32), str(target), per_channel=True, weight_type=QuantType.QInt8)
    else:
        shutil.copyfile(fp32, target)
    if not keep_fp32:
        fp32.unlink()
    shutil.copyfile(tokenizer_json, out_dir / "tokenizer.json")
    config = {"window": window, "stride": stride, **metadata}
    (out_dir / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    return target


def simplify_attention(path: Path) -> dict[str, int]:
    """Drop two per-layer costs of the exported attention from the ONNX model at ``path``.

    ``transformers``' eager attention exports, in every layer, (1) ``Where(IsNaN(p), 0, p)``
    on the attention probabilities ``p``, a guard for rows whose keys are all masked, and (2)
    ``Where(mask, 0, min)``, turning the same boolean mask into an additive one. Together they
    took 17 % of the shipped model's time on one window. A window always keeps its first
    token, so no row is all masked and (1) never fires: its consumers read ``p`` directly.
    Every copy of (2) gives the same tensor, so the first one serves all layers. The outputs do
    not change. Returns how many nodes went, by kind: ``{"nan_guards": n, "masks": m}``.
    """
    import numpy as np
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(path))
    graph = model.graph
    producer = {out: node for node in graph.node for out in node.output}
    initializers = {t.name: t for t in graph.initializer}

    def constant(name: str) -> Any:
        node = producer.get(name)
        if node is not None and node.op_type == "Constant" and len(node.attribute) == 1:
            return numpy_helper.to_array(node.attribute[0].t)
        if name in initializers:
            return numpy_helper.to_array(initializers[name])
        return None

    rename: dict[str, str] = {}
    counts = {"nan_guards": 0, "masks": 0}
    masks: dict[tuple[Any, ...], str] = {}
    for node in graph.node:
        if node.op_type != "Where":
            continue
        condition, when_true, when_false = node.input
        test = producer.get(condition)
        source = producer.get(when_false)
        zero = constant(when_true)
        if (
            test is not None
            and test.op_type == "IsNaN"
            and test.input[0] == when_false
            and source is not None
            and source.op_type == "Softmax"
            and zero is not None
            and not np.any(zero)
        ):
            rename[node.output[0]] = when_false
            counts["nan_guards"] += 1
            continue
        values = [constant(when_true), constant(when_false)]
        if any(v is None for v in values):
            continue
        key = (condition, *((v.dtype.str, v.shape, v.tobytes()) for v in values))
        if key in masks:
            rename[node.output[0]] = masks[key]
            counts["masks"] += 1
        else:
            masks[key] = node.output[0]
    if not rename or any(out.name in rename for out in graph.output):
        return {k: 0 for k in counts}
    for node in graph.node:
        for i, name in enumerate(node.input):
            if name in rename:
                node.input[i] = rename[name]
    # drop what no output needs any more (the graph is in topological order)
    needed = {out.name for out in graph.output}
    kept = []
    for node in reversed(graph.node):
        if any(out in needed for out in node.output):
            kept.append(node)
            needed.update(node.input)
    del graph.node[:]
    graph.node.extend(reversed(kept))
    onnx.save(model, str(path))
    return counts
