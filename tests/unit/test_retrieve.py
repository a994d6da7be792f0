"""Retrieval over a document's chunks: order, BM25, fusion, the cache, the prompt, the map."""

from __future__ import annotations

import numpy as np
import pytest

import explorer
from bench.ask import PAIRS, answering, recall
from explorer.documents.chunks import chunk, count_tokens, load_sample_document
from explorer.documents.retrieval import (
    Retriever,
    build_ask_map,
    build_prompt,
    compare,
    content_words,
    fuse,
    retrieve,
)
from explorer.documents.search import shared_words
from explorer.figures.ask import ASK_PLOT_WIDTH, ask_map_figure
from explorer.figures.labels import PlotArea, TextLayout, centred_box, text_size
from explorer.figures.style import DISTANCE_LABEL
from explorer.models.doc_cache import DocumentCache
from explorer.ui.ask import PRESETS

DOCS = [
    "Rotate the tyres every 8,000 km and check their pressure monthly.",
    "Sow lettuce in early spring, a short row every two weeks.",
    "Keep an emergency fund of three months' pay in a savings account.",
    "Cool a burn under running water for twenty minutes.",
]


@pytest.fixture(scope="module")
def sample_chunks(minilm):
    return chunk(load_sample_document(), model=minilm)


@pytest.fixture(scope="module")
def sample_retriever(minilm, sample_chunks, tmp_path_factory):
    return Retriever(sample_chunks, model=minilm, cache=DocumentCache(tmp_path_factory.mktemp("c")))


def test_meaning_ranks_by_cosine_similarity(minilm) -> None:
    hits = retrieve("my automobile's wheels", DOCS, k=4, cache=DocumentCache(None))
    assert [h.rank for h in hits] == [1, 2, 3, 4]
    vectors = minilm.encode(DOCS)
    question = minilm.encode(["my automobile's wheels"])[0]
    expected = np.argsort(-(vectors @ question), kind="stable")
    assert [h.index for h in hits] == expected.tolist()
    assert [round(h.score, 5) for h in hits] == [
        round(float(vectors[i] @ question), 5) for i in expected
    ]
    assert all(h.cosine == h.score for h in hits)
    assert hits[0].index == 0 and hits[0].shares_no_word


def test_keywords_need_a_shared_content_word() -> None:
    hits = retrieve("tyres pressure", DOCS, k=3, method="keywords", cache=DocumentCache(None))
    assert [(h.index, h.shared_words, h.cosine) for h in hits] == [(0, ("tyres", "pressure"), None)]
    assert retrieve("my automobile's wheels", DOCS, method="keywords") == []
    assert content_words("How do I fix the brakes on my car?") == {"fix", "brakes", "car"}


def test_hybrid_is_reciprocal_rank_fusion_of_both_rankings() -> None:
    retriever = Retriever(DOCS, cache=DocumentCache(None))
    question = "water the lettuce rows"
    meaning = [h.index for h in retriever.rank(question, k=4)]
    keywords = retriever.keywords.ranking(question)
    expected = {i: 0.0 for i in range(4)}
    for ranking in (meaning, keywords):
        for rank, i in enumerate(ranking, start=1):
            expected[i] += 1 / (60 + rank)
    hybrid = retriever.rank(question, method="hybrid", k=4)
    assert [h.index for h in hybrid] == sorted(expected, key=lambda i: (-expected[i], i))
    assert [round(h.score, 6) for h in hybrid] == [round(expected[h.index], 6) for h in hybrid]
    assert fuse([[1, 2], [2]]) == {1: 1 / 61, 2: 1 / 62 + 1 / 61}


