"""Export formats (HTML, CSV, Embedding Projector TSV) and their import back."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import numpy as np
import pytest

from explorer.documents.readers import imported as vector_files
from explorer.documents.readers.vectors import (
    Imported,
    read_npy,
    read_points_csv,
    read_projector,
    read_uploads,
)
from explorer.documents.writers import distances_csv, points_csv, projector_tsv, projector_zip
from explorer.figures import export
from explorer.figures.export import figure_html, scene_exports
from explorer.figures.playground import scene_figure
from explorer.figures.style import chart_config
from explorer.models import Embedder
from explorer.models.imported import ImportedEmbedder
from explorer.phrases import parse_phrases
from explorer.space.scene import build_scene

HOSTILE = [
    "a cat",
    "tab\there",
    "two\nlines",
    "windows\r\nline",
    'comma, "quoted"',
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x")',
    "  spaced  ",
]


def projector_parse(vectors_tsv: str, metadata_tsv: str | None) -> list[tuple[list[float], dict]]:
    """The Embedding Projector's own parsing (tensorboard data-provider.ts), in Python.

    Vectors: split on "\\n", trim, skip blank, split on "\\t", Number(); all rows
    the same length, more than 1. Metadata: split on "\\n", skip blank lines,
    the first line is a header exactly when it contains a tab; one metadata row
    per vector.
    """
    vectors = []
    for line in vectors_tsv.split("\n"):
        line = line.strip()
        if line:
            vectors.append([float(v) for v in line.split("\t")])
    assert len({len(v) for v in vectors}) == 1 and len(vectors[0]) > 1
    if metadata_tsv is None:
        return [(v, {}) for v in vectors]
    lines = [line for line in metadata_tsv.split("\n") if line.strip()]
    names = ["label"]
    if "\t" in lines[0]:
        names, lines = lines[0].split("\t"), lines[1:]
    assert len(lines) == len(vectors), "Number of tensors does not match metadata lines"
    rows = [dict(zip(names, line.split("\t"), strict=False)) for line in lines]
    return list(zip(vectors, rows, strict=True))


def npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


@pytest.fixture
def vectors() -> np.ndarray:
    return np.random.default_rng(7).normal(size=(len(HOSTILE), 5)).astype(np.float32)


# --- Embedding Projector export -----------------------------------------------


def test_projector_files_parse_as_the_projector_specifies(vectors):
    vectors_tsv, metadata_tsv = projector_tsv(vectors, HOSTILE)

    vector_lines = vectors_tsv.split("\n")
    assert vector_lines[-1] == ""  # one vector per line, newline-terminated
    assert len(vector_lines[:-1]) == len(HOSTILE)
    for line, row in zip(vector_lines[:-1], vectors, strict=True):
        fields = line.split("\t")
        assert len(fields) == 5  # no header, no label column
        assert np.array(fields, dtype=np.float32).tolist() == row.tolist()  # exact

    metadata_lines = metadata_tsv.split("\n")
    assert metadata_lines[-1] == ""
    assert len(metadata_lines[:-1]) == len(HOSTILE)  # one column: no header row
    assert not any("\t" in line or "\r" in line for line in metadata_lines)
    assert metadata_lines[:-1] == [
        "a cat",
        "tab here",
        "two lines",
        "windows  line",
        'comma, "quoted"',
        "<script>alert(1)</script>",
        '=HYPERLINK("http://x")',
        "  spaced  ",
    ]
    parsed = projector_parse(vectors_tsv, metadata_tsv)
    assert [row["label"] for _, row in parsed] == metadata_lines[:-1]


def test_projector_metadata_has_a_header_only_with_more_than_one_column(vectors):
    groups = ["g\t1", "g2", "", "g4", "g5", "g6", "g7", "g8"]
    _, metadata_tsv = projector_tsv(vectors, HOSTILE, extra_columns={"group": groups})
    lines = metadata_tsv.split("\n")[:-1]
    assert lines[0] == "phrase\tgroup"
    assert len(lines) == len(HOSTILE) + 1
    assert all(len(line.split("\t")) == 2 for line in lines)
    assert lines[1] == "a cat\tg 1" and lines[3] == "two lines\t"
    parsed = projector_parse(projector_tsv(vectors, HOSTILE)[0], metadata_tsv)
    assert [row["group"] for _, row in parsed][:2] == ["g 1", "g2"]
    assert [row["phrase"] for _, row in parsed][2] == "two lines"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: projector_tsv([[1.0, 2.0]], ["a", "b"]), "Got 2 phrases but 1 rows"),
        (lambda: projector_tsv([[1.0], [2.0]], ["a", "b"]), "at least 2 dimensions, got 1"),
        (lambda: projector_tsv([1.0, 2.0], ["a", "b"]), r"shape \(phrases, dimensions\)"),
        (lambda: projector_tsv([[np.nan, 1.0]], ["a"]), "NaN or infinite"),
        (lambda: projector_tsv([[1e300, 1.0]], ["a"]), "too large for float32"),
        (lambda: projector_tsv([[1.0, 2.0]], [" \t\n"]), "Phrase 1 is blank"),
        (lambda: projector_tsv(np.zeros((0, 3)), []), "No vectors to export"),
        (lambda: projector_tsv([[1.0, 2.0]], "a"), "list of strings"),
        (
            lambda: projector_tsv([[1.0, 2.0]], ["a"], extra_columns={"phrase": ["x"]}),
            "not blank and not repeated",
        ),
        (
            lambda: projector_tsv([[1.0, 2.0]], ["a"], extra_columns={"g": ["x", "y"]}),
            "has 2 values, for 1 phrases",
        ),
    ],
)
def test_projector_export_refuses_bad_input(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_projector_zip_holds_both_files_and_is_reproducible(vectors):
    data = projector_zip(vectors, HOSTILE)
    assert data == projector_zip(vectors, HOSTILE)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["README.txt", "metadata.tsv", "vectors.tsv"]
        got = (archive.read("vectors.tsv").decode(), archive.read("metadata.tsv").decode())
        readme = archive.read("README.txt").decode()
    assert got == projector_tsv(vectors, HOSTILE)
    assert "https://projector.tensorflow.org/" in readme


# --- CSV export -----------------------------------------------------------------


def test_points_csv_reads_back_with_the_csv_module():
    coords = np.array([[0.1 * i, -1 / 3 * i] for i in range(len(HOSTILE))])
    rows = list(csv.reader(io.StringIO(points_csv(HOSTILE, coords), newline="")))
    assert rows[0] == ["phrase", "x", "y"]
    assert len(rows) == len(HOSTILE) + 1
    assert [r[0] for r in rows[1:]] == [
        "a cat",
        "tab\there",
        "two\nlines",
        "windows\r\nline",
        'comma, "quoted"',
        "<script>alert(1)</script>",
        '\'=HYPERLINK("http://x")',  # a spreadsheet shows it, does not run it
        "  spaced  ",
    ]
    assert [[float(r[1]), float(r[2])] for r in rows[1:]] == coords.tolist()  # exact


def test_points_csv_formula_guard_is_optional_and_reversible():
    phrases = ["-1 point", "@user", "'=already quoted", "+ok", "fine"]
    unguarded_text = points_csv(phrases, np.zeros((5, 2)), guard_formulas=False)
    unguarded = list(csv.reader(io.StringIO(unguarded_text)))
    assert [r[0] for r in unguarded[1:]] == phrases
    guarded = points_csv(phrases, np.zeros((5, 2)))
    assert [r[0] for r in list(csv.reader(io.StringIO(guarded)))[1:]] == [
        "'-1 point",
        "'@user",
        "''=already quoted",
        "'+ok",
        "fine",
    ]
    assert read_points_csv(guarded).phrases == phrases


def test_distances_csv_states_the_space_of_every_distance():
    phrases = ["a, b", "c", "d"]
    true = np.array([[0, 1, 2], [1, 0, 3], [2, 3, 0]], dtype=float)
    drawn = true / 2
    space = "cosine distance in all 384 dimensions"
    text = distances_csv(phrases, true, space=space, map_distances=drawn)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["phrase_a"], r["phrase_b"]) for r in rows] == [
        ("a, b", "c"),
        ("a, b", "d"),
        ("c", "d"),
    ]
    assert [float(r["distance"]) for r in rows] == [1.0, 2.0, 3.0]
    assert [float(r["distance_drawn_2d"]) for r in rows] == [0.5, 1.0, 1.5]
    assert {r["measured_in"] for r in rows} == {"cosine distance in all 384 dimensions"}
    plain = list(csv.reader(io.StringIO(distances_csv(phrases, true, space="on the plane"))))
    assert plain[0] == ["phrase_a", "phrase_b", "distance", "measured_in"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: points_csv(["a"], [[1, 2, 3]]), r"shape \(phrases, 2\)"),
        (lambda: points_csv(["a", "b"], [[1, 2]]), "Got 2 phrases but 1 rows"),
        (lambda: points_csv(["a"], [[np.inf, 2]]), "NaN or infinite"),
        (lambda: distances_csv(["a"], [[0, 1]], space="x"), r"\(n, n\) distance matrix"),
        (
            lambda: distances_csv(
                ["a", "b"], np.zeros((2, 2)), space="x", map_distances=np.zeros((3, 3))
            ),
            r"as drawn have shape \(3, 3\)",
        ),
    ],
)
def test_csv_export_refuses_bad_input(make, message):
    with pytest.raises(ValueError, match=message):
        make()


# --- HTML export ----------------------------------------------------------------


def plot_data(page: str) -> list[dict]:
    start = page.index("Plotly.newPlot(")
    after_id = page.index(",", start) + 1
    data, _ = json.JSONDecoder().raw_decode(page[after_id:].lstrip())
    return data


def plane_scene(phrases: list[str]):
    """A scene on a 2-D plane of stored points: no model needed."""
    coords = np.array([[0.1, 0.9], [-0.5, 0.25], [0.75, -0.6]])[: len(phrases)]
    return build_scene(phrases, model=ImportedEmbedder(phrases, coords, name="plane"))


def test_figure_html_is_standalone_and_holds_the_figure():
    scene = plane_scene(["a cat", "<b>bold</b> & co", "lessgo"])
    page = figure_html(scene_figure(scene), title="Map <of> cats", file_stem="cats")
    assert page.startswith("<!doctype html>")
    assert "<title>Map &lt;of&gt; cats</title>" in page
    # plotly.js inlined, nothing fetched: no script or stylesheet loaded from anywhere.
    assert re.search(r"<script[^>]*\bsrc\s*=", page) is None
    assert "<link" not in page
    assert re.search(r"\* plotly\.js v\d+\.\d+\.\d+", page)
    points = next(trace for trace in plot_data(page) if trace.get("name") == "phrases")
    assert np.allclose(np.column_stack([points["x"], points["y"]]), scene.coords)
    assert points["text"][1] == "&lt;b&gt;bold&lt;/b&gt; &amp; co"
    assert "<b>bold</b>" not in page  # the phrase never reaches the page as markup
    assert '"toImageButtonOptions": {"format": "png", "filename": "cats", "scale": 2}' in page
    assert page == figure_html(scene_figure(scene), title="Map <of> cats", file_stem="cats")


def test_png_is_the_mode_bar_camera_drawn_in_the_browser():
    """No server-side PNG: plotly.js's own toImage button (always in the mode bar)."""
    from plotly.offline import get_plotlyjs

    js = get_plotlyjs()
    assert 'name:"toImage"' in js  # the camera button
    assert 'R=["toImage"]' in js or '=["toImage"]' in js  # first in every default mode bar
    assert chart_config()["toImageButtonOptions"]["format"] == "png"
    assert not hasattr(export, "figure_png")


