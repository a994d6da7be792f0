"""Filters, selections, shards uploaded together, masks in search and neighbours, layers."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pandas as pd
import pytest

from explorer.config import CORPUS_LINK_ROWS
from explorer.documents import filters as fl
from explorer.documents.corpus import Corpus
from explorer.documents.corpus_view import nearest_rows, search_corpus
from explorer.documents.search import SearchIndex
from explorer.documents.shard_upload import read_uploaded, shard_files
from explorer.documents.writers import parquet_bytes


@pytest.fixture
def corpus() -> Corpus:
    extra = pd.DataFrame(
        {
            "topic": ["cars", "food", None, "cars", "food", "pets"],
            "stars": [1.0, 5.0, 3.0, np.nan, 4.0, 2.0],
            "year": [2001, 2002, 2003, 2004, 2005, 2006],
        }
    )
    texts = ("fix the car", "bake bread", "a note", "new tyres", "fresh pasta", "a dog")
    return Corpus(texts, extra, source="test")


def test_options_offer_categories_by_count_and_ranges_of_numbers(corpus) -> None:
    options, notes = fl.filter_options(corpus)
    by = {o.column: o for o in options}
    assert by["topic"].choices == ("cars", "food", "pets", "(missing)")
    assert (by["stars"].low, by["stars"].high, by["stars"].whole) == (1.0, 5.0, True)
    assert (by["year"].low, by["year"].high) == (2001.0, 2006.0)
    assert notes == []


def test_a_column_with_too_many_values_is_not_offered(monkeypatch) -> None:
    monkeypatch.setattr(fl, "CORPUS_FILTER_CHOICES", 3)
    corpus = Corpus(tuple("abcde"), pd.DataFrame({"id": list("vwxyz")}))
    options, notes = fl.filter_options(corpus)
    assert options == []
    assert notes == [
        "“id” has 5 distinct values, over the 3 a filter lists; it cannot be filtered by."
    ]


def test_mask_keeps_rows_every_filter_keeps(corpus) -> None:
    cars = fl.ColumnFilter("topic", values=("cars", "(missing)"))
    assert fl.filter_mask(corpus, [cars]).tolist() == [True, False, True, True, False, False]
    good = fl.ColumnFilter("stars", low=3, high=5)  # a missing number is left out
    assert fl.filter_mask(corpus, [good]).tolist() == [False, True, True, False, True, False]
    assert fl.filter_mask(corpus, [cars, good]).tolist() == [False, False, True] + [False] * 3
    assert fl.filter_mask(corpus, []).all()


def test_mask_refuses_an_unknown_column_and_a_range_on_text(corpus) -> None:
    with pytest.raises(ValueError, match="No column “genre” to filter by; this corpus has “topic”"):
        fl.filter_mask(corpus, [fl.ColumnFilter("genre", values=("x",))])
    with pytest.raises(ValueError, match="“topic” holds text, not numbers"):
        fl.filter_mask(corpus, [fl.ColumnFilter("topic", low=0, high=1)])


def test_widgets_at_their_defaults_filter_nothing(corpus) -> None:
    options, _ = fl.filter_options(corpus)
    assert fl.active_filters(options, {"topic": [], "stars": (1.0, 5.0)}) == []
    assert fl.active_filters(options, {"stars": (2.0, 5.0)}) == [
        fl.ColumnFilter("stars", low=2.0, high=5.0)
    ]


def test_filters_go_through_a_link_and_back(corpus) -> None:
    options, _ = fl.filter_options(corpus)
    chosen = [
        fl.ColumnFilter("topic", values=("food",)),
        fl.ColumnFilter("year", low=2002, high=2004),
    ]
    text = fl.filters_text(chosen)
    assert text == '[{"c":"topic","in":["food"]},{"c":"year","min":2002,"max":2004}]'
    assert fl.read_filters(text, options) == (chosen, [])
    assert fl.filters_text([]) == ""


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{broken", "The link's filter “{broken” cannot be read; showing every document."),
        ('[{"c":"genre","in":["x"]}]',
         "The link filters by “genre”, which this corpus cannot filter by."),
        ('[{"c":"stars","min":"a","max":2}]',
         "The link's filter on “stars” cannot be read; it is left out."),
    ],
)  # fmt: skip
def test_a_bad_filter_in_a_link_says_so_and_is_left_out(corpus, text, problem) -> None:
    options, _ = fl.filter_options(corpus)
    assert fl.read_filters(text, options) == ([], [problem])


def test_a_link_range_is_clipped_to_the_column(corpus) -> None:
    options, _ = fl.filter_options(corpus)
    found, _ = fl.read_filters('[{"c":"stars","min":-10,"max":4}]', options)
    assert found == [fl.ColumnFilter("stars", low=1.0, high=4.0)]


def test_a_box_or_lasso_event_selects_rows_and_a_click_does_not() -> None:
    points = [{"customdata": 5}, {"customdata": [2]}, {"customdata": 5}, {"customdata": 99}]
    box = {"selection": {"points": points, "box": [{"x": [0, 1], "y": [0, 1]}], "lasso": []}}
    lasso = {"selection": {"points": points[:1], "box": [], "lasso": [{"x": [0, 1, 0]}]}}
    click = {"selection": {"points": points[:1], "box": [], "lasso": []}}
    assert fl.selected_rows(box, 10) == [1, 4]  # 1-based customdata, out of range dropped
    assert fl.selected_rows(lasso, 10) == [4]
    assert fl.selected_rows(click, 10) is None
    assert fl.selected_rows(None, 10) is None


def test_a_link_carries_at_most_the_named_number_of_rows() -> None:
    rows, note = fl.link_rows(range(CORPUS_LINK_ROWS + 5))
    assert rows == list(range(1, CORPUS_LINK_ROWS + 1))
    total = CORPUS_LINK_ROWS + 5
    assert note == f"The link carries the first {CORPUS_LINK_ROWS} of the {total} selected rows."
    assert fl.rows_from_link([3, 1, 40, 41], 10) == (
        [0, 2],
        "The link selects 2 rows beyond this corpus of 10 documents; they are left out.",
    )


def test_the_selection_table_has_text_and_every_column_and_its_csv_is_guarded(corpus) -> None:
    table = fl.rows_table(corpus, [1, 4])
    assert list(table.columns) == ["row", "text", "topic", "stars", "year"]
    assert table["row"].tolist() == [2, 5] and table["text"].tolist() == [
        "bake bread",
        "fresh pasta",
    ]
    formula = Corpus(("=HYPERLINK(1)",), pd.DataFrame({"note": ["+1"]}))
    csv = fl.table_csv(fl.rows_table(formula, [0])).decode()
    assert csv == "row,text,note\n1,'=HYPERLINK(1),'+1\n"
    part = fl.subset(corpus, [4, 0])
    assert part.texts == ("fresh pasta", "fix the car") and part.extra["year"].tolist() == [
        2005,
        2001,
    ]


def test_neighbours_and_search_stay_inside_the_mask() -> None:
    vectors = np.array([[1, 0], [0.99, 0.1], [0.9, 0.3], [0, 1]], dtype=np.float32)
    mask = np.array([True, False, True, True])
    assert [n.index for n in nearest_rows(vectors, 0, k=3, mask=mask)] == [2, 3]
    texts = ["red car", "red car fast", "blue car", "green tree"]
    index = SearchIndex(texts, vectors, None)
    found = search_corpus(index, "car", k=5, semantic=False, mask=mask)
    assert [h.index for h in found.hits] == [0, 2]
    assert [h.index for h in search_corpus(index, "car", k=5, semantic=False).hits] == [0, 2, 1]


def _shards(rows: list[int]) -> dict[str, bytes]:
    files = {}
    start = 0
    for i, count in enumerate(rows):
        texts = tuple(f"doc {n}" for n in range(start, start + count))
        vectors = np.random.default_rng(i).normal(size=(count, 4)).astype(np.float32)
        data = Corpus(texts, pd.DataFrame({"part": [i] * count}))
        files[f"part-{i:05d}.parquet"] = parquet_bytes(data, vectors=vectors, model="toy")
        start += count
    return files


def test_several_parquet_shards_open_in_name_order_up_to_the_row_limit() -> None:
    shards = _shards([4, 3, 5])
    backwards = dict(reversed(list(shards.items())))
    corpus = read_uploaded(backwards, max_rows=9)
    assert corpus.texts == tuple(f"doc {n}" for n in range(9))
    assert corpus.vectors.shape == (9, 4) and corpus.model == "toy"
    assert corpus.notes[0] == "Read the first 9 of 12 rows: 3 shards, in name order."
    whole = read_uploaded(shards)
    assert len(whole) == 12 and whole.notes[0] == "Read all 12 rows of 3 shards, in name order."


def test_a_zip_of_shards_opens_like_the_shards() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in _shards([2, 2]).items():
            archive.writestr(f"out/{name}", data)
    files = {"shards.zip": buffer.getvalue()}
    assert sorted(shard_files(files)) == ["part-00000.parquet", "part-00001.parquet"]
    corpus = read_uploaded(files)
    assert corpus.texts == ("doc 0", "doc 1", "doc 2", "doc 3")
    assert corpus.source.startswith("“shards.zip”")
    assert shard_files({"one.parquet": b"x"}) is None


def test_the_map_fades_rows_outside_the_filter_and_draws_density_and_3d() -> None:
    from explorer.figures.corpus import FADED_TRACE, corpus_figure
    from explorer.figures.corpus_layers import corpus_figure_3d, density_grid, density_trace

    coords = np.array([[0, 0], [1, 1], [2, 2], [3, 3]], dtype=float)
    kept = np.array([True, False, True, False])
    fig = corpus_figure(coords, list("abcd"), title="t", kept=kept, layers=[density_trace(coords)])
    names = [t.name for t in fig.data]
    assert names[:3] == [FADED_TRACE, "documents", "density"]
    assert list(fig.data[0].customdata) == [2, 4] and list(fig.data[1].customdata) == [1, 3]
    _, _, grid = density_grid(np.array([[0, 0]] * 25 + [[1, 1]] * 25), bins=4)
    assert grid.sum() == pytest.approx(50)
    cube = corpus_figure_3d(np.eye(4)[:, :3], list("abcd"), title="t", kept=kept)
    assert [t.type for t in cube.data] == ["scatter3d", "scatter3d"]
    assert list(cube.data[1].customdata) == [1, 3]


def test_a_3d_projection_is_seeded() -> None:
    from explorer.space.projection import compute_projection

    vectors = np.random.default_rng(1).normal(size=(40, 8))
    first = compute_projection(vectors, method="pca", n_components=3)
    assert first.coords.shape == (40, 3) and len(first.axis_titles) == 3
    again = compute_projection(vectors, method="pca", n_components=3)
    assert np.array_equal(first.coords, again.coords)
    assert np.allclose(first.coords[:, :2], compute_projection(vectors).coords)
    with pytest.raises(ValueError, match="n_components must be 2 or 3, got 4"):
        compute_projection(vectors, n_components=4)


def test_selection_shapes_take_boxes_and_lassos_and_leave_out_malformed_ones() -> None:
    from explorer.documents.filters import selection_shapes

    event = {
        "selection": {
            "box": [{"x": [3, 1], "y": [0, 2]}, {"x": [0, float("nan")], "y": [0, 1]}, {"x": [1]}],
            "lasso": [{"x": [0, 1], "y": [0, 1]}, {"x": [0, "a", 1], "y": [0, 1, 2]},
                      {"x": [0, 4, 0], "y": [0, 0, 4]}],
        }
    }  # fmt: skip
    assert selection_shapes(event) == [
        ([1.0, 3.0, 3.0, 1.0], [0.0, 0.0, 2.0, 2.0]),
        ([0.0, 4.0, 0.0], [0.0, 0.0, 4.0]),
    ]
    assert selection_shapes(None) == [] == selection_shapes({"selection": {"points": []}})


def test_rows_in_shapes_match_a_point_by_point_check_for_boxes_and_lassos() -> None:
    from explorer.documents.filters import rows_in_shapes

    rng = np.random.default_rng(7)
    coords = rng.uniform(-1, 1, size=(20_000, 2))
    star_x = [np.cos(a) * (0.9 if k % 2 else 0.35) for k, a in enumerate(np.linspace(0, 6.2, 10))]
    star_y = [np.sin(a) * (0.9 if k % 2 else 0.35) for k, a in enumerate(np.linspace(0, 6.2, 10))]

    def inside(x: float, y: float, xs, ys) -> bool:  # the even-odd rule, one point at a time
        odd = False
        for i in range(len(xs)):
            x0, y0, x1, y1 = xs[i], ys[i], xs[(i + 1) % len(xs)], ys[(i + 1) % len(xs)]
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                odd = not odd
        return odd

    expected = [i for i, (x, y) in enumerate(coords) if inside(x, y, star_x, star_y)]
    assert rows_in_shapes(coords, [(star_x, star_y)]) == expected
    assert 1_000 < len(expected) < 10_000  # a concave star: neither nothing nor its box
    box = ([-0.5, 0.2, 0.2, -0.5], [-0.1, -0.1, 0.4, 0.4])
    x, y = coords[:, 0], coords[:, 1]
    in_box = np.flatnonzero((x >= -0.5) & (x <= 0.2) & (y >= -0.1) & (y <= 0.4)).tolist()
    assert rows_in_shapes(coords, [box]) == in_box
    both = rows_in_shapes(coords, [box, (star_x, star_y)])
    assert both == sorted(set(in_box) | set(expected))


@pytest.mark.parametrize(
    "cells",
    [
        ["cars", " cars", "food", None, float("nan"), "", "  ", "cars"],  # text and gaps
        [True, 1, 1.0, "1", None, 2.5, "True", False, 0],  # mixed: True == 1 in Python
        [],
    ],
)
def test_category_codes_match_category_of_row_by_row(cells) -> None:
    """The filters' categories, taken once per distinct value, are each row's category_of."""
    import pandas as pd

    values = pd.Series(cells, dtype=object)
    codes, names = fl.category_codes(values)
    assert [names[c] for c in codes] == [fl.category_of(v) for v in cells]
