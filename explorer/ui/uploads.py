"""Uploads read once per file, for the Search and Corpus pages.

Reading 100,000 rows takes a second or two; a rerun (another widget changed)
must not read the file again. One session memo per page keeps each step's
result (the table, then the corpus for each text column), or its
``ValueError``, until other files are chosen. The Corpus page's parsed table is
dropped once its corpus is built (choosing another column reads the file again).

Big files of vectors do not stay in memory: once read, they are released (the uploader
clears); a single parquet of them (up to ``CORPUS_SPOOL_MAX_MB``) is first set aside on
disk and its bytes dropped, then read from there (:func:`spool_upload`).
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFile, UploadedFileRec

from explorer.config import (
    CORPUS_MAX_PREPARED_ROWS,
    CORPUS_MAX_ROWS,
    CORPUS_RELEASE_UPLOAD_MB,
    CORPUS_SPOOL_MAX_MB,
    SEARCH_MAX_BYTES,
    SEARCH_MAX_DOCS,
    upload_limit_mb,
)
from explorer.documents.corpus import Corpus
from explorer.documents.readers import (
    UPLOAD_TYPES,
    Frame,
    SpooledFile,
    from_frame,
    from_table,
    is_vectors_file,
    load_upload,
    parquet_has_vectors,
    read_frame,
    read_table,
)
from explorer.documents.readers.files import SEARCH_UPLOAD_TYPES
from explorer.documents.shard_upload import read_uploaded
from explorer.phrases import markdown_escape
from explorer.ui.cache import attempt, trim_free_memory, unwrap

T = TypeVar("T")
#: The spinner's words while a file is read (100,000 rows: one or two seconds).
READING = "Reading the file…"
#: The browser refuses files far over the Search page's limit before sending
#: them; those a little over it reach the reader, whose message gives the exact size.
SEARCH_REFUSED_MB = math.ceil(2 * SEARCH_MAX_BYTES / 1024 / 1024)
#: Session key: how many big uploads were released (the uploader's key changes each time).
RELEASED_KEY = "_corpus_uploads_released"
#: Session key: the name of the released file the page shows.
RELEASED_NAME_KEY = "_corpus_released_name"
#: Session key: a big parquet of vectors set aside on disk (:class:`SpooledFile`), being read.
SPOOLED_KEY = "_corpus_spooled"
#: The uploaded files that share each upload's bytes, by file id (see ``share_upload_bytes``).
_SHARING: dict[str, weakref.WeakSet[UploadedFile]] = {}


def uploader_key() -> str:
    """The Corpus uploader's key: ``corpus_files``, then a new one after each release."""
    released = st.session_state.get(RELEASED_KEY, 0)
    return "corpus_files" if not released else f"corpus_files_{released}"


def drop_upload_bytes(files: Sequence[UploadedFile]) -> None:
    """Let go of the bytes Streamlit holds for ``files``: its uploaded-file manager's copy
    (as its chat input does once a message is sent) and every ``UploadedFile`` sharing
    them, closed. The uploader must not be drawn again under its key (see ``uploader_key``).
    """
    context = get_script_run_ctx()
    remove = getattr(context.uploaded_file_mgr, "remove_file", None) if context else None
    for file in files:
        if remove is not None:
            remove(session_id=context.session_id, file_id=file.file_id)
        for holder in [*_SHARING.pop(file.file_id, ()), file]:
            holder.close()


def _released(names: Sequence[str], size: int) -> None:
    """Bump the uploader's key (a fresh, empty one) and name the file the page shows."""
    st.session_state[RELEASED_KEY] = st.session_state.get(RELEASED_KEY, 0) + 1
    shown = names[0] if len(names) == 1 else f"{names[0]} and {len(names) - 1:,} more files"
    st.session_state[RELEASED_NAME_KEY] = f"{shown} ({size / 1024 / 1024:,.0f} MB)"


def release_upload(
    corpus: Corpus, *, files: Sequence[UploadedFile], size: int, last_key: str
) -> None:
    """Over ``CORPUS_RELEASE_UPLOAD_MB``: keep ``corpus`` as the last upload read, drop
    the ``size`` bytes Streamlit holds for ``files``, and rerun with a fresh, empty
    uploader."""
    if size <= CORPUS_RELEASE_UPLOAD_MB * 1024 * 1024:
        return
    names = [file.name for file in files]
    drop_upload_bytes(files)
    st.session_state[last_key] = corpus
    _released(names, size)
    st.rerun()