# --- Import -------------------------------------------------------------------


def test_projector_round_trip_gives_the_same_phrases_and_vectors(vectors):
    imported = read_projector(*projector_tsv(vectors, HOSTILE))
    assert imported.phrases == [
        "a cat",
        "tab here",
        "two lines",
        "windows  line",
        'comma, "quoted"',
        "<script>alert(1)</script>",
        '=HYPERLINK("http://x")',
        "spaced",
    ]
    assert imported.vectors.dtype == np.float32
    assert np.array_equal(imported.vectors, vectors)
    assert imported.notes == []
    assert imported.source == "vectors.tsv, metadata.tsv"


def test_projector_round_trip_keeps_extra_columns(vectors):
    groups = [f"g{i}" for i in range(len(HOSTILE))]
    imported = read_projector(*projector_tsv(vectors, HOSTILE, extra_columns={"group": groups}))
    assert imported.columns == {"group": groups}
    assert imported.phrases[0] == "a cat"
    assert np.array_equal(imported.vectors, vectors)


def test_projector_import_takes_the_phrase_column_by_name():
    imported = read_projector("1\t2\n3\t4\n", "id\tlabel\n7\tcat\n8\tdog\n")
    assert imported.phrases == ["cat", "dog"]
    assert imported.columns == {"id": ["7", "8"]}
    assert imported.notes == ["Phrases are from the column “label” of metadata.tsv."]


