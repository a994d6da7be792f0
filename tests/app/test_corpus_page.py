"""The Corpus page under AppTest: the sample, a 2,000-row upload, search, clicks, bad files."""

from __future__ import annotations

import io
import threading
import time

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from explorer.config import CORPUS_LABELS_MAX, CORPUS_NEIGHBORS
from explorer.documents import corpus_view
from explorer.documents.corpus import Corpus
from explorer.figures.corpus import HITS_TRACE, SELECTED_TRACE
from explorer.phrases import markdown_escape
from tests.app.pages import ROOT, chart_elements, charts

PAGE = str(ROOT / "pages" / "corpus.py")
TOPICS = ("cars", "cooking", "travel", "finance", "pets")
SENTENCES = {
    "cars": "The mechanic replaced the brake pads and changed the oil",
    "cooking": "Knead the dough and let the bread rise before baking",
    "travel": "Our flight was delayed so we missed the train to the coast",
    "finance": "The bank raised interest rates on savings accounts",
    "pets": "The puppy learned to sit and fetch in one afternoon",
}


def settle(at: AppTest, *, timeout: float = 240) -> AppTest:
    """Rerun while a background job (embedding, UMAP) shows its progress bar."""
    deadline = time.monotonic() + timeout
    while at.get("progress") and time.monotonic() < deadline:
        time.sleep(0.5)
        at.run()
    assert not at.get("progress"), "a job was still running"
    return at


def corpus_csv(rows: int = 2_000) -> bytes:
    lines = ["id,text,category,stars"]
    for i in range(rows):
        topic = TOPICS[i % len(TOPICS)]
        lines.append(f'{i},"{SENTENCES[topic]} (note {i})",{topic},{(i * 7) % 50}')
    return ("\n".join(lines) + "\n").encode()


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.radio(key="corpus_source").set_value("upload").run()
    at.file_uploader(key="corpus_files").set_value([(name, data, "application/octet-stream")])
    return settle(at.run())


def corpus_traces(at: AppTest) -> list[dict]:
    (chart,) = charts(at)
    return [t for t in chart["data"] if (t.get("meta") or {}).get("role") == "corpus"]


def decode(values) -> list:
    """A figure JSON array as a list: binary (typed) arrays come as base64 with a dtype."""
    if isinstance(values, dict):
        import base64

        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def count(values) -> int:
    return len(decode(values))


@pytest.fixture(autouse=True)
def sample_embedded(minilm) -> None:
    """Have the sample's embeddings cached, so the page draws in its first run."""
    from explorer.documents.readers import load_sample
    from explorer.models.doc_cache import default_cache

    default_cache().embed(load_sample().texts, model=minilm)


@pytest.fixture
def app() -> AppTest:
    return settle(AppTest.from_file(PAGE, default_timeout=240).run())


def test_the_sample_opens_as_a_umap_map_coloured_by_topic(app) -> None:
    assert not app.exception and not app.error
    assert app.radio(key="corpus_method").value == "umap"
    (chart,) = charts(app)
    assert "336 documents, UMAP" in chart["layout"]["title"]["text"]
    traces = corpus_traces(app)
    assert len(traces) == 14  # each topic its colour (up to CORPUS_COLOR_CATEGORIES = 24)
    assert sum(count(t["customdata"]) for t in traces) == 336
    assert all(t["mode"] == "markers" for t in traces)  # 336 > CORPUS_LABELS_MAX: no labels
    assert any(f"above {CORPUS_LABELS_MAX}" in c.value for c in app.caption)


def test_a_2000_row_csv_maps_with_webgl_colours_and_a_colour_scale(app) -> None:
    upload(app, "notes.csv", corpus_csv())
    assert not app.exception and not app.error
    (chart,) = charts(app)
    assert "2,000 documents" in chart["layout"]["title"]["text"]
    assert app.selectbox(key="corpus_color").options == ["(one colour)", "id", "category", "stars"]
    app.selectbox(key="corpus_color").set_value("category").run()
    traces = corpus_traces(app)
    assert sorted(t["name"] for t in traces) == sorted(TOPICS)
    assert {t["type"] for t in traces} == {"scattergl"}
    assert sum(count(t["customdata"]) for t in traces) == 2_000
    app.selectbox(key="corpus_color").set_value("stars").run()
    (trace,) = corpus_traces(app)
    assert trace["marker"]["showscale"] is True


