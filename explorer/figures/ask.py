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
from numpy.typing import NDArray

from explorer.config import HOVER_CHARS, LABEL_CHARS, METHODS, MODEL_TITLES, SEARCH_MAP_WEBGL_MIN
from explorer.documents.chunks import Chunk
from explorer.documents.retrieval import AskMap
from explorer.figures.style import (
    AXIS_STYLE,
    LABEL_CHAR_WIDTH,
    LABEL_LINE_HEIGHT,
    LINE_COLOR,
    LINE_TRACE,
    aspect_ranges,
    base_layout,
    label_positions,
    padded_range,
)
from explorer.phrases import escape, shorten

CHUNKS_TRACE = "chunks"
RETRIEVED_TRACE = "retrieved"
QUESTION_TRACE = "question"
DISTANCE_LABEL = "distance label"
QUESTION_LABEL = "question label"
#: Where along a line (from the question) its d= label may sit, best first.
LABEL_SPOTS = (0.55, 0.4, 0.7, 0.3, 0.8, 0.25, 0.85, 0.5, 0.65, 0.35)
#: The chunks' colour scale: position in the document, start to end.
POSITION_SCALE = "Viridis"
_FONT_SHARE = 11 / 13  # d= labels use 11 px text; style's sizes are for 13 px


def distance_text(distance: float, dim: int) -> str:
    """A line's label: the distance and the space it was measured in.

    Example:
        >>> distance_text(0.4213, 384)
        'd=0.42 (cosine, 384-d)'
    """
    return f"d={distance:.2f} (cosine, {dim}-d)"


def _box(x: float, y: float, text: str) -> NDArray[np.float64]:
    w, h = len(text) * LABEL_CHAR_WIDTH * _FONT_SHARE, LABEL_LINE_HEIGHT
    return np.array([x - w / 2, y - h / 2, x + w / 2, y + h / 2])


def _overlap(box: NDArray, boxes: list[NDArray]) -> float:
    if not boxes:
        return 0.0
    others = np.array(boxes)
    dx = np.minimum(box[2], others[:, 2]) - np.maximum(box[0], others[:, 0])
    dy = np.minimum(box[3], others[:, 3]) - np.maximum(box[1], others[:, 1])
    return float((np.clip(dx, 0, None) * np.clip(dy, 0, None)).sum())


def line_label_spots(
    start: NDArray, ends: NDArray, texts: Sequence[str], x_range, y_range, avoid: NDArray
) -> list[float]:
    """For each line from ``start`` to ``ends[i]``, where along it its label sits.

    Each label, in turn, takes the first spot of ``LABEL_SPOTS`` whose box (in shares
    of the plot) overlaps least with the labels placed before, the points in
    ``avoid`` and the plot's edge. Deterministic.

    Example:
        >>> line_label_spots(np.zeros(2), np.array([[1.0, 0.0], [1.0, 0.05]]), ["d=1", "d=2"],
        ...                  (-1, 2), (-1, 1), np.zeros((0, 2)))
        [0.55, 0.4]
    """
    (x0, x1), (y0, y1) = x_range, y_range

    def unit(xy: NDArray) -> NDArray:
        return np.column_stack([(xy[:, 0] - x0) / (x1 - x0), (xy[:, 1] - y0) / (y1 - y0)])

    origin = unit(np.asarray(start, dtype=float).reshape(1, 2))[0]
    targets = unit(np.asarray(ends, dtype=float).reshape(-1, 2))
    dots = [np.array([x - 0.015, y - 0.015, x + 0.015, y + 0.015]) for x, y in unit(avoid)]
    placed: list[NDArray] = []
    spots: list[float] = []
    for target, text in zip(targets, texts, strict=True):
        best, best_cost = LABEL_SPOTS[0], np.inf
        for rank, share in enumerate(LABEL_SPOTS):
            box = _box(*(origin + share * (target - origin)), text)
            area = (box[2] - box[0]) * (box[3] - box[1])
            outside = area - _overlap(box, [np.array([0.0, 0.0, 1.0, 1.0])])
            cost = 10 * outside + 3 * _overlap(box, placed) + _overlap(box, dots) + 1e-6 * rank
            if cost < best_cost:
                best, best_cost = share, cost
        placed.append(_box(*(origin + best * (target - origin)), text))
        spots.append(best)
    return spots


def _hover(i: int, n: int, text: str, chunk: Chunk | None) -> str:
    where = f"Chunk {i + 1} of {n}"
    if chunk is not None:
        where += f" (characters {chunk.start:,}–{chunk.end:,}, {chunk.tokens} tokens)"
    return f"<b>{where}</b><br>{escape(shorten(text, HOVER_CHARS))}"