def test_projector_import_follows_blank_line_and_line_ending_rules():
    imported = read_projector(b"\xef\xbb\xbf1\t2\r\n\r\n3\t4\r\n\n", b"cat\r\n\r\ndog\r\n")
    assert imported.phrases == ["cat", "dog"]
    assert imported.vectors.tolist() == [[1, 2], [3, 4]]


def test_projector_import_without_metadata_numbers_the_points():
    imported = read_projector("1\t2\n3\t4\n")
    assert imported.phrases == ["point 1", "point 2"]
    assert "No phrases file" in imported.notes[0]


def test_import_merges_duplicates_and_skips_blank_phrases_with_notes():
    imported = read_projector(
        "1\t0\n2\t0\n3\t0\n4\t0\n", "phrase\tn\ncat\t1\n\u200b\t2\n cat \t3\ndog\t4\n"
    )
    assert imported.phrases == ["cat", "dog"]
    assert imported.vectors.tolist() == [[1, 0], [4, 0]]  # the first "cat" is kept
    assert imported.columns == {"n": ["1", "4"]}
    assert "Skipped 1 row with a blank phrase (row 2) and its vector." in imported.notes
    assert "Merged 1 duplicate phrase, keeping the first vector of each: “cat”." in imported.notes


def test_import_notes_all_zero_vectors():
    imported = read_projector("0\t0\n1\t1\n", "origin\none\n")
    assert imported.notes == [
        "1 vector is all zeros (“origin”): cosine distance is undefined for them; use Euclidean."
    ]


