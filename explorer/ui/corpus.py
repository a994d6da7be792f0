"""The Corpus page's Streamlit parts: its link, filters, clusters, a selection, the 3-D view.

The work itself is in :mod:`explorer.documents.filters` (filters, selections),
:mod:`explorer.documents.cluster_view` (clusters as a job) and
:mod:`explorer.figures.corpus_layers` (density, rows drawn over, 3-D).
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import streamlit as st
from numpy.typing import NDArray

from explorer.config import (
    CORPUS_MAX_PREPARED_ROWS,
    CORPUS_POINTS_MAX,
    CORPUS_SEARCH_MAX_HITS,
    CORPUS_TABLE_ROWS,
    MAX_PHRASE_CHARS,
    METHODS,
    VIEWS,
)
from explorer.documents import cluster_view, corpus_view
from explorer.documents import filters as fl
from explorer.documents.clusters import Clusters
from explorer.documents.corpus import Corpus
from explorer.documents.writers import CSV_MIME, parquet_bytes
from explorer.figures.clusters import NAMES_TRACE, hidden_note, shown_names
from explorer.figures.corpus import coloring, corpus_figure
from explorer.figures.corpus_layers import corpus_figure_3d, density_trace, rows_trace
from explorer.figures.corpus_raster import View, checked_view
from explorer.figures.style import clicked_index, with_data_revision
from explorer.links import Param
from explorer.phrases import markdown_escape as say
from explorer.space.projection import Projection
from explorer.ui import messages as msg
from explorer.ui.cache import remember
from explorer.ui.jobs import run_job

CHART_KEY = "corpus_map"
ROW_KEY = "corpus_row"
#: Widgets: the view (2-D or 3-D), the clusters and density toggles.
VIEW_KEY, CLUSTERS_KEY, DENSITY_KEY = "corpus_view", "corpus_clusters", "corpus_density"
#: Session keys: the selection (0-based rows), and what the link carries of it
#: and of the filters.
SELECTION_KEY = "_corpus_selection"
SELECTION_LINK_KEY = "corpus_selection_link"
FILTER_LINK_KEY = "corpus_filter_link"
_FILTER_DRAWN_KEY = "_corpus_filter_drawn"
_SELECTION_DRAWN_KEY = "_corpus_selection_drawn"
#: Session key: the boxes and lassos of the last selection, until the page resolves them
#: against every row (above CORPUS_POINTS_MAX the map draws only a sample as points).
_SHAPES_KEY = "_corpus_selection_shapes"
_ZOOM_KEY = "_corpus_zoom"  # (the map, the view it was zoomed to): above CORPUS_POINTS_MAX
_ZOOM_MAP_KEY = "_corpus_zoom_map"  # the map on screen
CLUSTER_TABLE_KEY = "corpus_clusters_table"
_CLUSTERS_KEY = "_corpus_clusters_shown"  # the clusters on the map shown, by job and map

PARAMS = [
    Param("source", "corpus_source", ("sample", "upload")),
    Param("method", "corpus_method", (*METHODS, corpus_view.FROM_FILE)),
    Param("color", "corpus_color", kind="text", max_chars=200),
    Param("q", "corpus_query", kind="text", max_chars=MAX_PHRASE_CHARS),
    Param("hits", "corpus_hits", kind="int", low=1, high=CORPUS_SEARCH_MAX_HITS),
    Param("row", ROW_KEY, kind="int", low=0, high=CORPUS_MAX_PREPARED_ROWS),
    Param("view", VIEW_KEY, tuple(VIEWS)),
    Param("clusters", CLUSTERS_KEY, kind="bool"),
    Param("density", DENSITY_KEY, kind="bool"),
    Param("filter", FILTER_LINK_KEY, kind="text"),
    Param("sel", SELECTION_LINK_KEY, kind="ints", low=1, high=CORPUS_MAX_PREPARED_ROWS),
]
SHARE_NOTE = (
    "The link carries the map's settings, the search, the filters, the selection and the "
    "clicked row. An uploaded file stays in your browser session: the person you send it "
    "to uploads it too."
)


def view_toggles() -> tuple[str, bool, bool]:
    """The view (2-D or 3-D), and the Show clusters and Density toggles, in one row."""
    left, middle, right = st.columns(3, vertical_alignment="center")
    view = left.radio(
        "View", list(VIEWS), format_func=VIEWS.get, key=VIEW_KEY, horizontal=True,
        persist_state="session", help="3-D: drag to turn it; the 2-D map carries the "
        "distance labels and cluster names.",
    )  # fmt: skip
    clusters = middle.toggle("Show clusters", key=CLUSTERS_KEY, persist_state="session")
    density = right.toggle("Density contours", key=DENSITY_KEY, persist_state="session")
    return view or "2d", clusters, density


def select_from_chart() -> None:
    """Chart callback: a box or lasso selects documents; a click on a point shows its
    nearest neighbours; a double click clears the selection."""
    event = st.session_state.get(CHART_KEY)
    count = CORPUS_MAX_PREPARED_ROWS + 1
    rows = fl.selected_rows(event, count)
    st.session_state.pop(_SHAPES_KEY, None)
    if rows is not None:
        st.session_state[SELECTION_KEY] = rows
        st.session_state[_SHAPES_KEY] = fl.selection_shapes(event)
        return
    row = clicked_index(event, count)
    if row:  # the map's customdata is the 1-based row number
        st.session_state[ROW_KEY] = row
    elif not ((event or {}).get("selection") or {}).get("points"):
        st.session_state[SELECTION_KEY] = []


@dataclass(frozen=True)
class MapZoom:
    """Which map is on screen (its ``uirevision``: a new one starts whole) and the view it
    is zoomed to (``None``: whole)."""

    revision: str
    view: View | None = None


def zoom_from_chart() -> None:
    """Chart callback: a zoom or pan of a map drawn as an image (above ``CORPUS_POINTS_MAX``
    points), or ``None`` for the whole map; a view that is not one is taken as whole."""
    sent = (st.session_state.get(CHART_KEY) or {}).get("view") or {}
    view = checked_view(sent.get("view")) if isinstance(sent, dict) else None
    st.session_state[_ZOOM_KEY] = (st.session_state.get(_ZOOM_MAP_KEY), view)


def map_zoom(key: str, method: str) -> MapZoom:
    """The zoom of the map of corpus ``key`` in ``method``: the view it was zoomed to while
    on screen; another map (another corpus, projection) starts whole."""
    revision = f"corpus-map-{key[:16]}-{method}"
    st.session_state[_ZOOM_MAP_KEY] = revision
    found = st.session_state.get(_ZOOM_KEY)
    return MapZoom(revision, found[1] if found and found[0] == revision else None)


def selection_rows(count: int, *, coords: NDArray | None = None) -> list[int]:
    """The selected rows (0-based) of a corpus of ``count``: the map's, or a link's.

    Above ``CORPUS_POINTS_MAX`` points the map's points are a sample: a new box or lasso
    then selects every row of ``coords`` (the 2-D map drawn) inside it.
    """
    shapes = st.session_state.pop(_SHAPES_KEY, None)
    if shapes and coords is not None and count > CORPUS_POINTS_MAX:
        st.session_state[SELECTION_KEY] = fl.rows_in_shapes(coords, shapes)
    rows = [r for r in st.session_state.get(SELECTION_KEY, []) if r < count]
    linked = st.session_state.get(SELECTION_LINK_KEY)
    if linked is not None and list(linked) != st.session_state.get(_SELECTION_DRAWN_KEY):
        rows, problem = fl.rows_from_link(linked, count)  # the link's, on arrival
        if problem:
            msg.warn(problem, icon="🔗")
    st.session_state[SELECTION_KEY] = rows
    written = fl.link_rows(rows)[0]
    st.session_state[SELECTION_LINK_KEY] = st.session_state[_SELECTION_DRAWN_KEY] = written
    return rows


def filter_panel(corpus: Corpus, key: str) -> tuple[NDArray[np.bool_], list[fl.ColumnFilter]]:
    """The filters (an expander: columns to filter by, then a widget each) and the mask."""
    options, notes = fl.filter_options(corpus)
    by_column = {o.column: o for o in options}
    columns_key = f"corpus_filter_columns_{key}"
    widget = {o.column: f"corpus_filter_{key}_{i}" for i, o in enumerate(options)}
    linked = st.session_state.get(FILTER_LINK_KEY) or ""
    if linked != st.session_state.get(_FILTER_DRAWN_KEY, ""):  # a link's filters
        found, problems = fl.read_filters(linked, options)
        for problem in problems:
            msg.warn(problem, icon="🔗")
        st.session_state[columns_key] = [f.column for f in found]
        for f in found:
            value = list(f.values) if f.values is not None else (f.low, f.high)
            st.session_state[widget[f.column]] = value
    chosen: dict[str, Any] = {}
    count = len(st.session_state.get(columns_key) or [])
    with st.expander(f"Filter by columns ({count} chosen)" if count else "Filter by columns"):
        if not options:
            st.caption("This corpus has no columns to filter by.")
        picked = st.multiselect(
            "Columns to filter by", list(by_column), key=columns_key, placeholder="Choose columns"
        )
        for column in picked:
            option = by_column[column]
            if option.choices is not None:
                chosen[column] = st.multiselect(
                    f"“{column}” is one of", list(option.choices), key=widget[column],
                    placeholder="any value",
                )  # fmt: skip
            else:
                st.session_state.setdefault(widget[column], (option.low, option.high))
                chosen[column] = st.slider(
                    f"“{column}” from … to", option.low, max(option.high, option.low + 1e-9),
                    step=1.0 if option.whole else None, key=widget[column],
                )  # fmt: skip
        for note in notes:
            st.caption(say(note))
    active = fl.active_filters(options, chosen)
    text = fl.filters_text(active)
    st.session_state[FILTER_LINK_KEY] = st.session_state[_FILTER_DRAWN_KEY] = text
    mask = fl.filter_mask(corpus, active)
    if active:
        kept = int(mask.sum())
        what = "; ".join(f.describe() for f in active)
        st.caption(say(f"The filter keeps {kept:,} of {len(corpus):,} documents ({what})."))
    return mask, active


def clusters_shown(
    vectors: NDArray, corpus: Corpus, kept: NDArray[np.bool_], *, key: Hashable, coords: NDArray
) -> Clusters | None:
    """The clusters of the rows ``kept`` (a background job), placed on ``coords``."""
    mask_key = hashlib.sha256(np.packbits(kept).tobytes()).hexdigest()[:16]
    found = run_job(
        ("clusters", key, mask_key),
        lambda: cluster_view.cluster_job(vectors, corpus.texts, kept),
        cancel_label="Cancel clusters",
        what="Finding clusters",
    )
    if found is None:
        return None
    if found.notice:
        st.info(say(found.notice), icon="ℹ️")
    token = (id(found), mask_key, id(coords))
    return remember(_CLUSTERS_KEY, token, lambda: cluster_view.on_map(found, kept, coords))


def cluster_list(found: Clusters, kept: int) -> int | None:
    """The clusters as a table; the row clicked is returned (its points are highlighted)."""
    st.subheader(f"{found.count} clusters" if found.count != 1 else "1 cluster")
    event = st.dataframe(
        cluster_view.cluster_table(found),
        hide_index=True,
        key=CLUSTER_TABLE_KEY,
        on_select="rerun",
        selection_mode="single-row",
    )
    st.caption(say(cluster_view.clusters_caption(found, kept)))
    rows = event.selection.rows if event is not None else []
    return int(rows[0]) if rows and int(rows[0]) < found.count else None


def selection_panel(corpus: Corpus, rows: list[int], kept: NDArray[np.bool_], **columns) -> None:
    """The selected documents (those the filter keeps): count, table, CSV and parquet."""
    inside = [r for r in rows if kept[r]]
    out = len(rows) - len(inside)
    st.subheader(f"{len(inside):,} selected documents")
    if out:
        st.caption(f"{out:,} more selected points are outside the filter and left out.")
    table = fl.rows_table(corpus, inside)
    if len(inside) > CORPUS_TABLE_ROWS:
        st.caption(f"The table lists the first {CORPUS_TABLE_ROWS:,}; the downloads hold all.")
    st.dataframe(table.head(CORPUS_TABLE_ROWS), hide_index=True, key="corpus_selection_table")
    note = fl.link_rows(inside)[1]
    if note:
        msg.caption(note)
    left, right = st.columns(2)
    left.download_button(
        "Download the selection (.csv)", data=lambda: fl.table_csv(table),
        file_name="corpus-selection.csv", mime=CSV_MIME, key="csv_selection", on_click="ignore",
    )  # fmt: skip
    picked = {
        name: value[inside] if isinstance(value, np.ndarray) else value
        for name, value in columns.items()
    }
    right.download_button(
        "Download the selection (.parquet)",
        data=lambda: parquet_bytes(fl.subset(corpus, inside), **picked),
        file_name="corpus-selection.parquet", mime="application/vnd.apache.parquet",
        key="parquet_selection", on_click="ignore",
    )  # fmt: skip


def projection_3d(vectors: NDArray, *, key: Hashable, method: str) -> Projection | None:
    """A 3-D map: PCA at once, UMAP or t-SNE as a background job (PCA for the file's map)."""
    name = "pca" if method == corpus_view.FROM_FILE else method
    if int(vectors.shape[1]) < 3:
        st.info("These vectors have 2 dimensions: there is no 3-D view of them.", icon="🧊")
        return None
    label = METHODS[name]
    return run_job(
        ("project3d", key, name),
        lambda: corpus_view.projection_job(vectors, method=name, n_components=3),
        cancel_label=f"Cancel {label} in 3-D",
        what=f"{label} in 3-D",
        light=name == "pca",
    )


def map_figure(
    corpus: Corpus,
    coords: NDArray,
    axis_titles: tuple[str, ...],
    *,
    color_by: str,
    clusters: Clusters | None,
    kept: NDArray[np.bool_],
    marks: dict,
    marks_2d: dict,
    density: bool,
    selection: list[int],
    cluster: int | None,
    zoom: MapZoom,
) -> tuple[Any, str | None]:
    """The map (2-D, or 3-D for 3 columns of ``coords``) and its colour note; above
    ``CORPUS_POINTS_MAX`` points in 2-D, of the part in ``zoom.view`` where zoomed in."""
    values, column = None, color_by
    if color_by == cluster_view.CLUSTER_COLOR and clusters is not None:
        values, column = cluster_view.cluster_categories(clusters), "cluster"
    elif color_by not in (corpus_view.NO_COLOR, cluster_view.CLUSTER_COLOR):
        values = corpus.extra[color_by]  # a column: coloring factorizes it
    color = coloring(values, column=column) if values is not None else None
    note = color.note if color is not None else None
    filtered = None if kept.all() else kept
    if coords.shape[1] == 3:
        return corpus_figure_3d(
            coords, corpus.texts, color=color, kept=filtered, axis_titles=axis_titles, **marks
        ), note
    layers: list = [density_trace(coords[kept])] if density and kept.any() else []
    view = zoom.view
    if selection:
        layers.append(rows_trace(coords, corpus.texts, selection, name="selected",
                                 color="#e377c2", view=view))  # fmt: skip
    if cluster is not None and clusters is not None:
        rows = cluster_view.cluster_rows(clusters, cluster)
        layers.append(rows_trace(coords, corpus.texts, rows, name=f"cluster {cluster + 1}",
                                 color="#111", view=view))  # fmt: skip
    figure = corpus_figure(
        coords, corpus.texts, color=color, kept=filtered, clusters=clusters, layers=layers,
        view=view, revision=zoom.revision, **marks_2d,
    )  # fmt: skip
    return with_data_revision(figure), note


def figure_notes(figure: Any, clusters: Clusters | None) -> list[str]:
    """What the map says of itself: zoomed in (above ``CORPUS_POINTS_MAX`` points), and
    some cluster names that found no free spot (2-D only)."""
    meta = getattr(figure.layout, "meta", None)
    notes = [meta["zoom_note"]] if isinstance(meta, dict) and meta.get("zoom_note") else []
    names = [t for t in figure.data if t.name == NAMES_TRACE]
    if clusters is not None and names:
        notes.append(hidden_note(clusters, len(shown_names(names[0]))))
    return [note for note in notes if note]