def test_search_highlights_the_automobile_document_first(app) -> None:
    app.text_input(key="corpus_query").input("how to fix my car").run()
    (chart,) = charts(app)
    (hits,) = [t for t in chart["data"] if t["name"] == HITS_TRACE]
    assert hits["text"][:3] == ["1", "2", "3"]
    assert "Automobile repairs" in hits["hovertext"][0]
    table = app.dataframe[0].value
    assert table["text"][0].startswith("Automobile repairs")
    assert any("by meaning" in h.value for h in app.subheader)


def test_a_clicked_row_shows_its_nearest_neighbours_in_the_full_space(app, minilm) -> None:
    app.number_input(key="corpus_row").set_value(5).run()
    table = app.dataframe[-1].value
    assert len(table) == CORPUS_NEIGHBORS
    distances = list(table["d (all dimensions)"])
    assert distances == sorted(distances)
    from explorer.documents.readers import load_sample

    texts = load_sample().texts
    vectors = minilm.encode(list(texts))
    expected = 1 - vectors @ vectors[4]
    expected[4] = np.inf
    assert list(table["row"]) == [int(i) + 1 for i in np.argsort(expected)[:CORPUS_NEIGHBORS]]
    (chart,) = charts(app)
    (star,) = [t for t in chart["data"] if t["name"] == SELECTED_TRACE]
    assert star["customdata"] == [5]  # row 5


def test_pca_chosen_on_the_sample_is_called_a_blob(app) -> None:
    app.radio(key="corpus_method").set_value("pca").run()
    assert "336 documents, PCA" in charts(app)[0]["layout"]["title"]["text"]
    assert (
        "PCA at 4% / 3% of the variance is a blob: its first two components hold little of "
        "what tells these documents apart, choosing UMAP above keeps neighbourhoods instead."
        in [i.value for i in app.info]
    )


def test_umap_runs_in_the_background_and_replaces_the_pca_map(app) -> None:
    app.radio(key="corpus_method").set_value("pca").run()
    assert ", PCA" in charts(app)[0]["layout"]["title"]["text"]
    app.radio(key="corpus_method").set_value("umap").run()
    settle(app)
    assert not app.error
    assert ", UMAP" in charts(app)[0]["layout"]["title"]["text"]


def test_tsne_above_its_limit_is_refused_with_pca_shown(app, monkeypatch) -> None:
    monkeypatch.setattr(corpus_view, "CORPUS_TSNE_MAX", 100)
    app.radio(key="corpus_method").set_value("tsne").run()
    assert any("t-SNE runs on up to 100 points" in w.value for w in app.warning)
    assert ", PCA" in charts(app)[0]["layout"]["title"]["text"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "empty"),
        ("header.csv", b"id,text\n", "no rows"),
        ("photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(64), "PNG image"),
        ("broken.parquet", b"PAR1 not really a parquet file", "parquet"),
        ("latin.csv", "text\ncaf\u00e9 cr\u00e8me\n".encode("latin-1"), "UTF-8"),
    ],
)
def test_a_bad_file_says_why_and_keeps_the_map_shown_before(app, name, data, message) -> None:
    upload(app, name, data)
    assert not app.exception
    (error,) = app.error
    assert markdown_escape(message) in error.value
    assert any("still showing" in i.value for i in app.info)
    assert "336 documents" in charts(app)[0]["layout"]["title"]["text"]


def test_vectors_with_nan_are_refused_and_the_map_stays(app) -> None:
    vectors = np.ones((3, 4), dtype=np.float32)
    vectors[1, 2] = np.nan
    buffer = io.BytesIO()
    np.save(buffer, vectors)
    app.radio(key="corpus_source").set_value("upload").run()
    app.file_uploader(key="corpus_files").set_value(
        [("v.npy", buffer.getvalue(), "application/octet-stream"),
         ("texts.txt", b"a\nb\nc\n", "text/plain")]
    ).run()  # fmt: skip
    assert not app.exception
    (error,) = app.error
    assert "NaN" in error.value or "not finite" in error.value
    assert "336 documents" in charts(app)[0]["layout"]["title"]["text"]