def spool_upload(files: Sequence[UploadedFile]) -> None:
    """A single parquet of vectors over ``CORPUS_RELEASE_UPLOAD_MB`` and up to
    ``CORPUS_SPOOL_MAX_MB``: set it aside on disk, drop its bytes from memory and rerun
    with a fresh, empty uploader (else nothing).

    The file is read from disk a megabyte at a time, so the server never holds the
    upload's bytes and its matrix of vectors at once (the read's peak is lower by the
    file's size). It waits under ``SPOOLED_KEY`` until its corpus is built.
    """
    single = files[0] if len(files) == 1 else None
    if single is None or not single.name.lower().endswith(".parquet"):
        return
    data = single.getvalue()
    if not CORPUS_RELEASE_UPLOAD_MB < len(data) / 1024 / 1024 <= CORPUS_SPOOL_MAX_MB:
        return
    if not parquet_has_vectors(data):
        return
    try:
        spooled = SpooledFile(data, name=single.name)
    except ValueError:  # no room on disk: read in memory, as a bigger file is
        return
    del data
    drop_upload_bytes(files)
    _released([spooled.name], spooled.size)
    st.session_state[SPOOLED_KEY] = spooled
    st.rerun()


def _copy_sharing_bytes(self: UploadedFile, memo: dict) -> UploadedFile:
    """A deep copy of an uploaded file that shares its bytes (copied on a write, as
    ``io.BytesIO`` does), at its position; both remembered in ``_SHARING``, so that
    ``drop_upload_bytes`` can close them. A closed file's copy is closed."""
    data = b"" if self.closed else self.getvalue()
    record = UploadedFileRec(self.file_id, self.name, self.type, data)
    copied = UploadedFile(record, self._file_urls)
    if self.closed:  # its bytes dropped (drop_upload_bytes)
        copied.close()
    else:
        copied.seek(self.tell())
        if len(_SHARING) > 256:  # forget the files all gone
            for gone in [file_id for file_id, files in _SHARING.items() if not files]:
                _SHARING.pop(gone, None)
        _SHARING.setdefault(self.file_id, weakref.WeakSet()).update((self, copied))
    memo[id(self)] = copied
    return copied


def share_upload_bytes() -> None:
    """Make Streamlit's deep copies of uploaded files share their bytes.

    ``st.file_uploader`` deep-copies its value on every run, and an ``UploadedFile`` is an
    ``io.BytesIO``: a million-row upload (778 MB) was copied byte by byte, 1 s on the
    upload's run and a second copy held while it was read. ``BytesIO`` already shares
    bytes until written, so a copy that shares them behaves the same. Idempotent.

    Example:
        >>> import copy
        >>> share_upload_bytes()
        >>> data = b"PAR1" + bytes(10)
        >>> upload = UploadedFile(UploadedFileRec("f", "a.parquet", "", data), None)
        >>> copy.deepcopy([upload])[0].getvalue() is data
        True
    """
    UploadedFile.__deepcopy__ = _copy_sharing_bytes


share_upload_bytes()


def upload_memo(key: str, files: Hashable) -> dict:
    """The session memo under ``key`` for the files ``files`` (their ids); new files, new memo."""
    memo = st.session_state.get(key)
    if not memo or memo.get("files") != files:
        memo = st.session_state[key] = {"files": files}
    return memo


def step(memo: dict, name: Hashable, load: Callable[[], T], *, spinner: str | None = None) -> T:
    """``load()``'s result kept in ``memo`` under ``name``; its ``ValueError`` raised again."""
    if name not in memo:
        memo[name] = attempt(load, spinner=spinner)
    return unwrap(memo[name])


def column_box(columns: Sequence[str], guess: str | None, *, key: str) -> str | None:
    """A select box of the column holding the documents, the guess chosen; ``None`` if none."""
    return st.selectbox(
        "Column holding the documents",
        list(columns),
        index=list(columns).index(guess) if guess in columns else None,
        placeholder="Choose the column of documents",
        key=key,
    )


def search_upload(memo_key: str) -> Corpus | None:
    """The Search page's upload: a ``.txt`` or ``.csv`` read as a corpus, else ``None``."""
    upload = st.file_uploader(
        f"A .txt file (one document per line) or a .csv file (one per row, first row = "
        f"column names), UTF-8, up to {SEARCH_MAX_BYTES / 1024 / 1024:.0f} MB and "
        f"{SEARCH_MAX_DOCS:,} documents",
        type=[suffix.lstrip(".") for suffix in SEARCH_UPLOAD_TYPES],
        key="corpus_file",
        max_upload_size=SEARCH_REFUSED_MB,
    )
    if upload is None:
        st.info("Choose a file to search it.", icon="📄")
        return None
    memo = upload_memo(memo_key, upload.file_id)
    data, name = upload.getvalue(), upload.name
    if not name.lower().endswith(".csv"):
        return step(memo, "txt", lambda: load_upload(data, name=name))
    table = step(memo, "table", lambda: read_table(data, name=name))
    column = column_box(table.columns, table.guess, key=f"text_column_{upload.file_id}")
    return step(memo, ("column", column), lambda: from_table(table, text_column=column))


