"""Plotly figures for map fidelity and the inside of a vector (no Streamlit here).

Every phrase shown in a label, legend or hover is HTML-escaped, and every
distance says which space it was measured in.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray

from explorer.config import (
    BASELINE_BINS,
    HOVER_CHARS,
    LABEL_CHARS,
    METHODS,
    METRICS,
    MODEL_TITLES,
    SHEPARD_MAX_POINTS,
)
from explorer.figures.style import padded_range, phrase_color, point_label, points_trace
from explorer.phrases import escape, shorten
from explorer.space.fidelity import Fidelity, MethodComparison, PcaVariance
from explorer.space.inside import CosineBaseline, HeatStrips, PairSimilarity

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
BASELINE_COLOR = "rgba(120, 120, 120, 0.55)"
_LAYOUT = {"plot_bgcolor": "white", "hovermode": "closest"}
_AXIS = {"showgrid": True, "gridcolor": "#eee", "zeroline": False}


def _quote(phrase: str) -> str:
    return f"“{escape(shorten(phrase, LABEL_CHARS))}”"


def _title(text: str, subtitle: str) -> dict:
    return {"text": text, "subtitle": {"text": subtitle}, "x": 0.01, "xanchor": "left"}


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
        f"{_quote(phrases[i])} ↔ {_quote(phrases[j])}<br>{escape(fid.true_space)}: {t:.3f}"
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
    fig.update_layout(
        title=_title(
            f"Shepard diagram: rank correlation {rho}",
            subtitle,
        ),
        height=height,
        margin={"l": 60, "r": 20, "t": 80, "b": 60},
        **_LAYOUT,
    )
    fig.update_xaxes(title={"text": true_axis_title(fid)}, **_AXIS)
    fig.update_yaxes(title={"text": MAP_AXIS_TITLE}, **_AXIS)
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
    x_range, y_range = padded_range(coords[:, 0]), padded_range(coords[:, 1])
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
        )
    )
    fig.update_layout(
        title=_title(
            escape(title), "Projected axes carry no meaning; only closeness does, and it lies."
        ),
        height=height,
        margin={"l": 60, "r": 30, "t": 80, "b": 60},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        **_LAYOUT,
    )
    fig.update_xaxes(title={"text": escape(axis_titles[0])}, range=list(x_range), **_AXIS)
    fig.update_yaxes(
        title={"text": escape(axis_titles[1])},
        range=list(y_range),
        scaleanchor="x",
        scaleratio=1,
        **_AXIS,
    )
    return fig


def methods_figure(comparison: MethodComparison, *, height: int = 380) -> go.Figure:
    """Grouped bars: each score for each method on the same phrases (1 = perfect).

    Example:
        >>> from explorer.space.fidelity import compare_methods
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
    fig.update_layout(
        title=_title(
            "The same phrases, one map per method",
            "Every score is 1 for a perfect map. Distances measured in all dimensions "
            "vs as drawn in 2-D.",
        ),
        barmode="group",
        height=height,
        margin={"l": 60, "r": 20, "t": 80, "b": 40},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 1, "xanchor": "right"},
        **_LAYOUT,
    )
    fig.update_yaxes(range=[min(low - 0.05, 0), 1.12], title={"text": "score"}, **_AXIS)
    return fig