def test_precomputed_vectors_are_drawn_without_embedding(app, minilm) -> None:
    texts = [f"{SENTENCES[t]} ({i})" for i, t in enumerate(TOPICS * 4)]
    buffer = io.BytesIO()
    np.save(buffer, minilm.encode(texts) * 3)
    app.radio(key="corpus_source").set_value("upload").run()
    app.file_uploader(key="corpus_files").set_value(
        [("v.npy", buffer.getvalue(), "application/octet-stream"),
         ("texts.txt", "\n".join(texts).encode(), "text/plain")]
    ).run()  # fmt: skip
    assert not app.exception and not app.error
    assert "20 documents" in charts(app)[0]["layout"]["title"]["text"]
    app.text_input(key="corpus_query").input("baking bread").run()
    assert any("by keywords" in h.value for h in app.subheader)  # the model is unknown
    assert any("keywords" in i.value for i in app.info)


def test_cancel_stops_embedding_and_resume_embeds_only_the_rest(app, monkeypatch) -> None:
    from explorer.models.doc_cache import default_cache

    gate = threading.Event()
    real = corpus_view.embedding_job

    def gated(texts, *, model, cache=None):
        run = real(texts, model=model, cache=cache)

        def wrapped(report):
            def slow_report(done, total=0, *, stage=None):
                report(done, total, stage=stage)
                if done > 0:
                    gate.wait(30)

            return run(slow_report)

        return wrapped

    monkeypatch.setattr(corpus_view, "embedding_job", gated)
    before = default_cache().embedded
    app.radio(key="corpus_source").set_value("upload").run()
    data = corpus_csv(1_500).replace(b"(note", b"(memo")
    app.file_uploader(key="corpus_files").set_value([("big.csv", data, "text/csv")]).run()
    assert app.get("progress"), "the embedding should still be running"
    app.button(key="cancel_embed").click().run()
    assert any("Embedding was cancelled" in i.value for i in app.info)  # at once
    assert _has(app, "resume_embed")
    gate.set()
    # The job's thread stops after the batch in hand; wait for it.
    from explorer.documents.readers import load_file
    from explorer.ui.cache import job_board

    texts = load_file(data, name="big.csv").texts
    job = job_board().get(("embed", "minilm", corpus_view.fingerprint(texts)))
    assert job is not None and job.wait(60).state == "cancelled"
    partial = default_cache().embedded - before
    assert 0 < partial < 1_500
    monkeypatch.setattr(corpus_view, "embedding_job", real)
    app.button(key="resume_embed").click().run()
    settle(app)
    assert "1,500 documents" in charts(app)[0]["layout"]["title"]["text"]
    assert default_cache().embedded - before == 1_500  # each text embedded once in all


def _has(at: AppTest, key: str) -> bool:
    return any(b.key == key for b in at.button)


def test_html_in_documents_is_shown_literally(app) -> None:
    data = b"text\n<script>alert(1)</script>\n<b>bold</b> claim\nplain words here\nmore words\n"
    upload(app, "html.csv", data)
    (chart,) = charts(app)
    (trace,) = corpus_traces(app)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in trace["text"]
    assert not any("<script>" in h for h in trace["hovertext"])
    assert markdown_escape("“html.csv”") in " ".join(c.value for c in app.caption)


