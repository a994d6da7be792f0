"""Named clusters (explorer.clusters): quality on real text, determinism, noise, limits."""

from __future__ import annotations

import csv
import re

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

import explorer
from explorer.config import CLUSTER_MIN_POINTS, DATA_DIR
from explorer.documents import clusters as clusters_module
from explorer.documents.clusters import (
    ASSIGN_STAGE,
    HDBSCAN_STAGE,
    NAME_STAGE,
    PCA_STAGE,
    UMAP_STAGE,
    cluster_words,
)
from explorer.documents.jobs import Cancelled

WORDS = re.compile(r"[a-z]+")


def blobs(per: int = 20, *, dim: int = 20, seed: int = 0) -> tuple[np.ndarray, list[str]]:
    """Three tight groups far apart, with texts that say which."""
    rng = np.random.default_rng(seed)
    centres = np.zeros((3, dim))
    centres[0, 0] = centres[1, 1] = centres[2, 2] = 10.0
    vectors = np.repeat(centres, per, axis=0) + rng.normal(scale=0.3, size=(3 * per, dim))
    words = ["apple pie oven", "engine brake car", "whale ocean reef"]
    return vectors, [f"{words[i // per]} {i}" for i in range(3 * per)]


def check_set() -> tuple[list[str], list[str]]:
    with (DATA_DIR / "cluster_check.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    return [r["text"] for r in rows], [r["topic"] for r in rows]


def assert_named_by_topic(found: explorer.Clusters, texts: list[str], topics: list[str]) -> None:
    """Each topic's largest cluster is named with a word of that topic's documents."""
    labels = found.labels
    for topic in sorted(set(topics)):
        rows = [i for i, t in enumerate(topics) if t == topic]
        kept = labels[rows][labels[rows] >= 0]
        assert len(kept), f"every document of {topic!r} is noise"
        largest = int(np.bincount(kept).argmax())
        vocabulary = {w for i in rows for w in WORDS.findall(texts[i].lower())}
        assert set(found.words[largest]) & vocabulary, (topic, found.words[largest])


def test_the_sample_clusters_by_topic_with_the_default_call(minilm):
    sample = explorer.load_sample()
    texts = list(sample.texts)
    found = explorer.clusters(minilm.encode(texts), texts)
    score = adjusted_rand_score(list(sample.topics), found.labels)
    assert score >= 0.3, (score, found.names)
    assert 8 <= found.count <= 24  # chosen, not given: 14 topics that overlap
    assert found.fitted == 336 and found.notice is None
    assert sum(found.sizes) + found.noise == 336
    assert all(2 <= len(words) <= 4 for words in found.words)


def test_distinct_topics_cluster_almost_perfectly_and_are_named_by_their_words(minilm):
    texts, topics = check_set()
    assert len(texts) == 90 and len(set(topics)) == 6
    found = explorer.clusters(minilm.encode(texts), texts)
    assert adjusted_rand_score(topics, found.labels) >= 0.8
    assert found.count == 6
    assert_named_by_topic(found, texts, topics)


def test_same_seed_same_clusters_and_labels_sorted_by_size():
    vectors, texts = blobs()
    first = explorer.clusters(vectors, texts, random_state=3)
    again = explorer.clusters(vectors, texts, random_state=3)
    assert first.labels.tolist() == again.labels.tolist()
    assert first.names == again.names and first.sizes == again.sizes
    assert first.sizes == (20, 20, 20)
    assert adjusted_rand_score(np.repeat([0, 1, 2], 20), first.labels) == 1.0
    other_seed = explorer.clusters(vectors, texts, random_state=4)
    assert adjusted_rand_score(first.labels, other_seed.labels) == 1.0
    assert sorted(first.names) == ["apple, oven, pie", "brake, car, engine", "ocean, reef, whale"]


def test_a_far_point_is_noise_and_a_near_one_joins():
    vectors, texts = blobs(dim=3)
    far = np.array([[100.0, 100.0, 100.0]])
    near = vectors[:1] + 0.5  # about as far from its group as the group's own points
    found = explorer.clusters(np.vstack([vectors, far, near]), [*texts, "far away", "near"])
    assert found.labels[60] == -1 and found.noise == 1
    assert found.labels[61] == found.labels[0]
    assert found.categories()[60] is None
    assert found.categories()[0] == f"{found.labels[0] + 1}. {found.names[found.labels[0]]}"


@pytest.mark.parametrize("n", [1, 2, 5])
def test_too_few_points_make_one_cluster(n):
    vectors = np.random.default_rng(0).normal(size=(n, 8))
    texts = [f"garden roses {i}" for i in range(n)]
    found = explorer.clusters(vectors, texts, coords=vectors[:, :2])
    assert found.labels.tolist() == [0] * n
    assert found.sizes == (n,) and found.words[0][:2] == ("garden", "roses")
    assert found.notice == (
        f"Only {n} points: too few to find groups (clusters need at least "
        f"{CLUSTER_MIN_POINTS}), so they form one cluster."
    )
    assert found.centre_rows[0] in range(n)


def test_no_rows_is_refused():
    with pytest.raises(ValueError, match=r"^No vectors to cluster \(0 rows\); give at least"):
        explorer.clusters(np.zeros((0, 4)), [])


def test_texts_without_words_get_numbered_names():
    vectors, _ = blobs(dim=3)
    found = explorer.clusters(vectors, ["42 !!"] * 60)
    assert found.names == ("cluster 1", "cluster 2", "cluster 3")


@pytest.mark.parametrize(
    ("vectors", "texts", "coords", "message"),
    [
        (
            np.array([[0.0, np.nan], [1.0, 1.0]]),
            ["a", "b"],
            None,
            "Vectors contain NaN or infinite values in 1 of 2 rows (first: row 1); clusters "
            "need finite numbers: drop or re-embed those rows.",
        ),
        (
            np.zeros((3, 4)),
            ["a", "b"],
            None,
            "Got 3 vectors but 2 texts; give one text per vector row.",
        ),
        (
            np.zeros(4),
            ["a"],
            None,
            "Expected vectors as a 2-D array (documents, dimensions), got shape (4,); give "
            "one row per document, e.g. model.encode(texts).",
        ),
        (
            np.zeros((2, 3, 4)),
            ["a", "b"],
            None,
            "Expected vectors as a 2-D array (documents, dimensions), got shape (2, 3, 4); "
            "give one row per document, e.g. model.encode(texts).",
        ),
        (
            np.zeros((2, 4)),
            "ab",
            None,
            "texts is one string; give one text per vector row, e.g. ['a cat', 'a dog'].",
        ),
        (
            np.zeros((2, 4)),
            ["a", "b"],
            np.zeros((3, 2)),
            "Map coordinates have shape (3, 2); expected (2, 2) finite numbers, one row per "
            "vector (a Projection's coords).",
        ),
        (
            np.zeros((2, 4)),
            ["a", "b"],
            np.array([[0.0, np.inf], [0.0, 0.0]]),
            "Map coordinates have shape (2, 2) with NaN or infinite values; expected (2, 2) "
            "finite numbers, one row per vector (a Projection's coords).",
        ),
    ],
)
def test_bad_input_says_what_was_received_and_what_to_do(vectors, texts, coords, message):
    with pytest.raises(ValueError) as raised:
        explorer.clusters(vectors, texts, coords=coords)
    assert str(raised.value) == message


@pytest.mark.parametrize("min_size", [1, 2.5, True])
def test_min_size_must_be_a_whole_number_of_at_least_two(min_size):
    vectors, texts = blobs(dim=3)
    with pytest.raises(ValueError, match=rf"^min_size={min_size!r} is not allowed; give a whole"):
        explorer.clusters(vectors, texts, min_size=min_size)
    with pytest.raises(ValueError, match=r"^min_size=61 is more than the 60 points clustered"):
        explorer.clusters(vectors, texts, min_size=61)


def test_centres_are_members_near_the_middle_of_each_cluster_on_the_map():
    vectors, texts = blobs()
    coords = np.repeat([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]], 20, axis=0)
    coords += np.linspace(-1, 1, 60)[:, None]
    found = explorer.clusters(vectors, texts, coords=coords)
    for cluster, row in enumerate(found.centre_rows):
        assert found.labels[row] == cluster
        members = coords[found.labels == cluster]
        assert found.centres[cluster].tolist() == coords[row].tolist()
        assert np.linalg.norm(coords[row] - np.median(members, axis=0)) < 0.1


