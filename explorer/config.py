"""Every limit and default of the explorer, in one place.

The UI states these numbers when a limit is hit, so change them here only.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Files the package ships: toy training and validation phrases, toy weights, samples.
DATA_DIR = Path(__file__).parent / "data"

#: Most phrases the Playground takes at once; the rest are left out with a note.
MAX_PHRASES = 200
#: Characters of one phrase that the model reads (all-MiniLM-L6-v2 reads at
#: most 256 word pieces, about 1,000 characters of English). Longer phrases are
#: truncated for the model, with a note; the user's text is kept as typed.
MAX_PHRASE_CHARS = 1_000
#: Characters of a phrase quoted in notes and messages.
LABEL_CHARS = 32
#: A phrase's label on the map wraps at this width, over at most LABEL_LINES
#: lines; longer phrases end with "…" (the hover shows more).
LABEL_WIDTH = 26
LABEL_LINES = 2
#: Characters of a phrase shown in hover text and tables.
HOVER_CHARS = 300

#: Up to this many phrases, a dashed line joins every pair.
ALL_PAIRS_MAX = 4
#: What the toy model's distances can be measured on (the Playground's
#: "Measure distance on", link parameter ``axes``): name -> label.
TOY_DISTANCE_AXES = {
    "both": "both axes",
    "tone": "tone only (negative → positive)",
    "formality": "formality only (casual → formal)",
}
#: The runner-up within this factor of the nearest's distance is "about as near":
#: the answer then names no winner.
NEAR_TIE_RATIO = 1.05
#: Share of random pairs of reference phrases (Inside a vector's baseline) whose
#: cosine similarity a "really similar" pair must beat.
RANDOM_PAIR_QUANTILE = 0.95
#: Above ALL_PAIRS_MAX phrases, lines from the selected phrase to all others
#: are labelled only for its nearest this-many (the rest say it on hover).
LABELLED_LINES_MAX = 8

#: Built-in models: name -> what the UI calls it.
#: Dimensions of the real model, all-MiniLM-L6-v2, for page text written before it
#: loads (a test checks it against the loaded model).
REAL_MODEL_DIM = 384
BUILTIN_MODELS = {
    "toy": "Toy 2-D model (axes mean something)",
    "minilm": f"Real model: all-MiniLM-L6-v2 ({REAL_MODEL_DIM} dimensions)",
}
#: How figures and messages name a model.
MODEL_TITLES = {"toy": "Toy model", "minilm": "all-MiniLM-L6-v2"}
#: Projection methods: name -> label.
METHODS = {"pca": "PCA", "umap": "UMAP", "tsne": "t-SNE"}
#: Distance metrics: name -> label.
METRICS = {"euclidean": "Euclidean", "cosine": "Cosine"}

#: Fewest points each non-linear projection runs on; below it, PCA is used.
UMAP_MIN_POINTS = 4
TSNE_MIN_POINTS = 4
#: Default neighbourhood sizes, shrunk for small inputs.
UMAP_NEIGHBORS = 15
TSNE_PERPLEXITY = 30.0

#: Phrases whose embeddings one model keeps in memory (least recently used go).
EMBEDDING_CACHE_SIZE = 100_000
#: Phrases encoded per model call.
ENCODE_BATCH_SIZE = 256
#: Encodes of up to this many texts run on one CPU thread. Two threads that
#: spin-wait for each other lose badly whenever another process (the browser,
#: the server loop, another visitor) holds a core: one short phrase took 10 ms
#: alone but 20-180 ms with a core busy on two threads, 13 ms on one.
SINGLE_THREAD_MAX_TEXTS = 32
#: Python's GIL switch interval in the server (explorer.ui.cache sets it). Each
#: rerun runs in its own thread beside the server loop (and, once, the UMAP
#: warm-up); torch must win the GIL back after its ops, and at the default 5 ms a
#: one-phrase encode beside a busy thread took 800 ms instead of 13 ms; at 0.2 ms
#: it took 60 ms (bench/playground.py).
GIL_SWITCH_INTERVAL_S = 0.0002

# --- Compare and custom axes ---
#: The Compare page measures the real model's nearest neighbours with this
#: metric in all its dimensions (for MiniLM's unit vectors, Euclidean gives the
#: same neighbours); the toy model uses Euclidean distance on its plane.
COMPARE_REAL_METRIC = "cosine"
#: Most phrases one pole of a custom axis takes ("a few phrases or words").
AXES_MAX_POLE_PHRASES = 20
#: Above this |cosine| between the two axis directions (about 72°), the page
#: warns that the axes measure partly the same thing.
AXES_COSINE_WARNING = 0.3
#: A pole difference shorter than this share of the pole centroids' length is
#: treated as zero: the two poles point the same way and define no direction.
AXES_MIN_DIRECTION = 1e-4
#: Fewest phrases a rank correlation is computed on.
RANK_CORRELATION_MIN_PHRASES = 3

# --- Fidelity and inside a vector ---
#: Neighbours each fidelity score looks at (trustworthiness, continuity, k-NN
#: recall, false and torn neighbours); shrunk below half the phrase count.
FIDELITY_K = 5
#: Largest k the "How much the map lies" page offers.
FIDELITY_K_MAX = 15
#: Fewest phrases any fidelity score is computed on (k must stay below n / 2).
FIDELITY_MIN_PHRASES = 3
#: Below this many phrases the page says the scores mean little.
FIDELITY_ADVISED_PHRASES = 5
#: Scores closer than this count as a tie when naming the most faithful method.
FIDELITY_TIE = 0.02
#: Most pairs drawn in the Shepard diagram (a seeded sample beyond it; the
#: rank correlation always uses every pair).
SHEPARD_MAX_POINTS = 5_000
#: Shares of PCA variance whose component counts are reported.
VARIANCE_SHARES = (0.5, 0.9)
#: Phrases whose raw values are drawn as heat strips at once.
STRIPS_MAX = 3
#: Random pairs of reference phrases in the cosine-similarity baseline, and the
#: seed that draws them.
BASELINE_PAIRS = 5_000
BASELINE_SEED = 0
#: Bins of the baseline histogram over cosine similarity [-1, 1].
BASELINE_BINS = 80

# --- Export and import ---
#: Largest upload the import reads, in bytes (all files together, a zip's
#: contents unpacked); larger ones are refused before parsing. Streamlit's own
#: cap is ``server.maxUploadSize`` (MB) in .streamlit/config.toml.
IMPORT_MAX_BYTES = 32 * 1024 * 1024
#: Most vectors (rows) one import takes.
IMPORT_MAX_ROWS = 5_000
#: Most dimensions an imported vector may have.
IMPORT_MAX_DIM = 4_096

# --- Search ---
#: Hits each ranker returns by default, and the most the Search page offers.
SEARCH_K = 5
SEARCH_MAX_K = 20
#: Most documents one corpus holds; the rest are left out with a note.
SEARCH_MAX_DOCS = 10_000
#: Largest corpus file (or pasted text) accepted, in bytes.
SEARCH_MAX_BYTES = 10 * 1024 * 1024
#: The query Search's preset runs over the sample corpus: it shares no word
#: with the sample's document about automobile repairs.
SEARCH_PRESET_QUERY = "how to fix my car"
#: Where document embeddings are kept between runs; the environment variable
#: overrides it (tests point it at a temporary folder).
SEARCH_CACHE_DIR = "~/.cache/embedding-explorer"
SEARCH_CACHE_DIR_ENV = "EXPLORER_CACHE_DIR"
#: Documents embedded per model call and saved per cache file: a corpus embeds
#: batch by batch, so an interrupted one resumes, and the progress bar moves.
SEARCH_EMBED_BATCH = 512
#: Document embeddings kept in memory across corpora (1.5 KiB each for 384
#: dimensions, so 150 MiB); the least recently used batches go, and stay on disk.
SEARCH_MEMORY_ROWS = 100_000
#: Corpora whose prepared search index (vectors, keyword index, map) stays in memory.
SEARCH_INDEXES_KEPT = 4
#: Above this many documents the map draws its points with WebGL.
SEARCH_MAP_WEBGL_MIN = 2_000

# --- Share links ---
#: Longest link the Share control offers (browsers, chat apps and servers
#: start cutting links somewhere past 8,000 characters).
MAX_LINK_CHARS = 8_000
#: Phrases travel as readable text (``?phrases=``) while their encoded form
#: stays under this many characters; longer lists go compressed (``?pz=``).
PLAIN_PHRASES_CHARS = 1_500
#: Most characters a link's phrases may unpack to (a guard against
#: decompression bombs): MAX_PHRASES phrases of MAX_PHRASE_CHARS, plus breaks.
MAX_LINK_TEXT_CHARS = MAX_PHRASES * (MAX_PHRASE_CHARS + 1)

# --- Corpus at scale (the Corpus page and `python -m explorer`) ---
#: Most rows the Corpus page opens from texts it must embed itself; the rest of a
#: file is left out with a note. The CLI has no cap, but says when the app will cut.
CORPUS_MAX_ROWS = 100_000
#: Most rows the Corpus page opens from a file that brings its own vectors (a parquet
#: from `python -m explorer embed` or `project`, shards, .npy with texts): nothing
#: is embedded here, so only reading and drawing grow with it.
CORPUS_MAX_PREPARED_ROWS = 1_000_000
#: Largest upload, in MB: Streamlit's ``server.maxUploadSize`` in
#: .streamlit/config.toml is kept equal to it (a test checks). The uploader
#: itself refuses anything bigger, with its own message, before any byte arrives.
#: 1,000,000 rows of 384-d vectors written as float16 (`--vector-dtype float16`)
#: with their texts and map take about 0.85 GB; a public demo keeps DEMO_MAX_UPLOAD_MB.
CORPUS_MAX_UPLOAD_MB = 1_024
#: Files of vectors over this many MB are released from the server's memory once read
#: (Streamlit keeps an upload's bytes while its uploader holds them): the uploader
#: clears, and the page says which file it shows.
CORPUS_RELEASE_UPLOAD_MB = 64
#: A parquet of vectors between CORPUS_RELEASE_UPLOAD_MB and this many MB is set aside on
#: disk and read from there, its bytes dropped first: the server never holds the file and
#: its float32 matrix at once (100,000 x 384, 151 MB: peak 1,137 MiB instead of
#: 1,414-1,531). Bigger ones are read in memory: writing a million float16 rows (774 MB)
#: took 0.4-1.9 s of the 10 s their map may take, for a peak (3.4 GB) already under 4 GB.
CORPUS_SPOOL_MAX_MB = 512
#: Largest table of texts (.txt, .csv, .tsv), in bytes: its rows are embedded here,
#: at most CORPUS_MAX_ROWS of them.
CORPUS_MAX_BYTES = 400 * 1024 * 1024
#: Texts embedded per model call and saved per cache file, on a CPU and on a GPU
#: (a GPU is fed large length-sorted batches: it waits on host tokenization).
CORPUS_EMBED_BATCH = 512
CORPUS_EMBED_BATCH_GPU = 8_192
#: Sentences per forward pass inside one model call on a GPU (CPU: ENCODE_BATCH_SIZE).
ENCODE_BATCH_SIZE_GPU = 1_024
#: t-SNE runs only up to this many points (beyond it, minutes on two cores);
#: the page suggests UMAP above it.
CORPUS_TSNE_MAX = 5_000
#: A corpus without a map of its own opens in UMAP up to this many documents (PCA is
#: shown while UMAP computes); above it, in PCA, with UMAP one click away.
CORPUS_UMAP_FIRST_MAX = 10_000
#: Each point carries its text as a label up to this many points; above it,
#: hover shows the text (the browser slows down drawing thousands of labels).
CORPUS_LABELS_MAX = 300
#: Characters of a document in hover text on the corpus map.
CORPUS_HOVER_CHARS = 160
#: Up to this many points the corpus map carries each point's text for its hover;
#: above it, none (hover shows the row and the colour value, a click the text): at
#: 100,000 points the text was 8 MB of the page's 9.6 MB and most of a redraw.
CORPUS_HOVER_TEXT_MAX = 20_000
#: Up to this many points the corpus map's WebGL canvas has two pixels per screen pixel
#: (Plotly's default, sharp on high-DPI screens); above it one, a quarter of the pixels.
CORPUS_SHARP_POINTS_MAX = 20_000
#: Up to this many points the corpus map draws every point with WebGL; above it, all of
#: them as one image (CORPUS_RASTER_PX pixels wide by high) and a seeded sample of this
#: many as points (a million WebGL points took a minute to draw in software GL).
CORPUS_POINTS_MAX = 100_000
#: Above CORPUS_POINTS_MAX, how many points (a fixed random sample) are drawn over the image
#: to hover, click and select: the million-row map took 3.7 s to paint in the browser with
#: 100,000 of them and 2.2 s with 50,000 (headless Chromium, software GL).
CORPUS_SAMPLE_POINTS = 50_000
CORPUS_RASTER_PX = (800, 600)
CORPUS_SAMPLE_SEED = 0
#: Neighbours (in the model's full space) listed and joined by lines for a clicked point.
CORPUS_NEIGHBORS = 10
#: Hits a search within the corpus highlights by default, and at most.
CORPUS_SEARCH_HITS = 20
CORPUS_SEARCH_MAX_HITS = 200
#: Colours for categories (a corpus column's values, the search map's topics), each
#: its own (figures.style.category_palette); rarer values are drawn together as grey "other".
CORPUS_COLOR_CATEGORIES = 24
#: Below this many rows, the map uses ordinary SVG markers instead of WebGL.
CORPUS_WEBGL_MIN = 1_000
#: Row numbers a corpus note lists (rows left out for having no text, say); the rest are counted.
CORPUS_NOTE_ROWS = 5
#: Longest note about a corpus, in characters: an import's list of merged
#: duplicates can name thousands of texts, so it is cut.
CORPUS_NOTE_CHARS = 400
#: Rows of a box or lasso selection a link carries (the first ones; a note says so).
CORPUS_LINK_ROWS = 100
#: Selected documents the page's table lists (the download has them all).
CORPUS_TABLE_ROWS = 2_000
#: A column with more distinct values than this is not offered as a category filter.
CORPUS_FILTER_CHOICES = 500
#: Grid cells along each axis of the corpus map's density contours.
CORPUS_DENSITY_BINS = 60
#: `project` on a folder of shards (written by `embed --engine ray`): PCA is fitted
#: on a seeded sample of this many rows, then applied to every shard.
SHARDS_PCA_SAMPLE = 100_000
#: UMAP and t-SNE on a folder of shards fit all its points in memory, up to this many.
SHARDS_FIT_MAX_ROWS = 1_000_000

# --- Ask a document (the retrieval step of RAG) ---
#: Largest document the Ask page takes, pasted or uploaded, in bytes of UTF-8.
ASK_MAX_BYTES = 6 * 1024 * 1024
#: How a document can be cut into chunks, and each way's default (size, overlap):
#: paragraphs up to a size in tokens (longer ones split at sentence ends), windows
#: of sentences (size and overlap in sentences), or windows of tokens.
ASK_CHUNKINGS = ("paragraph", "sentences", "tokens")
ASK_CHUNK_DEFAULTS = {"paragraph": (200, 0), "sentences": (3, 1), "tokens": (128, 32)}
#: Largest chunk size offered: tokens (over the model's 256 on purpose, to see chunks
#: cut) and sentences; and the most chunks one document may make.
ASK_MAX_CHUNK_TOKENS = 512
ASK_MAX_CHUNK_SENTENCES = 50
ASK_MAX_CHUNKS = 50_000
#: Chunks handed to the generator by default, and the most the page offers.
ASK_K = 3
ASK_MAX_K = 10
#: Reciprocal rank fusion's constant: a chunk's hybrid score is the sum over the
#: rankers of 1 / (ASK_RRF_K + its rank) (60, as in Cormack et al., 2009).
ASK_RRF_K = 60
#: Tokens (in the model's tokenizer) the prompt a generator receives may hold.
ASK_PROMPT_BUDGET = 1_024
#: UMAP draws the chunks from this many chunks on (below it, PCA with a note), and
#: up to ASK_UMAP_MAX (above it the page keeps PCA: UMAP would take minutes).
ASK_UMAP_MIN = 15
ASK_UMAP_MAX = 5_000
#: On a UMAP map, the question sits at the similarity-weighted mean of this many
#: nearest chunks (UMAP has no linear map that could place it).
ASK_PLACE_NEIGHBORS = 5
#: A pasted document travels in the link while its encoded form stays under this.
ASK_LINK_DOC_CHARS = 4_000

# --- Named clusters (explorer.clusters) ---
#: Clusters are found on a UMAP of the vectors to this many dimensions (not on the
#: drawn 2-D map), with HDBSCAN; on 336 sample documents this matched the topics
#: far better than HDBSCAN on PCA (bench/clusters.py).
CLUSTER_UMAP_DIMS = 5
#: HDBSCAN's smallest cluster: this share of the points fitted, and never fewer
#: than CLUSTER_MIN_SIZE points.
CLUSTER_MIN_SHARE = 0.025
CLUSTER_MIN_SIZE = 5
#: Below this many points everything is one cluster (too few to find groups).
CLUSTER_MIN_POINTS = 10
#: Above this many points, UMAP and HDBSCAN run on a seeded sample of this many
#: (on a PCA of CLUSTER_PCA_DIMS dimensions) and every other point takes the label
#: most of its CLUSTER_ASSIGN_NEIGHBORS nearest among CLUSTER_ASSIGN_REFERENCE of
#: the sampled points have (a quarter of the time of all 4,000). Below 4,096
#: UMAP finds neighbours exactly, with code `make install` already compiled (its
#: approximate search would compile for about a minute in each new process).
CLUSTER_FIT_SAMPLE = 4_000
CLUSTER_PCA_DIMS = 50
CLUSTER_ASSIGN_NEIGHBORS = 5
CLUSTER_ASSIGN_REFERENCE = 1_000
#: UMAP's epochs for clusters (its default is 500 up to 10,000 points): as good on
#: the sample (mean ARI 0.339 against 0.341 over six seeds) in 40% of the time.
CLUSTER_UMAP_EPOCHS = 200
#: A point HDBSCAN left as noise joins the nearest cluster when it is at most this
#: many times as far from it as 95% of the clustered points are from their nearest
#: neighbour (on the 5-d UMAP); farther ones stay noise (label -1).
CLUSTER_NOISE_REACH = 2.0
#: Words naming each cluster (class-based TF-IDF: frequent in it, rare elsewhere).
CLUSTER_NAME_WORDS = 3

# --- A shared server and the public demo (background jobs, the embedding worker) ---
#: Set this environment variable to 1 for a public demo: lower upload limits and a
#: per-visitor budget of documents (see :func:`public_demo`); ``make run`` leaves it off.
PUBLIC_DEMO_ENV = "EXPLORER_PUBLIC_DEMO"
#: Background jobs (embedding, UMAP) one visitor's session may have waiting or running.
JOBS_PER_SESSION = 1
#: Background jobs running at once on the server; later ones wait in a queue.
JOBS_RUNNING_MAX = 2
#: Jobs that may wait in that queue; beyond it a new job is refused, with a message.
JOBS_QUEUE_MAX = 4
#: A job whose progress no page has polled for this long (its visitor left) is cancelled.
JOB_IDLE_CANCEL_S = 5 * 60
#: Public demo only: new documents one session may embed per hour.
DEMO_DOCS_PER_HOUR = 20_000
#: Public demo only: the largest upload, in MB (and the most a zip may unpack to).
DEMO_MAX_UPLOAD_MB = 20
#: Misses (documents not cached) from this many on are embedded by the worker
#: process, not by the server's own threads (a few phrases stay in-process).
WORKER_MIN_TEXTS = 64
#: Characters kept per document of a table (the model reads MAX_PHRASE_CHARS, keyword
#: search the rest); longer ones are cut, with a note.
DOC_MAX_CHARS = 10_000
#: Largest uncompressed size a parquet's metadata may declare beyond the file's own size,
#: in bytes: plainly stored vectors unpack to their size, a bomb to much more.
PARQUET_MAX_UNCOMPRESSED_BYTES = 1024**3
#: Rows of a parquet decoded at once, at least and at most (long strings are cut batch by
#: batch): as many as the metadata says unpack to ``PARQUET_BATCH_BYTES``. A thousand-row
#: batch carries its row group's whole text dictionary, so a million rows read 1,000 at a
#: time took 11 s for the text alone, 65,536 at a time 0.8 s. 100,000 float32 vectors
#: of 384 read in 16 MB batches in 0.97 s and +422 MiB at the peak, in 64 MB batches in
#: 1.68 s and +545 MiB (columns read on their own thread are sized apart).
PARQUET_BATCH_ROWS = 1_000
PARQUET_BATCH_MAX_ROWS = 65_536
PARQUET_BATCH_BYTES = 16 * 1024**2
#: A parquet on disk (a big upload, spooled) is read this many bytes at a time: without
#: it pyarrow reads each column chunk whole first, a 147 MiB column of 100,000 vectors
#: held beside the matrix it fills.
PARQUET_FILE_BUFFER_BYTES = 1024**2
#: A zip whose files unpack to more than this many times their packed size (and
#: to over a MB) is refused: text and vectors pack 2-10 times, a zip bomb thousands.
ZIP_MAX_RATIO = 100
#: The on-disk embedding cache's size limit, in bytes; the least recently used
#: batch files go first. The environment variable overrides it.
CACHE_MAX_BYTES = 4 * 1024**3
CACHE_MAX_BYTES_ENV = "EXPLORER_CACHE_MAX_BYTES"


def public_demo() -> bool:
    """Whether the app runs as a public demo (``EXPLORER_PUBLIC_DEMO=1``), read in one place.

    Example:
        >>> from unittest import mock
        >>> with mock.patch.dict(os.environ, {PUBLIC_DEMO_ENV: "1"}):
        ...     public_demo()
        True
    """
    return os.environ.get(PUBLIC_DEMO_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def upload_limit_mb() -> int:
    """The Corpus page's upload limit in MB: CORPUS_MAX_UPLOAD_MB, or the demo's.

    Example:
        >>> upload_limit_mb() in (CORPUS_MAX_UPLOAD_MB, DEMO_MAX_UPLOAD_MB)
        True
    """
    return DEMO_MAX_UPLOAD_MB if public_demo() else CORPUS_MAX_UPLOAD_MB


def cache_max_bytes() -> int:
    """The disk cache's size limit: ``$EXPLORER_CACHE_MAX_BYTES`` if set, else ``CACHE_MAX_BYTES``.

    Example:
        >>> from unittest import mock
        >>> with mock.patch.dict(os.environ, {"EXPLORER_CACHE_MAX_BYTES": "1000000"}):
        ...     cache_max_bytes()
        1000000
    """
    raw = os.environ.get(CACHE_MAX_BYTES_ENV, "").strip()
    if not raw:
        return CACHE_MAX_BYTES
    try:
        return max(0, int(float(raw)))
    except ValueError:
        return CACHE_MAX_BYTES  # not a number: the default


# --- Views: a 2-D map or a 3-D view (the Playground and the Corpus page) ---
#: The views a map offers, by link value (``&view=3d``); the 2-D map is the default.
VIEWS = {"2d": "2-D map", "3d": "3-D view"}
#: The Playground's 3-D view writes each phrase beside its point up to this many
#: phrases; above it, hover names them (Plotly cannot keep labels apart in 3-D).
PLAYGROUND_3D_LABELS_MAX = 8

# --- The embedding worker's share (issue 16 §2) ---
#: Texts per call into the embedding worker process: a page's own encode waits
#: for at most one such chunk of another visitor's corpus job (about a second on
#: one core), never for a whole CORPUS_EMBED_BATCH.
WORKER_CHUNK_TEXTS = 128