def test_k_over_the_chunks_returns_them_all_and_bad_input_gives_messages(minilm) -> None:
    assert len(retrieve("a question", DOCS[:2], k=10, cache=DocumentCache(None))) == 2
    cases = {
        "": "The question is empty: type a question about the document, or pick a preset.",
        " \u200b ": "The question is empty: type a question about the document, or pick a preset.",
        "word " * 300: (
            "The question is 300 tokens (1,500 characters); the model reads at most 254 tokens "
            "and 1,000 characters. Ask a shorter question."
        ),
    }
    for question, message in cases.items():
        with pytest.raises(ValueError) as error:
            retrieve(question, DOCS)
        assert str(error.value) == message
    with pytest.raises(ValueError, match="at least 1, got 0"):
        retrieve("a question", DOCS, k=0)
    with pytest.raises(ValueError, match="Unknown method 'bm25'; choose one of meaning"):
        retrieve("a question", DOCS, method="bm25")
    with pytest.raises(ValueError, match="There are no chunks"):
        retrieve("a question", [])
    with pytest.raises(ValueError, match="not a single string"):
        retrieve("a question", "one long string")


def test_html_emoji_and_rtl_come_back_as_they_were() -> None:
    docs = ["<b>bold</b> 😀 and <script>x</script>", "مرحبا بالعالم، كيف حالك؟"]
    hits = retrieve("<b>hello</b> world 😀", docs, k=2, cache=DocumentCache(None))
    assert {h.text for h in hits} == set(docs)
    assert hits[0].text in docs


def test_a_second_question_embeds_only_the_question(minilm, tmp_path, monkeypatch) -> None:
    cache = DocumentCache(tmp_path)
    chunks = chunk(load_sample_document(), by="tokens", size=96, overlap=16, model=minilm)
    retrieve("first question about tyres", chunks, cache=cache)
    embedded = cache.embedded
    assert embedded == len({c.text for c in chunks})
    calls: list[list[str]] = []
    original = minilm.encode_uncached

    def counting(texts):
        calls.append(list(texts))
        return original(texts)

    monkeypatch.setattr(minilm, "encode_uncached", counting)
    retrieve("a second question, about gardens", chunks, cache=cache)
    assert cache.embedded == embedded
    assert calls == [["a second question, about gardens"]]


def test_the_20_pairs_share_no_content_word_and_meaning_beats_keywords(
    sample_chunks, sample_retriever
) -> None:
    for question, passage in PAIRS:
        for i in answering(sample_chunks, passage):
            shared = content_words(question) & content_words(sample_chunks[i].text)
            assert not shared, (question, shared)
    scores = recall(sample_retriever, sample_chunks)
    assert scores["meaning"][1] > scores["keywords"][1]
    assert scores["meaning"][3] > scores["keywords"][3]
    assert scores["meaning"][1] >= 0.8 and scores["meaning"][3] >= 0.95
    assert scores["hybrid"][3] < scores["meaning"][3]  # keyword noise pulls the answer down


def test_presets_share_no_word_with_their_passage_and_meaning_finds_it(
    sample_chunks, sample_retriever
) -> None:
    for question, passage in PRESETS:
        (target,) = answering(sample_chunks, passage)
        assert shared_words(question, sample_chunks[target].text) == ()
        assert sample_retriever.rank(question, k=1)[0].index == target


def test_compare_gives_every_hit_its_cosine_and_names_what_only_meaning_found(
    sample_chunks, sample_retriever
) -> None:
    question, passage = PRESETS[0]
    found = compare(sample_retriever, question, k=3)
    (target,) = answering(sample_chunks, passage)
    assert found.meaning[0].index == target and target in found.only_meaning
    assert target not in {h.index for h in found.keywords}
    cosines = sample_retriever.cosines(question)
    for hit in found.meaning + found.keywords + found.hybrid:
        assert hit.cosine == pytest.approx(float(cosines[hit.index]))


def test_the_prompt_holds_question_and_chunks_in_order_and_counts_its_tokens(minilm) -> None:
    hits = retrieve("my automobile's wheels", DOCS, k=2, cache=DocumentCache(None))
    prompt = build_prompt("my automobile's wheels", hits, model=minilm, budget=40)
    assert prompt.text.index(f"[1] {hits[0].text}") < prompt.text.index(f"[2] {hits[1].text}")
    assert prompt.text.endswith("Question: my automobile's wheels\nAnswer:")
    assert prompt.tokens == count_tokens([prompt.text], minilm)[0]
    assert prompt.over == prompt.tokens - 40 > 0