def test_npy_round_trip(vectors):
    phrases = "\n".join(p.replace("\n", " ").replace("\t", " ") for p in HOSTILE) + "\n"
    imported = read_npy(npy_bytes(vectors), phrases)
    assert imported.phrases[:3] == ["a cat", "tab here", "two lines"]
    assert np.array_equal(imported.vectors, vectors)
    assert imported.source == "vectors.npy, the phrases file"
    as_float64 = read_npy(npy_bytes(vectors.astype(np.float64)), phrases)
    assert np.array_equal(as_float64.vectors, vectors)
    fortran = read_npy(npy_bytes(np.asfortranarray(vectors)), phrases)
    assert np.array_equal(fortran.vectors, vectors)
    ints = read_npy(npy_bytes(np.array([[1, 2], [3, 4]], dtype=np.int64)), "a\nb")
    assert ints.vectors.dtype == np.float32 and ints.vectors.tolist() == [[1, 2], [3, 4]]


def test_points_csv_round_trip():
    coords = np.array([[0.5, -0.25], [1.0, 2.0], [-3.0, 0.125]], dtype=np.float32)
    phrases = ['a, "b"', "line\nbreak", "=SUM(A1)"]
    imported = read_points_csv(points_csv(phrases, coords, guard_formulas=True).encode())
    assert imported.phrases == ['a, "b"', "line break", "=SUM(A1)"]
    assert "1 phrase had line breaks, now spaces (phrases are one per line here)." in (
        imported.notes
    )
    assert np.array_equal(imported.vectors, coords)
    semicolons = read_points_csv("Phrase;X;Y;group\ncat;1;2;pets\n")
    assert semicolons.phrases == ["cat"] and semicolons.columns == {"group": ["pets"]}


def test_read_uploads_picks_the_reader_from_the_file_names(vectors):
    vectors_tsv, metadata_tsv = projector_tsv(vectors, HOSTILE)
    expected = read_projector(vectors_tsv, metadata_tsv)

    zipped = read_uploads({"embeddings-projector.zip": projector_zip(vectors, HOSTILE)})
    assert zipped.phrases == expected.phrases and np.array_equal(zipped.vectors, vectors)

    for names in (("vectors.tsv", "metadata.tsv"), ("a.tsv", "b.tsv"), ("b.tsv", "a.tsv")):
        files = {names[0]: vectors_tsv.encode(), names[1]: metadata_tsv.encode()}
        got = read_uploads(files)
        assert got.phrases == expected.phrases, names
        assert np.array_equal(got.vectors, vectors)

    npy = read_uploads({"v.npy": npy_bytes(vectors), "phrases.txt": metadata_tsv.encode()})
    assert npy.phrases == expected.phrases and npy.source == "v.npy, phrases.txt"
    assert read_uploads({"only.npy": npy_bytes(vectors)}).phrases[0] == "point 1"
    points = read_uploads({"p.csv": points_csv(["x"], [[1, 2]]).encode()})
    assert points.vectors.tolist() == [[1, 2]]