@pytest.mark.parametrize(
    ("params", "warning"),
    [
        ({"method": "bogus"}, "The link asks for method “bogus”"),
        ({"hits": "999999"}, "The link asks for hits “999999”"),
        ({"row": "-3"}, "The link asks for row “-3”"),
        ({"row": "5000"}, "There is no row 5,000 in this corpus of 336 documents"),
        ({"source": "<script>"}, "The link asks for source “<script>”"),
    ],
)
def test_a_bad_link_says_so_and_the_map_still_draws(params, warning) -> None:
    at = AppTest.from_file(PAGE, default_timeout=240)
    for name, value in params.items():
        at.query_params[name] = value
    settle(at.run())
    assert not at.exception and not at.error
    # Shown literally: the warning's Markdown is the escaped text (see explorer.ui.messages).
    shown = markdown_escape(warning)
    assert any(w.value.startswith(shown) for w in at.warning), [w.value for w in at.warning]
    assert "336 documents" in charts(at)[0]["layout"]["title"]["text"]


def test_a_colour_column_from_a_link_that_is_not_there_falls_back(app) -> None:
    at = AppTest.from_file(PAGE, default_timeout=240)
    at.query_params["color"] = "<b>stars</b>"
    settle(at.run())
    assert not at.exception
    assert at.selectbox(key="corpus_color").value == "topic"


def test_a_parquet_from_the_cli_draws_its_own_map_and_searches_by_meaning(
    app, minilm, tmp_path
) -> None:
    import pandas as pd

    from explorer.documents.corpus import Corpus as Dataset
    from explorer.documents.writers import write_parquet

    texts = tuple(f"{SENTENCES[t]} ({i})" for i, t in enumerate(TOPICS * 4))
    coords = np.arange(40, dtype=np.float64).reshape(20, 2)
    dataset = Dataset(texts, pd.DataFrame({"topic": list(TOPICS * 4)}), None, None, None, None,
                      "test")  # fmt: skip
    path = tmp_path / "map.parquet"
    write_parquet(path, dataset, vectors=minilm.encode(list(texts)), coords=coords,
                  model="minilm", method="umap")  # fmt: skip
    upload(app, "map.parquet", path.read_bytes())
    assert not app.exception and not app.error
    assert app.radio(key="corpus_method").value == "file"
    (chart,) = charts(app)
    assert "the file's own map (UMAP)" in chart["layout"]["title"]["text"]
    xs = sorted(x for t in corpus_traces(app) for x in decode(t["x"]))
    assert xs == [float(x) for x in coords[:, 0]]  # drawn where the file put them
    app.text_input(key="corpus_query").input("baking bread at home").run()
    assert any("by meaning" in h.value for h in app.subheader)
    assert app.dataframe[0].value["text"][0].startswith(SENTENCES["cooking"])


# --- Clusters, filters, selection, density, 3-D, shards (issue 13 §1-3, issue 15) ----


def linked(**params: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=240)
    for name, value in params.items():
        at.query_params[name] = value
    return settle(at.run())


def test_show_clusters_names_them_on_the_map_lists_them_and_colours_by_them(app) -> None:
    from explorer.figures.clusters import NAMES_TRACE

    app.toggle(key="corpus_clusters").set_value(True).run()
    settle(app)
    assert not app.exception and not app.error
    table = app.dataframe(key="corpus_clusters_table").value
    assert list(table.columns) == ["cluster", "name", "documents", "share"]
    assert table["documents"].sum() <= 336 and len(table) >= 5
    assert list(table["documents"]) == sorted(table["documents"], reverse=True)
    (chart,) = charts(app)
    (names,) = [t for t in chart["data"] if t["name"] == NAMES_TRACE]
    assert [n.removeprefix("<b>").removesuffix("</b>") for n in names["text"]] == list(
        table["name"]
    )
    assert "(clusters)" in app.selectbox(key="corpus_color").options
    app.selectbox(key="corpus_color").set_value("(clusters)").run()
    traces = corpus_traces(app)
    assert traces[0]["name"] == f"1. {table['name'][0]}"
    assert sum(count(t["customdata"]) for t in traces) == 336


