"""Export a map to files, and import vectors computed elsewhere (no Streamlit here).

Export:

* :func:`figure_html`: the figure as one standalone HTML file, plotly.js inlined,
  so it stays interactive offline. PNG is the mode bar's camera button
  (Plotly.js draws the PNG in the browser, offline); the server makes no PNG,
  since Plotly's static export (kaleido) needs a Chrome install.
* :func:`points_csv` and :func:`distances_csv`: phrases with their map
  coordinates, and every pair's distance with the space it was measured in.
* :func:`projector_tsv` / :func:`projector_zip`: the TensorFlow Embedding
  Projector's ``vectors.tsv`` and ``metadata.tsv``. That format has no quoting,
  so tabs and line breaks inside a phrase are written as spaces.
* :func:`scene_exports`: all of these for a :class:`~explorer.scene.Scene`,
  built only when asked for (pass ``ExportFile.build`` to a download button).

Import (:func:`read_uploads` picks the reader from the file names):

* :func:`read_projector`: ``vectors.tsv`` with an optional ``metadata.tsv``,
  read by the Projector's own rules (also from inside the exported zip).
* :func:`read_npy`: a ``.npy`` array (never unpickled) and a phrases file.
* :func:`read_points_csv`: this module's ``points.csv`` (2-D points).

Every reader checks size, shape, numbers and encoding, and raises
``ValueError`` saying what is wrong and what to do. The result, an
:class:`Imported`, gives an :class:`ImportedEmbedder`: a model that returns
the stored vectors, so ``build_scene(phrases, model=imported.embedder())``
explores them without re-embedding.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from explorer.config import IMPORT_MAX_BYTES, IMPORT_MAX_DIM, IMPORT_MAX_ROWS, LABEL_CHARS
from explorer.phrases import clean_phrase, distinct, phrase_key, shorten

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from explorer.scene import Scene

HTML_MIME = "text/html"
CSV_MIME = "text/csv"
TSV_MIME = "text/tab-separated-values"
ZIP_MIME = "application/zip"
NPY_MIME = "application/octet-stream"

HTML_FILE = "embedding-map.html"
POINTS_CSV_FILE = "points.csv"
DISTANCES_CSV_FILE = "distances.csv"
VECTORS_TSV_FILE = "vectors.tsv"
METADATA_TSV_FILE = "metadata.tsv"
PROJECTOR_ZIP_FILE = "embedding-projector.zip"
PROJECTOR_URL = "https://projector.tensorflow.org/"

#: Column of the phrase in metadata.tsv (when it has a header) and points.csv.
PHRASE_COLUMN = "phrase"
#: Header columns an import takes the phrases from, first match wins.
PHRASE_COLUMNS = ("phrase", "text", "label", "sentence", "word", "name")
#: File suffixes :func:`read_uploads` accepts.
IMPORT_SUFFIXES = (".tsv", ".txt", ".npy", ".csv", ".zip")

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so the same export gives the same bytes
_TSV_BREAKS = re.compile(r"[\t\r\n]")
# A spreadsheet runs a cell starting with one of these as a formula; a quote
# in front makes it text. Cells already starting with quotes get one more, so
# reading strips exactly one and the round trip is exact.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_GUARDED = re.compile(r"'+[=+\-@\t\r]")
_NPY_MAGIC = b"\x93NUMPY"
_ZIP_MAGIC = b"PK\x03\x04"


# --- Export -------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFile:
    """One file to offer for download, built only when asked for.

    Attributes:
        key: short id, e.g. ``"html"`` (for a widget key).
        label: what a button says, e.g. ``"Interactive map (HTML)"``.
        file_name: suggested file name.
        mime: MIME type.
        help: one sentence on what the file is for.
        build: makes the file's bytes.
    """

    key: str
    label: str
    file_name: str
    mime: str
    help: str
    build: Callable[[], bytes]


def plotly_config(*, file_stem: str = "embedding-map") -> dict:
    """Plotly config for a chart: the mode bar's camera saves ``<file_stem>.png`` at 2x.

    Pass it to ``st.plotly_chart(fig, config=...)`` or :func:`figure_html`.

    Example:
        >>> plotly_config(file_stem="map")["toImageButtonOptions"]["filename"]
        'map'
    """
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": file_stem, "scale": 2},
    }


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
    config = plotly_config(file_stem=file_stem or "embedding-map")
    page = fig.to_html(
        full_html=True,
        include_plotlyjs=True,
        include_mathjax=False,
        config=config,
        div_id="embedding-map",  # fixed, so the same figure gives the same file
    )
    return page.replace("<head>", f"<head>\n    <title>{html.escape(title)}</title>", 1)


def _guard(text: str) -> str:
    return "'" + text if _FORMULA.match(text) else text


def _unguard(text: str) -> str:
    return text[1:] if _GUARDED.match(text) else text


def _check_phrases(phrases: Sequence[str], rows: int, what: str) -> list[str]:
    if isinstance(phrases, str):
        raise ValueError("Give phrases as a list of strings, e.g. ['a cat', 'a dog'].")
    phrases = list(phrases)
    if len(phrases) != rows:
        raise ValueError(f"Got {len(phrases)} phrases but {rows} rows of {what}; give one each.")
    return phrases


def _finite_matrix(values: NDArray, what: str, *, columns: int | None = None) -> NDArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 2 or (columns is not None and array.shape[1] != columns):
        want = f"(phrases, {columns})" if columns else "(phrases, dimensions)"
        raise ValueError(f"Expected {what} of shape {want}, got shape {array.shape}.")
    if not np.isfinite(array).all():
        raise ValueError(f"The {what} contain NaN or infinite values; they cannot be exported.")
    return array


def _csv_text(rows: list[list[object]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def points_csv(phrases: Sequence[str], coords: NDArray, *, guard_formulas: bool = True) -> str:
    """A CSV of phrases and their 2-D map coordinates: columns ``phrase, x, y``.

    Written with the ``csv`` module, so commas, quotes and line breaks in a
    phrase are quoted. Numbers are written in full (they read back exactly).

    Args:
        phrases: the phrases, in order.
        coords: ``(n, 2)`` coordinates.
        guard_formulas: put a ``'`` before a phrase starting with ``= + - @``
            (or with quotes then one of these), so a spreadsheet shows it as
            text instead of running it; :func:`read_points_csv` takes it off.

    Example:
        >>> print(points_csv(["a, b", "=1+1"], [[0.5, 1], [-1, 0]]), end="")
        phrase,x,y
        "a, b",0.5,1.0
        '=1+1,-1.0,0.0
    """
    array = _finite_matrix(coords, "coordinates", columns=2)
    phrases = _check_phrases(phrases, len(array), "coordinates")
    rows: list[list[object]] = [[PHRASE_COLUMN, "x", "y"]]
    for phrase, (x, y) in zip(phrases, array.tolist(), strict=True):
        rows.append([_guard(phrase) if guard_formulas else phrase, x, y])
    return _csv_text(rows)


def distances_csv(
    phrases: Sequence[str],
    true_distances: NDArray,
    *,
    space: str,
    map_distances: NDArray | None = None,
    guard_formulas: bool = True,
) -> str:
    """A CSV of every pair's distance, one row per pair, in input order.

    Columns: ``phrase_a, phrase_b, distance, measured_in`` (``measured_in``
    says where, e.g. "cosine distance in all 384 dimensions"), plus
    ``distance_drawn_2d`` (Euclidean, between the points as drawn) when
    ``map_distances`` is given.

    Example:
        >>> print(distances_csv(["a", "b"], [[0, 2.5], [2.5, 0]], space="on the plane"), end="")
        phrase_a,phrase_b,distance,measured_in
        a,b,2.5,on the plane
    """
    matrix = _finite_matrix(true_distances, "distances")
    n = len(matrix)
    if matrix.shape != (n, n):
        raise ValueError(f"Expected an (n, n) distance matrix, got shape {matrix.shape}.")
    phrases = _check_phrases(phrases, n, "distances")
    drawn = None
    if map_distances is not None:
        drawn = _finite_matrix(map_distances, "distances as drawn")
        if drawn.shape != matrix.shape:
            raise ValueError(
                f"Distances as drawn have shape {drawn.shape}, true distances {matrix.shape}."
            )
    header = ["phrase_a", "phrase_b", "distance", "measured_in"]
    rows: list[list[object]] = [header + (["distance_drawn_2d"] if drawn is not None else [])]
    cells = [_guard(p) if guard_formulas else p for p in phrases]
    for i in range(n):
        for j in range(i + 1, n):
            row: list[object] = [cells[i], cells[j], float(matrix[i, j]), space]
            if drawn is not None:
                row.append(float(drawn[i, j]))
            rows.append(row)
    return _csv_text(rows)


def projector_cell(text: str) -> str:
    """Text as one Projector TSV cell: tabs and line breaks become spaces.

    The format has no quoting: a tab would split the cell, a line break the row.

    Example:
        >>> projector_cell("two\\tcolumns\\r\\nand lines")
        'two columns  and lines'
    """
    return _TSV_BREAKS.sub(" ", str(text))


def projector_tsv(
    vectors: NDArray,
    phrases: Sequence[str],
    *,
    extra_columns: Mapping[str, Sequence[object]] | None = None,
) -> tuple[str, str]:
    """The Embedding Projector's two files: ``(vectors.tsv, metadata.tsv)``.

    ``vectors.tsv``: one vector per line, values tab-separated, no header;
    9 significant digits, so float32 values read back exactly.
    ``metadata.tsv``: the phrases, one per line, no header; with
    ``extra_columns`` (name -> one value per phrase) a header row
    ``phrase<TAB>name...`` comes first, as the Projector expects when there is
    more than one column. Tabs and line breaks in cells become spaces.

    Raises:
        ValueError: counts differ, fewer than 2 dimensions (the Projector needs
            2), NaN or infinite values, or a blank phrase (the Projector skips
            blank lines, which would misalign the rows).

    Example:
        >>> vectors, metadata = projector_tsv([[0.5, -1.0], [0.25, 2.0]], ["a\\tb", "c"])
        >>> vectors.split("\\n")
        ['0.5\\t-1', '0.25\\t2', '']
        >>> metadata.split("\\n")
        ['a b', 'c', '']
    """
    array = _finite_matrix(vectors, "vectors")
    phrases = _check_phrases(phrases, len(array), "vectors")
    if array.shape[0] == 0:
        raise ValueError("No vectors to export; give at least one phrase.")
    if array.shape[1] < 2:
        raise ValueError(
            f"The Embedding Projector needs vectors of at least 2 dimensions, got {array.shape[1]}."
        )
    cells = [projector_cell(p) for p in phrases]
    for i, cell in enumerate(cells):
        if not clean_phrase(cell):
            raise ValueError(
                f"Phrase {i + 1} is blank; the Projector skips blank lines, which would "
                "pair vectors with the wrong phrases. Remove it before exporting."
            )
    single = _to_float32(array, "The vectors")
    vector_lines = ["\t".join(f"{v:.9g}" for v in row) for row in single]
    columns = {name: list(values) for name, values in (extra_columns or {}).items()}
    if not columns:
        return "\n".join(vector_lines) + "\n", "\n".join(cells) + "\n"
    header = [PHRASE_COLUMN]
    for name, values in columns.items():
        title = projector_cell(name).strip()
        if not title or title in header:
            raise ValueError(
                f"Metadata column {name!r} needs a name that is not blank and not repeated "
                f"(taken: {', '.join(header)})."
            )
        if len(values) != len(cells):
            raise ValueError(
                f"Metadata column {title!r} has {len(values)} values, for {len(cells)} phrases."
            )
        header.append(title)
    rows = ["\t".join(header)]
    for cell, *values in zip(cells, *columns.values(), strict=True):
        rows.append("\t".join([cell, *(projector_cell(v) for v in values)]))
    return "\n".join(vector_lines) + "\n", "\n".join(rows) + "\n"


_PROJECTOR_README = f"""Open these points in the TensorFlow Embedding Projector
==========================================================

