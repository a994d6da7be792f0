"""The corpus at scale, as ratios against the bare library in the same run.

Run: `.venv/bin/python bench/scale.py` (the full run embeds about 250,000 texts in
all and runs UMAP on 100,000: 30-60 minutes on 2 quiet cores). For each size (default
1,000, 10,000 and 100,000 synthetic sentences) it prints:
  (1) embedding throughput through the explorer (`explorer.documents.embed.embed` with a
      `DocumentCache` on a fresh folder: disk cache on, a file per batch) vs a bare
      `model.encode(texts, batch_size=ENCODE_BATCH_SIZE)`: target ratio at least 0.9;
  (2) the second load from the cache (a new `DocumentCache` on the same folder, as a
      new process makes) vs the first, embedding, run: target at least 50 times faster;
  (3) PCA on N x 384 (`compute_projection`): target under 2 s at 100,000;
  (4) UMAP at 10,000 and 100,000 (timed; progress on stderr);
and, on the largest size (`--browser-rows`, `--no-browser` to skip), in headless
Chromium on the "Explore a corpus" page with a parquet of texts, a category column,
embeddings and a PCA map: (a) upload to map drawn; (b) data ready to map drawn (target
under 3 s), median of 3, timed two ways: on a rerun with the upload in the session (the
projection switched) and back from the Playground through the sidebar; (c) "Colour by"
the category column to the map redrawn; and the server's peak memory. Ends with a
markdown table for the README and one line `RESULTS {json}` for scripts.

Options: --sizes 1000 10000 (or 1000,10000), --umap-sizes, --repeats, --browser-rows,
--no-browser. Develop with `--sizes 1000 --umap-sizes 1000 --repeats 1`. Exit status 1
when a step could not be measured; a MISSed target does not change it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

DEFAULT_SIZES = (1_000, 10_000, 100_000)
DEFAULT_UMAP_SIZES = (10_000, 100_000)
#: Targets from the issue.
EMBED_RATIO_MIN = 0.9
CACHE_RATIO_MIN = 50.0
PCA_MAX_S = 2.0
PCA_TARGET_ROWS = 100_000
READY_TO_MAP_MAX_S = 3.0
#: Times "data ready -> map drawn" is measured (the median is reported).
READY_TRIALS = 3
#: Name of the parquet's category column: not one the page colours by on its own
#: (explorer.documents.corpus.TOPIC_COLUMNS), so choosing it in "Colour by" is a change.
CATEGORY_COLUMN = "theme"
SEED = 0

# --- Synthetic text ------------------------------------------------------------------
# Two kinds of rows: "subject verb object context" sentences from hand-written pools,
# and the shipped sentences (the search sample and the toy model's phrases) each with a
# short remark, as a forum or a feed would quote them.

SUBJECTS = (
    "my neighbour", "our landlord", "the new intern", "a reader from Leeds",
    "the city council", "my sister", "our team lead", "the night-shift nurse",
    "a customer", "the primary school", "my flatmate", "the local bakery",
    "our book club", "the bus driver", "a tourist from Osaka", "my grandfather",
    "the football coach", "the startup next door", "our vet", "the science museum",
    "a first-year student", "the mayor", "my dentist", "the seaside hotel",
    "our plumber", "the budget airline", "a dairy farmer", "the wedding band",
    "my doctor", "the support team", "the head chef", "a commuting cyclist",
    "the public library", "my cousin", "the gym downstairs", "a local journalist",
    "the landlady", "my boss", "the corner garage", "the parents' group",
)  # fmt: skip
VERBS = (
    "complained about", "asked about", "wrote a review of", "posted photos of",
    "is worried about", "recommended", "cancelled", "booked", "fixed", "forgot about",
    "argued about", "cannot stop talking about", "finally replaced", "is saving up for",
    "shared a tip about", "posted an update on", "laughed about", "apologised for",
    "praised", "reported", "ordered", "returned", "checked", "asked for advice on",
    "cleaned", "sold", "lost", "found", "repaired", "tested", "planned",
    "asked for a refund on", "voted against", "read an article about",
    "made a video about", "signed up for", "gave up on", "is thinking about",
    "finished", "warned us about",
)  # fmt: skip
#: Objects by theme; the theme becomes the category column.
OBJECTS = {
    "home": (
        "the leaking kitchen tap", "the broken boiler", "the noisy washing machine",
        "a damp patch on the bedroom wall", "the new sofa", "the blocked drain",
        "a cheap set of shelves", "the draughty front door",
    ),
    "travel": (
        "a cheap flight to Lisbon", "the night train to Vienna",
        "a hotel room with a sea view", "the lost luggage", "a weekend in the mountains",
        "the ferry timetable", "a camper van for the summer", "the airport shuttle",
    ),
    "cooking": (
        "the spicy noodle soup", "the sourdough starter", "a vegan lasagne recipe",
        "the burnt pancakes", "a slow-cooked beef stew", "the lemon drizzle cake",
        "a jar of homemade chutney", "the Sunday roast",
    ),
    "tech": (
        "the new phone update", "the slow home Wi-Fi", "a laptop with a cracked screen",
        "the printer that keeps jamming", "a password manager", "the smart thermostat",
        "the cloud backup", "a second-hand tablet",
    ),
    "money": (
        "the electricity bill", "the monthly budget", "a high-interest savings account",
        "the late rent payment", "a parking fine", "the pension forms",
        "a refund from the bank", "the council tax letter",
    ),
    "health": (
        "the flu jab", "a sore knee", "the night-time cough", "the new allergy tablets",
        "a blood test", "the waiting list for physio", "a sprained wrist",
        "the hay fever season",
    ),
    "sport": (
        "the Saturday football match", "a half-marathon", "the climbing wall",
        "the tennis lessons", "a new pair of running shoes", "the swimming timetable",
        "the cricket score", "a yoga class",
    ),
    "pets": (
        "the old grey cat", "a puppy that chews shoes", "the goldfish tank",
        "the rabbit hutch", "a dog that barks at night", "the parrot's cage",
        "the cat flap", "a lost tortoise",
    ),
}  # fmt: skip
CONTEXTS = (
    "last night", "this morning", "on Monday", "again", "after work",
    "during the storm", "before the holidays", "for the third time this month",
    "on the group chat", "at the weekend", "in the comments", "without telling anyone",
    "with a big smile", "in a long email", "over breakfast", "at the town meeting",
    "on the phone for an hour", "in the queue at the post office", "right before lunch",
    "after the power cut", "while it was snowing", "on the way to school",
    "at two in the morning", "in front of everyone", "during the school run",
    "on the neighbourhood forum", "in the staff kitchen", "after the match",
    "before the deadline", "in a voice message", "at the farmers' market",
    "on the last day of term", "in the middle of the meeting", "at the bus stop",
    "on a rainy Tuesday", "after payday", "in a handwritten note",
    "while the kettle boiled", "on their lunch break", "in a hurry",
    "for no clear reason", "with the whole family", "at the end of the shift",
    "in the local paper", "during the heatwave", "on the train home",
    "in a three-page letter", "after the school concert", "once the shops had closed",
    "as soon as the sun came out",
)  # fmt: skip
REMARKS = (
    "Has anyone tried this?", "Saw this on the noticeboard.", "Sharing in case it helps.",
    "Not sure I agree.", "Worth reading.", "Thoughts?", "My mum sent me this.",
    "Posted by a member.", "Found this in an old folder.", "Quoted from the newsletter.",
    "Someone said this at work today.", "Heard on the radio.", "True story.",
    "Read it twice to be sure.", "From the comments section.", "Overheard on the bus.",
    "Still thinking about this one.", "Copied from the group chat.",
    "Can anyone confirm?", "Bookmarking this.", "Pinned by the moderators.",
    "A friend forwarded this.", "Straight from the FAQ.", "From last week's thread.",
    "Said with a straight face.", "Typed on my phone, sorry.", "Source: the website.",
    "As seen in the shop window.", "Written on the whiteboard.", "Ten out of ten.",
    "Could not make this up.", "Adding this to the wiki.", "Reposting for visibility.",
    "Translated by a volunteer.", "Printed on the receipt.", "From the school letter.",
    "Left as a review.", "From a customer survey.", "Said the tour guide.",
    "From my notes.",
)  # fmt: skip
#: Share of rows that quote a shipped sentence (the rest are built from the pools).
SHIPPED_SHARE = 0.25
#: Themes for shipped sentences: the sample's topic where it is one of ours, else these.
OTHER_TOPICS = "other topics"
EVERYDAY = "everyday messages"
_BLOCK = 4096


def shipped_sentences() -> list[tuple[str, str]]:
    """(sentence, theme) for the search sample and the toy model's training phrases."""
    import pandas as pd

    data = ROOT / "explorer" / "data"
    sample = pd.read_csv(data / "search_corpus.csv")
    phrases = pd.read_csv(data / "toy_phrases.csv")
    rows = [
        (str(text), topic if topic in OBJECTS else OTHER_TOPICS)
        for text, topic in zip(sample["text"], sample["topic"], strict=True)
    ]
    rows += [(str(text), EVERYDAY) for text in phrases["text"]]
    return rows