def variance_figure(variance: PcaVariance, *, height: int = 420) -> go.Figure:
    """PCA's share of variance per component, the running total, and 50% / 90% marked.

    Example:
        >>> from explorer.space.fidelity import pca_variance
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
    fig.update_layout(
        title=_title(
            f"PCA: how the variance of {variance.n} phrases spreads over components "
            f"({variance.dim} dimensions)",
            f"The 2-D PCA map shows the first two components: {shown:.0%} of the variance. "
            f"{variance.n} phrases have at most {variance.n - 1} components with any variance.",
        ),
        height=height,
        margin={"l": 60, "r": 20, "t": 80, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 1, "xanchor": "right"},
        **_LAYOUT,
    )
    fig.update_xaxes(title={"text": "PCA component"}, **_AXIS)
    fig.update_yaxes(title={"text": "% of variance"}, range=[0, 105], **_AXIS)
    return fig


def heat_strips_figure(strips: HeatStrips, *, model_name: str = "minilm") -> go.Figure:
    """One heat strip per phrase: its raw values, dimensions aligned, one colour scale.

    Example:
        >>> from explorer.space.inside import heat_strips
        >>> fig = heat_strips_figure(heat_strips(["<b>a</b>", "b"], [[1.0, -2.0], [0.5, 0.0]]))
        >>> fig.data[0].type, fig.data[0].zmin, fig.data[0].zmax
        ('heatmap', -2.0, 2.0)
        >>> list(fig.layout.yaxis.ticktext)
        ['1. &lt;b&gt;a&lt;/b&gt;', '2. b']
    """
    m, d = strips.values.shape
    rows = list(range(1, m + 1))
    names = [escape(shorten(p, HOVER_CHARS)) for p in strips.phrases]
    dimension_numbers = (strips.dims + 1).tolist()
    fig = go.Figure(
        go.Heatmap(
            z=strips.values.round(4).tolist(),
            x=list(range(1, d + 1)),
            y=rows,
            zmin=-strips.limit,
            zmax=strips.limit,
            zmid=0,
            colorscale="RdBu",
            colorbar={"title": {"text": "value"}, "thickness": 12},
            text=[[name] * d for name in names],
            customdata=[dimension_numbers] * m,
            hovertemplate="%{text}<br>dimension %{customdata}: %{z:.3f}<extra></extra>",
            xgap=0,
            ygap=4,
        )
    )
    pairs = [
        f"{i + 1} ↔ {j + 1}: {strips.similarities[i, j]:.2f}"
        for i in range(m)
        for j in range(i + 1, m)
    ]
    model = escape(MODEL_TITLES.get(model_name, model_name))
    subtitle = (
        f"Cosine similarity (all {d} dimensions): {', '.join(pairs)}"
        if pairs
        else "Choose a second phrase to compare patterns."
    )
    order = (
        f"dimension 1 to {d}"
        if strips.order == "index"
        else f"the {d} dimensions, sorted by phrase 1's values"
    )
    fig.update_layout(
        title=_title(f"The raw numbers: {m} phrase{'s' if m > 1 else ''} in {model}", subtitle),
        height=140 + 70 * m,
        margin={"l": 20, "r": 20, "t": 80, "b": 50},
        plot_bgcolor="white",
    )
    fig.update_xaxes(title={"text": order}, showgrid=False, zeroline=False)
    fig.update_yaxes(
        tickvals=rows,
        ticktext=[f"{i}. {escape(shorten(p, LABEL_CHARS))}" for i, p in zip(rows, strips.phrases)],
        autorange="reversed",
        showgrid=False,
        zeroline=False,
    )
    return fig


def baseline_figure(
    baseline: CosineBaseline,
    marks: list[PairSimilarity],
    phrases: list[str],
    *,
    height: int = 420,
) -> go.Figure:
    """Histogram of random pairs' cosine similarity, with the user's pairs as vertical lines.

    Example:
        >>> from explorer.space.inside import pair_similarities
        >>> baseline = CosineBaseline("minilm", np.array([0.1, 0.2, 0.2, 0.4]), 4, 0)
        >>> marks = pair_similarities([[1.0, 0.0], [1.0, 1.0]], baseline)
        >>> fig = baseline_figure(baseline, marks, ["<i>x</i>", "y"])
        >>> fig.data[1].x, fig.data[1].name
        ((0.7071, 0.7071), '“&lt;i&gt;x&lt;/i&gt;” ↔ “y”: 0.71 is higher than all 4 random pairs')
    """
    counts, edges = np.histogram(baseline.similarities, bins=BASELINE_BINS, range=(-1.0, 1.0))
    shares = counts / counts.sum() * 100
    centers = (edges[:-1] + edges[1:]) / 2
    fig = go.Figure(
        go.Bar(
            x=centers.round(4).tolist(),
            y=shares.round(3).tolist(),
            width=float(edges[1] - edges[0]),
            name="random pairs",
            marker={"color": BASELINE_COLOR},
            customdata=np.column_stack([edges[:-1], edges[1:]]).round(3).tolist(),
            hovertemplate="cosine %{customdata[0]} to %{customdata[1]}: "
            "%{y:.1f}% of random pairs<extra></extra>",
            showlegend=True,
        )
    )
    top = float(shares.max()) * 1.08
    for index, mark in enumerate(marks):
        label = (
            f"{_quote(phrases[mark.first])} ↔ {_quote(phrases[mark.second])}: "
            f"{baseline.describe(mark.similarity)}"
        )
        fig.add_trace(
            go.Scatter(
                x=[round(mark.similarity, 4)] * 2,
                y=[0, top],
                mode="lines",
                name=label,
                line={"color": phrase_color(index), "width": 3},
                hovertemplate=f"{label}<extra></extra>",
                meta={"pair": [mark.first, mark.second], "percentile": mark.percentile},
            )
        )
    values = [*baseline.similarities.tolist(), *(m.similarity for m in marks)]
    model = escape(MODEL_TITLES.get(baseline.model_name, baseline.model_name))
    fig.update_layout(
        title=_title(
            "How high is high? Cosine similarity of random pairs of phrases",
            f"{len(baseline.similarities):,} random pairs of {baseline.n_phrases} reference "
            f"phrases, {model}, measured in all its dimensions (seed {baseline.seed}).",
        ),
        height=height,
        margin={"l": 60, "r": 20, "t": 80, "b": 50},
        bargap=0,
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0},
        **_LAYOUT,
    )
    fig.update_xaxes(
        title={"text": "cosine similarity (all dimensions)"},
        range=[min(-0.25, min(values) - 0.05), 1.02],
        **_AXIS,
    )
    fig.update_yaxes(title={"text": "% of random pairs"}, range=[0, top * 1.02], **_AXIS)
    return fig
