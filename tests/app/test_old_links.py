"""Links written down before the settings were shared still open the same picture.

Each link is opened the way a browser opens it: app.py runs, navigates to the
link's page and reads its query string. The expected widgets, coordinates and
answers were recorded from the app as it was when each page had its own
projection and distance choice (commit c869ece), before they moved into one
shared settings block.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from explorer.presets import ARTICLE_PHRASES
from tests.app.pages import APP

#: Coordinates were recorded to 4 decimals.
CLOSE = {"abs": 2e-4}


def open_old_link(page: str, link: dict[str, str]) -> AppTest:
    """Open ``link`` on ``pages/<page>.py`` through app.py, as a browser does."""
    at = AppTest.from_file(APP, default_timeout=300)
    for name, value in link.items():
        at.query_params[name] = value
    if page != "playground":
        at.switch_page(f"pages/{page}.py")  # before the first run: found by file name
    at.run()
    assert not at.exception, at.exception
    assert [w.value for w in at.warning] == []
    return at


def written_link(at: AppTest) -> dict[str, str]:
    return {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}


def trace(at: AppTest, title_start: str, name: str = "phrases") -> dict:
    """The trace called ``name`` in the one chart whose title starts with ``title_start``."""
    figures = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    (figure,) = [f for f in figures if f["layout"]["title"]["text"].startswith(title_start)]
    (found,) = [t for t in figure["data"] if t.get("name") == name]
    return found


def markdown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def test_the_readmes_playground_link() -> None:
    link = {
        "phrases": "a cat\na dog\na truck",
        "model": "minilm",
        "method": "umap",
        "metric": "cosine",
        "focus": "2",
    }
    at = open_old_link("playground", link)
    assert at.radio(key="model").value == "minilm"
    assert at.selectbox(key="method").value == "umap"
    assert at.radio(key="metric").value == "cosine"
    assert at.selectbox(key="focus").value == 2
    assert [i.value for i in at.info] == [
        "UMAP needs at least 4 phrases, got 3; showing PCA instead. Add phrases to use UMAP."
    ]
    points = trace(at, "all-MiniLM-L6-v2 (384 dimensions) projected to 2-D with PCA")
    assert points["x"] == pytest.approx([0.3086, 0.4058, -0.7144], **CLOSE)
    assert points["y"] == pytest.approx([-0.5104, 0.4661, 0.0443], **CLOSE)
    assert (
        "Nearest to **“a dog”** is **“a cat”**, at d=0.48 (cosine distance in all 384 "
        "dimensions). Next is “a truck” at d=0.72, 1.5× as far." in markdown(at)
    )
    assert written_link(at) == {**link, "lines": "model", "view": "2d"}  # opens in 2-D


def test_a_playground_link_with_t_sne_and_drawn_distances() -> None:
    link = {
        "phrases": "red\ngreen\nblue\ncar\ntruck",
        "model": "minilm",
        "method": "tsne",
        "metric": "euclidean",
        "lines": "map",
        "focus": "0",
    }
    at = open_old_link("playground", link)
    assert at.radio(key="metric").value == "euclidean"
    assert at.radio(key="line_distances").value == "map"
    assert at.radio(key="playground_view").value == "2d"  # no view in the link: the 2-D map
    points = trace(at, "all-MiniLM-L6-v2 (384 dimensions) projected to 2-D with t-SNE")
    assert points["x"] == pytest.approx([17.2368, -99.2798, 101.0766, 173.9799, 193.5957], **CLOSE)
    assert points["y"] == pytest.approx(
        [425.8407, 436.1126, 419.3746, -385.6129, -306.3916], **CLOSE
    )
    assert (
        "Nearest to **“truck”** is **“car”**, at d=0.79 (euclidean distance in all 384 "
        "dimensions). Next is “red” at d=1.13, 1.4× as far." in markdown(at)
    )
    assert written_link(at) == {**link, "view": "2d"}


def test_a_toy_vs_real_link() -> None:
    link = {"phrases": "a cat\na dog\na truck\na bus", "method": "tsne", "phrase": "2"}
    at = open_old_link("compare", link)
    assert at.selectbox(key="method").value == "tsne"
    assert at.selectbox(key="phrase").value == 2
    toy = trace(at, "Toy model: its whole 2-D space")
    assert toy["x"] == pytest.approx([-0.517, -0.3969, -0.4958, -0.5928], **CLOSE)
    assert toy["y"] == pytest.approx([0.0282, 0.108, -0.0128, 0.0643], **CLOSE)
    real = trace(at, "all-MiniLM-L6-v2 (384-D), drawn with t-SNE")
    assert real["x"] == pytest.approx([627.2237, 640.1839, -622.1253, -622.1186], **CLOSE)
    assert real["y"] == pytest.approx([-81.4781, -89.2586, 406.135, 421.2477], **CLOSE)
    assert (
        "**The two spaces agree on the nearest neighbour of 1 of 4 phrases (toy: Euclidean "
        "distance on the toy model's 2-D plane; real: cosine distance in all 384 "
        "dimensions).**" in markdown(at)
    )
    assert written_link(at) == link


def test_a_your_own_axes_link() -> None:
    link = {
        "phrases": "Dear Sir\nlol ok\nI love it\nI hate it",
        "x_from": "hey\nlol",
        "x_to": "Dear Sir\nYours faithfully",
        "y_from": "awful",
        "y_to": "wonderful",
    }
    at = open_old_link("axes", link)
    assert {key: at.text_area(key=key).value for key in link if key != "phrases"} == {
        key: value for key, value in link.items() if key != "phrases"
    }
    points = trace(at, "Your own axes in all-MiniLM-L6-v2")
    assert points["x"] == pytest.approx([0.9235, -0.845, -0.0342, -0.3204], **CLOSE)
    assert points["y"] == pytest.approx([0.1601, -0.0956, 0.2087, -0.3204], **CLOSE)
    assert {m.label: m.value for m in at.metric} == {
        "Cosine between the axes": "+0.06",
        "Outside the axes' plane": "90%",
    }
    assert written_link(at) == link


def test_a_how_much_the_map_lies_link() -> None:
    link = {
        "phrases": "\n".join([*ARTICLE_PHRASES, "a cat", "a dog", "a truck"]),
        "method": "pca",
        "metric": "cosine",
        "k": "2",
        "false": "true",
        "torn": "false",
    }
    at = open_old_link("fidelity", link)
    assert at.selectbox(key="method").value == "pca"
    assert at.radio(key="metric").value == "cosine"
    assert at.slider(key="knn").value == 2
    assert (at.toggle(key="false").value, at.toggle(key="torn").value) == (True, False)
    assert {m.label: m.value for m in at.metric} == {
        "Rank correlation (Spearman)": "0.91",
        "Trustworthiness": "0.97",
        "Continuity": "0.90",
        "2-NN recall": "0.92",
    }
    points = trace(at, "all-MiniLM-L6-v2 projected to 2-D with PCA")
    assert points["x"] == pytest.approx([-0.594, -0.493, -0.3544, 0.5306, 0.5139, 0.3969], **CLOSE)
    assert points["y"] == pytest.approx(
        [-0.6865, 0.1772, 0.6475, -0.1706, -0.1133, 0.1457], **CLOSE
    )
    assert (
        "For these phrases, trust **PCA**'s picture: it keeps neighbourhoods best "
        "(trustworthiness 0.97, continuity 0.90, 2-NN recall 0.92), **t-SNE** about as well, "
        "and the order of all distances too (rank correlation 0.91)." in markdown(at)
    )
    assert written_link(at) == link


def test_an_inside_a_vector_link() -> None:
    link = {"phrases": "a cat\na dog\na truck", "pick": "3,1", "order": "first"}
    at = open_old_link("inside", link)
    assert at.multiselect(key="pick").value == [3, 1]
    assert at.radio(key="dim_order").value == "first"
    assert (
        "“a truck” and “a cat”: cosine similarity **0.32 is higher than 98% of random pairs** "
        "(all 384 dimensions)." in markdown(at)
    )
    assert written_link(at) == link


@pytest.mark.parametrize(
    ("axes", "nearest"),
    [
        ("tone", "Dear sir, I regret to inform you that we have to cancel your appointment."),
        ("both", "lessgo we are so back guys wgmi"),
    ],
)
def test_the_article_link_measures_on_the_axes_it_names(axes: str, nearest: str) -> None:
    link = {"phrases": "\n".join(ARTICLE_PHRASES), "model": "toy", "axes": axes}
    at = open_old_link("playground", link)
    assert at.radio(key="toy_axes").value == axes
    (answer,) = [m for m in markdown(at) if m.startswith("Nearest to")]
    assert answer.startswith(
        f"Nearest to **“Hey sorry can't make it tonight, something came up”** is **“{nearest}”**"
    )
    assert written_link(at)["axes"] == axes
