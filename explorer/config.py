"""Every limit and default of the explorer, in one place.

The UI states these numbers when a limit is hit, so change them here only.
"""

from __future__ import annotations

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
ALL_PAIRS_MAX = 6
#: Above ALL_PAIRS_MAX phrases, lines from the selected phrase to all others
#: are labelled only for its nearest this-many (the rest say it on hover).
LABELLED_LINES_MAX = 8

#: Built-in models: name -> what the UI calls it.
BUILTIN_MODELS = {
    "toy": "Toy 2-D model (axes mean something)",
    "minilm": "Real model: all-MiniLM-L6-v2 (384 dimensions)",
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
