"""A map as files: one offline HTML page, and every export of a Playground scene.

PNG is the mode bar's camera button (Plotly.js draws the PNG in the browser,
offline); the server makes no PNG, since Plotly's static export (kaleido)
needs a Chrome install.
"""

from __future__ import annotations

import html
import re

import plotly.graph_objects as go

from explorer.documents.writers import (
    CSV_MIME,
    HTML_MIME,
    PROJECTOR_URL,
    ZIP_MIME,
    ExportFile,
    distances_csv,
    points_csv,
    projector_zip,
)
from explorer.figures.playground import scene_figure
from explorer.figures.style import chart_config
from explorer.space.scene import Scene


def figure_html(fig: go.Figure, *, title: str = "Embedding map", file_stem: str = "") -> str:
    """The figure as a standalone HTML page that works offline (plotly.js inlined).

    About 5 MB, most of it plotly.js. The page's ``<title>`` is ``title``,
    escaped; the camera button saves ``<file_stem>.png``.

    Example:
        >>> import plotly.graph_objects as go
        >>> page = figure_html(go.Figure(go.Scatter(x=[1], y=[2])), title="a <b>")
        >>> "<title>a &lt;b&gt;</title>" in page, "cdn.plot.ly/plotly" in page
        (True, False)
    """
    config = chart_config(file_stem=file_stem or "embedding-map", zoom=False)
    page = fig.to_html(
        full_html=True,
        include_plotlyjs=True,
        include_mathjax=False,
        config=config,
        div_id="embedding-map",  # fixed, so the same figure gives the same file
    )
    return page.replace("<head>", f"<head>\n    <title>{html.escape(title)}</title>", 1)


def file_stem(scene: Scene) -> str:
    """A file name stem for a scene's exports, e.g. ``embeddings-minilm-pca``.

    Example:
        >>> import numpy as np
        >>> from explorer.models.imported import ImportedEmbedder
        >>> from explorer.space.scene import build_scene
        >>> plane = ImportedEmbedder(["a", "b"], np.eye(2), name="plane")
        >>> file_stem(build_scene(["a", "b"], model=plane))
        'embeddings-plane'
    """
    parts = ["embeddings", scene.model_name]
    if scene.is_projected:
        parts.append(scene.method)
    stem = re.sub(r"[^A-Za-z0-9._]+", "-", "-".join(parts)).strip("-.")
    return stem[:80] or "embeddings"


def scene_exports(scene: Scene, *, figure: go.Figure | None = None) -> list[ExportFile]:
    """Every export of a scene, each built only when its ``build`` is called.

    HTML map, points CSV, distances CSV and the Embedding Projector zip. In
    Streamlit: ``st.download_button(f.label, data=f.build, file_name=f.file_name,
    mime=f.mime, help=f.help, key=f"export_{f.key}", on_click="ignore")``.

    Args:
        scene: the scene to export.
        figure: the figure as drawn; made with :func:`explorer.figures.playground.scene_figure`
            when not given.

    Example:
        >>> import numpy as np
        >>> from explorer.models.imported import ImportedEmbedder
        >>> from explorer.space.scene import build_scene
        >>> plane = ImportedEmbedder(["a", "b"], np.eye(2), name="plane")
        >>> files = scene_exports(build_scene(["a", "b"], model=plane))
        >>> [f.file_name for f in files]
        ['embeddings-plane.html', 'embeddings-plane-points.csv', \
'embeddings-plane-distances.csv', 'embeddings-plane-projector.zip']
    """
    stem = file_stem(scene)
    space = scene.true_space

    def html_bytes() -> bytes:
        fig = figure if figure is not None else scene_figure(scene)
        title = f"Embedding map: {scene.model_name}, {len(scene.phrases)} phrases"
        return figure_html(fig, title=title, file_stem=stem).encode("utf-8")

    def points_bytes() -> bytes:
        return points_csv(scene.phrases, scene.coords).encode("utf-8")

    def distances_bytes() -> bytes:
        drawn = scene.map_distances if scene.is_projected else None
        text = distances_csv(scene.phrases, scene.true_distances, space=space, map_distances=drawn)
        return text.encode("utf-8")

    def projector_bytes() -> bytes:
        return projector_zip(scene.vectors, scene.phrases)

    return [
        ExportFile(
            "html",
            "Interactive map (HTML)",
            f"{stem}.html",
            HTML_MIME,
            "The map as one web page that works offline: zoom, hover, and the camera for a PNG.",
            html_bytes,
        ),
        ExportFile(
            "points",
            "Points (CSV)",
            f"{stem}-points.csv",
            CSV_MIME,
            "Each phrase with its x and y on this map.",
            points_bytes,
        ),
        ExportFile(
            "distances",
            "Distances (CSV)",
            f"{stem}-distances.csv",
            CSV_MIME,
            f"Every pair's distance ({space}).",
            distances_bytes,
        ),
        ExportFile(
            "projector",
            "Embedding Projector (zip)",
            f"{stem}-projector.zip",
            ZIP_MIME,
            f"vectors.tsv and metadata.tsv, to load at {PROJECTOR_URL}.",
            projector_bytes,
        ),
    ]
