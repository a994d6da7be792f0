"""``python -m explorer``: the command line, see :mod:`explorer.cli`."""

from __future__ import annotations

from explorer.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