def test_many_points_fit_a_sample_then_vote_with_progress(monkeypatch):
    monkeypatch.setattr(clusters_module, "CLUSTER_FIT_SAMPLE", 90)
    monkeypatch.setattr(clusters_module, "CLUSTER_PCA_DIMS", 10)
    vectors, texts = blobs(per=60, dim=20)
    seen = []
    found = explorer.clusters(
        vectors, texts, progress=lambda done, total, stage: seen.append((stage, done, total))
    )
    assert adjusted_rand_score(np.repeat([0, 1, 2], 60), found.labels) == 1.0
    assert found.fitted == 90 and found.notice == (
        "Clusters were found on a sample of 90 of the 180 points; every other point joined "
        "the cluster most of its nearest sampled points are in."
    )
    stages = list(dict.fromkeys(stage for stage, _, _ in seen))
    assert stages == [PCA_STAGE, UMAP_STAGE, HDBSCAN_STAGE, ASSIGN_STAGE, NAME_STAGE]
    assert ("Clusters: placing the points outside the sample", 90, 90) in seen


def test_progress_can_cancel_between_steps():
    vectors, texts = blobs()

    def cancel_at_hdbscan(done, total, *, stage):
        if stage == HDBSCAN_STAGE:
            raise Cancelled

    with pytest.raises(Cancelled):
        explorer.clusters(vectors, texts, progress=cancel_at_hdbscan)


