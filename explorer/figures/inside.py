"""Plotly figures for Inside a vector: heat strips of raw values, and random pairs'
cosine similarity as a baseline (no Streamlit here).

Every phrase shown in a label, legend or hover is HTML-escaped.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explorer.config import BASELINE_BINS, HOVER_CHARS, LABEL_CHARS, MODEL_TITLES
from explorer.figures.style import (
    LEGEND_DROP,
    LEGEND_ROW,
    base_layout,
    legend_below,
    phrase_color,
    quoted,
)
from explorer.phrases import escape, shorten
from explorer.space.inside import CosineBaseline, HeatStrips, PairSimilarity

BASELINE_COLOR = "rgba(120, 120, 120, 0.55)"
#: The charts at their narrowest (the page's width in a 1280 px window), px.
CHART_WIDTH = 820


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
    base_layout(
        fig,
        title=f"The raw numbers: {m} phrase{'s' if m > 1 else ''} in {model}",
        subtitle=subtitle,
        height=140 + 70 * m,
        margin={"l": 20, "r": 20, "b": 50},
        grid=False,
        width=CHART_WIDTH,
    )
    fig.update_xaxes(title={"text": order})
    fig.update_yaxes(
        tickvals=rows,
        ticktext=[f"{i}. {escape(shorten(p, LABEL_CHARS))}" for i, p in zip(rows, strips.phrases)],
        autorange="reversed",
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
            f"{quoted(phrases[mark.first])} ↔ {quoted(phrases[mark.second])}: "
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
    base_layout(
        fig,
        title="How high is high? Cosine similarity of random pairs of phrases",
        subtitle=f"{len(baseline.similarities):,} random pairs of {baseline.n_phrases} reference "
        f"phrases, {model}, measured in all its dimensions (seed {baseline.seed}).",
        # Room under the plot for the legend: a row per pair at most.
        height=height + LEGEND_ROW * len(marks),
        margin={"r": 20, "b": LEGEND_DROP + LEGEND_ROW * (len(marks) + 1)},
        bargap=0,
        width=CHART_WIDTH,
    )
    plot_height = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    fig.update_layout(legend=legend_below(plot_height=plot_height))
    fig.update_xaxes(
        title={"text": "cosine similarity (all dimensions)"},
        range=[min(-0.25, min(values) - 0.05), 1.02],
    )
    fig.update_yaxes(title={"text": "% of random pairs"}, range=[0, top * 1.02])
    return fig
