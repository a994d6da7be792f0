"""The Playground's View (2-D map or 3-D view) through AppTest: the toggle, the link, exports."""

from __future__ import annotations

import json

import numpy as np
from streamlit.testing.v1 import AppTest

from explorer.space.projection import compute_projection
from tests.app.pages import APP, open_page

PHRASES = ["a cat", "a kitten", "a dog", "a <b>truck</b>", "a bus"]
THREE_D_CAPTION = (
    "The 3-D view is a projection too: hover a line's middle dot for its true distance "
    "and its length as drawn in 3-D. The answer and the table measure all 384 dimensions; "
    "the table's “drawn in 2-D” is the 2-D map's."
)


def figure(at: AppTest) -> dict:
    (chart,) = at.get("plotly_chart")
    return json.loads(chart.proto.spec)


def phrases_trace(at: AppTest) -> dict:
    (trace,) = [t for t in figure(at)["data"] if t["name"] == "phrases"]
    return trace


def answer(at: AppTest) -> str:
    (text,) = [m.value for m in at.markdown if m.value.startswith(("Nearest to", "No phrase"))]
    return text


def real_page(**query: str) -> AppTest:
    return open_page("app.py", PHRASES, model="minilm", method="umap", **query)


def test_the_toy_model_has_no_view_choice_and_says_why(toy) -> None:
    at = open_page("app.py")  # the article's example, on the toy model
    assert not at.exception
    assert [r.key for r in at.radio if r.key == "playground_view"] == []
    assert (
        "The toy model's map is its whole space, so every d= is exactly the length it "
        "measures: nothing is projected, and there is no 3-D view of it."
    ) in [c.value for c in at.sidebar.caption]
    assert {t["type"] for t in figure(at)["data"]} == {"scatter"}


def test_the_view_turns_the_real_model_s_map_to_3d_and_back(minilm) -> None:
    at = real_page()
    assert at.radio(key="playground_view").value == "2d"  # the default
    assert at.radio(key="playground_view").options == ["2-D map", "3-D view"]
    flat_answer, flat_table = answer(at), at.dataframe[0].value
    assert at.query_params["view"] == "2d"
    at.radio(key="playground_view").set_value("3d").run()
    assert not at.exception
    fig = figure(at)
    assert {t["type"] for t in fig["data"]} == {"scatter3d"}
    trace = phrases_trace(at)
    expected = compute_projection(
        minilm.encode(PHRASES), method="umap", metric="cosine", n_components=3
    )
    drawn = np.column_stack([trace["x"], trace["y"], trace["z"]])
    np.testing.assert_allclose(drawn, expected.coords, rtol=1e-6, atol=1e-6)
    assert trace["hovertext"][3].startswith("<b>4.</b> a &lt;b&gt;truck&lt;/b&gt;<br>(")
    assert fig["layout"]["scene"]["xaxis"]["title"]["text"] == "UMAP 1"
    assert fig["layout"]["title"]["text"] == (
        "all-MiniLM-L6-v2 (384 dimensions) projected to 3-D with UMAP"
    )
    assert not any(a.get("text", "").startswith("d=") for a in fig["layout"].get("annotations", []))
    # The answer and the table are measured in the full space: as in 2-D.
    assert answer(at) == flat_answer
    assert at.dataframe[0].value.equals(flat_table)
    assert THREE_D_CAPTION in [c.value for c in at.caption]
    # "Numbers on the lines" does nothing in 3-D: not shown, and the sidebar says why.
    assert [r.key for r in at.radio if r.key == "line_distances"] == []
    assert (
        "The 3-D view writes no numbers on its lines: hover a line's middle dot for its "
        "distances, or read the table under the chart."
    ) in [c.value for c in at.sidebar.caption]
    assert at.query_params["view"] == "3d"
    at.radio(key="playground_view").set_value("2d").run()
    assert {t["type"] for t in figure(at)["data"]} == {"scatter"}
    assert at.radio(key="line_distances").value == "model"


def test_clicking_a_phrase_in_3d_focuses_it(minilm) -> None:
    at = real_page(view="3d")
    at.selectbox(key="focus").set_value(2).run()  # as a click on its point would
    fig = figure(at)
    (focus,) = [t for t in fig["data"] if t["name"] == "focus"]
    assert focus["type"] == "scatter3d" and focus["customdata"] == [1]
    assert phrases_trace(at)["text"][1] == "<b>a kitten</b>"
    assert answer(at).startswith("Nearest to **“a kitten”**")


def test_a_link_with_view_3d_opens_the_3d_view(minilm) -> None:
    at = real_page(view="3d")
    assert not at.exception
    assert [w.value for w in at.warning] == []
    assert at.radio(key="playground_view").value == "3d"
    assert {t["type"] for t in figure(at)["data"]} == {"scatter3d"}


def test_a_link_without_view_opens_the_2d_map(minilm) -> None:
    at = real_page()  # an old link: phrases, model, method; no view
    assert at.radio(key="playground_view").value == "2d"
    assert {t["type"] for t in figure(at)["data"]} == {"scatter"}


def test_an_unknown_view_in_the_link_warns_and_draws_the_2d_map(minilm) -> None:
    at = real_page(view="4d")
    assert not at.exception
    assert [w.value for w in at.warning] == [
        "The link asks for view “4d”, which is not one of 2d, 3d; using the default."
    ]
    assert at.radio(key="playground_view").value == "2d"
    assert {t["type"] for t in figure(at)["data"]} == {"scatter"}


def test_a_3d_link_on_the_toy_model_draws_its_plane(toy) -> None:
    at = open_page("app.py", ["a", "b", "c"], model="toy", view="3d")
    assert not at.exception and [w.value for w in at.warning] == []
    assert {t["type"] for t in figure(at)["data"]} == {"scatter"}
    at.radio(key="model").set_value("minilm").run()  # the view was kept for the real model
    assert {t["type"] for t in figure(at)["data"]} == {"scatter3d"}


def test_imported_2d_vectors_have_no_3d_view_and_say_so(minilm) -> None:
    from explorer.models.imported import ImportedEmbedder

    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["_imported"] = ImportedEmbedder(["a", "b", "c"], [[1, 0], [0, 1], [1, 2]])
    at.session_state["phrases_text"] = "a\nb\nc"
    at.session_state["model"] = "imported"
    at.query_params["view"] = "3d"
    at.run()
    assert not at.exception
    assert [i.value for i in at.info] == [
        "These vectors have 2 dimensions: there is no 3-D view of them; showing the 2-D map."
    ]
    assert {t["type"] for t in figure(at)["data"]} == {"scatter"}


def test_exports_in_3d_keep_working_and_say_what_is_2d(minilm) -> None:
    at = real_page(view="3d")
    labels = {b.proto.label for b in at.get("download_button")}
    assert labels == {
        "Interactive map (HTML)",
        "Points (CSV)",
        "Distances (CSV)",
        "Embedding Projector (zip)",
    }
    (note,) = [c.value for c in at.caption if c.value.startswith("The camera")]
    assert note.endswith(
        "In 3-D, the HTML file is this 3-D view; the CSVs hold the 2-D map's x, y and "
        "distances as drawn (2-D only)."
    )
