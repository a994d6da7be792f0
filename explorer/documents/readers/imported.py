"""Phrases and their vectors read from files: the checks every vector reader shares.

:class:`Imported` is what :mod:`explorer.documents.readers.vectors` gives back;
its :meth:`Imported.embedder` is a model that returns the stored vectors, so
``build_scene(phrases, model=imported.embedder())`` explores them without
re-embedding. The limits (``IMPORT_MAX_*``, the Playground's) are read when a
reader runs, so a test can lower them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from explorer.config import IMPORT_MAX_BYTES, IMPORT_MAX_DIM, IMPORT_MAX_ROWS, LABEL_CHARS
from explorer.documents.readers.text import Limits, is_number
from explorer.documents.writers import METADATA_TSV_FILE, PHRASE_COLUMNS, VECTORS_TSV_FILE
from explorer.models.imported import ImportedEmbedder
from explorer.phrases import clean_phrase, distinct, shorten


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


class Configured:
    """The default of a reader's limits: the module's constant, read when the reader runs."""

    def __repr__(self) -> str:
        return "CONFIGURED"


#: ``max_rows=CONFIGURED`` means ``IMPORT_MAX_ROWS``, ``max_bytes=CONFIGURED`` ``IMPORT_MAX_BYTES``.
CONFIGURED = Configured()


def import_limits(max_rows: int | None | Configured, max_bytes: int | Configured) -> Limits:
    """The limits of a vector reader, with the Playground's brief messages.

    Example:
        >>> import_limits(CONFIGURED, 100).max_rows == IMPORT_MAX_ROWS
        True
    """
    rows = IMPORT_MAX_ROWS if isinstance(max_rows, Configured) else max_rows
    size = IMPORT_MAX_BYTES if isinstance(max_bytes, Configured) else max_bytes
    fewer = f" (at most {rows:,})" if rows is not None else ""
    return Limits(
        size,
        rows,
        too_big=f"Export fewer rows{fewer}.",
        binary="give a .tsv, .txt or .csv (a .npy goes with a phrases file, a .zip is read "
        "as a whole).",
    )


def lines_of(text: str) -> list[tuple[int, str]]:
    """Numbered non-blank lines, split as the Projector splits them."""
    # The Projector splits on "\n" and skips blank lines; "\r" of Windows files goes too.
    lines = [(n, line.removesuffix("\r")) for n, line in enumerate(text.split("\n"), start=1)]
    return [(n, line) for n, line in lines if line.strip()]


def check_rows(count: int, what: str, max_rows: int | None) -> None:
    if max_rows is not None and count > max_rows:
        raise ValueError(
            f"{what} has {count:,} rows; the limit is {max_rows:,}. "
            "Keep the first ones and import again."
        )


def check_shape(rows: int, dim: int, what: str, max_rows: int | None) -> None:
    if rows == 0:
        raise ValueError(f"{what} holds no vectors.")
    check_rows(rows, what, max_rows)
    if dim < 2:
        raise ValueError(
            f"{what} has vectors of {dim} dimension{'s' if dim != 1 else ''}; "
            "at least 2 are needed."
        )
    if dim > IMPORT_MAX_DIM:
        raise ValueError(f"{what} has {dim:,} dimensions; the limit is {IMPORT_MAX_DIM:,}.")


def finite_rows(array: NDArray, what: str, line_numbers: Sequence[int] | None = None) -> None:
    bad = np.argwhere(~np.isfinite(array))
    if len(bad):
        row, column = (int(v) for v in bad[0])
        where = f"line {line_numbers[row]}" if line_numbers else f"row {row + 1}"
        raise ValueError(
            f"{what} has NaN or infinite values ({len(bad):,} of them, first at {where}, "
            f"value {column + 1}: {array[row, column]}); every value must be a finite number."
        )


def numbers(fields: list[str], where: str, what: str, *, tsv: bool = True) -> list[float]:
    """Parse one row of numbers; raise naming the first value that is not one."""
    try:
        return [float(text) for text in fields]
    except ValueError:
        pass
    column, text = next(
        (k, t) for k, t in enumerate(fields, start=1) if not is_number(t, separators=False)
    )
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


@dataclass
class Metadata:
    phrases: list[str]
    columns: dict[str, list[str]]
    header: bool
    phrase_column: str | None


def read_metadata(text: str, what: str, max_rows: int | None) -> Metadata:
    lines = lines_of(text)
    # The Projector's rule: a tab in the first line makes it a header row.
    if "\t" not in lines[0][1]:
        check_rows(len(lines), what, max_rows)
        return Metadata([line for _, line in lines], {}, header=False, phrase_column=None)
    names = [name.strip() for name in lines[0][1].split("\t")]
    if any(not name for name in names) or len(set(names)) != len(names):
        raise ValueError(
            f"{what}: the first line has a tab, so it is the header row (the Projector's "
            f"rule), but its column names are blank or repeated: {names!r}. A single-column "
            "file must have no tabs; a file with several columns needs distinct names."
        )
    rows = lines[1:]
    check_rows(len(rows), what, max_rows)
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
    return Metadata(values[pick], columns, header=True, phrase_column=names[pick])


def assemble(
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


def mismatch(vector_count: int, meta: Metadata, vectors_what: str, meta_what: str) -> ValueError:
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


def numbered(count: int, notes: list[str], what: str) -> list[str]:
    notes.append(
        f"No phrases file was given with {what}: points are named “point 1” to “point {count}”."
    )
    return [f"point {i + 1}" for i in range(count)]
