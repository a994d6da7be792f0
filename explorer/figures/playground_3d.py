"""The Playground's 3-D view of a :class:`~explorer.space.scene.Scene` (no Streamlit here).

The same phrases, colours and hovers as the 2-D map
(:func:`explorer.figures.playground.scene_figure`), drawn as Plotly ``Scatter3d``
from ``Scene.coords_3d``. No ``d=`` text: a dot in the middle of each line hovers
its distances, and the page's table lists them. Phrase labels are WebGL text,
which Plotly cannot keep apart, so they are written up to
``PLAYGROUND_3D_LABELS_MAX`` phrases and left to the hover above it.

Not :func:`explorer.figures.corpus_layers.corpus_figure_3d`: that one colours
documents by a column and numbers them from 1; here each phrase keeps its own
palette colour, its 0-based index for clicks (as on the 2-D map), a label and
the distance lines.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explorer.config import METHODS, MODEL_TITLES, PLAYGROUND_3D_LABELS_MAX
from explorer.figures.playground import (
    CHART_SIDES,
    DISTANCE_HOVER_TRACE,
    FOCUS_TRACE,
    PLAYGROUND_PLOT_WIDTH,
    line_detail,
    phrase_hover,
)
from explorer.figures.style import LINE_COLOR, LINE_TRACE, POINTS_TRACE, base_layout, phrase_color
from explorer.phrases import WORD_JOINER, escape, wrap_label
from explorer.space.scene import Scene

#: Marker sizes in the 3-D view, px (WebGL markers look larger than SVG ones).
POINT_SIZE_3D = 8
FOCUS_SIZE_3D = 12
#: The left and right margins, px: a 3-D scene has no axis outside its box to make room for.
MARGIN_SIDE_3D = 15
#: Where the camera starts, in units of the box (Plotly's default, 1.25 on each
#: axis, puts the box's corners and axis titles outside a 450 px wide chart).
CAMERA_EYE = {"x": 1.55, "y": 1.55, "z": 1.05}
#: The shortest an axis of the box is drawn, as a share of the longest: axes keep one
#: scale (as on the 2-D map) down to this; a flat axis (3 phrases span a plane) stays visible.
MIN_ASPECT = 0.15
#: Room around the points on each axis, as a share of the longest extent: a label
#: near the box's wall would be drawn behind it.
BOX_PAD = 0.12


def box(coords: np.ndarray) -> tuple[dict[str, list[float]], dict[str, float]]:
    """The 3-D box: each axis's range (the points' extent, at least ``MIN_ASPECT`` of
    the longest, padded by ``BOX_PAD``) and the box's proportions (one scale for all).

    Example:
        >>> ranges, aspect = box(np.array([[0.0, 0, 0], [2, 1, 0]]))
        >>> ranges["z"], aspect
        ([-0.39, 0.39], {'x': 1.0, 'y': 0.597, 'z': 0.315})
    """
    points = np.asarray(coords, dtype=float).reshape(-1, 3)
    low, high = points.min(axis=0), points.max(axis=0)
    longest = float((high - low).max()) or 1.0
    half = np.maximum((high - low) / 2, MIN_ASPECT * longest / 2) + BOX_PAD * longest
    middle = (low + high) / 2
    ranges = {
        axis: [round(float(m - h), 6), round(float(m + h), 6)]
        for axis, m, h in zip("xyz", middle, half, strict=True)
    }
    aspect = {axis: round(float(h / half.max()), 3) for axis, h in zip("xyz", half, strict=True)}
    return ranges, aspect


def webgl_label(phrase: str) -> str:
    """A phrase's label as 3-D (WebGL) text: wrapped like the 2-D label, shown literally.

    WebGL text draws no HTML entities (``&lt;`` would show as such) but reads
    ``<b>``, ``<i>``, ``<sub>``, ``<sup>`` and ``<br>`` as styles: a word joiner
    (invisible) after each ``<`` keeps a phrase's tags as text.

    Example:
        >>> webgl_label("<b>bold</b> & co") == "<\\u2060b>bold<\\u2060/b> & co"
        True
    """
    return "<br>".join(line.replace("<", "<" + WORD_JOINER) for line in wrap_label(phrase))


def _xyz(points: np.ndarray) -> dict[str, list[float]]:
    """A trace's ``x``, ``y`` and ``z`` from ``(n, 3)`` points, as plain lists."""
    return {axis: points[:, i].astype(float).tolist() for i, axis in enumerate("xyz")}


def _title(scene: Scene) -> tuple[str, str]:
    name = escape(MODEL_TITLES.get(scene.model_name, scene.model_name))
    method = METHODS.get(scene.method, scene.method)
    title = f"{name} ({scene.model_dim} dimensions) projected to 3-D with {method}"
    if scene.model_dim == 3:
        title = f"{name}: the 3-D space itself, nothing projected"
    subtitle = (
        "Drag to turn the view, scroll to zoom. No numbers on the lines in 3-D: hover a "
        "line's middle dot, or read the table. The axes carry no meaning; only closeness does."
    )
    return title, subtitle