def _sentences(seed: int = SEED) -> Iterator[tuple[str, str]]:
    """An endless, deterministic stream of (sentence, theme), repeats possible."""
    import numpy as np

    rng = np.random.default_rng(seed)
    shipped = shipped_sentences()
    themes = list(OBJECTS)
    per_theme = len(OBJECTS[themes[0]])
    assert all(len(things) == per_theme for things in OBJECTS.values())
    while True:  # one block of draws at a time
        kind = rng.random(_BLOCK)
        picks = [
            rng.integers(0, n, _BLOCK)
            for n in (len(SUBJECTS), len(VERBS), len(themes), per_theme, len(CONTEXTS), 2)
        ]
        quote = rng.integers(0, len(shipped), _BLOCK)
        remark = rng.integers(0, len(REMARKS), _BLOCK)
        for i in range(_BLOCK):
            if kind[i] < SHIPPED_SHARE:
                sentence, theme = shipped[quote[i]]
                sentence = sentence.strip()
                stop = "" if sentence[-1] in ".!?…)" or not sentence[-1].isalnum() else "."
                yield f"{sentence}{stop} {REMARKS[remark[i]]}", theme
                continue
            subject, verb, theme_at, thing, context, form = (int(p[i]) for p in picks)
            theme = themes[theme_at]
            clause = f"{SUBJECTS[subject]} {VERBS[verb]} {OBJECTS[theme][thing]}"
            if form:
                text = f"{clause} {CONTEXTS[context]}."
            else:
                text = f"{CONTEXTS[context]}, {clause}."
            yield text[0].upper() + text[1:], theme


