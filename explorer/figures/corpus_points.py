"""The corpus map's points: one trace per colour group, their hover, and the map's notes.

Every per-point array is binary (float32 coordinates and colour values, int32
row numbers in ``customdata``); up to ``CORPUS_HOVER_TEXT_MAX`` points each
carries its text for the hover, above it none: the hover template shows the row
and the colour value, a click the text. Groups are found with numpy
(``pandas.factorize``), never a Python loop over the points. Used by
:mod:`explorer.figures.corpus` (the 2-D map) and
:mod:`explorer.figures.corpus_layers` (rows drawn over it, the 3-D view).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray

from explorer.config import (
    CORPUS_HOVER_CHARS,
    CORPUS_HOVER_TEXT_MAX,
    CORPUS_LABELS_MAX,
    CORPUS_POINTS_MAX,
    CORPUS_SAMPLE_POINTS,
    CORPUS_WEBGL_MIN,
    LABEL_CHARS,
)
from explorer.figures.coloring import MISSING, OTHER_COLOR, Coloring, category_colors, counted_order
from explorer.figures.corpus_raster import RASTER_NOTE, scale_rgb
from explorer.phrases import escape, shorten, template_escape

#: The corpus points' trace when one trace holds them (no colour, or a number).
DOCUMENTS_TRACE = "documents"
#: Colour of points when nothing colours them ("other" and missing values take
#: figures.style.OTHER_COLOR).
BASE_COLOR = "#6b8fb3"
#: Colour scale for a numeric column.
NUMBER_SCALE = "Viridis"
#: Points a filter leaves out: one grey, faint trace under the others.
FADED_TRACE = "filtered out"
FADED_COLOR, FADED_OPACITY = "#c4c4c4", 0.2
#: Font size of the documents' labels, px.
LABEL_FONT = 10


def hover_texts(texts: Sequence[str], *, prefix: Sequence[str] | None = None) -> list[str]:
    """Escaped hover lines: an optional bold prefix, then the text's start.

    The row number and a category are not repeated in each line: the trace's
    ``hovertemplate`` adds them (from ``customdata`` and the trace's name), which
    keeps 100,000 hover texts a few MB lighter.

    Example:
        >>> hover_texts(["<b>hi</b>", "ok"], prefix=["x = 1", "x = 2"])
        ['<b>x = 1</b><br>&lt;b&gt;hi&lt;/b&gt;', '<b>x = 2</b><br>ok']
    """
    bodies = [escape(shorten(text, CORPUS_HOVER_CHARS)) for text in texts]
    if prefix is None:
        return bodies
    return [f"<b>{escape(head)}</b><br>{body}" for head, body in zip(prefix, bodies, strict=True)]


#: Hover of a corpus point: its row (``customdata``) and text; a category's name first.
ROW_HOVER = "row %{customdata}<br>%{hovertext}<extra></extra>"
CATEGORY_HEAD = "<b>%{fullData.name}</b> · "
CATEGORY_HOVER = CATEGORY_HEAD + ROW_HOVER
#: What hover and a click say above ``CORPUS_HOVER_TEXT_MAX`` points.
ROW_ONLY_NOTE = "Hover shows each point's row; click one to read it."


def hover_text_shown(count: int) -> bool:
    """Whether a map of ``count`` points carries each point's text for its hover.

    Example:
        >>> hover_text_shown(CORPUS_HOVER_TEXT_MAX), hover_text_shown(CORPUS_HOVER_TEXT_MAX + 1)
        (True, False)
    """
    return count <= CORPUS_HOVER_TEXT_MAX


def row_hover(head: str = "", *, text: bool = True) -> str:
    """A corpus point's hover template: ``head`` (already escaped), its row, and its
    text (``hovertext``) where ``text``.

    Example:
        >>> row_hover(CATEGORY_HEAD, text=False)
        '<b>%{fullData.name}</b> · row %{customdata}<extra></extra>'
    """
    return f"{head}row %{{customdata}}" + ("<br>%{hovertext}" if text else "") + "<extra></extra>"


def drawing_notes(count: int) -> list[str]:
    """What the map leaves out for a corpus of ``count`` points, one sentence each.

    Example:
        >>> drawing_notes(10)
        []
        >>> drawing_notes(5_000)[0]
        'Text labels are off above 300 points: hover a point to read its text.'
        >>> drawing_notes(50_000)[1]
        "Points are drawn with WebGL; above 20,000 points the map carries no text. Hover shows each point's row; click one to read it."
    """  # noqa: E501 - a doctest's expected output is one line
    notes = []
    if count > CORPUS_LABELS_MAX:
        notes.append(
            f"Text labels are off above {CORPUS_LABELS_MAX:,} points: "
            + ("hover a point to read its text." if hover_text_shown(count) else
               "click a point to read its text.")
        )  # fmt: skip
    if count >= CORPUS_WEBGL_MIN and hover_text_shown(count):
        notes.append(
            f"Points are drawn with WebGL from {CORPUS_WEBGL_MIN:,} points on; hover shows "
            f"the first {CORPUS_HOVER_CHARS} characters of each text."
        )
    elif count >= CORPUS_WEBGL_MIN:
        notes.append(
            f"Points are drawn with WebGL; above {CORPUS_HOVER_TEXT_MAX:,} points the map "
            f"carries no text. {ROW_ONLY_NOTE}"
        )
    if count > CORPUS_POINTS_MAX:
        notes.append(
            RASTER_NOTE.format(limit=CORPUS_POINTS_MAX, count=count, sample=CORPUS_SAMPLE_POINTS)
        )
    return notes


def points_trace(
    coords: NDArray[np.float32],
    members: NDArray[np.int64],
    hovers: list[str] | None,
    *,
    name: str,
    marker: dict,
    labels: Labels | None,
    webgl: bool,
    showlegend: bool,
    head: str = "",
) -> go.Scatter | go.Scattergl:
    """One trace of corpus points (``members``: their rows); ``hovers``: every row's
    hover text, or ``None`` for hover from the template alone (``head``, the row)."""
    trace = go.Scattergl if webgl else go.Scatter
    text: dict = {}
    if labels is not None:
        text = {
            "text": [labels.texts[i] for i in members],
            "textposition": [labels.positions[i] for i in members],
            "textfont": {"size": LABEL_FONT, "color": "#444"},
        }
        if not all(labels.shown[i] for i in members):
            text["texttemplate"] = ["%{text}" if labels.shown[i] else "" for i in members]
    if hovers is not None:
        text["hovertext"] = [hovers[i] for i in members]
    return trace(
        x=coords[members, 0],
        y=coords[members, 1],
        mode="markers+text" if labels is not None else "markers",
        **text,
        name=name,
        hovertemplate=row_hover(head, text=hovers is not None),
        customdata=(members + 1).astype(np.int32),  # row numbers, as in the tables
        marker=marker,
        showlegend=showlegend,
        meta={"role": "corpus"},
    )


@dataclass(frozen=True)
class Labels:
    """The documents' labels on the map: each row's text, Plotly position, and
    whether it is drawn (else it is left to the hover)."""

    texts: list[str]
    positions: list[str]
    shown: list[bool]


def point_size(count: int) -> int:
    """The marker size of a corpus of ``count`` points, px.

    Example:
        >>> point_size(100), point_size(50_000)
        (8, 4)
    """
    return 4 if count > 20_000 else 6 if count > 2_000 else 8


def category_groups(
    categories: Sequence[str], keep: NDArray[np.bool_]
) -> list[tuple[str, NDArray[np.int64]]]:
    """Each category (in :func:`category_order`) and its rows that ``keep`` keeps, found
    with numpy (``pandas.factorize``), not a Python loop over the rows.

    Example:
        >>> [(c, rows.tolist()) for c, rows in
        ...  category_groups(["b", "a", "b", "other"], np.array([True, True, False, True]))]
        [('b', [0]), ('a', [1]), ('other', [3])]
    """
    import pandas as pd

    codes, names = pd.factorize(np.asarray(categories, dtype=object), sort=False)
    counts = np.bincount(codes, minlength=len(names))
    order = counted_order(dict(zip(names.tolist(), counts.tolist(), strict=True)))
    position = {name: i for i, name in enumerate(names.tolist())}
    groups = []
    for category in order:
        rows = np.flatnonzero((codes == position[category]) & keep).astype(np.int64)
        if len(rows):
            groups.append((category, rows))
    return groups


def corpus_traces(
    coords: NDArray[np.float32],
    texts: Sequence[str],
    color: Coloring | None,
    labels: Labels | None,
    kept: NDArray[np.bool_] | None = None,
    drawn: NDArray[np.bool_] | None = None,
    groups: list[tuple[str, NDArray[np.int64]]] | None = None,
) -> list[go.Scatter | go.Scattergl]:
    """The corpus points' traces: rows outside ``kept`` faded, the others by colour;
    only the rows ``drawn`` (all by default; a sample above ``CORPUS_POINTS_MAX``).
    ``groups``: :func:`category_groups` of the colour's categories and ``kept``, where
    already found."""
    n = len(texts)
    webgl = n >= CORPUS_WEBGL_MIN
    size = point_size(n)
    opacity = 0.55 if n > 2_000 else 0.8
    keep = np.ones(n, dtype=bool) if kept is None else np.asarray(kept, dtype=bool)
    hovers = hover_texts(texts) if hover_text_shown(n) else None
    faded = []
    if drawn is not None:
        keep, out = keep & drawn, ~keep & drawn
    else:
        out = ~keep
    if out.any():
        faded = [
            points_trace(
                coords, np.flatnonzero(out).astype(np.int64), hovers,
                name=FADED_TRACE, labels=None, webgl=webgl, showlegend=False,
                marker={"size": size, "color": FADED_COLOR, "opacity": FADED_OPACITY},
                head="<b>filtered out</b> · ",
            )
        ]  # fmt: skip
    if color is None:
        return faded + [
            points_trace(
                coords, np.flatnonzero(keep).astype(np.int64), hovers, name=DOCUMENTS_TRACE,
                labels=labels, webgl=webgl, showlegend=False,
                marker={"size": size, "color": BASE_COLOR, "opacity": opacity},
            )
        ]  # fmt: skip
    if color.numbers is not None:
        return faded + number_traces(coords, texts, color, keep, labels=labels, webgl=webgl)
    if not keep.any():
        return faded
    traces = faded
    if groups is None:
        groups = category_groups(color.categories or (), keep)
    if drawn is not None:
        groups = [(c, rows[drawn[rows]]) for c, rows in groups]
        groups = [(c, rows) for c, rows in groups if len(rows)]
    colours = category_colors([category for category, _ in groups])
    for (category, members), colour in zip(groups, colours, strict=True):
        marker = {"size": size, "opacity": opacity, "color": colour}
        traces.append(
            points_trace(
                coords, members, hovers, name=template_escape(shorten(category, LABEL_CHARS)),
                labels=labels, webgl=webgl, showlegend=True, marker=marker, head=CATEGORY_HEAD,
            )
        )  # fmt: skip
    return traces


def number_traces(
    coords: NDArray[np.float32],
    texts: Sequence[str],
    color: Coloring,
    keep: NDArray[np.bool_],
    *,
    labels: Labels | None,
    webgl: bool,
) -> list[go.Scatter | go.Scattergl]:
    """A numeric column: its values on a colour scale (hover names the value), rows
    without one grey, in a trace of their own named ``"(missing)"``."""
    n = len(texts)
    values = np.asarray(color.numbers, dtype=np.float64)
    missing = np.isnan(values)
    size, opacity = point_size(n), 0.55 if n > 2_000 else 0.8
    column = template_escape(shorten(color.column, LABEL_CHARS))
    hovers = None
    head = f"<b>{column} = %{{marker.color:.4~g}}</b> · "
    if hover_text_shown(n):
        shown = [f"{color.column} = {v:g}" if not math.isnan(v) else MISSING for v in values]
        hovers, head = hover_texts(texts, prefix=shown), ""
    traces = []
    present = np.flatnonzero(keep & ~missing).astype(np.int64)
    if len(present):
        marker = {
            "size": size,
            "opacity": opacity,
            "color": values[present].astype(np.float32),
            "colorscale": NUMBER_SCALE,
            "cmin": float(np.nanmin(values)),  # every row's range, drawn or not
            "cmax": float(np.nanmax(values)),
            "showscale": True,
            "colorbar": {"title": {"text": escape(shorten(color.column, LABEL_CHARS))}},
        }
        traces.append(
            points_trace(
                coords, present, hovers, name=DOCUMENTS_TRACE, labels=labels, webgl=webgl,
                showlegend=False, marker=marker, head=head,
            )
        )  # fmt: skip
    absent = np.flatnonzero(keep & missing).astype(np.int64)
    if len(absent):
        traces.append(
            points_trace(
                coords, absent, hovers, name=MISSING, labels=labels, webgl=webgl,
                showlegend=True, head="" if hovers is not None else CATEGORY_HEAD,
                marker={"size": size, "opacity": opacity, "color": OTHER_COLOR},
            )
        )  # fmt: skip
    return traces


def raster_groups(
    color: Coloring | None,
    keep: NDArray[np.bool_],
    found: list[tuple[str, NDArray[np.int64]]] | None = None,
) -> list[tuple[NDArray[np.int64], str | NDArray[np.float64]]]:
    """Every row as :func:`~explorer.figures.corpus_raster.raster_image` draws it: those
    outside ``keep`` faded grey, the others coloured as their points are (``found``:
    :func:`category_groups`, where already found).

    Example:
        >>> [(rows.tolist(), c) for rows, c in raster_groups(None, np.array([True, False]))]
        [([1], '#c4c4c4'), ([0], '#6b8fb3')]
    """
    groups: list[tuple[NDArray[np.int64], str | NDArray[np.float64]]] = []
    if not keep.all():
        groups.append((np.flatnonzero(~keep), FADED_COLOR))
    if color is None:
        groups.append((np.flatnonzero(keep), BASE_COLOR))
    elif color.numbers is not None:
        values = np.asarray(color.numbers, dtype=np.float64)
        present = np.flatnonzero(keep & ~np.isnan(values))
        groups.append((present, scale_rgb(values[present], NUMBER_SCALE)))
        groups.append((np.flatnonzero(keep & np.isnan(values)), OTHER_COLOR))
    else:
        found = found if found is not None else category_groups(color.categories or (), keep)
        colours = category_colors([category for category, _ in found])
        groups += [(rows, colour) for (_, rows), colour in zip(found, colours, strict=True)]
    return groups