def test_the_map_fits_the_chunks_and_places_the_question_with_the_same_projection(
    sample_chunks, sample_retriever
) -> None:
    question = PRESETS[1][0]
    hits = sample_retriever.rank(question, k=3)
    amap = build_ask_map(sample_retriever, question, hits)
    index = sample_retriever.index
    assert amap.placement == "transform" and amap.method == "pca"
    assert np.allclose(amap.coords, index.projection.coords)
    assert np.allclose(
        amap.question_xy, index.projection.transform(index.query_vector(question))[0]
    )
    cosines = sample_retriever.cosines(question)
    assert amap.distances == pytest.approx([1 - float(cosines[h.index]) for h in hits])
    fig = ask_map_figure(amap, chunks=sample_chunks)
    labels = [a for a in fig.layout.annotations if a.name == DISTANCE_LABEL]
    assert [a.text for a in labels] == [f"d={d:.2f} (cosine, 384-d)" for d in amap.distances]
    chunks_trace = fig.data[0]
    assert list(chunks_trace.marker.color) == list(range(len(sample_chunks)))
    # The d= labels do not overlap each other (in pixels of the plot they are placed for).
    margin = fig.layout.margin
    area = PlotArea(ASK_PLOT_WIDTH, fig.layout.height - margin.t - margin.b)
    layout = TextLayout(tuple(fig.layout.xaxis.range), tuple(fig.layout.yaxis.range), area)
    boxes = [
        centred_box(*layout.px([(a.x, a.y)])[0], *text_size(a.text, font_size=a.font.size))
        for a in labels
    ]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert min(a[2], b[2]) <= max(a[0], b[0]) or min(a[3], b[3]) <= max(a[1], b[1])


def test_umap_from_15_chunks_is_seeded_and_places_the_question_among_its_neighbours(
    sample_retriever,
) -> None:
    question = PRESETS[2][0]
    hits = sample_retriever.rank(question, k=3)
    first = build_ask_map(sample_retriever, question, hits, method="umap")
    assert first.method == "umap" and first.placement == "neighbours" and first.notice is None
    cosines = sample_retriever.cosines(question)
    nearest = np.argsort(-cosines, kind="stable")[:5]
    weights = cosines[nearest]
    expected = (first.coords[nearest] * weights[:, None]).sum(0) / weights.sum()
    assert np.allclose(first.question_xy, expected)
    small = Retriever(DOCS, cache=DocumentCache(None))
    few = build_ask_map(small, question, small.rank(question, k=1), method="umap")
    assert few.method == "pca"
    assert few.notice == "UMAP draws at least 15 chunks here; these are 4, so the map shows PCA."


def test_hostile_text_is_escaped_on_the_map() -> None:
    docs = ["<script>alert(1)</script> & more", "a <b>bold</b> claim", "plain text"]
    retriever = Retriever(docs, cache=DocumentCache(None))
    question = "<img src=x onerror=alert(1)>"
    amap = build_ask_map(retriever, question, retriever.rank(question, k=2))
    fig = ask_map_figure(amap)
    hovers = " ".join(fig.data[0].hovertext) + " ".join(fig.data[-1].hovertext)
    assert "&lt;script&gt;" in hovers and "<script>" not in hovers and "&amp; more" in hovers
    assert "&lt;img src=x onerror=alert(1)&gt;" in hovers
    question_label = [a.text for a in fig.layout.annotations if a.name == "question label"]
    assert question_label == ["question: &lt;img src=x onerror=alert(1)&gt;"]


def test_the_public_api_retrieves() -> None:
    hits = explorer.retrieve("treating a scald", DOCS, k=1)
    assert hits[0].index == 3 and hits[0].rank == 1
