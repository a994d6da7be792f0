"""A big upload moved to a temporary file, so the server reads it without holding it.

Streamlit keeps an upload's bytes in memory; a parquet of vectors is then read into
a float32 matrix beside them. Written to disk first (the bytes let go of), the file is
read a megabyte at a time (:func:`~explorer.documents.readers.half.open_parquet`): at
100,000 rows of 384 the server's peak is lower by the file's 151 MB.
"""

from __future__ import annotations

import os
import re
import tempfile
import weakref
from pathlib import Path

from explorer.documents.readers.text import suffix


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


class SpooledFile:
    """An uploaded file's bytes written to a private temporary file (mode 0600).

    The file is deleted by :meth:`remove`, when this object is garbage collected, or
    when the process exits, whichever comes first. A reader that opened it before it
    was removed reads on (Linux keeps an open file's data).

    Example:
        >>> spooled = SpooledFile(b"PAR1 ... PAR1", name="corpus.parquet")
        >>> spooled.path.read_bytes(), spooled.path.suffix, spooled.size
        (b'PAR1 ... PAR1', '.parquet', 13)
        >>> spooled.remove(); spooled.path.exists()
        False
    """

    def __init__(self, data: bytes, *, name: str) -> None:
        kind = suffix(name) if re.fullmatch(r"\.[a-z0-9]{1,10}", suffix(name)) else ""
        descriptor, path = tempfile.mkstemp(prefix="explorer-upload-", suffix=kind)
        self.path = Path(path)
        self._finalizer = weakref.finalize(self, _remove, self.path)
        try:
            with os.fdopen(descriptor, "wb") as out:
                out.write(data)
        except OSError as error:
            self.remove()
            raise ValueError(
                f"Could not set aside {name!r} ({len(data):,} bytes) to read it: {error}. "
                "Upload it again, or a smaller file."
            ) from None
        #: The file's name as uploaded.
        self.name = name
        #: Its size in bytes.
        self.size = len(data)

    def remove(self) -> None:
        """Delete the file now (again: nothing)."""
        self._finalizer()
