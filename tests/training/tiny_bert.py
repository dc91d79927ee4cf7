"""A tiny randomly initialised BERT for training tests (no download)."""

from __future__ import annotations

from typing import Any


def tiny_bert(hidden: int = 32, max_positions: int = 128, layers: int = 1) -> Any:
    """A BERT (one layer by default) with the MiniLM vocabulary size, seeded so runs repeat."""
    import torch
    import transformers

    config = transformers.BertConfig(
        vocab_size=30522,
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=2,
        intermediate_size=2 * hidden,
        max_position_embeddings=max_positions,
    )
    torch.manual_seed(0)
    return transformers.BertModel(config, add_pooling_layer=False)
