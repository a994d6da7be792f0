"""The search map as a Plotly figure (no Streamlit here).

The corpus is drawn as small points coloured by topic, the query as a star
placed on the corpus's fitted map (the subtitle says how), and dashed lines join the query to
its top semantic hits, labelled with their true cosine distance in the model's
own space. Every label and hover is HTML-escaped.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explorer.config import (
    HOVER_CHARS,
    LABEL_CHARS,
    METHODS,
    MODEL_TITLES,
    SEARCH_MAP_WEBGL_MIN,
)
from explorer.documents.search_map import SearchMap
from explorer.figures.labels import PlotArea, TextLayout, place_callout, place_line_label
from explorer.figures.marks import callout_annotation, dashed_line, distance_label
from explorer.figures.style import (
    aspect_ranges,
    base_layout,
    category_color,
    category_palette,
    fit_heading,
    labelled_markers,
    padded_range,
)
from explorer.phrases import escape, shorten, template_escape

QUERY_TRACE = "query"
HITS_TRACE = "top hits"
#: Name of the corpus trace when documents have no topics.
DOCUMENTS_TRACE = "documents"
#: Names of the annotations: a line's d= label, the query's label, the best hit's label.
QUERY_LABEL = "query label"
BEST_LABEL = "best hit label"
#: Where a line's d= label sits, as a fraction of the way from the query to the
#: hit, and the spots tried after it.
LABEL_AT = 0.62
ALONG = (LABEL_AT, 0.7, 0.54, 0.78, 0.46, 0.86, 0.38)
#: Marker shapes, one per round of the category palette: up to its length every
#: topic has its own colour; beyond, a colour comes back with another shape.
TOPIC_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross")


def topic_style(position: int) -> tuple[str, str]:
    """Colour and marker symbol of the topic at ``position`` (in sorted order).

    Example:
        >>> from explorer.config import CORPUS_COLOR_CATEGORIES
        >>> topic_style(0), topic_style(1)
        (('#1f77b3', 'circle'), ('#ff7e0e', 'circle'))
        >>> topic_style(CORPUS_COLOR_CATEGORIES)
        ('#1f77b3', 'square')
    """
    rounds = position // len(category_palette())
    return category_color(position), TOPIC_SYMBOLS[rounds % len(TOPIC_SYMBOLS)]


def _corpus_traces(smap: SearchMap) -> list[go.Scatter]:
    scatter = go.Scattergl if len(smap.texts) > SEARCH_MAP_WEBGL_MIN else go.Scatter
    groups: dict[str, list[int]] = {}
    if smap.topics is None:
        groups[DOCUMENTS_TRACE] = list(range(len(smap.texts)))
    else:
        for i, topic in enumerate(smap.topics):
            groups.setdefault(topic, []).append(i)
    traces = []
    for position, topic in enumerate(sorted(groups)):
        members = groups[topic]
        color, symbol = topic_style(position) if smap.topics is not None else ("#6b8fb3", "circle")
        prefix = f"<b>{escape(topic)}</b><br>" if smap.topics is not None else ""
        traces.append(
            scatter(
                x=smap.coords[members, 0].tolist(),
                y=smap.coords[members, 1].tolist(),
                mode="markers",
                name=template_escape(shorten(topic, LABEL_CHARS)),
                legendgroup="corpus",
                marker={"size": 7, "color": color, "symbol": symbol, "opacity": 0.55},
                hovertext=[
                    f"{prefix}{i + 1}. {escape(shorten(smap.texts[i], HOVER_CHARS))}"
                    for i in members
                ],
                hovertemplate="%{hovertext}<extra></extra>",
                customdata=members,
                meta={"role": "corpus"},
            )
        )
    return traces


#: The search map's chart and plotting area at their narrowest (the page's width
#: in a 1280 px window, less the topics' legend), px, and its margins.
SEARCH_CHART_WIDTH = 820
SEARCH_PLOT_WIDTH = 560
MARGIN_BOTTOM = 68
#: Marker and font sizes: the query's star, the hits' rings, the labels.
QUERY_SIZE = 22
HIT_SIZE = 15
CALLOUT_FONT = 13
DISTANCE_FONT = 11
RANK_FONT = 12


def search_map_figure(smap: SearchMap, *, height: int = 620) -> go.Figure:
    """Draw the corpus, the query and dashed lines to its top hits with ``d=`` labels.

    Text never overlaps (:mod:`explorer.figures.labels`): the query's label and
    the best hit's are callouts placed first, then each line's ``d=`` label
    along its line (from ``LABEL_AT`` of the way to the hit), then the hits'
    numbers; what finds no free spot is left to the hover. The hits and the
    query's star are the last traces, over everything else.

    Example:
        >>> from explorer.models.doc_cache import DocumentCache
        >>> from explorer.documents.search import build_index, search
        >>> from explorer.documents.search_map import build_search_map
        >>> index = build_index(["a cat", "a dog", "<b>a truck</b>"], cache=DocumentCache(None))
        >>> fig = search_map_figure(build_search_map(index, "a puppy", search("a puppy", index)))
        >>> [t.name for t in fig.data][-2:]
        ['top hits', 'query']
        >>> [a.text for a in fig.layout.annotations][:1]
        ['d=0.23']
    """
    coords = np.asarray(smap.coords, dtype=float)
    query_xy = np.asarray(smap.query_coords, dtype=float)
    everything = np.vstack([coords, query_xy[None, :]])
    model = escape(MODEL_TITLES.get(smap.model_name, smap.model_name))
    true_space = f"cosine distance in all {smap.dim} dimensions"
    n = len(smap.texts)
    title, subtitle, top = fit_heading(
        f"{model} ({smap.dim} dimensions): {n:,} documents projected to 2-D with "
        f"{METHODS.get(smap.method, smap.method)}",
        f"Dashed lines: query ★ → its top {len(smap.hits)} semantic hits (numbered), "
        f"d = {true_space} (1 − cosine similarity), not as drawn. {smap.placement_text}",
        width=SEARCH_CHART_WIDTH,
    )
    area = PlotArea(SEARCH_PLOT_WIDTH, height - top - MARGIN_BOTTOM)
    x_range, y_range = aspect_ranges(
        padded_range(everything[:, 0], share=0.08),
        padded_range(everything[:, 1], share=0.08),
        aspect=area.aspect,
    )
    layout = TextLayout(x_range, y_range, area)
    hit_xy = coords[[h.index for h in smap.hits]].reshape(-1, 2)
    layout.add_dots(hit_xy, size=HIT_SIZE)
    layout.add_dots(query_xy, size=QUERY_SIZE)

    callouts = [(query_xy, escape(shorten(f"query: {smap.query}", LABEL_CHARS + 8)),
                 QUERY_LABEL, "#c99700")]  # fmt: skip
    if smap.hits:
        best = smap.hits[0]
        callouts.append((coords[best.index], f"1. {escape(shorten(best.text, LABEL_CHARS + 8))}",
                         BEST_LABEL, "#111"))  # fmt: skip
    # Placed first, listed after the d= labels.
    placed = []
    for xy, text, name, color in callouts:
        offset = place_callout(layout, xy, text, font_size=CALLOUT_FONT)
        if offset is not None:
            x, y = map(float, xy)
            placed.append(callout_annotation(x, y, text, name=name, color=color, dx=offset[0],
                                             dy=offset[1], font_size=CALLOUT_FONT))  # fmt: skip

    fig = go.Figure(_corpus_traces(smap))
    for rank, (hit, d, drawn) in enumerate(
        zip(smap.hits, smap.true_distances, smap.map_distances, strict=True), start=1
    ):
        hx, hy = coords[hit.index]
        meta = {"hit": hit.index, "rank": rank, "distance": d}
        fig.add_trace(dashed_line(query_xy, (hx, hy), meta=meta))
        # Past the middle, towards the hit: lines leave one point, so their
        # middles crowd around the query.
        spot = place_line_label(
            layout, query_xy, (hx, hy), f"d={d:.2f}", font_size=DISTANCE_FONT, along=ALONG
        )
        if spot is None:
            continue  # the hit's ring and the table give the distance
        hover = (
            f"Hit {rank}: {escape(shorten(hit.text, LABEL_CHARS))}<br>"
            f"{true_space}: {d:.3f} (cosine similarity {1 - d:.3f})<br>"
            f"Euclidean distance as drawn in 2-D: {drawn:.3f}"
        )
        layout.annotations.append(
            distance_label(spot, f"d={d:.2f}", hovertext=hover, font_size=DISTANCE_FONT)
        )

    if smap.hits:
        fig.add_trace(
            labelled_markers(
                hit_xy,
                [str(rank) for rank in range(1, len(smap.hits) + 1)],
                [
                    f"<b>Hit {rank}</b>, cosine similarity {h.score:.3f}, "
                    f"d={d:.3f}<br>{escape(shorten(h.text, HOVER_CHARS))}"
                    for rank, (h, d) in enumerate(
                        zip(smap.hits, smap.true_distances, strict=True), start=1
                    )
                ],
                x_range,
                y_range,
                name=HITS_TRACE,
                font={"size": RANK_FONT, "color": "#222"},
                marker={
                    "size": HIT_SIZE,
                    "symbol": "circle-open",
                    "color": "#111",
                    "line": {"width": 2.5, "color": "#111"},
                },
                layout=layout,
                customdata=[h.index for h in smap.hits],
                showlegend=True,
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[float(query_xy[0])],
            y=[float(query_xy[1])],
            mode="markers",
            name=QUERY_TRACE,
            hovertext=[
                f"<b>Query</b>: {escape(shorten(smap.query, HOVER_CHARS))}<br>"
                f"{escape(smap.placement_text)}"
            ],
            hovertemplate="%{hovertext}<extra></extra>",
            cliponaxis=False,
            marker={"size": QUERY_SIZE, "symbol": "star", "color": "#f5b700",
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
        annotations=layout.annotations + placed,
        legend={"itemsizing": "constant"},
    )
    fig.update_xaxes(title={"text": smap.axis_titles[0]}, range=list(x_range))
    fig.update_yaxes(
        title={"text": smap.axis_titles[1]}, range=list(y_range), scaleanchor="x", scaleratio=1
    )
    return fig
