"""Cluster names on the corpus map (no Streamlit here).

Each cluster's name sits at its centre (:attr:`Clusters.centres`, a member near
the middle of its points on the map), in bold at a readable size, in the first
free spot around it that the map's :class:`~explorer.figures.labels.TextLayout`
finds (:func:`~explorer.figures.style.placed_text`), largest cluster first. A
name with no free spot is not drawn (its diamond's hover still names it; the
page's list shows every cluster), so no name ever covers another text.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explorer.config import LABEL_CHARS
from explorer.documents.clusters import Clusters
from explorer.figures.labels import TextLayout
from explorer.figures.style import placed_text
from explorer.phrases import escape, shorten

#: The trace's name (tests and the page find it by name).
NAMES_TRACE = "cluster names"
#: Names in bold 13 px, larger than the map's 10 px point labels.
NAME_FONT = {"size": 13, "color": "#111"}
#: The diamond marking each cluster's centre, px.
CENTRE_SIZE = 8


def names_trace(found: Clusters, layout: TextLayout) -> go.Scatter:
    """The cluster names as one trace to add to the corpus map (``fig.add_trace``).

    ``layout``: the map's text layout, holding the text already placed on it
    (for a map on its own: ``TextLayout(x_range, y_range, PlotArea(width, height))``);
    the names are added to it. Hover names each cluster and its size;
    ``customdata`` holds the cluster's number (0 the largest).

    Example:
        >>> from explorer.documents.clusters import clusters
        >>> from explorer.figures.labels import PlotArea
        >>> found = clusters(np.repeat(np.eye(3), 8, axis=0),
        ...                  ["red apple"] * 8 + ["fast car"] * 8 + ["deep sea"] * 8,
        ...                  coords=np.repeat([[0, 0], [5, 5], [0, 5]], 8, axis=0))
        >>> trace = names_trace(found, TextLayout((-1, 6), (-1, 6), PlotArea(400, 300)))
        >>> list(trace.text), list(trace.textposition)
        (['<b>deep, sea</b>', '<b>apple, red</b>', '<b>car, fast</b>'], ['top center', 'top center', 'top center'])
    """  # noqa: E501 - a doctest's expected output is one line
    if found.centres is None:
        raise ValueError(
            "These clusters have no centres on a map; call explorer.clusters(..., "
            "coords=projection.coords) to place their names."
        )
    centres = np.asarray(found.centres, dtype=float).reshape(-1, 2)
    labels = [f"<b>{escape(shorten(name, LABEL_CHARS))}</b>" for name in found.names]
    layout.add_dots(centres, size=CENTRE_SIZE)
    placed = placed_text(layout, centres, labels, font=NAME_FONT, marker_size=CENTRE_SIZE)
    return go.Scatter(
        x=centres[:, 0].tolist(),
        y=centres[:, 1].tolist(),
        mode="markers+text",
        name=NAMES_TRACE,
        text=labels,
        textfont=NAME_FONT,
        marker={"size": CENTRE_SIZE, "color": "#111", "symbol": "diamond"},
        customdata=list(range(found.count)),
        hovertext=[
            f"<b>Cluster {c + 1}</b>: {escape(name)}<br>{size:,} documents"
            for c, (name, size) in enumerate(zip(found.names, found.sizes, strict=True))
        ],
        hovertemplate="%{hovertext}<extra></extra>",
        cliponaxis=False,
        showlegend=False,
        **placed,
    )


def shown_names(trace: go.Scatter) -> list[int]:
    """The clusters whose names :func:`names_trace` could draw (the others: hover only).

    Example:
        >>> shown_names(go.Scatter(text=["a", "b"], texttemplate=["%{text}", ""]))
        [0]
    """
    template = trace.texttemplate
    count = len(trace.text or ())
    if template is None or isinstance(template, str):
        return list(range(count))
    return [i for i, t in enumerate(template) if t]


def hidden_note(found: Clusters, shown: int) -> str | None:
    """A sentence for the page when only ``shown`` names were drawn (:func:`shown_names`),
    else ``None``.

    Example:
        >>> hidden_note(Clusters(np.zeros(3, dtype=np.int64), ((),) * 3, ("a", "b", "c"),
        ...                      (1, 1, 1), None, None, 3), 2)
        '1 of 3 cluster names is not drawn: no free room beside its centre. Hover the diamonds or see the list of clusters.'
    """  # noqa: E501 - a doctest's expected output is one line
    hidden = found.count - shown
    if hidden <= 0:
        return None
    verb, pronoun = ("is", "its") if hidden == 1 else ("are", "their")
    return (
        f"{hidden} of {found.count} cluster names {verb} not drawn: no free room beside "
        f"{pronoun} centre. Hover the diamonds or see the list of clusters."
    )
