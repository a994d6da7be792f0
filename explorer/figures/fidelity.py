"""Plotly figures for map fidelity: the Shepard diagram, false and torn neighbours, methods
compared, PCA variance (no Streamlit here).

Every phrase shown in a label, legend or hover is HTML-escaped, and every
distance says which space it was measured in.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray

from explorer.config import HOVER_CHARS, METHODS, METRICS, SHEPARD_MAX_POINTS
from explorer.figures.labels import PlotArea, TextLayout
from explorer.figures.style import (
    LEGEND_DROP,
    LEGEND_ROW,
    aspect_ranges,
    base_layout,
    fit_heading,
    legend_below,
    padded_range,
    phrase_color,
    point_label,
    points_trace,
    quoted,
)
from explorer.phrases import escape, shorten
from explorer.space.fidelity import Fidelity
from explorer.space.methods import MethodComparison, PcaVariance

SHEPARD_TRACE = "pairs"
FALSE_TRACE = "false neighbours"
TORN_TRACE = "torn neighbours"
#: Two line styles that differ in colour, dash and width, so they read apart
#: in greyscale too.
FALSE_LINE = {"color": "#d62728", "dash": "dot", "width": 2}
TORN_LINE = {"color": "#222222", "dash": "longdash", "width": 3}
SCORE_LABELS = {
    "spearman": "rank correlation",
    "trustworthiness": "trustworthiness",
    "continuity": "continuity",
    "knn_recall": "k-NN recall",
}
VARIANCE_COLOR = "#1f77b4"
CUMULATIVE_COLOR = "#ff7f0e"
#: The charts at their narrowest (a 1280 px window), px: the Shepard diagram and
#: the map share a row, the bar charts take the page's width. The map's
#: plotting area, for its labels; its bottom margin holds the legend's two rows.
HALF_WIDTH = 375
FULL_WIDTH = 820
MAP_PLOT_WIDTH = 270
MAP_MARGIN_BOTTOM = LEGEND_DROP + 3 * LEGEND_ROW


def true_axis_title(fid: Fidelity) -> str:
    """The Shepard diagram's x axis: where true distances live.

    Example:
        >>> f = _example_fidelity()
        >>> true_axis_title(f)
        'true distance (all 3 dimensions, euclidean)'
    """
    return f"true distance (all {fid.dim} dimensions, {METRICS[fid.metric].lower()})"


MAP_AXIS_TITLE = "distance on the 2-D map (Euclidean)"


def _example_fidelity() -> Fidelity:
    """Five points on a line in 3-D, drawn with two of them swapped (for doc examples)."""
    from explorer.space.fidelity import fidelity

    vectors = [[0, 0, 0], [1, 0, 0], [3, 0, 1], [7, 0, 0], [15, 1, 0]]
    coords = [[0, 0], [1, 0], [15, 0], [7, 0], [3, 0]]
    return fidelity(vectors, coords, k=1)


def shepard_figure(
    fid: Fidelity, phrases: list[str], *, max_points: int = SHEPARD_MAX_POINTS, height: int = 480
) -> go.Figure:
    """Scatter every pair's true distance against its distance on the map.

    Pairs beyond ``max_points`` are sampled (seeded) for drawing; the rank
    correlation in the title always uses every pair.

    Example:
        >>> fig = shepard_figure(_example_fidelity(), list("abcde"))
        >>> len(fig.data[0].x), fig.layout.yaxis.title.text
        (10, 'distance on the 2-D map (Euclidean)')
    """
    if len(phrases) != fid.n:
        raise ValueError(f"Expected {fid.n} phrases for these scores, got {len(phrases)}.")
    total = len(fid.pairs)
    shown = np.arange(total)
    if total > max_points:
        shown = np.sort(np.random.default_rng(0).choice(total, size=max_points, replace=False))
    pairs = fid.pairs[shown]
    true, drawn = fid.true_distances[shown], fid.map_distances[shown]
    hovers = [
        f"{quoted(phrases[i])} ↔ {quoted(phrases[j])}<br>{escape(fid.true_space)}: {t:.3f}"
        f"<br>Euclidean distance on the 2-D map: {d:.3f}"
        for (i, j), t, d in zip(pairs.tolist(), true, drawn, strict=True)
    ]
    fig = go.Figure(
        go.Scatter(
            x=true.tolist(),
            y=drawn.tolist(),
            mode="markers",
            name=SHEPARD_TRACE,
            marker={"size": 7 if total <= 500 else 4, "color": VARIANCE_COLOR, "opacity": 0.6},
            hovertext=hovers,
            hovertemplate="%{hovertext}<extra></extra>",
            customdata=pairs.tolist(),
            showlegend=False,
        )
    )
    rho = "undefined" if fid.spearman is None else f"{fid.spearman:.2f}"
    subtitle = (
        f"Spearman, over all {total:,} pairs. Each dot is a pair of phrases; "
        "on a faithful map the dots rise together."
    )
    if total > max_points:
        subtitle += f" Showing a random {max_points:,} of the {total:,} pairs."
    base_layout(
        fig,
        title=f"Shepard diagram: rank correlation {rho}",
        subtitle=subtitle,
        height=height,
        margin={"r": 20},
        width=HALF_WIDTH,
    )
    fig.update_xaxes(title={"text": true_axis_title(fid)})
    fig.update_yaxes(title={"text": MAP_AXIS_TITLE})
    return fig


def _segments(coords: NDArray, pairs: list[tuple[int, int]]) -> tuple[list, list]:
    xs: list[float | None] = []
    ys: list[float | None] = []
    for i, j in pairs:
        xs += [float(coords[i, 0]), float(coords[j, 0]), None]
        ys += [float(coords[i, 1]), float(coords[j, 1]), None]
    return xs, ys


def neighbour_map_figure(
    phrases: list[str],
    coords: NDArray,
    fid: Fidelity,
    *,
    axis_titles: tuple[str, str] = ("x", "y"),
    title: str = "The map",
    show_false: bool = True,
    show_torn: bool = True,
    height: int = 560,
) -> go.Figure:
    """The 2-D map with false and torn neighbours drawn as lines in two styles.

    A pair counted both ways (i for j and j for i) is drawn once.

    Example:
        >>> fig = neighbour_map_figure(list("abcde"), [[0, 0], [1, 0], [15, 0], [7, 0], [3, 0]],
        ...                            _example_fidelity())
        >>> [t.name for t in fig.data][1:]
        ['torn neighbours (3): true nearest, not among the 1 nearest on the map', 'phrases']
    """
    coords = np.asarray(coords, dtype=float)
    if len(phrases) != fid.n or coords.shape != (fid.n, 2):
        raise ValueError(
            f"Expected {fid.n} phrases and ({fid.n}, 2) coordinates, "
            f"got {len(phrases)} and {coords.shape}."
        )
    subtitle = "Projected axes carry no meaning; only closeness does, and it lies."
    title, subtitle, top = fit_heading(escape(title), subtitle, width=HALF_WIDTH)
    area = PlotArea(MAP_PLOT_WIDTH, height - top - MAP_MARGIN_BOTTOM)
    x_range, y_range = aspect_ranges(
        padded_range(coords[:, 0]), padded_range(coords[:, 1]), aspect=area.aspect
    )
    layout = TextLayout(x_range, y_range, area)
    layout.add_dots(coords, size=11)
    fig = go.Figure()
    for shown, pairs, name, style, meaning in (
        (
            show_false,
            fid.false_lines,
            FALSE_TRACE,
            FALSE_LINE,
            f"close on the map, not among the true {fid.k} nearest",
        ),
        (
            show_torn,
            fid.torn_lines,
            TORN_TRACE,
            TORN_LINE,
            f"true nearest, not among the {fid.k} nearest on the map",
        ),
    ):
        if not shown:
            continue
        xs, ys = _segments(coords, pairs)
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                name=f"{name} ({len(pairs)}): {meaning}",
                line=style,
                hoverinfo="skip",
                showlegend=True,
                meta={"kind": name, "pairs": [list(p) for p in pairs]},
            )
        )
    hovers = []
    for i, phrase in enumerate(phrases):
        kept = round(float(fid.recall_per_point[i]) * fid.k)
        hovers.append(
            f"<b>{i + 1}.</b> {escape(shorten(phrase, HOVER_CHARS))}<br>"
            f"{kept} of its {fid.k} true nearest are among its {fid.k} nearest on the map"
        )
    fig.add_trace(
        points_trace(
            coords,
            [point_label(p) for p in phrases],
            hovers,
            x_range,
            y_range,
            size=11,
            font_size=12,
            layout=layout,
        )
    )
    base_layout(
        fig,
        title=title,
        subtitle=subtitle,
        height=height,
        margin={"t": top, "b": MAP_MARGIN_BOTTOM},
        legend=legend_below(plot_height=area.height),
        annotations=layout.annotations,
    )
    fig.update_xaxes(title={"text": escape(axis_titles[0])}, range=list(x_range))
    fig.update_yaxes(
        title={"text": escape(axis_titles[1])}, range=list(y_range), scaleanchor="x", scaleratio=1
    )
    return fig


def methods_figure(comparison: MethodComparison, *, height: int = 380) -> go.Figure:
    """Grouped bars: each score for each method on the same phrases (1 = perfect).

    Example:
        >>> from explorer.space.methods import compare_methods
        >>> plane = [[0, 0, 0], [1, 0, 1], [0, 2, 2], [3, 1, 4], [1, 3, 4], [4, 4, 8]]
        >>> fig = methods_figure(compare_methods(plane, methods=("pca",), k=2))
        >>> fig.data[0].name, list(fig.data[0].x)
        ('PCA', ['rank correlation', 'trustworthiness', 'continuity', '2-NN recall'])
    """
    fig = go.Figure()
    low = 0.0
    for index, result in enumerate(comparison.results):
        scores = result.fidelity.scores()
        labels = [
            f"{result.fidelity.k}-NN recall" if key == "knn_recall" else label
            for key, label in SCORE_LABELS.items()
        ]
        values = [scores[key] for key in SCORE_LABELS]
        low = min([low, *(v for v in values if v is not None)])
        name = METHODS[result.method]
        if result.fell_back:
            name += " (drawn with PCA: too few phrases)"
        fig.add_trace(
            go.Bar(
                x=labels,
                y=values,
                name=name,
                marker={"color": phrase_color(index)},
                text=["n/a" if v is None else f"{v:.2f}" for v in values],
                textposition="outside",
                hovertemplate=f"{name}<br>%{{x}}: %{{y:.3f}}<extra></extra>",
            )
        )
    base_layout(
        fig,
        title="The same phrases, one map per method",
        subtitle="Every score is 1 for a perfect map. Distances measured in all dimensions "
        "vs as drawn in 2-D.",
        height=height,
        margin={"r": 20, "b": 40},
        width=FULL_WIDTH,
        barmode="group",
    )
    fig.update_yaxes(range=[min(low - 0.05, 0), 1.12], title={"text": "score"})
    return fig


def variance_figure(variance: PcaVariance, *, height: int = 420) -> go.Figure:
    """PCA's share of variance per component, the running total, and 50% / 90% marked.

    Example:
        >>> from explorer.space.methods import pca_variance
        >>> fig = variance_figure(pca_variance([[0, 0, 0], [2, 0, 0], [0, 1, 0], [2, 1, 0]]))
        >>> [t.name for t in fig.data], list(fig.data[1].y)
        (['per component', 'cumulative'], [80.0, 100.0])
    """
    components = list(range(1, variance.max_components + 1))
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=components,
            y=(variance.ratios * 100).round(2).tolist(),
            name="per component",
            marker={"color": VARIANCE_COLOR},
            hovertemplate="component %{x}: %{y:.1f}% of variance<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=components,
            y=(variance.cumulative * 100).round(2).tolist(),
            name="cumulative",
            mode="lines+markers",
            line={"color": CUMULATIVE_COLOR},
            marker={"size": 5},
            hovertemplate="components 1 to %{x}: %{y:.1f}% of variance<extra></extra>",
        )
    )
    for share, needed in variance.shares().items():
        fig.add_hline(
            y=share * 100,
            line={"color": "#888", "dash": "dash", "width": 1},
            annotation_text=f"{share:.0%}: {needed} component{'s' if needed > 1 else ''}",
            annotation_position="bottom right",
            annotation_font={"size": 12, "color": "#444"},
        )
        fig.add_vline(x=needed, line={"color": "#bbb", "dash": "dot", "width": 1})
    shown = float(variance.cumulative[min(1, variance.max_components - 1)])
    base_layout(
        fig,
        title=f"PCA: how the variance of {variance.n} phrases spreads over components "
        f"({variance.dim} dimensions)",
        subtitle=f"The 2-D PCA map shows the first two components: {shown:.0%} of the variance. "
        f"{variance.n} phrases have at most {variance.n - 1} components with any variance.",
        height=height,
        margin={"r": 20, "b": 50},
        width=FULL_WIDTH,
    )
    fig.update_xaxes(title={"text": "PCA component"})
    fig.update_yaxes(title={"text": "% of variance"}, range=[0, 105])
    return fig
