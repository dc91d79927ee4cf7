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

__all__ = ["export_model"]


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