def corpus_upload(memo_key: str, last_key: str) -> Corpus | None:
    """The Corpus page's upload: texts or vectors read as a corpus, else ``None``.

    With no file chosen, the last upload read (kept under ``last_key``) stays.
    """
    limit_mb = upload_limit_mb()
    files = st.file_uploader(
        f"A table of documents to embed here (.txt one per line, .csv, .tsv or .parquet; up "
        f"to {CORPUS_MAX_ROWS:,} rows), or precomputed vectors with their texts, up to "
        f"{CORPUS_MAX_PREPARED_ROWS:,} rows (a .parquet made by `python -m explorer embed` or "
        f"`project`, several of its shards, a .npy or an Embedding Projector TSV plus a texts "
        f"file, or a zip of them). Up to {limit_mb:,} MB.",
        type=[suffix.lstrip(".") for suffix in UPLOAD_TYPES],
        accept_multiple_files=True,
        key=uploader_key(),
        max_upload_size=limit_mb,
    )
    if files:
        if (spooled := st.session_state.pop(SPOOLED_KEY, None)) is not None:
            spooled.remove()  # another file chosen before that one was read
        spool_upload(files)  # a big parquet of vectors: read from disk, next run
    if not files:
        spooled = st.session_state.get(SPOOLED_KEY)
        if spooled is not None:
            memo = upload_memo(memo_key, ("spooled", spooled.path))
            key = f"corpus_text_column_{spooled.path.name}"
            try:
                corpus = _table_corpus(memo, spooled.path, spooled.name, column_key=key)
            except ValueError:
                if "choices" not in memo:  # unreadable: nothing more is read from it
                    spooled.remove()
                raise
            if corpus is None:
                return None
            st.session_state[last_key] = corpus
            st.session_state.pop(SPOOLED_KEY).remove()
            trim_free_memory()  # what reading it freed, back to the system
        last = st.session_state.get(last_key)
        if last is None:
            st.info("Choose a file to map it.", icon="📄")
        elif released := st.session_state.get(RELEASED_NAME_KEY):
            st.caption(
                markdown_escape(
                    f"Showing {released}: read, then released from the server's memory (files "
                    f"over {CORPUS_RELEASE_UPLOAD_MB} MB are not kept once read). Upload a file "
                    "to change it."
                )
            )
        return last
    st.session_state.pop(RELEASED_NAME_KEY, None)
    memo = upload_memo(memo_key, tuple(f.file_id for f in files))
    single = files[0] if len(files) == 1 else None
    if single is None or is_vectors_file(single.name, single.getvalue()):
        everything = {f.name: f.getvalue() for f in files}
        corpus = step(memo, "vectors", lambda: read_uploaded(everything), spinner=READING)
        size = sum(map(len, everything.values()))
        del everything
        release_upload(corpus, files=files, size=size, last_key=last_key)
        return corpus
    data = single.getvalue()
    key = f"corpus_text_column_{single.file_id}"
    corpus = _table_corpus(memo, data, single.name, column_key=key)
    if corpus is not None and corpus.vectors is not None:  # nothing more is read from it
        release_upload(corpus, files=files, size=len(data), last_key=last_key)
    return corpus


def _table_corpus(memo: dict, source: bytes | Path, name: str, *, column_key: str) -> Corpus | None:
    """The corpus of a table (``source``: its bytes, or a parquet on disk) for the column
    of documents chosen (a select box under ``column_key`` when there are several);
    ``None`` while none is chosen. The parsed table goes once its corpus is built."""

    def frame() -> Frame:
        return step(memo, "frame", lambda: read_frame(source, name=name), spinner=READING)

    if "choices" not in memo:
        table = frame()
        memo["choices"] = (
            list(table.text_columns) or list(map(str, table.data.columns)),
            table.text_guess,
        )
    columns, guess = memo["choices"]
    column = columns[0]
    if len(columns) > 1:
        column = column_box(columns, guess, key=column_key)
        if column is None:
            st.info("Choose the column that holds the documents.", icon="📄")
            return None
    pick = lambda: from_frame(frame(), text_column=column)  # noqa: E731 - kept in the memo
    try:
        return step(memo, ("column", column), pick, spinner=READING)
    finally:
        memo.pop("frame", None)  # the parsed table goes once its corpus is built (or failed)


def choose_corpus(
    load: Callable[[], Corpus | None], *, active_key: str, verb: str, default: Corpus | None = None
) -> Corpus | None:
    """The corpus ``load()`` gives, kept in the session as the one shown.

    When ``load()`` fails (its ``ValueError`` is shown) or gives nothing yet, the
    corpus shown before stays, and a line says so: "Nothing changed: still
    ``verb`` …", or "Until then: still ``verb`` …" (not for ``default``, the
    corpus shown when there was none before).
    """
    active = st.session_state.get(active_key) or default
    try:
        chosen = load()
    except ValueError as error:
        st.error(markdown_escape(str(error)), icon="🚫")
        if active is not None:
            still = f"Nothing changed: still {verb} {active.describe()}."
            st.info(markdown_escape(still), icon="↩️")
        return active
    if chosen is not None:
        st.session_state[active_key] = chosen
        return chosen
    if active is not None and active is not default:
        st.caption(markdown_escape(f"Until then: still {verb} {active.describe()}."))
    return active
