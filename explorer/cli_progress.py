"""Progress on a terminal for the command line: embedding rows, projection stages."""

from __future__ import annotations

import sys
from typing import TextIO


class ProgressBar:
    """A tqdm bar on stderr for :func:`~explorer.documents.embed.embed`'s ``progress``.

    Example:
        >>> import io
        >>> bar = ProgressBar(stream=io.StringIO())
        >>> bar(0, 10); bar(10, 10); bar.close()
        >>> bar.total
        10
    """

    def __init__(
        self, *, stream: TextIO | None = None, desc: str = "embedding", rows: int | None = None
    ) -> None:
        self.stream = stream
        self.desc = desc
        self.rows = rows
        self.total: int | None = None
        self._bar = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            from tqdm import tqdm

            self.total = total
            if self.rows and total < self.rows:
                say(
                    f"{self.rows - total:,} of {self.rows:,} texts are cached already; "
                    f"embedding the other {total:,}",
                    self.stream,
                )
            self._bar = tqdm(
                total=total,
                unit="rows",
                unit_scale=False,
                desc=self.desc,
                file=self.stream or sys.stderr,
                dynamic_ncols=True,
                mininterval=0.5,
            )
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


class StageBar:
    """Progress of a projection on stderr: ``progress(done, total, stage=...)``.

    A stage without a total (UMAP finding neighbours) is one line; a stage with
    one (UMAP's epochs) is a tqdm bar.

    Example:
        >>> import io
        >>> stream = io.StringIO()
        >>> bar = StageBar(stream=stream)
        >>> bar(0, 0, stage="finding neighbours"); bar(5, 10, stage="epochs"); bar.close()
        >>> stream.getvalue().splitlines()[0]
        'finding neighbours…'
    """

    def __init__(self, *, stream: TextIO | None = None) -> None:
        self.stream = stream
        self.stage: str | None = None
        self._bar = None

    def __call__(self, done: int, total: int, *, stage: str = "") -> None:
        if stage != self.stage:
            self.close()
            self.stage = stage
            if not total:
                say(f"{stage}…", self.stream)
        if total and self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(
                total=total,
                desc=stage.split(": ")[-1] if stage else None,
                # umap-learn's own bar (read by projection.py) is open too: stay on line 0
                position=0,
                file=self.stream or sys.stderr,
                dynamic_ncols=True,
                mininterval=0.5,
            )
        if self._bar is not None:
            self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def say(message: str, stream: TextIO | None = None) -> None:
    print(message, file=stream or sys.stderr, flush=True)