def ask_map_figure(
    amap: AskMap, *, chunks: Sequence[Chunk] | None = None, height: int = 620
) -> go.Figure:
    """Draw the chunks by position, the question ★ and labelled lines to the retrieved chunks.

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
    everything = np.vstack([coords, qxy[None, :]])
    x_range, y_range = aspect_ranges(
        padded_range(everything[:, 0], share=0.1), padded_range(everything[:, 1], share=0.1)
    )
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
                    "title": {"text": "Position in<br>the document"},
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
    hit_xy = coords[[h.index for h in amap.hits]].reshape(-1, 2)
    labels = [distance_text(d, amap.dim) for d in amap.distances]
    spots = line_label_spots(qxy, hit_xy, labels, x_range, y_range, np.vstack([hit_xy, qxy]))
    annotations = []
    for hit, d, (hx, hy), label, share in zip(
        amap.hits, amap.distances, hit_xy, labels, spots, strict=True
    ):
        fig.add_trace(
            go.Scatter(
                x=[float(qxy[0]), float(hx)],
                y=[float(qxy[1]), float(hy)],
                mode="lines",
                name=LINE_TRACE,
                line={"dash": "dash", "width": 1.5, "color": LINE_COLOR},
                hoverinfo="skip",
                showlegend=False,
                meta={"chunk": hit.index, "rank": hit.rank, "distance": d},
            )
        )
        annotations.append(
            {
                "x": float(qxy[0] + share * (hx - qxy[0])),
                "y": float(qxy[1] + share * (hy - qxy[1])),
                "text": label,
                "hovertext": (
                    f"Retrieved {hit.rank}: chunk {hit.index + 1}<br>cosine distance in all "
                    f"{amap.dim} dimensions: {d:.3f} (similarity {1 - d:.3f}); not as drawn"
                ),
                "showarrow": False,
                "font": {"size": 11, "color": "#333"},
                "bgcolor": "rgba(255, 255, 255, 0.85)",
                "borderpad": 2,
                "name": DISTANCE_LABEL,
            }
        )
    if amap.hits:
        ranks = [f"#{h.rank}" for h in amap.hits]
        fig.add_trace(
            go.Scatter(
                x=hit_xy[:, 0].tolist(),
                y=hit_xy[:, 1].tolist(),
                mode="markers+text",
                name=RETRIEVED_TRACE,
                text=ranks,
                textposition=label_positions(hit_xy, x_range, y_range, ranks),
                textfont={"size": 12, "color": "#111"},
                hovertext=[
                    f"<b>Retrieved {h.rank}</b>: chunk {h.index + 1}, cosine similarity "
                    f"{1 - d:.3f}<br>{escape(shorten(h.text, HOVER_CHARS))}"
                    for h, d in zip(amap.hits, amap.distances, strict=True)
                ],
                hovertemplate="%{hovertext}<extra></extra>",
                customdata=[h.index for h in amap.hits],
                cliponaxis=False,
                marker={"size": 17, "symbol": "circle-open", "line": {"width": 2.5}},
                marker_color="#111",
                showlegend=True,
            )
        )
    annotations.append(
        {
            "x": float(qxy[0]),
            "y": float(qxy[1]),
            "text": escape(shorten(f"question: {amap.question}", LABEL_CHARS + 10)),
            "showarrow": True,
            "arrowhead": 0,
            "arrowcolor": "#c99700",
            "ax": -40 if qxy[0] > sum(x_range) / 2 else 40,
            "ay": -45 if qxy[1] < sum(y_range) / 2 else 45,
            "font": {"size": 13, "color": "#111"},
            "bgcolor": "rgba(255, 255, 255, 0.92)",
            "bordercolor": "#c99700",
            "borderpad": 3,
            "name": QUESTION_LABEL,
        }
    )
    placed = (
        "placed with the projection fitted to the chunks (not refitted)"
        if amap.placement == "transform"
        else "placed at the similarity-weighted mean of its nearest chunks (UMAP cannot "
        "place new points without refitting)"
    )
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
            marker={"size": 22, "symbol": "star", "color": "#f5b700", "line": {"width": 1.5}},
            showlegend=True,
        )
    )
    model = escape(MODEL_TITLES.get(amap.model_name, amap.model_name))
    method = METHODS.get(amap.method, amap.method)
    base_layout(
        fig,
        title=f"{model} ({amap.dim} dimensions): {n:,} chunks projected to 2-D with {method}",
        subtitle=(
            f"Fitted on the chunks alone; colour: position in the document. Question ★ "
            f"{placed}.<br>Dashed lines: the {len(amap.hits)} retrieved chunks, d = cosine "
            f"distance in all {amap.dim} dimensions (1 − similarity), not as drawn."
        ),
        height=height,
        margin={"t": 105},
        annotations=annotations,
        legend={"itemsizing": "constant", "orientation": "h", "y": -0.12},
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