def scene_figure_3d(
    scene: Scene,
    *,
    height: int = 620,
    plot_width: int = PLAYGROUND_PLOT_WIDTH,
    labels_max: int = PLAYGROUND_3D_LABELS_MAX,
) -> go.Figure:
    """Draw a scene's 3-D view: coloured points (labelled up to ``labels_max`` phrases;
    above, only the selected one), dashed lines without text, a hover dot at each line's
    middle, the selected phrase enlarged, ringed and its label in bold.

    Raises:
        ValueError: the scene was built without a 3-D view.

    Example:
        >>> from explorer.space.scene import build_scene
        >>> scene = build_scene(["a cat", "a dog", "<b>car</b>"], model="minilm", view="3d")
        >>> fig = scene_figure_3d(scene, labels_max=2)
        >>> [t.type for t in fig.data], fig.data[-1].mode, fig.data[-1].hovertext[2][:19]
        (['scatter3d', 'scatter3d', 'scatter3d'], 'markers', '<b>3.</b> &lt;b&gt;')
    """
    if scene.coords_3d is None:
        raise ValueError("This scene has no 3-D view; build it with build_scene(..., view='3d').")
    coords = np.asarray(scene.coords_3d, dtype=float)
    n = len(scene.phrases)
    fig = go.Figure()
    if scene.lines:
        # One trace for every line (``None`` between them): one WebGL object, not 199.
        xyz: list[list[float | None]] = [[], [], []]
        for i, j in scene.lines:
            for axis in range(3):
                xyz[axis] += [float(coords[i, axis]), float(coords[j, axis]), None]
        fig.add_trace(
            go.Scatter3d(
                x=xyz[0], y=xyz[1], z=xyz[2], mode="lines", name=LINE_TRACE,
                line={"dash": "dash", "width": 3, "color": LINE_COLOR}, hoverinfo="skip",
                showlegend=False, meta={"pairs": [list(pair) for pair in scene.lines]},
            )
        )  # fmt: skip
        middles = np.array([(coords[i] + coords[j]) / 2 for i, j in scene.lines])
        fig.add_trace(
            go.Scatter3d(
                **_xyz(middles), mode="markers",
                name=DISTANCE_HOVER_TRACE, marker={"size": 3, "color": LINE_COLOR},
                hovertext=[line_detail(scene, i, j, coords=coords) for i, j in scene.lines],
                hovertemplate="%{hovertext}<extra></extra>", showlegend=False,
            )
        )  # fmt: skip
    if scene.selected is not None:
        k = scene.selected
        fig.add_trace(
            go.Scatter3d(
                **_xyz(coords[[k]]), mode="markers",
                name=FOCUS_TRACE, customdata=[k], hoverinfo="skip", showlegend=False,
                marker={"size": FOCUS_SIZE_3D + 6, "symbol": "circle-open",
                        "color": "#111", "line": {"width": 3}},
            )
        )  # fmt: skip
    labels = [
        f"<b>{webgl_label(p)}</b>" if i == scene.selected
        else webgl_label(p) if n <= labels_max else ""
        for i, p in enumerate(scene.phrases)
    ]  # fmt: skip
    fig.add_trace(
        go.Scatter3d(
            **_xyz(coords),
            mode="markers+text" if any(labels) else "markers", name=POINTS_TRACE,
            text=labels if any(labels) else None,
            textposition="top center", textfont={"size": 13, "color": "#222"},
            hovertext=[phrase_hover(i, p, coords[i]) for i, p in enumerate(scene.phrases)],
            hovertemplate="%{hovertext}<extra></extra>", customdata=list(range(n)),
            marker={
                "size": [FOCUS_SIZE_3D if i == scene.selected else POINT_SIZE_3D
                         for i in range(n)],
                "color": [phrase_color(i) for i in range(n)], "opacity": 1,
                "line": {"width": 1, "color": "white"},
            },
            showlegend=False,
        )
    )  # fmt: skip
    title, subtitle = _title(scene)
    base_layout(
        fig,
        title=title,
        subtitle=subtitle,
        height=height,
        width=plot_width + CHART_SIDES,  # the 2-D map's chart width: the same column
        margin={"l": MARGIN_SIDE_3D, "r": MARGIN_SIDE_3D},
        uirevision="playground-3d",  # the camera stays where it was turned
    )
    names = [*scene.axis_titles_3d, "", "", ""][:3]
    ranges, aspect = box(coords)
    fig.update_layout(
        scene={
            "aspectmode": "manual",
            "aspectratio": aspect,
            "camera": {"eye": CAMERA_EYE},
            # The projection's own titles ("PC1 (31% of variance)", "UMAP 2"): no phrase.
            **{f"{axis}axis": {"title": {"text": name}, "range": ranges[axis]}
               for axis, name in zip("xyz", names, strict=True)},
        }
    )  # fmt: skip
    return fig