def test_a_filter_from_the_link_fades_the_rest_and_search_stays_inside(app) -> None:
    from explorer.figures.corpus import FADED_TRACE

    at = linked(filter='[{"c":"topic","in":["cars"]}]', q="a recipe with fresh basil")
    assert not at.exception and not at.error
    traces = corpus_traces(at)
    (faded,) = [t for t in traces if t["name"] == FADED_TRACE]
    kept = sum(count(t["customdata"]) for t in traces if t["name"] != FADED_TRACE)
    assert kept + count(faded["customdata"]) == 336
    assert [t["name"] for t in traces if t["name"] != FADED_TRACE] == ["cars"]
    assert at.multiselect(key=next(k for k in at.session_state if "filter_columns" in k)).value
    from explorer.documents.readers import load_sample

    topics = load_sample().extra["topic"].tolist()
    hits = at.dataframe[0].value  # the search hits
    assert {topics[r - 1] for r in hits["row"]} == {"cars"}
    assert any(c.value.startswith(f"The filter keeps {kept}") for c in at.caption)
    assert at.query_params["filter"] == '[{"c":"topic","in":["cars"]}]'


def test_a_bad_filter_in_the_link_says_so_and_shows_every_document() -> None:
    at = linked(filter='[{"c":"genre","in":["x"]}]')
    assert not at.exception
    assert "The link filters by “genre”, which this corpus cannot filter by." in [
        w.value for w in at.warning
    ]
    assert sum(count(t["customdata"]) for t in corpus_traces(at)) == 336


def test_a_selection_from_the_link_lists_its_documents_with_downloads() -> None:
    at = linked(sel="3,1,2,999")
    assert not at.exception and not at.error
    warnings = [w.value for w in at.warning]
    assert "The link selects 1 row beyond this corpus of 336 documents; it is left out." in warnings
    table = at.dataframe[-1].value  # the selection
    assert list(table["row"]) == [1, 2, 3] and list(table.columns) == ["row", "text", "topic"]
    assert any(h.value == "3 selected documents" for h in at.subheader)
    labels = [b.label for b in at.get("download_button")]
    assert "Download the selection (.csv)" in labels
    assert "Download the selection (.parquet)" in labels
    (chart,) = charts(at)
    (ring,) = [t for t in chart["data"] if t["name"] == "selected"]
    assert decode(ring["customdata"]) == [1, 2, 3]
    assert at.query_params["sel"] == "1,2,3"


def test_density_contours_and_the_3d_view(app) -> None:
    app.toggle(key="corpus_density").set_value(True).run()
    (chart,) = charts(app)
    (density,) = [t for t in chart["data"] if t["name"] == "density"]
    assert density["type"] == "contour" and density["contours"]["coloring"] == "lines"
    app.radio(key="corpus_view").set_value("3d").run()
    settle(app)
    assert not app.exception and not app.error
    (chart,) = charts(app)
    assert {t["type"] for t in chart["data"]} == {"scatter3d"}
    assert sum(count(t["customdata"]) for t in corpus_traces(app)) == 336
    assert chart["layout"]["scene"]["xaxis"]["title"]["text"].startswith("UMAP")
    assert app.query_params["view"] == "3d" and app.query_params["density"] == "true"


def test_old_links_without_the_new_parameters_still_open() -> None:
    at = linked(method="pca", color="topic", q="", hits="20", row="0")
    assert not at.exception and not at.error and not at.warning
    assert at.radio(key="corpus_view").value == "2d"
    assert at.toggle(key="corpus_clusters").value is False


def test_several_parquet_shards_uploaded_together_open_as_one_corpus(app) -> None:
    import pandas as pd

    from explorer.documents.writers import parquet_bytes

    files = []
    for part in range(3):
        texts = tuple(f"{SENTENCES[t]} (shard {part}, {i})" for i, t in enumerate(TOPICS * 2))
        vectors = np.random.default_rng(part).normal(size=(10, 8)).astype(np.float32)
        data = parquet_bytes(Corpus(texts, pd.DataFrame({"part": [part] * 10})),
                             vectors=vectors, model="synthetic")  # fmt: skip
        files.append((f"part-{part:05d}.parquet", data, "application/octet-stream"))
    app.radio(key="corpus_source").set_value("upload").run()
    app.file_uploader(key="corpus_files").set_value(list(reversed(files)))
    settle(app.run())
    assert not app.exception and not app.error
    assert "30 documents" in charts(app)[0]["layout"]["title"]["text"]
    assert any(w.value.startswith("Read all 30 rows of 3 shards") for w in app.warning)


