"""The Ask map as a Plotly figure (no Streamlit here).

The chunks of one document, projected to 2-D with a fit on the chunks alone and
coloured by their position in the document; the question as a star placed on the
same map; dashed lines to the retrieved chunks, each labelled with its true
cosine distance, ``d=0.42 (cosine, 384-d)``. Labels are placed apart from each
other, and every label and hover is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from explorer.config import HOVER_CHARS, LABEL_CHARS, METHODS, MODEL_TITLES, SEARCH_MAP_WEBGL_MIN
from explorer.documents.chunks import Chunk
from explorer.documents.retrieval import AskMap
from explorer.figures.labels import PlotArea, TextLayout, place_callout, place_line_label
from explorer.figures.marks import callout_annotation, dashed_line, distance_label
from explorer.figures.style import (
    AXIS_STYLE,
    LEGEND_DROP,
    LEGEND_ROW,
    aspect_ranges,
    base_layout,
    fit_heading,
    labelled_markers,
    legend_below,
    padded_range,
)
from explorer.phrases import escape, shorten

CHUNKS_TRACE = "chunks"
RETRIEVED_TRACE = "retrieved"
QUESTION_TRACE = "question"
QUESTION_LABEL = "question label"
#: Where along a line (from the question) its d= label may sit, best first: past the
#: middle, as lines leave one point and their middles crowd around the question.
ALONG = (0.6, 0.7, 0.5, 0.8, 0.4, 0.85, 0.3)
#: The chunks' colour scale: position in the document, start to end.
POSITION_SCALE = "Viridis"
#: The width the chart is drawn at on the narrowest page it is made for (1280 px,
#: the sidebar open), and its plot's width (less the colour bar and the margins), px:
#: labels are placed for these, so on a wider page they sit further apart.
ASK_CHART_WIDTH, ASK_PLOT_WIDTH = 820, 560
MARGIN_BOTTOM = LEGEND_DROP + LEGEND_ROW + 6
QUESTION_SIZE, RETRIEVED_SIZE = 22, 17
DISTANCE_FONT, RANK_FONT, CALLOUT_FONT = 11, 12, 13


def distance_text(distance: float, dim: int) -> str:
    """A line's label: the distance and the space it was measured in.

    Example:
        >>> distance_text(0.4213, 384)
        'd=0.42 (cosine, 384-d)'
    """
    return f"d={distance:.2f} (cosine, {dim}-d)"


def _hover(i: int, n: int, text: str, chunk: Chunk | None) -> str:
    where = f"Chunk {i + 1} of {n}"
    if chunk is not None:
        where += f" (characters {chunk.start:,}–{chunk.end:,}, {chunk.tokens} tokens)"
    return f"<b>{where}</b><br>{escape(shorten(text, HOVER_CHARS))}"


def ask_map_figure(
    amap: AskMap, *, chunks: Sequence[Chunk] | None = None, height: int = 620
) -> go.Figure:
    """Draw the chunks by position, the question ★ and labelled lines to the retrieved chunks.

    Text never overlaps (:mod:`explorer.figures.labels`, as on the Search map): the
    question's callout is placed first, then each line's ``d=`` label along its line,
    then the retrieved chunks' ranks; what finds no free spot is left to the hover and
    the tables. The retrieved rings and the question's star are drawn over the chunks.

    Example:
        >>> from explorer.models.doc_cache import DocumentCache
        >>> from explorer.documents.retrieval import Retriever, build_ask_map
        >>> r = Retriever(["a cat", "a dog", "<b>a truck</b>"], cache=DocumentCache(None))
        >>> fig = ask_map_figure(build_ask_map(r, "a puppy", r.rank("a puppy", k=1)))
        >>> [t.name for t in fig.data][-2:], [a.text for a in fig.layout.annotations][:1]
        (['retrieved', 'question'], ['d=0.23 (cosine, 384-d)'])
    """
    coords = np.asarray(amap.coords, dtype=float)
    qxy = np.asarray(amap.question_xy, dtype=float)
    n = len(amap.texts)
    placed = (
        "placed with the projection fitted to the chunks (not refitted)"
        if amap.placement == "transform"
        else "placed at the similarity-weighted mean of its nearest chunks (UMAP cannot "
        "place new points without refitting)"
    )
    model = escape(MODEL_TITLES.get(amap.model_name, amap.model_name))
    method = METHODS.get(amap.method, amap.method)
    title, subtitle, top = fit_heading(
        f"{model} ({amap.dim} dimensions): {n:,} chunks projected to 2-D with {method}",
        f"Fitted on the chunks alone; colour: position in the document. Question ★ "
        f"{placed}. Dashed lines: the {len(amap.hits)} retrieved chunks, d = cosine "
        f"distance in all {amap.dim} dimensions (1 − similarity), not as drawn.",
        width=ASK_CHART_WIDTH,
    )
    area = PlotArea(ASK_PLOT_WIDTH, height - top - MARGIN_BOTTOM)
    everything = np.vstack([coords, qxy[None, :]])
    x_range, y_range = aspect_ranges(
        padded_range(everything[:, 0], share=0.1),
        padded_range(everything[:, 1], share=0.1),
        aspect=area.aspect,
    )
    layout = TextLayout(x_range, y_range, area)
    hit_xy = coords[[h.index for h in amap.hits]].reshape(-1, 2)
    layout.add_dots(hit_xy, size=RETRIEVED_SIZE)
    layout.add_dots(qxy, size=QUESTION_SIZE)
    question = escape(shorten(f"question: {amap.question}", LABEL_CHARS + 10))
    offset = place_callout(layout, qxy, question, font_size=CALLOUT_FONT)
    callouts = [] if offset is None else [
        callout_annotation(float(qxy[0]), float(qxy[1]), question, name=QUESTION_LABEL,
                           color="#c99700", dx=offset[0], dy=offset[1], font_size=CALLOUT_FONT)
    ]  # fmt: skip

    scatter = go.Scattergl if n > SEARCH_MAP_WEBGL_MIN else go.Scatter
    fig = go.Figure(
        scatter(
            x=coords[:, 0].tolist(),
            y=coords[:, 1].tolist(),
            mode="markers",
            name=CHUNKS_TRACE,
            marker={
                "size": 9,
                "color": list(range(n)),
                "colorscale": POSITION_SCALE,
                "cmin": 0,
                "cmax": max(n - 1, 1),
                "opacity": 0.8,
                "line": {"width": 0.5, "color": "white"},
                "colorbar": {
                    # Beside the bar, turned: above it, the title would sit on "end".
                    "title": {"text": "Position in the document", "side": "right"},
                    "tickvals": [0, max(n - 1, 1)],
                    "ticktext": ["start", "end"],
                    "thickness": 14,
                },
            },
            hovertext=[
                _hover(i, n, amap.texts[i], None if chunks is None else chunks[i]) for i in range(n)
            ],
            hovertemplate="%{hovertext}<extra></extra>",
            customdata=list(range(n)),
            showlegend=False,
        )
    )
    for hit, d, (hx, hy) in zip(amap.hits, amap.distances, hit_xy, strict=True):
        meta = {"chunk": hit.index, "rank": hit.rank, "distance": d}
        fig.add_trace(dashed_line(qxy, (hx, hy), meta=meta))
        label = distance_text(d, amap.dim)
        spot = place_line_label(layout, qxy, (hx, hy), label, font_size=DISTANCE_FONT, along=ALONG)
        if spot is None:
            continue  # the ring's hover and the tables give the distance
        hover = (
            f"Retrieved {hit.rank}: chunk {hit.index + 1}<br>cosine distance in all "
            f"{amap.dim} dimensions: {d:.3f} (similarity {1 - d:.3f}); not as drawn"
        )
        layout.annotations.append(
            distance_label(spot, label, hovertext=hover, font_size=DISTANCE_FONT)
        )
    if amap.hits:
        fig.add_trace(
            labelled_markers(
                hit_xy,
                [f"#{h.rank}" for h in amap.hits],
                [
                    f"<b>Retrieved {h.rank}</b>: chunk {h.index + 1}, cosine similarity "
                    f"{1 - d:.3f}<br>{escape(shorten(h.text, HOVER_CHARS))}"
                    for h, d in zip(amap.hits, amap.distances, strict=True)
                ],
                x_range,
                y_range,
                name=RETRIEVED_TRACE,
                font={"size": RANK_FONT, "color": "#111"},
                marker={"size": RETRIEVED_SIZE, "symbol": "circle-open", "color": "#111",
                        "line": {"width": 2.5, "color": "#111"}},
                layout=layout,
                customdata=[h.index for h in amap.hits],
                showlegend=True,
            )
        )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=[float(qxy[0])],
            y=[float(qxy[1])],
            mode="markers",
            name=QUESTION_TRACE,
            hovertext=[
                f"<b>Question</b>: {escape(shorten(amap.question, HOVER_CHARS))}<br>{placed}"
            ],
            hovertemplate="%{hovertext}<extra></extra>",
            cliponaxis=False,
            marker={"size": QUESTION_SIZE, "symbol": "star", "color": "#f5b700",
                    "line": {"width": 1.5}},
            showlegend=True,
        )
    )  # fmt: skip
    base_layout(
        fig,
        title=title,
        subtitle=subtitle,
        height=height,
        margin={"t": top, "b": MARGIN_BOTTOM},
        annotations=layout.annotations + callouts,
        legend={"itemsizing": "constant", **legend_below(plot_height=area.height)},
    )
    fig.update_xaxes(title={"text": amap.axis_titles[0]}, range=list(x_range), **AXIS_STYLE)
    fig.update_yaxes(
        title={"text": amap.axis_titles[1]},
        range=list(y_range),
        scaleanchor="x",
        scaleratio=1,
        **AXIS_STYLE,
    )
    return fig
