"""The Your own axes page through AppTest: poles, presets, the map, warnings, bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from explorer.config import AXES_MAX_POLE_PHRASES
from explorer.figures.style import point_label
from explorer.presets import ARTICLE_PHRASES, AXES_PRESETS
from explorer.space.axes import axis_projection
from tests.app.pages import open_page
from tests.app.tables import shortened

POLE_KEYS = ("x_from", "x_to", "y_from", "y_to")
PHRASES = [
    "hiking up a mountain trail",
    "a conference call from my desk",
    "reading a novel in bed",
    "a picnic by the lake",
]


def run_page(phrases: list[str] | None = None, **query: str) -> AppTest:
    return open_page("axes.py", phrases, **query)


def figure(at: AppTest) -> dict:
    (chart,) = at.get("plotly_chart")
    return json.loads(chart.proto.spec)


def trace(at: AppTest, name: str) -> dict:
    (found,) = [t for t in figure(at)["data"] if t["name"] == name]
    return found


def set_poles(at: AppTest, **poles: str) -> AppTest:
    for key, text in poles.items():
        at.text_area(key=key).input(text)
    return at.run()


def test_first_visit_places_the_shared_phrases_on_the_articles_axes(minilm) -> None:
    at = run_page()
    assert not at.exception
    preset = AXES_PRESETS["article"]
    assert at.selectbox(key="axes_preset").value == "article"
    assert at.text_area(key="x_from").value == "\n".join(preset.x_poles[0])
    layout = figure(at)["layout"]
    assert layout["xaxis"]["title"]["text"] == "casual → formal"
    assert layout["yaxis"]["title"]["text"] == "negative → positive"
    points = trace(at, "phrases")
    assert points["text"] == [point_label(p) for p in ARTICLE_PHRASES]
    expected = axis_projection(ARTICLE_PHRASES, x_poles=preset.x_poles, y_poles=preset.y_poles)
    assert np.allclose(np.column_stack([points["x"], points["y"]]), expected.coords, atol=1e-5)
    assert trace(at, "poles")["text"] == ["casual", "formal", "negative", "positive"]
    cosine, outside = at.metric
    assert cosine.value == f"{expected.axis_cosine:+.2f}"
    assert outside.value == f"{expected.out_of_plane.mean():.0%}"
    assert [w.value for w in at.warning] == [] and [e.value for e in at.error] == []


def test_the_tables_give_the_out_of_plane_share_and_the_toy_agreement(minilm) -> None:
    at = run_page()
    placed, agreement = at.dataframe
    assert shortened(placed.value["phrase"], ARTICLE_PHRASES)
    share = placed.value["outside the axes' plane (share of the 384-d vector)"]
    assert ((share > 0) & (share < 1)).all()
    assert agreement.value["axis"].tolist() == ["x (casual → formal)", "y (negative → positive)"]
    validation = agreement.value["validation set (260): poles vs toy model"]
    assert (validation > 0.6).all()
    captions = " ".join(c.value for c in at.caption)
    assert "Spearman rank correlation per axis" in captions


def test_phrases_typed_on_another_page_are_the_ones_placed() -> None:
    at = run_page(PHRASES)
    assert at.text_area(key="phrases_text").value == "\n".join(PHRASES)
    assert trace(at, "phrases")["text"] == [point_label(p) for p in PHRASES]
    assert shortened(at.dataframe[0].value["phrase"], PHRASES)


def test_a_preset_loads_its_poles_and_its_example_phrases() -> None:
    at = run_page(PHRASES)
    at.selectbox(key="axes_preset").set_value("work_outdoors").run()
    preset = AXES_PRESETS["work_outdoors"]
    assert at.text_area(key="y_to").value == "\n".join(preset.y_poles[1])
    assert figure(at)["layout"]["xaxis"]["title"]["text"] == "work → leisure"
    # The shared phrases stay until the user asks for the preset's examples.
    assert at.text_area(key="phrases_text").value == "\n".join(PHRASES)
    assert "Load the article's axes" in " ".join(c.value for c in at.caption)
    assert len(at.dataframe) == 1  # no toy comparison for these axes
    at.button(key="axes_examples").click().run()
    assert at.text_area(key="phrases_text").value == "\n".join(preset.phrases)
    assert len(trace(at, "phrases")["x"]) == len(preset.phrases)


def test_overlapping_axes_are_warned_about() -> None:
    at = run_page(PHRASES)
    at.selectbox(key="axes_preset").set_value("overlap").run()
    (warning,) = [w.value for w in at.warning]
    assert warning.startswith("The two axes are far from orthogonal: the cosine between")
    assert "measure partly the same thing" in warning


def test_editing_a_pole_makes_the_axes_your_own() -> None:
    at = run_page(PHRASES)
    at = set_poles(at, x_from="at work\nin the office", x_to="on holiday\nhaving fun")
    assert not at.exception
    assert at.selectbox(key="axes_preset").value is None
    title = figure(at)["layout"]["xaxis"]["title"]["text"]
    assert title == "“at work” (+1) → “on holiday” (+1)"
    assert len(at.dataframe) == 1


@pytest.mark.parametrize(
    ("poles", "message"),
    [
        (
            {"x_to": "  \n\n"},
            "The x axis's right pole is empty; give it at least one phrase or word, one per line.",
        ),
        (
            {"y_from": "good\nsad", "y_to": "happy\ngood"},
            "“good” is in both poles of the y axis; a phrase can be at one end only. "
            "Remove it from one pole.",
        ),
        (
            {"x_from": "\n".join(f"casual {i}" for i in range(AXES_MAX_POLE_PHRASES + 5))},
            f"The x axis's left pole has {AXES_MAX_POLE_PHRASES + 5} phrases; at most "
            f"{AXES_MAX_POLE_PHRASES} are allowed. Keep the few that best show that end.",
        ),
        (
            {"y_from": "same words", "y_to": "same words "},
            "“same words” is in both poles of the y axis; a phrase can be at one end only. "
            "Remove it from one pole.",
        ),
    ],
)
def test_bad_poles_get_a_clear_message_and_keep_the_text(poles, message) -> None:
    at = set_poles(run_page(PHRASES), **poles)
    assert not at.exception
    assert [e.value for e in at.error] == [message]
    assert at.get("plotly_chart") == []
    for key, text in poles.items():
        assert at.text_area(key=key).value == text


def test_poles_come_from_the_url_and_bad_ones_get_the_same_messages() -> None:
    at = run_page(PHRASES, x_from="at work", x_to="on holiday")
    assert figure(at)["layout"]["xaxis"]["title"]["text"] == "“at work” → “on holiday”"
    at = run_page(PHRASES, y_to="\n".join(str(i) for i in range(100)))
    assert not at.exception
    assert [e.value for e in at.error] == [
        f"The y axis's top pole has 100 phrases; at most {AXES_MAX_POLE_PHRASES} are allowed. "
        "Keep the few that best show that end."
    ]


def test_html_in_poles_and_phrases_is_shown_literally() -> None:
    at = run_page(["<script>alert(1)</script>", "<b>bold</b>"])
    at = set_poles(at, x_from="<img src=x onerror=alert(1)>")
    assert not at.exception
    text = json.dumps(figure(at))
    assert "<script" not in text and "<img" not in text and "<b>bold" not in text
    assert figure(at)["layout"]["xaxis"]["title"]["text"].startswith("“&lt;img src=x")


def test_no_phrases_asks_for_some_and_keeps_the_poles() -> None:
    at = run_page([""])
    assert [i.value for i in at.info] == [
        "Type at least one phrase, one per line, to place it on your axes."
    ]
    assert at.get("plotly_chart") == []
    assert at.text_area(key="x_to").value == "\n".join(AXES_PRESETS["article"].x_poles[1])