def big_parquet(rows: int = 20) -> bytes:
    import pandas as pd

    from explorer.documents.writers import parquet_bytes

    texts = tuple(f"{SENTENCES[t]} (copy {i})" for i, t in enumerate(TOPICS * (rows // 5)))
    vectors = np.random.default_rng(7).normal(size=(rows, 8)).astype(np.float32)
    return parquet_bytes(Corpus(texts, pd.DataFrame({"n": range(rows)})), vectors=vectors,
                         model="synthetic")  # fmt: skip


def spy_reads(monkeypatch) -> list:
    """What the Corpus page's uploads read from, in order (bytes, or a path on disk)."""
    from explorer.ui import uploads

    sources = []
    read = uploads.read_frame
    monkeypatch.setattr(
        uploads, "read_frame", lambda source, **kw: sources.append(source) or read(source, **kw)
    )
    return sources


def test_a_big_file_of_vectors_is_released_once_read_and_its_map_stays(
    app, monkeypatch, tmp_path
) -> None:
    """Issue 13 §4: a big parquet of vectors is set aside on disk, its bytes dropped from
    memory, and read from there; the file is deleted once its corpus is built."""
    import tempfile
    from pathlib import Path

    from explorer.ui import uploads

    monkeypatch.setattr(uploads, "CORPUS_RELEASE_UPLOAD_MB", 0)  # every file counts as big
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    sources = spy_reads(monkeypatch)
    data = big_parquet()
    upload(app, "big.parquet", data)
    assert not app.exception and not app.error
    ((source,),) = [sources]
    assert isinstance(source, Path) and source.parent == tmp_path
    assert source.suffix == ".parquet" and not source.exists()  # read from disk, then deleted
    assert list(tmp_path.iterdir()) == []
    assert "20 documents" in charts(app)[0]["layout"]["title"]["text"]
    # The uploader is a fresh one, holding nothing; the page says what it shows.
    assert [u.key for u in app.get("file_uploader")] == ["corpus_files_1"]
    size = f"{len(data) / 1024 / 1024:,.0f} MB"
    assert markdown_escape(
        f"Showing big.parquet ({size}): read, then released from the server's memory "
        "(files over 0 MB are not kept once read). Upload a file to change it."
    ) in [c.value for c in app.caption]
    app.selectbox(key="corpus_color").set_value("n").run()  # a rerun keeps the corpus
    assert "20 documents" in charts(app)[0]["layout"]["title"]["text"]
    assert len(sources) == 1  # and does not read it again


def test_a_file_over_the_spool_limit_is_read_in_memory_then_released(app, monkeypatch) -> None:
    from explorer.ui import uploads

    monkeypatch.setattr(uploads, "CORPUS_RELEASE_UPLOAD_MB", 0)
    monkeypatch.setattr(uploads, "CORPUS_SPOOL_MAX_MB", 0)  # every file is over it
    sources = spy_reads(monkeypatch)
    upload(app, "huge.parquet", big_parquet())
    assert not app.exception and not app.error
    assert [type(s) for s in sources] == [bytes]
    assert "20 documents" in charts(app)[0]["layout"]["title"]["text"]
    assert [u.key for u in app.get("file_uploader")] == ["corpus_files_1"]  # released


def test_a_disk_with_no_room_for_a_big_file_reads_it_in_memory(app, monkeypatch) -> None:
    from explorer.ui import uploads

    def no_room(data, *, name):
        raise ValueError(f"Could not set aside {name!r}: No space left on device.")

    monkeypatch.setattr(uploads, "CORPUS_RELEASE_UPLOAD_MB", 0)
    monkeypatch.setattr(uploads, "SpooledFile", no_room)
    sources = spy_reads(monkeypatch)
    upload(app, "big.parquet", big_parquet())
    assert not app.exception and not app.error
    assert [type(s) for s in sources] == [bytes]
    assert "20 documents" in charts(app)[0]["layout"]["title"]["text"]


def test_a_big_file_that_fails_to_read_from_disk_says_why_and_the_next_one_opens(
    app, monkeypatch, tmp_path
) -> None:
    import tempfile
    from pathlib import Path

    from explorer.ui import uploads

    monkeypatch.setattr(uploads, "CORPUS_RELEASE_UPLOAD_MB", 0)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    read = uploads.read_frame

    def failing(source, **kw):
        if isinstance(source, Path) and kw["name"] == "broken.parquet":
            raise ValueError("“broken.parquet” is damaged: a page of it could not be read.")
        return read(source, **kw)

    monkeypatch.setattr(uploads, "read_frame", failing)
    upload(app, "broken.parquet", big_parquet())
    assert not app.exception
    errors = [e.value for e in app.error]
    assert any("“broken.parquet” is damaged" in e for e in errors), errors
    assert list(tmp_path.iterdir()) == []  # nothing more is read from it: deleted
    app.run()  # a rerun says it again, without reading
    assert any("“broken.parquet” is damaged" in e.value for e in app.error)
    (uploader,) = app.get("file_uploader")
    assert uploader.key == "corpus_files_1"  # a fresh uploader for the next file
    uploader.set_value([("good.parquet", big_parquet(30), "application/octet-stream")])
    settle(app.run())
    assert not app.exception and not app.error
    assert "30 documents" in charts(app)[0]["layout"]["title"]["text"]
    assert list(tmp_path.iterdir()) == []


def test_a_big_map_draws_one_gl_pixel_per_screen_pixel_and_mounts_once(monkeypatch) -> None:
    """Issue 13 §4: above CORPUS_SHARP_POINTS_MAX the chart's WebGL canvas has a quarter
    of the pixels; the map is the chart that stays mounted (explorer/ui/map_chart.py),
    keyed once, so a new figure is drawn into it; the layout carries the modes a
    selection needs and a data revision that changes only with what is drawn."""
    import explorer.config
    from explorer.ui import corpus as ui

    small = settle(AppTest.from_file(PAGE, default_timeout=240).run())
    ((kind, _, config),) = chart_elements(small)
    assert kind == "bidi_component" and "plotGlPixelRatio" not in config  # 336 points: sharp
    (element,) = small.get("bidi_component")
    assert element.proto.id.endswith(ui.CHART_KEY)  # the key is the element's identity
    monkeypatch.setattr(explorer.config, "CORPUS_SHARP_POINTS_MAX", 300)
    at = settle(AppTest.from_file(PAGE, default_timeout=240).run())
    ((_, figure, config),) = chart_elements(at)
    assert config["plotGlPixelRatio"] == 1
    layout = figure["layout"]
    assert (layout["clickmode"], layout["dragmode"], layout["hovermode"]) == (
        "event+select", "pan", "closest",
    )  # fmt: skip
    revision, chart_id = layout["datarevision"], at.get("bidi_component")[0].proto.id
    at.selectbox(key="corpus_color").set_value(corpus_view.NO_COLOR).run()
    assert charts(at)[0]["layout"]["datarevision"] != revision
    assert at.get("bidi_component")[0].proto.id == chart_id  # redrawn, not replaced
    at.selectbox(key="corpus_color").set_value("topic").run()
    assert charts(at)[0]["layout"]["datarevision"] == revision


def test_above_the_points_limit_a_box_selects_every_row_inside_it(monkeypatch) -> None:
    """Issue 13 §5: above CORPUS_POINTS_MAX the map's points are a sample, so a box or
    lasso is resolved against every row of the map, not only the points drawn."""
    from explorer.ui import corpus as ui

    at = settle(AppTest.from_file(PAGE, default_timeout=240).run())
    (chart,) = charts(at)
    xs = [x for t in corpus_traces(at) for x in decode(t["x"])]
    ys = [y for t in corpus_traces(at) for y in decode(t["y"])]
    x0, x1 = min(xs), (min(xs) + max(xs)) / 2  # the left half of the map
    y0, y1 = min(ys) - 1, max(ys) + 1
    left = sum(x <= x1 for x in xs)
    box = [([x0, x1, x1, x0], [y0, y0, y1, y1])]
    monkeypatch.setattr(ui, "CORPUS_POINTS_MAX", 10_000)  # 336 points: all drawn, none resolved
    at.session_state["_corpus_selection"] = [0, 1]
    at.session_state["_corpus_selection_shapes"] = box
    at.run()
    assert any(h.value == "2 selected documents" for h in at.subheader)
    monkeypatch.setattr(ui, "CORPUS_POINTS_MAX", 100)  # as if only a sample were drawn
    at.session_state["_corpus_selection_shapes"] = box
    at.run()
    assert not at.exception and not at.error
    assert 0 < left < 336
    assert any(h.value == f"{left} selected documents" for h in at.subheader)
    assert "_corpus_selection_shapes" not in at.session_state  # resolved once
    at.run()
    assert any(h.value == f"{left} selected documents" for h in at.subheader)


def test_zoomed_in_above_the_points_limit_the_page_draws_the_view(monkeypatch) -> None:
    """Issue 13 §5: a map drawn as an image with a sample, zoomed in (the chart's zoom,
    stored by ui.zoom_from_chart): the page draws the view in detail and says so; a
    double click (no view) or another projection shows the whole map again."""
    from explorer.figures import corpus_raster

    monkeypatch.setattr(corpus_raster, "CORPUS_POINTS_MAX", 100)  # 336 points: an image
    monkeypatch.setattr(corpus_raster, "CORPUS_SAMPLE_POINTS", 60)
    at = settle(AppTest.from_file(PAGE, default_timeout=240).run())
    (chart,) = charts(at)
    assert chart["layout"]["meta"] == {"zoom_detail": True} and chart["layout"]["images"]
    assert sum(count(t["customdata"]) for t in corpus_traces(at)) == 60  # the sample
    xs = [x for t in corpus_traces(at) for x in decode(t["x"])]
    ys = [y for t in corpus_traces(at) for y in decode(t["y"])]
    view = ((min(xs), (min(xs) + max(xs)) / 2), (min(ys), max(ys)))  # the left half
    revision = at.session_state["_corpus_zoom_map"]
    assert chart["layout"]["uirevision"] == revision
    at.session_state["_corpus_zoom"] = (revision, view)
    at.run()
    assert not at.exception and not at.error
    (chart,) = charts(at)
    assert tuple(chart["layout"]["xaxis"]["range"]) == view[0]
    note = chart["layout"]["meta"]["zoom_note"]
    assert note.startswith("Zoomed in: ") and note in [c.value for c in at.caption]
    drawn = [x for t in corpus_traces(at) for x in decode(t["x"])]
    assert all(view[0][0] <= x <= view[0][1] for x in drawn) and len(drawn) > 0
    at.session_state["_corpus_zoom"] = (revision, None)  # a double click: the whole map
    at.run()
    assert "zoom_note" not in charts(at)[0]["layout"]["meta"]
    at.session_state["_corpus_zoom"] = (revision, view)
    at.radio(key="corpus_method").set_value("pca").run()  # another map starts whole
    settle(at)
    (chart,) = charts(at)
    assert chart["layout"]["uirevision"] != revision and "zoom_note" not in chart["layout"]["meta"]


def test_a_new_corpus_opens_in_its_own_default_projection(app, monkeypatch) -> None:
    """The sample opens in UMAP; a corpus uploaded next that is over CORPUS_UMAP_FIRST_MAX
    opens in PCA (UMAP a click away), not in the UMAP the sample was shown in: a UMAP of
    100,000 points would start unasked."""
    from explorer.documents import corpus_view as view

    assert app.radio(key="corpus_method").value == "umap"
    monkeypatch.setattr(view, "CORPUS_UMAP_FIRST_MAX", 10)
    upload(app, "twenty.parquet", big_parquet())
    assert not app.exception and not app.error
    assert app.radio(key="corpus_method").value == "pca"
    assert "PCA" in charts(app)[0]["layout"]["title"]["text"]
    app.radio(key="corpus_method").set_value("umap").run()  # chosen: kept on a rerun
    settle(app)
    assert app.radio(key="corpus_method").value == "umap"