# --- Bad input ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("vectors_tsv", "metadata_tsv", "message"),
    [
        ("1\t2\t3\n4\t5\n", None, "line 2 has 2 values but the first line has 3"),
        ("1\t2\n3\tabc\n", None, "line 2, value 2: 'abc' is not a number"),
        ("cat\t1\t2\n", None, "If the first column holds labels, move them to metadata.tsv"),
        ("1,2,3\n", None, "'1,2,3' is not a number. Values must be separated by tabs"),
        ("1,2\t3\n", None, "separated by tabs, not commas"),
        ("1;2\t3\n", None, "not commas or semicolons"),
        ("1\t\t2\n", None, "'an empty value' is not a number"),
        ("1\tnan\n", None, r"NaN or infinite values \(1 of them, first at line 1, value 2"),
        ("\n1\t2\n3\t-inf\n", None, "first at line 3, value 2"),
        ("1e39\t1\n", None, "too large for float32"),
        ("1\n2\n", None, "vectors of 1 dimension; at least 2 are needed"),
        ("", None, "vectors.tsv is empty"),
        (" \n\t\n", None, "vectors.tsv is empty"),
        ("1\t2\n3\t4\n", "", "metadata.tsv is empty"),
        ("1\t2\n3\t4\n", "cat\n", "has 2 vectors but metadata.tsv has 1 phrases"),
        ("1\t2\n3\t4\n", "phrase\ncat\ndog\n", "a single-column metadata file has no header"),
        ("1\t2\n3\t4\n", "a\tb\ncat\n", "read as a header row"),
        ("1\t2\n", "phrase\tgroup\ncat\tx\ty\n", "line 2 has 3 tab-separated fields"),
        ("1\t2\n", "phrase\tphrase\ncat\tx\n", "blank or repeated"),
        (b"\x93NUMPY\x01\x00", None, "binary file, not text"),
        (b"1\t2\n", b"caf\xe9\n", r"not UTF-8 text \(byte 0xe9 at position 3\)"),
    ],
)
def test_read_projector_refuses_bad_files(vectors_tsv, metadata_tsv, message):
    with pytest.raises(ValueError, match=message):
        read_projector(vectors_tsv, metadata_tsv)


def test_import_limits(monkeypatch):
    monkeypatch.setattr(vector_files, "IMPORT_MAX_ROWS", 2)
    with pytest.raises(ValueError, match="has 3 rows; the limit is 2"):
        read_projector("1\t2\n" * 3)
    with pytest.raises(ValueError, match="has 3 rows; the limit is 2"):
        read_npy(npy_bytes(np.zeros((3, 2))))
    with pytest.raises(ValueError, match="has 3 rows; the limit is 2"):
        read_points_csv("phrase,x,y\na,1,2\nb,1,2\nc,1,2\n")
    monkeypatch.setattr(vector_files, "IMPORT_MAX_DIM", 3)
    with pytest.raises(ValueError, match="has 4 dimensions; the limit is 3"):
        read_projector("1\t2\t3\t4\n")
    with pytest.raises(ValueError, match="has 4 dimensions; the limit is 3"):
        read_npy(npy_bytes(np.zeros((1, 4))))
    monkeypatch.setattr(vector_files, "IMPORT_MAX_BYTES", 100)
    with pytest.raises(ValueError, match=r"vectors.tsv is 120 bytes; the limit is 100 bytes"):
        read_projector(b"1\t2\n" * 30)
    with pytest.raises(ValueError, match="The upload is 140 bytes"):
        read_uploads({"a.tsv": b"1\t2\n" * 20, "b.tsv": b"x\n" * 30})
    monkeypatch.setattr(vector_files, "IMPORT_MAX_BYTES", 2000)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("vectors.tsv", "0\t0\n" * 1000)
    bomb = out.getvalue()
    assert len(bomb) < 2000  # small packed, 4,000 bytes unpacked
    with pytest.raises(ValueError, match=r"bomb.zip unpacked is 3.9 KB; the limit is 2.0 KB"):
        read_uploads({"bomb.zip": bomb})