def synthetic_corpus(n: int, *, seed: int = SEED) -> tuple[list[str], list[str]]:
    """``n`` distinct sentences and their themes; the first ``k`` are the same for any ``n``."""
    from explorer.phrases import phrase_key

    texts: list[str] = []
    themes: list[str] = []
    seen: set[str] = set()
    for text, theme in _sentences(seed):
        if len(texts) == n:
            break
        key = phrase_key(text)
        if key in seen:
            continue
        seen.add(key)
        texts.append(text)
        themes.append(theme)
    return texts, themes


# --- Helpers -------------------------------------------------------------------------


class BenchError(RuntimeError):
    """A step that could not be measured, with what to look at."""


def say(text: str) -> None:
    """Progress for the person watching, on stderr (stdout holds the results)."""
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def verdict(passed: bool) -> str:
    return "PASS" if passed else "MISS"


def make_dataset(texts: list[str], themes: list[str] | None = None):
    import pandas as pd

    from explorer.documents.corpus import Corpus as Dataset

    extra = pd.DataFrame({CATEGORY_COLUMN: themes} if themes else {}, index=range(len(texts)))
    return Dataset(tuple(texts), extra, None, None, None, None, "synthetic sentences")


def peak_memory_mib(pid: int) -> float:
    """The process's peak resident memory (VmHWM), MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise BenchError(f"No VmHWM line in /proc/{pid}/status")


@dataclass
class SizeResult:
    """Everything measured at one size."""

    rows: int
    bare_rows_s: float = float("nan")
    explorer_rows_s: float = float("nan")
    embed_ratio: float = float("nan")
    first_load_s: float = float("nan")
    second_load_s: float = float("nan")
    cache_ratio: float = float("nan")
    pca_s: float = float("nan")
    umap_s: float | None = None
    max_vector_diff: float = float("nan")
    notes: list[str] = field(default_factory=list)


# --- (1)-(2) embedding and the cache ---------------------------------------------------


def bench_embedding(model, texts: list[str], *, repeats: int, folder: Path):
    """Fill a SizeResult's embedding and cache figures; return it and the explorer's vectors.

    Each repeat embeds the two halves of ``texts`` in the order bare, explorer,
    explorer, bare, so a busy moment on the machine falls on both; the explorer
    embeds into a fresh cache folder each repeat.
    """
    import numpy as np

    from explorer.config import ENCODE_BATCH_SIZE
    from explorer.documents.embed import embed
    from explorer.models.doc_cache import DocumentCache

    n = len(texts)
    result = SizeResult(rows=n)
    halves = [texts[: n // 2], texts[n // 2 :]]
    datasets = [make_dataset(half) for half in halves]
    bare_total = ours_total = 0.0
    bare_vectors: list[Any] = [None, None]
    ours_vectors: list[Any] = [None, None]
    last_folder = folder
    ours_last = 0.0

    def bare(i: int) -> float:
        start = time.perf_counter()
        bare_vectors[i] = model._model.encode(
            halves[i],
            batch_size=ENCODE_BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return time.perf_counter() - start

    def ours(i: int, cache: DocumentCache) -> float:
        start = time.perf_counter()
        ours_vectors[i] = embed(datasets[i], model=model, cache=cache)
        took = time.perf_counter() - start
        expected = sum(len(h) for h in halves[: i + 1])
        if cache.embedded != expected:
            raise BenchError(
                f"the explorer embedded {cache.embedded:,} texts so far, expected {expected:,}"
            )
        return took

    for repeat in range(repeats):
        last_folder = folder / f"rows-{n}-repeat-{repeat}"
        cache = DocumentCache(last_folder)
        say(f"  {n:,} rows, repeat {repeat + 1}/{repeats}: bare, explorer, explorer, bare")
        b0 = bare(0)
        o0 = ours(0, cache)
        o1 = ours(1, cache)
        b1 = bare(1)
        bare_total += b0 + b1
        ours_last = o0 + o1
        ours_total += ours_last
    result.bare_rows_s = repeats * n / bare_total
    result.explorer_rows_s = repeats * n / ours_total
    result.embed_ratio = result.explorer_rows_s / result.bare_rows_s
    vectors = np.concatenate([np.asarray(v, dtype=np.float32) for v in ours_vectors])
    reference = np.concatenate([np.asarray(v, dtype=np.float32) for v in bare_vectors])
    result.max_vector_diff = float(np.abs(vectors - reference).max())
    if result.max_vector_diff > 1e-3:
        result.notes.append(
            f"explorer and bare vectors differ by up to {result.max_vector_diff:.2g} at {n:,}"
        )

    # (2) a new cache on the folder of the last repeat, as a new process would make it.
    files = len(list(last_folder.rglob("batch-*.npz")))
    fresh = DocumentCache(last_folder)
    whole = make_dataset(texts)
    start = time.perf_counter()
    loaded = embed(whole, model=model, cache=fresh)
    result.second_load_s = time.perf_counter() - start
    result.first_load_s = ours_last
    result.cache_ratio = result.first_load_s / result.second_load_s
    if fresh.embedded:
        raise BenchError(f"the second load embedded {fresh.embedded:,} of {n:,} texts again")
    if not np.array_equal(loaded, vectors):
        raise BenchError("the second load from the cache gave other vectors than the first")
    say(
        f"  {n:,} rows: bare {result.bare_rows_s:.0f} rows/s, explorer "
        f"{result.explorer_rows_s:.0f} rows/s; {files} cache files reloaded in "
        f"{result.second_load_s:.3f} s"
    )
    return result, vectors


# --- (3)-(4) projections -----------------------------------------------------------------


def bench_pca(vectors, trials: int = 3) -> float:
    """Median seconds of compute_projection(vectors, method="pca")."""
    from explorer.space.projection import compute_projection

    times = []
    for _ in range(trials):
        start = time.perf_counter()
        projection = compute_projection(vectors, method="pca")
        times.append(time.perf_counter() - start)
        if projection.coords.shape != (len(vectors), 2):
            raise BenchError(f"PCA gave coordinates of shape {projection.coords.shape}")
    return statistics.median(times)


def umap_progress(n: int) -> Callable[..., None]:
    """A compute_projection progress callback printing a line per stage and every 10%."""
    state = {"stage": None, "tenth": -1, "start": time.perf_counter()}

    def progress(done: int, total: int, *, stage: str = "") -> None:
        elapsed = time.perf_counter() - state["start"]
        if stage != state["stage"]:
            state["stage"], state["tenth"] = stage, -1
            say(f"  UMAP on {n:,}: {stage} ({elapsed:.0f} s)")
        if total:
            tenth = 10 * done // total
            if tenth > state["tenth"]:
                state["tenth"] = tenth
                say(f"  UMAP on {n:,}: epoch {done}/{total} ({elapsed:.0f} s)")

    return progress


def bench_umap(vectors) -> float:
    """Seconds of ``compute_projection(method="umap", metric="cosine")``, as the page runs it."""
    from explorer.space.projection import compute_projection

    n = len(vectors)
    start = time.perf_counter()
    projection = compute_projection(
        vectors, method="umap", metric="cosine", progress=umap_progress(n)
    )
    took = time.perf_counter() - start
    if projection.method != "umap" or projection.coords.shape != (n, 2):
        raise BenchError(f"UMAP fell back to {projection.method}: {projection.notice}")
    return took


# --- (5) the browser ---------------------------------------------------------------------

#: JavaScript: resolves after two animation frames, i.e. once the drawn map is painted.
PAINTED_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


@dataclass
class BrowserResult:
    """What the browser part measured (seconds; NaN or empty: not measured)."""

    rows: int
    upload_to_map_s: float = float("nan")
    rerun_to_map_s: list[float] = field(default_factory=list)
    rerun_to_map_median_s: float = float("nan")
    colour_switch_s: float = float("nan")
    page_switch_to_map_s: list[float] = field(default_factory=list)
    page_switch_median_s: float = float("nan")
    #: What the page showed back from another page, where that was not the upload.
    page_switch_lost: str | None = None
    server_peak_mib: float = float("nan")
    notes: list[str] = field(default_factory=list)
    error: str | None = None


def write_corpus(path: Path, texts: list[str], themes: list[str], vectors) -> None:
    """The parquet `python -m explorer embed` would write: texts, theme, vectors, PCA map."""
    from explorer.documents.writers import write_parquet
    from explorer.space.projection import compute_projection

    coords = compute_projection(vectors, method="pca").coords
    write_parquet(
        path, make_dataset(texts, themes), vectors=vectors, coords=coords,
        model="minilm", method="pca",
    )  # fmt: skip


def bench_browser(
    texts: list[str], themes: list[str], vectors, *, folder: Path, result: BrowserResult
) -> None:
    """Measure the upload, the redraws and the server's peak memory into ``result``.

    "Data ready -> map drawn" is timed two ways, each from a click to the map
    with every point painted: a rerun with the upload in the session (the
    projection switched between the file's map and PCA, both computed), and a
    visit to the Playground and back through the sidebar, as the issue asks.
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    from explorer.config import CORPUS_WEBGL_MIN
    from tests.e2e.harness import (
        CORPUS_MAP_STATE_JS,
        free_port,
        launch_chromium,
        start_server,
        wait_for_chart,
    )

    n = len(texts)
    path = folder / f"corpus-{n}.parquet"
    say(f"Browser: writing {path.name} ({n:,} rows)")
    write_corpus(path, texts, themes, vectors)
    say(f"  {path.stat().st_size / 2**20:.0f} MiB; starting the server")
    log = folder / "server.log"
    # Upload, parse, PCA and drawing grow with the rows; a minute per 10,000 is generous.
    slow_ms = max(120_000, 6 * n)
    quick_ms = 120_000
    canvas = "s.canvas" if n >= CORPUS_WEBGL_MIN else "true"
    # Every point in the corpus traces, on a WebGL canvas where the page uses one.
    points = f"s.n === {n} && {canvas}"

    def log_tail() -> str:
        lines = log.read_text(errors="replace").splitlines() if log.exists() else []
        return "\n".join(lines[-15:]) or "(empty)"

    def wait_map(page, predicate: str, timeout_ms: int, what: str) -> dict:
        """Wait until the map's state passes ``predicate``, then until it is painted."""
        check = f"s && ({predicate})(s) ? s : null"
        try:
            state = page.wait_for_function(
                f"() => {{ const s = ({CORPUS_MAP_STATE_JS})(); return {check}; }}",
                timeout=timeout_ms,
            ).json_value()
            page.evaluate(PAINTED_JS)
        except PlaywrightError as error:
            last = page.evaluate(CORPUS_MAP_STATE_JS)
            raise BenchError(
                f"{what}: the map was not drawn within {timeout_ms / 1000:.0f} s "
                f"({type(error).__name__}); map state then: {last}; server log {log}:\n"
                f"{log_tail()}"
            ) from None
        return state

    def timed(page, click, predicate: str, what: str) -> float:
        start = time.perf_counter()
        click()
        wait_map(page, predicate, quick_ms, what)
        return time.perf_counter() - start

    def sidebar_link(page, title: str):
        return page.locator("[data-testid='stSidebarNav'] a").filter(has_text=title).first

    port = free_port()
    server = start_server(port, log=log)
    url = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1100})
                page.goto(f"{url}/corpus")
                page.get_by_text("Upload a file", exact=True).click()
                uploader = page.locator("input[type=file]")
                uploader.wait_for(state="attached", timeout=quick_ms)
                say("  (a) upload -> map drawn")
                start = time.perf_counter()
                uploader.set_input_files(str(path))
                wait_map(
                    page, f"s => {points} && s.title.includes('own map')", slow_ms,
                    "(a) after the upload",
                )  # fmt: skip
                result.upload_to_map_s = time.perf_counter() - start

                for trial in range(READY_TRIALS):
                    say(f"  (b) rerun: projection switched, {trial + 1}/{READY_TRIALS}")
                    to_file = trial % 2 == 1
                    name = "From the file (PCA)" if to_file else "PCA"
                    radio = page.get_by_role("radio", name=name, exact=True)
                    own_map = "" if to_file else "!"
                    result.rerun_to_map_s.append(
                        timed(
                            page, lambda radio=radio: radio.check(force=True),
                            f"s => {points} && {own_map}s.title.includes('own map')",
                            f"(b) projection “{name}”",
                        )
                    )  # fmt: skip
                result.rerun_to_map_median_s = statistics.median(result.rerun_to_map_s)

                say(f"  (c) Colour by “{CATEGORY_COLUMN}”")
                categories = len(set(themes))
                page.get_by_role("combobox", name="Colour by").click()
                option = page.get_by_role("option", name=CATEGORY_COLUMN, exact=True)
                result.colour_switch_s = timed(
                    page, option.click, f"s => {points} && s.traces === {categories}",
                    f"(c) coloured by “{CATEGORY_COLUMN}”",
                )  # fmt: skip

                for trial in range(READY_TRIALS):
                    say(f"  (b) Playground and back, {trial + 1}/{READY_TRIALS}")
                    sidebar_link(page, "Playground").click()
                    wait_for_chart(page, "s => s.n > 0", timeout=quick_ms)
                    start = time.perf_counter()
                    sidebar_link(page, "Explore a corpus").click()
                    # Any corpus map: the page may come back showing another corpus.
                    state = wait_map(
                        page, f"s => s.n > 0 && (s.n !== {n} || {canvas})", quick_ms,
                        "(b) back on the page",
                    )  # fmt: skip
                    if state["n"] != n:
                        result.page_switch_lost = (
                            f"back from the Playground the page drew {state['n']:,} points "
                            f"(title {state['title']!r}), not the {n:,} uploaded: the page "
                            "switch lost the upload"
                        )
                        break
                    result.page_switch_to_map_s.append(time.perf_counter() - start)
                if result.page_switch_to_map_s:
                    result.page_switch_median_s = statistics.median(result.page_switch_to_map_s)
            finally:
                browser.close()
        result.server_peak_mib = peak_memory_mib(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except Exception:  # noqa: BLE001 - a server that ignores SIGTERM is killed
            server.kill()
            server.wait(timeout=30)


# --- Report ------------------------------------------------------------------------------


def fmt(value: float | None, spec: str = ".2f") -> str:
    if value is None or value != value:  # None or NaN: not measured
        return "—"
    return format(value, spec)


def checks(sizes: list[SizeResult], browser: BrowserResult | None) -> list[tuple[str, bool]]:
    """(line, passed) for every figure with a target."""
    lines = []
    for s in sizes:
        lines.append((
            f"embedding through the explorer at {s.rows:,} rows: ratio {s.embed_ratio:.2f} of "
            f"bare throughput (target >= {EMBED_RATIO_MIN})",
            s.embed_ratio >= EMBED_RATIO_MIN,
        ))  # fmt: skip
        lines.append((
            f"second load from the cache at {s.rows:,} rows: {s.cache_ratio:.0f} x faster than "
            f"the first (target >= {CACHE_RATIO_MIN:.0f})",
            s.cache_ratio >= CACHE_RATIO_MIN,
        ))  # fmt: skip
        if s.rows >= PCA_TARGET_ROWS:
            lines.append((
                f"PCA on {s.rows:,} x 384: {s.pca_s:.2f} s (target < {PCA_MAX_S:.0f} s)",
                s.pca_s < PCA_MAX_S,
            ))  # fmt: skip
    if browser is not None and browser.error is None:
        if browser.page_switch_lost:
            lines.append((
                f"data ready -> map drawn at {browser.rows:,} points, back from another page: "
                f"not measurable, {browser.page_switch_lost}",
                False,
            ))  # fmt: skip
        else:
            lines.append((
                f"data ready -> map drawn at {browser.rows:,} points, back from another page: "
                f"median {browser.page_switch_median_s:.2f} s of "
                f"{len(browser.page_switch_to_map_s)} (target < {READY_TO_MAP_MAX_S:.0f} s)",
                browser.page_switch_median_s < READY_TO_MAP_MAX_S,
            ))  # fmt: skip
        lines.append((
            f"data ready -> map drawn at {browser.rows:,} points, on a rerun (projection "
            f"switched): median {browser.rerun_to_map_median_s:.2f} s of "
            f"{len(browser.rerun_to_map_s)} (target < {READY_TO_MAP_MAX_S:.0f} s)",
            browser.rerun_to_map_median_s < READY_TO_MAP_MAX_S,
        ))  # fmt: skip
    return lines


def markdown(sizes: list[SizeResult], browser: BrowserResult | None, machine: str) -> str:
    rows = [
        f"Measured by `bench/scale.py` on {machine}.",
        "",
        "| rows | bare encode (rows/s) | through the explorer (rows/s) | ratio (target ≥ 0.9) "
        "| first embedding (s) | second load from the cache (s) | ratio (target ≥ 50) "
        "| PCA (s) | UMAP (s) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in sizes:
        rows.append(
            f"| {s.rows:,} | {fmt(s.bare_rows_s, '.0f')} | {fmt(s.explorer_rows_s, '.0f')} "
            f"| {fmt(s.embed_ratio)} | {fmt(s.first_load_s, '.1f')} "
            f"| {fmt(s.second_load_s, '.3f')} | {fmt(s.cache_ratio, '.0f')} "
            f"| {fmt(s.pca_s, '.3f')} | {fmt(s.umap_s, '.1f')} |"
        )
    if browser is not None:
        rows += ["", f"Headless Chromium, {browser.rows:,} points:", ""]
        if browser.error is not None:
            rows.append(f"not measured: {browser.error.splitlines()[0]}")
        else:
            switch = (
                f"not measured: {browser.page_switch_lost}"
                if browser.page_switch_lost
                else f"{fmt(browser.page_switch_median_s)}"
            )
            rows += [
                "| step | seconds |",
                "|---|---:|",
                f"| upload (parquet with vectors and map) → map drawn "
                f"| {fmt(browser.upload_to_map_s)} |",
                f"| data ready → map drawn, back from another page (median of "
                f"{READY_TRIALS}; target < 3 s) | {switch} |",
                f"| data ready → map drawn, on a rerun (projection switched; median of "
                f"{len(browser.rerun_to_map_s)}; target < 3 s) "
                f"| {fmt(browser.rerun_to_map_median_s)} |",
                f"| “Colour by” a column → map redrawn | {fmt(browser.colour_switch_s)} |",
                "",
                f"Server peak memory (VmHWM): {fmt(browser.server_peak_mib, '.0f')} MiB.",
            ]
    return "\n".join(rows)


def plain(value: Any) -> Any:
    """``value`` with NaN (not measured) as ``None``, for strict JSON."""
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def parse_sizes(values: list[str]) -> list[int]:
    """``["1000,10000", "100000"]`` -> [1000, 10000, 100000]; underscores allowed."""
    sizes = []
    for value in values:
        for part in value.split(","):
            if part.strip():
                number = int(part.strip().replace("_", ""))
                if number < 4:
                    raise argparse.ArgumentTypeError(f"sizes must be at least 4, got {number}")
                sizes.append(number)
    return sorted(set(sizes))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        nargs="+",
        default=[",".join(map(str, DEFAULT_SIZES))],
        help="rows to measure at (default 1000 10000 100000)",
    )
    parser.add_argument(
        "--umap-sizes",
        nargs="+",
        default=[",".join(map(str, DEFAULT_UMAP_SIZES))],
        help="sizes (among --sizes) to run UMAP at (default 10000 100000)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="embedding repeats per size (default 3 up to 2,000 rows, 2 up to 20,000, else 1)",
    )
    parser.add_argument(
        "--browser-rows",
        type=int,
        default=None,
        help="points in the browser (default and at most the largest size)",
    )
    parser.add_argument("--no-browser", action="store_true", help="skip the browser part")
    parser.add_argument(
        "--browser-only",
        action="store_true",
        help="only the browser part, on the synthetic texts with random unit vectors (drawing "
        "does not depend on the vectors' values; skips 15 minutes of embedding at 100,000)",
    )
    args = parser.parse_args()
    try:
        sizes = parse_sizes(args.sizes)
        umap_sizes = parse_sizes(args.umap_sizes)
    except (ValueError, argparse.ArgumentTypeError) as error:
        parser.error(str(error))
    browser_rows = args.browser_rows or sizes[-1]
    if not args.no_browser and not 4 <= browser_rows <= sizes[-1]:
        parser.error(f"--browser-rows must be between 4 and the largest size ({sizes[-1]:,})")
    if args.repeats is not None and args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")

    import numpy as np
    import torch

    import explorer
    from explorer.config import ENCODE_BATCH_SIZE, SEARCH_EMBED_BATCH
    from explorer.space.projection import compute_projection

    machine = f"{os.cpu_count()} CPU cores, {torch.get_num_threads()} torch threads"
    print(f"bench/scale.py: {machine}; sizes {', '.join(f'{s:,}' for s in sizes)}")
    print(
        f"bare: model._model.encode(batch_size={ENCODE_BATCH_SIZE}); explorer: "
        f"explorer.documents.embed.embed(cache=DocumentCache(new folder), "
        f"{SEARCH_EMBED_BATCH} rows per batch file)"
    )
    say(f"Making {sizes[-1]:,} synthetic sentences")
    all_texts, all_themes = synthetic_corpus(sizes[-1])
    model = explorer.load_model("minilm")
    say("Warming up the model, PCA and UMAP")
    model._model.encode(all_texts[:64], batch_size=ENCODE_BATCH_SIZE, show_progress_bar=False)
    model.encode_uncached(all_texts[64:128])
    warm = np.random.default_rng(SEED).normal(size=(60, 384)).astype(np.float32)
    compute_projection(warm, method="pca")
    if any(s in umap_sizes for s in sizes):
        compute_projection(warm, method="umap", metric="cosine")  # numba's code loads once

    results: list[SizeResult] = []
    errors: list[str] = []
    largest_vectors = None
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as tmp:
        folder = Path(tmp)
        if args.browser_only:
            say(f"Browser only: {browser_rows:,} random unit vectors beside the texts")
            random = np.random.default_rng(SEED).normal(size=(browser_rows, 384))
            largest_vectors = (random / np.linalg.norm(random, axis=1, keepdims=True)).astype(
                np.float32
            )
        for n in [] if args.browser_only else sizes:
            repeats = args.repeats or (3 if n <= 2_000 else 2 if n <= 20_000 else 1)
            say(f"Embedding {n:,} rows ({repeats} repeat{'s' if repeats > 1 else ''})")
            result, vectors = bench_embedding(model, all_texts[:n], repeats=repeats, folder=folder)
            result.pca_s = bench_pca(vectors)
            say(f"  PCA on {n:,} x {vectors.shape[1]}: {result.pca_s:.3f} s")
            if n in umap_sizes:
                say(f"  UMAP on {n:,} points")
                result.umap_s = bench_umap(vectors)
                say(f"  UMAP on {n:,}: {result.umap_s:.1f} s")
            results.append(result)
            if n == sizes[-1]:
                largest_vectors = vectors
            for path in folder.glob(f"rows-{n}-repeat-*"):
                shutil.rmtree(path, ignore_errors=True)

        browser: BrowserResult | None = None
        if not args.no_browser:
            browser = BrowserResult(rows=browser_rows)
            try:
                bench_browser(
                    all_texts[:browser_rows], all_themes[:browser_rows],
                    largest_vectors[:browser_rows], folder=folder, result=browser,
                )  # fmt: skip
            except (BenchError, RuntimeError) as error:
                browser.error = str(error)
                errors.append(f"browser: {error}")

    print()
    print("| rows | bare rows/s | explorer rows/s | ratio | 1st load s | 2nd load s | ratio "
          "| PCA s | UMAP s |")  # fmt: skip
    for s in results:
        print(
            f"| {s.rows:>7,} | {fmt(s.bare_rows_s, '.0f'):>5} | {fmt(s.explorer_rows_s, '.0f'):>5} "
            f"| {fmt(s.embed_ratio)} | {fmt(s.first_load_s, '.1f'):>6} "
            f"| {fmt(s.second_load_s, '.3f')} | {fmt(s.cache_ratio, '.0f'):>4} "
            f"| {fmt(s.pca_s, '.3f')} | {fmt(s.umap_s, '.1f')} |"
        )
        for note in s.notes:
            print(f"  note: {note}")
    if browser is not None:
        print()
        if browser.error is not None:
            print(f"Browser at {browser.rows:,} points: NOT MEASURED\n{browser.error}")
        else:
            print(f"Browser at {browser.rows:,} points:")
            print(f"  (a) upload -> map drawn: {browser.upload_to_map_s:.2f} s")
            each = ", ".join(f"{t:.2f}" for t in browser.rerun_to_map_s)
            print(
                f"  (b) data ready -> map drawn on a rerun (projection switched): median "
                f"{browser.rerun_to_map_median_s:.2f} s ({each})"
            )
            if browser.page_switch_lost:
                print(f"  (b) back from the Playground: NOT MEASURED, {browser.page_switch_lost}")
            else:
                each = ", ".join(f"{t:.2f}" for t in browser.page_switch_to_map_s)
                print(
                    f"  (b) data ready -> map drawn back from the Playground: median "
                    f"{browser.page_switch_median_s:.2f} s ({each})"
                )
            print(
                f"  (c) Colour by “{CATEGORY_COLUMN}” -> map redrawn: "
                f"{browser.colour_switch_s:.2f} s"
            )
            print(f"  server peak memory (VmHWM): {browser.server_peak_mib:.0f} MiB")
        for note in browser.notes:
            print(f"  note: {note}")
    print()
    for line, passed in checks(results, browser):
        print(f"{verdict(passed)}  {line}")
    print()
    print(markdown(results, browser, machine))
    payload = {
        "machine": machine,
        "sizes": [vars(s) for s in results],
        "browser": None if browser is None else vars(browser),
        "checks": [{"check": line, "pass": passed} for line, passed in checks(results, browser)],
        "errors": errors,
    }
    print("RESULTS " + json.dumps(plain(payload), allow_nan=False))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