1. Go to {PROJECTOR_URL}
2. Click "Load" (left panel).
3. Step 1, "Load a TSV file of vectors": choose {VECTORS_TSV_FILE}.
4. Step 2, "Load a TSV file of metadata": choose {METADATA_TSV_FILE}.

{VECTORS_TSV_FILE}: one vector per line, values separated by tabs, no header.
{METADATA_TSV_FILE}: the phrase of each vector, one per line, in the same order
(a header row only when there is more than one column). The format has no
quoting, so tabs and line breaks inside a phrase were written as spaces.

Made by Embedding Explorer; its import reads this zip back.
"""


def _zip(files: Mapping[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            data = content.encode("utf-8") if isinstance(content, str) else content
            archive.writestr(info, data)
    return out.getvalue()


def projector_zip(
    vectors: NDArray,
    phrases: Sequence[str],
    *,
    extra_columns: Mapping[str, Sequence[object]] | None = None,
) -> bytes:
    """A zip of ``vectors.tsv``, ``metadata.tsv`` and a README saying how to load them.

    The same input gives the same bytes (fixed file dates).

    Example:
        >>> data = projector_zip([[1.0, 0.0], [0.0, 1.0]], ["cat", "dog"])
        >>> sorted(zipfile.ZipFile(io.BytesIO(data)).namelist())
        ['README.txt', 'metadata.tsv', 'vectors.tsv']
    """
    vectors_tsv, metadata_tsv = projector_tsv(vectors, phrases, extra_columns=extra_columns)
    return _zip(
        {
            VECTORS_TSV_FILE: vectors_tsv,
            METADATA_TSV_FILE: metadata_tsv,
            "README.txt": _PROJECTOR_README,
        }
    )


def file_stem(scene: Scene) -> str:
    """A file name stem for a scene's exports, e.g. ``embeddings-minilm-pca``.

    Example:
        >>> from explorer.scene import build_scene
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
        figure: the figure as drawn; made with :func:`explorer.figures.scene_figure`
            when not given.

    Example:
        >>> from explorer.scene import build_scene
        >>> plane = ImportedEmbedder(["a", "b"], np.eye(2), name="plane")
        >>> files = scene_exports(build_scene(["a", "b"], model=plane))
        >>> [f.file_name for f in files]
        ['embeddings-plane.html', 'embeddings-plane-points.csv', \
'embeddings-plane-distances.csv', 'embeddings-plane-projector.zip']
    """
    stem = file_stem(scene)
    space = scene.true_space

    def html_bytes() -> bytes:
        from explorer.figures import scene_figure

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


# --- Import -------------------------------------------------------------------


class ImportedEmbedder:
    """A model made of stored vectors: ``encode`` looks phrases up, never embeds.

    Satisfies :class:`explorer.models.Embedder`, so it can be passed to
    :func:`explorer.scene.build_scene` as ``model``. Phrases are matched as
    :func:`explorer.phrases.parse_phrases` gives them (surrounding blanks
    removed, Unicode NFC).

    Example:
        >>> model = ImportedEmbedder(["cat", "dog"], np.array([[1, 0], [0, 1]]))
        >>> model.encode([" dog "]).tolist(), model.dim
        ([[0.0, 1.0]], 2)
    """

    axis_titles: tuple[str, str] | None = None

    def __init__(self, phrases: Sequence[str], vectors: NDArray, *, name: str = "imported") -> None:
        array = np.asarray(vectors, dtype=np.float32)
        if array.ndim != 2 or array.shape[0] != len(phrases):
            raise ValueError(
                f"Expected one vector per phrase: {len(phrases)} phrases, "
                f"vectors of shape {array.shape}."
            )
        self.name = name
        self.dim = int(array.shape[1])
        self.phrases = list(phrases)
        self._vectors = array
        self._index: dict[str, int] = {}
        for i, phrase in enumerate(self.phrases):
            self._index.setdefault(phrase_key(phrase), i)

    def __contains__(self, phrase: object) -> bool:
        return isinstance(phrase, str) and phrase_key(phrase) in self._index

    def encode(self, phrases: list[str]) -> NDArray[np.float32]:
        """The stored vectors of ``phrases``, shape ``(len(phrases), dim)``.

        Raises:
            ValueError: a phrase is not in the imported file.
        """
        missing = [p for p in phrases if p not in self]
        if missing:
            shown = ", ".join(f"“{shorten(p, LABEL_CHARS)}”" for p in missing[:3])
            more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
            plural = "s are" if len(missing) > 1 else " is"
            raise ValueError(
                f"{len(missing)} phrase{plural} not in the imported vectors ({self.name}): "
                f"{shown}{more}. Imported vectors cover only their own phrases; remove "
                "the others, or choose a model to embed them."
            )
        rows = [self._index[phrase_key(p)] for p in phrases]
        return self._vectors[rows].copy().reshape(len(rows), self.dim)


@dataclass(frozen=True)
class Imported:
    """Phrases and their vectors read from files.

    Attributes:
        phrases: distinct, non-blank phrases, one line each, in file order.
        vectors: ``(n, dim)`` float32, row ``i`` belongs to ``phrases[i]``.
        notes: sentences for the user: what was skipped, merged or assumed.
        columns: other metadata columns, name -> one value per phrase.
        source: the file names read, for messages and the model's name.
    """

    phrases: list[str]
    vectors: NDArray[np.float32]
    notes: list[str] = field(default_factory=list)
    columns: dict[str, list[str]] = field(default_factory=dict)
    source: str = "imported"

    @property
    def dim(self) -> int:
        """Dimensions of each vector."""
        return int(self.vectors.shape[1])

    def embedder(self, *, name: str | None = None) -> ImportedEmbedder:
        """A model that gives these vectors for these phrases (for ``build_scene``)."""
        return ImportedEmbedder(self.phrases, self.vectors, name=name or f"imported: {self.source}")


def _size(count: int) -> str:
    if count >= 2**20:
        return f"{count / 2**20:.1f} MB"
    return f"{count / 2**10:.1f} KB" if count >= 2**10 else f"{count} bytes"


class _Configured:
    """The default of a reader's limits: the module's constant, read when the reader runs."""

    def __repr__(self) -> str:
        return "CONFIGURED"


#: ``max_rows=CONFIGURED`` means ``IMPORT_MAX_ROWS``, ``max_bytes=CONFIGURED`` ``IMPORT_MAX_BYTES``.
CONFIGURED = _Configured()


def _limits(
    max_rows: int | None | _Configured, max_bytes: int | _Configured
) -> tuple[int | None, int]:
    rows = IMPORT_MAX_ROWS if isinstance(max_rows, _Configured) else max_rows
    size = IMPORT_MAX_BYTES if isinstance(max_bytes, _Configured) else max_bytes
    return rows, size


def _check_size(size: int, what: str, max_bytes: int, max_rows: int | None) -> None:
    if size > max_bytes:
        fewer = f" (at most {max_rows:,})" if max_rows is not None else ""
        raise ValueError(
            f"{what} is {_size(size)}; the limit is {_size(max_bytes)}. Export fewer rows{fewer}."
        )


def _decode(data: bytes | str, what: str, max_bytes: int, max_rows: int | None) -> str:
    if isinstance(data, str):
        _check_size(len(data), what, max_bytes, max_rows)
        text = data.removeprefix("\ufeff")
    else:
        data = bytes(data)
        _check_size(len(data), what, max_bytes, max_rows)
        if data.startswith((_NPY_MAGIC, _ZIP_MAGIC)) or b"\x00" in data[:4096]:
            raise ValueError(
                f"{what} is a binary file, not text; give a .tsv, .txt or .csv "
                "(a .npy goes with a phrases file, a .zip is read as a whole)."
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValueError(
                f"{what} is not UTF-8 text (byte 0x{data[error.start]:02x} at position "
                f"{error.start:,}); save it as UTF-8 and upload it again."
            ) from None
    if not text.strip():
        raise ValueError(f"{what} is empty.")
    return text


def _lines(text: str) -> list[tuple[int, str]]:
    # The Projector splits on "\n" and skips blank lines; "\r" of Windows files goes too.
    lines = [(n, line.removesuffix("\r")) for n, line in enumerate(text.split("\n"), start=1)]
    return [(n, line) for n, line in lines if line.strip()]


def _check_rows(count: int, what: str, max_rows: int | None) -> None:
    if max_rows is not None and count > max_rows:
        raise ValueError(
            f"{what} has {count:,} rows; the limit is {max_rows:,}. "
            "Keep the first ones and import again."
        )


def _check_shape(rows: int, dim: int, what: str, max_rows: int | None) -> None:
    if rows == 0:
        raise ValueError(f"{what} holds no vectors.")
    _check_rows(rows, what, max_rows)
    if dim < 2:
        raise ValueError(
            f"{what} has vectors of {dim} dimension{'s' if dim != 1 else ''}; "
            "at least 2 are needed."
        )
    if dim > IMPORT_MAX_DIM:
        raise ValueError(f"{what} has {dim:,} dimensions; the limit is {IMPORT_MAX_DIM:,}.")


def _finite_rows(array: NDArray, what: str, line_numbers: Sequence[int] | None = None) -> None:
    bad = np.argwhere(~np.isfinite(array))
    if len(bad):
        row, column = (int(v) for v in bad[0])
        where = f"line {line_numbers[row]}" if line_numbers else f"row {row + 1}"
        raise ValueError(
            f"{what} has NaN or infinite values ({len(bad):,} of them, first at {where}, "
            f"value {column + 1}: {array[row, column]}); every value must be a finite number."
        )


def _numbers(fields: list[str], where: str, what: str, *, tsv: bool = True) -> list[float]:
    """Parse one row of numbers; raise naming the first value that is not one."""
    try:
        return [float(text) for text in fields]
    except ValueError:
        pass
    column, text = next((k, t) for k, t in enumerate(fields, start=1) if not _is_number(t))
    shown = shorten(text, LABEL_CHARS) if text.strip() else "an empty value"
    hint = ""
    if tsv and ("," in text or ";" in text):
        hint = " Values must be separated by tabs, not commas or semicolons."
    elif tsv and column == 1 and len(fields) > 1:
        hint = (
            f" If the first column holds labels, move them to {METADATA_TSV_FILE}: "
            f"{VECTORS_TSV_FILE} holds numbers only, with no header."
        )
    raise ValueError(f"{what}, {where}, value {column}: {shown!r} is not a number.{hint}")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _read_vectors_tsv(text: str, what: str, max_rows: int | None) -> NDArray[np.float32]:
    lines = _lines(text)
    _check_rows(len(lines), what, max_rows)
    rows: list[list[float]] = []
    dim = 0
    for number, line in lines:
        fields = line.strip().split("\t")
        if not dim:
            dim = len(fields)
            if dim == 1 and not _is_number(fields[0]):
                _numbers(fields, f"line {number}", what)  # says "not a number", with a hint
            _check_shape(len(lines), dim, what, max_rows)
        elif len(fields) != dim:
            raise ValueError(
                f"{what}, line {number} has {len(fields)} values but the first line has "
                f"{dim}; every vector needs the same number of tab-separated values."
            )
        rows.append(_numbers(fields, f"line {number}", what))
    array = np.asarray(rows, dtype=np.float64)
    _finite_rows(array, what, [n for n, _ in lines])
    return _to_float32(array, what)


def _to_float32(array: NDArray, what: str) -> NDArray[np.float32]:
    with np.errstate(over="ignore"):
        result = array.astype(np.float32)
    if not np.isfinite(result).all():
        raise ValueError(f"{what}: some values are too large for float32 (beyond ±3.4e38).")
    return result


@dataclass
class _Metadata:
    phrases: list[str]
    columns: dict[str, list[str]]
    header: bool
    phrase_column: str | None


def _read_metadata(text: str, what: str, max_rows: int | None) -> _Metadata:
    lines = _lines(text)
    # The Projector's rule: a tab in the first line makes it a header row.
    if "\t" not in lines[0][1]:
        _check_rows(len(lines), what, max_rows)
        return _Metadata([line for _, line in lines], {}, header=False, phrase_column=None)
    names = [name.strip() for name in lines[0][1].split("\t")]
    if any(not name for name in names) or len(set(names)) != len(names):
        raise ValueError(
            f"{what}: the first line has a tab, so it is the header row (the Projector's "
            f"rule), but its column names are blank or repeated: {names!r}. A single-column "
            "file must have no tabs; a file with several columns needs distinct names."
        )
    rows = lines[1:]
    _check_rows(len(rows), what, max_rows)
    values: list[list[str]] = [[] for _ in names]
    for number, line in rows:
        fields = line.split("\t")
        if len(fields) > len(names):
            raise ValueError(
                f"{what}, line {number} has {len(fields)} tab-separated fields but the header "
                f"has {len(names)}. The format has no quoting: replace tabs inside phrases "
                "with spaces."
            )
        fields += [""] * (len(names) - len(fields))  # the Projector reads missing as empty
        for column, value in zip(values, fields, strict=True):
            column.append(value)
    lowered = [name.lower() for name in names]
    pick = next((lowered.index(c) for c in PHRASE_COLUMNS if c in lowered), 0)
    columns = {name: column for k, (name, column) in enumerate(zip(names, values)) if k != pick}
    return _Metadata(values[pick], columns, header=True, phrase_column=names[pick])


def _assemble(
    phrases: list[str],
    vectors: NDArray[np.float32],
    columns: dict[str, list[str]],
    notes: list[str],
    source: str,
) -> Imported:
    """Clean phrases as the phrase box would, skip blank ones, merge duplicates."""
    flat = [" ".join(raw.splitlines()) for raw in phrases]
    broken = sum(line != raw for line, raw in zip(flat, phrases, strict=True))
    chosen = distinct(flat)
    kept = chosen.kept
    clean = [clean_phrase(flat[i]) for i in kept]
    blank = [i + 1 for i in chosen.blank]
    duplicates = [clean_phrase(flat[i]) for i in chosen.duplicates]
    if broken:
        notes.append(
            f"{broken} phrase{'s' if broken > 1 else ''} had line breaks, now spaces "
            "(phrases are one per line here)."
        )
    if blank:
        shown = ", ".join(str(i) for i in blank[:5]) + ("…" if len(blank) > 5 else "")
        notes.append(
            f"Skipped {len(blank)} row{'s' if len(blank) > 1 else ''} with a blank phrase "
            f"(row {shown}) and {'their vectors' if len(blank) > 1 else 'its vector'}."
        )
    if duplicates:
        shown = ", ".join(f"“{shorten(p, LABEL_CHARS)}”" for p in dict.fromkeys(duplicates))
        notes.append(
            f"Merged {len(duplicates)} duplicate phrase{'s' if len(duplicates) > 1 else ''}, "
            f"keeping the first vector of each: {shown}."
        )
    if not kept:
        raise ValueError(f"{source}: every phrase is blank; nothing to import.")
    kept_vectors = np.ascontiguousarray(vectors[kept], dtype=np.float32)
    zero = np.flatnonzero(~kept_vectors.any(axis=1))
    if len(zero):
        notes.append(
            f"{len(zero)} vector{'s are' if len(zero) > 1 else ' is'} all zeros "
            f"(“{shorten(clean[int(zero[0])], LABEL_CHARS)}”): cosine distance is undefined "
            "for them; use Euclidean."
        )
    kept_columns = {name: [values[i] for i in kept] for name, values in columns.items()}
    return Imported(clean, kept_vectors, notes, kept_columns, source)


def _mismatch(vector_count: int, meta: _Metadata, vectors_what: str, meta_what: str) -> ValueError:
    phrase_count = len(meta.phrases)
    message = (
        f"{vectors_what} has {vector_count:,} vectors but {meta_what} has {phrase_count:,} "
        "phrases; each vector needs one phrase, in the same order (blank lines skipped)."
    )
    if meta.header and phrase_count == vector_count - 1:
        message += (
            f" The first line of {meta_what} has a tab, so it was read as a header row (the "
            "Projector's rule): remove the tabs from a single-column file."
        )
    elif not meta.header and phrase_count == vector_count + 1:
        message += (
            f" If the first line of {meta_what} is a column title, remove it: a single-column "
            "metadata file has no header."
        )
    return ValueError(message)


def _numbered(count: int, notes: list[str], what: str) -> list[str]:
    notes.append(
        f"No phrases file was given with {what}: points are named “point 1” to “point {count}”."
    )
    return [f"point {i + 1}" for i in range(count)]


def read_projector(
    vectors_tsv: bytes | str,
    metadata_tsv: bytes | str | None = None,
    *,
    vectors_name: str = VECTORS_TSV_FILE,
    metadata_name: str = METADATA_TSV_FILE,
    max_rows: int | None | _Configured = CONFIGURED,
    max_bytes: int | _Configured = CONFIGURED,
) -> Imported:
    """Read the Embedding Projector's ``vectors.tsv`` and ``metadata.tsv``.

    The Projector's rules: lines split on ``\\n`` (a trailing ``\\r`` is
    dropped), blank lines skipped; vectors are tab-separated numbers without a
    header; metadata has a header row exactly when its first line has a tab,
    and the phrases come from its ``phrase``/``text``/``label`` column (else
    the first). Without metadata, points are named “point 1”, “point 2”...

    Args:
        max_rows, max_bytes: the most rows and bytes (each file) read; more is
            refused. By default ``IMPORT_MAX_ROWS`` and ``IMPORT_MAX_BYTES`` (the
            Playground's limits); ``max_rows=None`` takes any number of rows.

    Raises:
        ValueError: empty or binary files, not UTF-8, ragged or non-numeric
            rows, NaN or infinity, fewer than 2 dimensions, too many rows or
            bytes, or vector and phrase counts that differ.

    Example:
        >>> found = read_projector("1\\t0\\n0\\t1\\n", "cat\\ndog\\n")
        >>> found.phrases, found.vectors.tolist()
        (['cat', 'dog'], [[1.0, 0.0], [0.0, 1.0]])
    """
    max_rows, max_bytes = _limits(max_rows, max_bytes)
    vectors = _read_vectors_tsv(
        _decode(vectors_tsv, vectors_name, max_bytes, max_rows), vectors_name, max_rows
    )
    notes: list[str] = []
    if metadata_tsv is None:
        phrases = _numbered(len(vectors), notes, vectors_name)
        return _assemble(phrases, vectors, {}, notes, vectors_name)
    meta = _read_metadata(
        _decode(metadata_tsv, metadata_name, max_bytes, max_rows), metadata_name, max_rows
    )
    if len(meta.phrases) != len(vectors):
        raise _mismatch(len(vectors), meta, vectors_name, metadata_name)
    if meta.phrase_column and meta.columns:
        notes.append(f"Phrases are from the column “{meta.phrase_column}” of {metadata_name}.")
    return _assemble(meta.phrases, vectors, meta.columns, notes, f"{vectors_name}, {metadata_name}")


def _npy_header(data: bytes) -> tuple[tuple[int, ...], np.dtype, int]:
    stream = io.BytesIO(data)
    try:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(stream)
        else:  # 2.0 and 3.0 share the layout; 3.0 differs only in non-ASCII field names
            shape, _, dtype = np.lib.format.read_array_header_2_0(stream)
    except (ValueError, OSError, EOFError, SyntaxError) as error:
        raise ValueError(
            f"The .npy file's header cannot be read ({error}); save the array with numpy.save."
        ) from None
    return tuple(int(s) for s in shape), np.dtype(dtype), stream.tell()


def read_npy(
    npy_bytes: bytes,
    phrases_text: bytes | str | None = None,
    *,
    npy_name: str = "vectors.npy",
    phrases_name: str = "the phrases file",
    max_rows: int | None | _Configured = CONFIGURED,
    max_bytes: int | _Configured = CONFIGURED,
) -> Imported:
    """Read a ``.npy`` array of vectors and a phrases file (one phrase per line).

    The array is loaded with ``allow_pickle=False``: an array of Python
    objects is refused (unpickling can run code). Its header is checked
    before anything is loaded, so a hostile shape allocates nothing. The
    phrases file is read like ``metadata.tsv``. ``max_rows`` and ``max_bytes``
    work as in :func:`read_projector`.

    Raises:
        ValueError: not a .npy (or a .npz), object/text/complex values, not
            2-D, NaN or infinity, too large, or counts that differ.

    Example:
        >>> buffer = io.BytesIO()
        >>> np.save(buffer, np.array([[1, 2], [3, 4]], dtype=np.float32))
        >>> read_npy(buffer.getvalue(), "cat\\ndog").phrases
        ['cat', 'dog']
    """
    max_rows, max_bytes = _limits(max_rows, max_bytes)
    what = npy_name
    data = bytes(npy_bytes)
    _check_size(len(data), what, max_bytes, max_rows)
    if not data:
        raise ValueError(f"{what} is empty.")
    if data.startswith(_ZIP_MAGIC):
        raise ValueError(
            f"{what} is an .npz archive (or another zip); give one array saved with "
            "numpy.save(path, vectors)."
        )
    if not data.startswith(_NPY_MAGIC):
        raise ValueError(
            f"{what} is not a .npy file (it lacks the .npy signature); save the array with "
            "numpy.save(path, vectors)."
        )
    shape, dtype, offset = _npy_header(data)
    if dtype.hasobject:
        raise ValueError(
            f"{what} holds Python objects, which only unpickling can read, and unpickling "
            "can run code, so it is refused (loaded with allow_pickle=False). Save a numeric "
            "array: numpy.save(path, vectors.astype('float32'))."
        )
    if dtype.kind not in "fiub":
        raise ValueError(
            f"{what} holds {dtype} values; vectors must be real numbers (float or int)."
        )
    if len(shape) != 2:
        hint = f" Reshape it to (1, {shape[0]}) for one vector." if len(shape) == 1 else ""
        raise ValueError(
            f"{what} is a {len(shape)}-D array of shape {shape}; expected 2-D "
            f"(vectors, dimensions).{hint}"
        )
    _check_shape(shape[0], shape[1], what, max_rows)
    if offset + shape[0] * shape[1] * dtype.itemsize > len(data):
        raise ValueError(f"{what} is cut short: its header promises more values than it holds.")
    try:
        array = np.load(io.BytesIO(data), allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        raise ValueError(f"{what} cannot be read ({error}).") from None
    array = np.asarray(array, dtype=np.float64)
    _finite_rows(array, what)
    vectors = _to_float32(array, what)
    notes: list[str] = []
    if phrases_text is None:
        return _assemble(_numbered(len(vectors), notes, what), vectors, {}, notes, what)
    meta = _read_metadata(
        _decode(phrases_text, phrases_name, max_bytes, max_rows), phrases_name, max_rows
    )
    if len(meta.phrases) != len(vectors):
        raise _mismatch(len(vectors), meta, what, phrases_name)
    return _assemble(meta.phrases, vectors, meta.columns, notes, f"{what}, {phrases_name}")


def read_points_csv(
    data: bytes | str,
    *,
    source: str = POINTS_CSV_FILE,
    max_rows: int | None | _Configured = CONFIGURED,
    max_bytes: int | _Configured = CONFIGURED,
) -> Imported:
    """Read a ``points.csv`` (columns ``phrase, x, y``) back as 2-D vectors.

    The points come back exactly where they were: a 2-D model is drawn as is.
    Commas or semicolons separate the columns; quoted cells may hold commas,
    quotes and line breaks; the ``'`` put before formula-like phrases on export
    is taken off. Other columns are kept in :attr:`Imported.columns`.
    ``max_rows`` and ``max_bytes`` work as in :func:`read_projector`.

    Example:
        >>> read_points_csv("phrase,x,y\\n'=1+1,0.5,2\\n").phrases
        ['=1+1']
    """
    max_rows, max_bytes = _limits(max_rows, max_bytes)
    what = source
    text = _decode(data, what, max_bytes, max_rows)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        table = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as error:
        raise ValueError(f"{what} is not valid CSV ({error}).") from None
    table = [row for row in table if any(cell.strip() for cell in row)]
    titles = [cell.strip() for cell in table[0]] if table else []
    names = [title.lower() for title in titles]
    if not {PHRASE_COLUMN, "x", "y"} <= set(names) or len(set(names)) != len(names):
        raise ValueError(
            f"{what} needs a header row with the columns phrase, x and y, each once "
            f"(found: {', '.join(repr(t) for t in titles) or 'nothing'})."
        )
    rows = table[1:]
    _check_rows(len(rows), what, max_rows)
    if not rows:
        raise ValueError(f"{what} has a header but no rows.")
    at = {name: k for k, name in enumerate(names)}
    phrases: list[str] = []
    coords: list[list[float]] = []
    extra = {
        titles[k] or f"column {k + 1}": k
        for k, name in enumerate(names)
        if name not in (PHRASE_COLUMN, "x", "y")
    }
    columns: dict[str, list[str]] = {title: [] for title in extra}
    for number, row in enumerate(rows, start=2):
        if len(row) != len(names):
            raise ValueError(
                f"{what}, row {number} has {len(row)} cells but the header has {len(names)}; "
                "quote cells that contain commas."
            )
        phrases.append(_unguard(row[at[PHRASE_COLUMN]]))
        coords.append(_numbers([row[at["x"]], row[at["y"]]], f"row {number}", what, tsv=False))
        for title, k in extra.items():
            columns[title].append(_unguard(row[k]))
    array = np.asarray(coords, dtype=np.float64)
    _finite_rows(array, what)
    return _assemble(phrases, _to_float32(array, what), columns, [], source)


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _looks_numeric(data: bytes | str) -> bool:
    head = data[:2048] if isinstance(data, str) else data[:2048].decode("utf-8", "ignore")
    first = next((line for line in head.split("\n") if line.strip()), "")
    try:
        [float(v) for v in first.strip().split("\t")]
    except ValueError:
        return False
    return True


def _unzip(name: str, data: bytes, max_bytes: int, max_rows: int | None) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ValueError(f"{name} is not a readable zip file.") from None
    with archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and not info.filename.startswith("__MACOSX/")
            and not info.filename.rsplit("/", 1)[-1].startswith(".")
            and _suffix(info.filename) in IMPORT_SUFFIXES
            and _suffix(info.filename) != ".zip"
            and info.filename.rsplit("/", 1)[-1].lower() != "readme.txt"
        ]
        total = sum(info.file_size for info in members)
        _check_size(total, f"{name} unpacked", max_bytes, max_rows)
        files: dict[str, bytes] = {}
        budget = max_bytes
        for info in members:
            with archive.open(info) as member:
                content = member.read(budget + 1)  # sizes in a zip header can lie
            budget -= len(content)
            _check_size(max_bytes - budget, f"{name} unpacked", max_bytes, max_rows)
            files[info.filename.rsplit("/", 1)[-1]] = content
    if not files:
        raise ValueError(
            f"{name} holds no {', '.join(s for s in IMPORT_SUFFIXES if s != '.zip')} file."
        )
    return files


def read_uploads(
    files: Mapping[str, bytes],
    *,
    max_rows: int | None | _Configured = CONFIGURED,
    max_bytes: int | _Configured = CONFIGURED,
) -> Imported:
    """Read uploaded files, choosing the reader from their names.

    Accepted: ``vectors.tsv`` with or without ``metadata.tsv`` (a name with
    "meta" in it is the metadata; otherwise the all-number file is the
    vectors); a ``.npy`` with or without a phrases file (``.txt`` or ``.tsv``);
    a ``points.csv``; or a ``.zip`` of any of these (this app's Projector export).
    ``max_rows`` and ``max_bytes`` (all files together, a zip unpacked) work as
    in :func:`read_projector`.

    Example:
        >>> read_uploads({"v.tsv": b"1\\t2\\n", "labels.txt": b"cat\\n"}).phrases
        ['cat']
    """
    if not files:
        raise ValueError("No file given; upload vectors.tsv (and metadata.tsv), or a .npy.")
    max_rows, max_bytes = _limits(max_rows, max_bytes)
    _check_size(sum(len(data) for data in files.values()), "The upload", max_bytes, max_rows)
    limits = {"max_rows": max_rows, "max_bytes": max_bytes}
    by_suffix: dict[str, list[str]] = {}
    for name in files:
        suffix = _suffix(name)
        if suffix not in IMPORT_SUFFIXES:
            raise ValueError(
                f"Cannot import {name!r}: accepted files are {', '.join(IMPORT_SUFFIXES)}."
            )
        by_suffix.setdefault(suffix, []).append(name)
    names = sorted(files)
    if ".zip" in by_suffix:
        if len(files) > 1:
            raise ValueError("Upload a .zip on its own: its contents are read as a whole.")
        return read_uploads(_unzip(names[0], files[names[0]], max_bytes, max_rows), **limits)
    if ".csv" in by_suffix:
        if len(files) > 1:
            raise ValueError("Upload a points .csv on its own (columns phrase, x, y).")
        return read_points_csv(files[names[0]], source=names[0], **limits)
    texts = [n for n in names if _suffix(n) in (".tsv", ".txt")]
    if ".npy" in by_suffix:
        npys = by_suffix[".npy"]
        if len(npys) > 1 or len(texts) > 1:
            raise ValueError("Upload one .npy of vectors and at most one phrases file (.txt).")
        if not texts:
            return read_npy(files[npys[0]], None, npy_name=npys[0], **limits)
        return read_npy(
            files[npys[0]], files[texts[0]], npy_name=npys[0], phrases_name=texts[0], **limits
        )
    if len(texts) > 2:
        raise ValueError(
            f"Got {len(texts)} text files; upload vectors.tsv and at most one metadata.tsv."
        )
    if len(texts) == 1:
        return read_projector(files[texts[0]], None, vectors_name=texts[0], **limits)
    meta = [n for n in texts if "meta" in n.lower() or "label" in n.lower()]
    if len(meta) != 1:
        numeric = [n for n in texts if _looks_numeric(files[n])]
        if len(numeric) != 1:
            raise ValueError(
                f"Cannot tell which of {texts[0]!r} and {texts[1]!r} holds the vectors; "
                "name them vectors.tsv and metadata.tsv."
            )
        meta = [n for n in texts if n != numeric[0]]
    vectors_name = next(n for n in texts if n != meta[0])
    return read_projector(
        files[vectors_name],
        files[meta[0]],
        vectors_name=vectors_name,
        metadata_name=meta[0],
        **limits,
    )