def test_import_limits_are_the_config_values():
    from explorer import config

    assert vector_files.IMPORT_MAX_BYTES == config.IMPORT_MAX_BYTES == 32 * 2**20
    assert vector_files.IMPORT_MAX_ROWS == config.IMPORT_MAX_ROWS == 5_000
    assert vector_files.IMPORT_MAX_DIM == config.IMPORT_MAX_DIM == 4_096


def hostile_npy_header(shape: tuple[int, ...]) -> bytes:
    header = {"descr": "<f4", "fortran_order": False, "shape": shape}
    out = io.BytesIO()
    np.lib.format.write_array_header_1_0(out, header)
    return out.getvalue()  # a header promising a huge array, and no data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (npy_bytes(np.array([{"a": 1}, None], dtype=object)), "allow_pickle=False"),
        (npy_bytes(np.array(3.0)), r"0-D array of shape \(\); expected 2-D"),
        (npy_bytes(np.zeros(4)), r"Reshape it to \(1, 4\)"),
        (npy_bytes(np.zeros((2, 2, 2))), r"3-D array of shape \(2, 2, 2\)"),
        (npy_bytes(np.zeros((0, 4))), "holds no vectors"),
        (npy_bytes(np.zeros((2, 1))), "vectors of 1 dimension"),
        (npy_bytes(np.array([["a", "b"]])), "holds <U1 values; vectors must be real numbers"),
        (npy_bytes(np.ones((1, 2), dtype=complex)), "complex128 values"),
        (npy_bytes(np.array([[1.0, np.nan]])), "NaN or infinite values"),
        (npy_bytes(np.array([[1e300, 1.0]])), "too large for float32"),
        (npy_bytes(np.zeros((4, 4)))[:-8], "cut short"),
        (hostile_npy_header((10**12, 384)), "rows; the limit is"),
        (hostile_npy_header((2, 10**9)), "dimensions; the limit is"),
        (b"\x93NUMPY\x01\x00\xff\xffgarbage", "header cannot be read"),
        (b"", "is empty"),
        (b"1\t2\n", "not a .npy file"),
        (b"PK\x03\x04rest", "an .npz archive"),
    ],
)
def test_read_npy_refuses_bad_arrays(data, message):
    with pytest.raises(ValueError, match=message):
        read_npy(data, None)


def test_read_npy_checks_the_phrases_file():
    with pytest.raises(ValueError, match="has 2 vectors but the phrases file has 3 phrases"):
        read_npy(npy_bytes(np.zeros((2, 2))), "a\nb\nc\n")
    with pytest.raises(ValueError, match="the phrases file is not UTF-8"):
        read_npy(npy_bytes(np.zeros((1, 2))), "é".encode("latin-1"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,x,y\na,1,2\n", "columns phrase, x and y, each once"),
        ("phrase,x,x,y\na,1,2,3\n", "each once"),
        ("phrase,x,y\n", "has a header but no rows"),
        ("phrase,x,y\na,1\n", "row 2 has 2 cells but the header has 3"),
        ("phrase,x,y\na,1,two\n", "row 2, value 2: 'two' is not a number"),
        ("phrase,x,y\na,1,inf\n", "NaN or infinite"),
        (",\n", "found: nothing"),
    ],
)
def test_read_points_csv_refuses_bad_files(text, message):
    with pytest.raises(ValueError, match=message):
        read_points_csv(text)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "No file given"),
        ({"model.pkl": b"x"}, r"Cannot import 'model.pkl': accepted files are .tsv"),
        ({"a.zip": b"not a zip"}, "a.zip is not a readable zip file"),
        ({"a.zip": b"PK\x03\x04", "b.tsv": b"1\t2"}, "Upload a .zip on its own"),
        ({"a.csv": b"x", "b.tsv": b"1\t2"}, "Upload a points .csv on its own"),
        ({"a.npy": b"x", "b.npy": b"x"}, "one .npy of vectors"),
        ({"a.tsv": b"1\t2", "b.tsv": b"3\t4"}, "Cannot tell which of 'a.tsv' and 'b.tsv'"),
        ({"a.tsv": b"1", "b.tsv": b"2", "c.tsv": b"3"}, "Got 3 text files"),
    ],
)
def test_read_uploads_refuses_unclear_uploads(files, message):
    with pytest.raises(ValueError, match=message):
        read_uploads(files)