def test_cluster_words_prefer_words_rare_elsewhere_and_drop_stop_words():
    texts = ["the cat and the dog", "the cat sat", "the car and the road", "a car parked"]
    assert cluster_words(texts, np.array([0, 0, 1, 1])) == (
        ("cat", "dog", "sat"),
        ("car", "parked", "road"),
    )
    # noise (-1) names no cluster but makes its words less distinctive
    labels = np.array([0, 0, -1, -1, 0])
    assert cluster_words([*texts, "car car cat"], labels, words=1) == (("cat",),)


def test_cluster_names_on_the_map_never_overlap_and_the_rest_go_to_the_hover():
    from explorer.figures.clusters import NAMES_TRACE, hidden_note, names_trace, shown_names
    from explorer.figures.labels import PlotArea, TextLayout, point_label_box, text_size

    count = 12
    labels = np.repeat(np.arange(count), 5)
    # all twelve centres within a few pixels: at most the eight spots around them are free
    centres = np.column_stack([np.linspace(0, 0.02, count), np.zeros(count)])
    found = explorer.Clusters(
        labels=labels,
        words=tuple((f"topic{i}", "words") for i in range(count)),
        names=tuple(f"topic{i}, words & more" for i in range(count)),
        sizes=(5,) * count,
        centres=centres,
        centre_rows=tuple(range(0, 60, 5)),
        fitted=60,
    )
    layout = TextLayout((-1, 1), (-1, 1), PlotArea(400, 300))
    trace = names_trace(found, layout)
    assert trace.name == NAMES_TRACE and list(trace.customdata) == list(range(count))
    assert trace.text[0] == "<b>topic0, words &amp; more</b>"
    assert trace.hovertext[3] == "<b>Cluster 4</b>: topic3, words &amp; more<br>5 documents"
    shown = shown_names(trace)
    assert 0 < len(shown) < count and shown[0] == 0  # the largest first
    pixels = layout.px(centres)
    boxes = [
        point_label_box(
            trace.textposition[i], *pixels[i], *text_size(trace.text[i], font_size=13),
            marker_size=8,
        )
        for i in shown
    ]  # fmt: skip
    for a in range(len(boxes)):
        for b in range(a + 1, len(boxes)):
            dx = min(boxes[a][2], boxes[b][2]) - max(boxes[a][0], boxes[b][0])
            dy = min(boxes[a][3], boxes[b][3]) - max(boxes[a][1], boxes[b][1])
            assert dx <= 0.5 or dy <= 0.5, (shown[a], shown[b])
    hidden = count - len(shown)
    assert hidden_note(found, len(shown)) == (
        f"{hidden} of 12 cluster names are not drawn: no free room beside their centre. "
        "Hover the diamonds or see the list of clusters."
    )
    assert hidden_note(found, count) is None


def test_names_need_centres_on_a_map():
    from explorer.figures.clusters import names_trace
    from explorer.figures.labels import PlotArea, TextLayout

    vectors, texts = blobs(dim=3)
    with pytest.raises(ValueError, match=r"^These clusters have no centres on a map; call"):
        names_trace(explorer.clusters(vectors, texts), TextLayout((0, 1), (0, 1), PlotArea(9, 9)))