def test_zip_without_usable_files_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("README.txt", "hi")
        archive.writestr("model.bin", b"\x00")
    with pytest.raises(ValueError, match="holds no .tsv, .txt, .npy, .csv file"):
        read_uploads({"x.zip": out.getvalue()})


# --- The imported model ---------------------------------------------------------


def test_imported_embedder_looks_phrases_up():
    model = Imported(["cat", "café"], np.array([[1, 0], [0, 1]], np.float32)).embedder()
    assert isinstance(model, Embedder)
    assert (model.name, model.dim, model.axis_titles) == ("imported: imported", 2, None)
    got = model.encode(["cafe\u0301 ", "cat", "cat"])  # NFC and blanks as the phrase box does
    assert got.dtype == np.float32 and got.tolist() == [[0, 1], [1, 0], [1, 0]]
    assert model.encode([]).shape == (0, 2)
    with pytest.raises(ValueError, match=r"2 phrases are not in the imported vectors .*“dog”"):
        model.encode(["cat", "dog", "<b>"])
    with pytest.raises(ValueError, match="one vector per phrase"):
        ImportedEmbedder(["a"], np.zeros((2, 2)))


def test_imported_phrases_survive_the_phrase_box():
    imported = read_projector(*projector_tsv(np.eye(len(HOSTILE)), HOSTILE))
    parsed = parse_phrases("\n".join(imported.phrases))
    assert parsed.phrases == imported.phrases and parsed.notes == []
    assert imported.embedder().encode(parsed.phrases).shape == (len(HOSTILE), len(HOSTILE))


def test_exported_and_imported_minilm_vectors_give_the_same_map(minilm):
    phrases = ["a cat", "a dog", "a lorry <b>"]
    vectors = minilm.encode(phrases)
    expected = build_scene(phrases, model=minilm, metric="cosine")

    for imported in (
        read_projector(*projector_tsv(vectors, phrases)),
        read_npy(npy_bytes(vectors), "\n".join(phrases)),
        read_uploads({"m.zip": projector_zip(vectors, phrases)}),
    ):
        assert imported.phrases == phrases and imported.dim == 384
        scene = build_scene(imported.phrases, model=imported.embedder(), metric="cosine")
        assert np.allclose(scene.coords, expected.coords, atol=1e-6)
        assert np.allclose(scene.true_distances, expected.true_distances, atol=1e-6)
        assert scene.axis_titles == expected.axis_titles  # PC1 (..% of variance)
        assert scene.true_space == "cosine distance in all 384 dimensions"
        label = next(t for t in scene_figure(scene).data if t.name == "phrases").text[2]
        assert "&lt;b&gt;" in label


def test_a_points_csv_import_draws_the_same_points():
    scene = plane_scene(["a cat", "Dear Sir", "lol no"])
    imported = read_points_csv(points_csv(scene.phrases, scene.coords))
    again = build_scene(imported.phrases, model=imported.embedder())
    assert again.method == "identity"
    assert np.allclose(again.coords, scene.coords, atol=1e-6)


def test_scene_exports_build_every_file():
    scene = plane_scene(["a cat", "Dear Sir, <b>", "lol no"])
    files = {f.key: f for f in scene_exports(scene)}
    assert list(files) == ["html", "points", "distances", "projector"]
    assert [f.mime for f in files.values()] == [
        "text/html",
        "text/csv",
        "text/csv",
        "application/zip",
    ]
    page = files["html"].build().decode()
    assert "<title>Embedding map: plane, 3 phrases</title>" in page
    assert '"filename": "embeddings-plane"' in page
    points = list(csv.reader(io.StringIO(files["points"].build().decode())))
    assert [r[0] for r in points[1:]] == scene.phrases
    distances = list(csv.DictReader(io.StringIO(files["distances"].build().decode())))
    assert len(distances) == 3
    assert {r["measured_in"] for r in distances} == {"euclidean distance on the plane"}
    assert "distance_drawn_2d" not in distances[0]  # not projected: one distance
    imported = read_uploads({files["projector"].file_name: files["projector"].build()})
    assert imported.phrases == scene.phrases
    assert np.allclose(imported.vectors, scene.vectors)
    assert "euclidean distance on the plane" in files["distances"].help
