"""A big upload set aside on disk while it is read (explorer/documents/readers/spool.py)."""

from __future__ import annotations

import gc
import tempfile

import pytest

from explorer.documents.readers import SpooledFile


@pytest.fixture
def spool_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_the_bytes_go_to_a_private_file_deleted_once_removed(spool_dir) -> None:
    spooled = SpooledFile(b"PAR1" + bytes(1000) + b"PAR1", name="Corpus.PARQUET")
    assert spooled.path.parent == spool_dir and spooled.path.suffix == ".parquet"
    assert spooled.path.read_bytes() == b"PAR1" + bytes(1000) + b"PAR1"
    assert spooled.size == 1008 and spooled.name == "Corpus.PARQUET"
    assert spooled.path.stat().st_mode & 0o777 == 0o600
    spooled.remove()
    spooled.remove()  # twice: nothing
    assert list(spool_dir.iterdir()) == []


def test_a_forgotten_spool_is_deleted_when_collected(spool_dir) -> None:
    spooled = SpooledFile(b"data", name="a.parquet")
    path = spooled.path
    assert path.exists()
    del spooled
    gc.collect()
    assert not path.exists()


@pytest.mark.parametrize("name", ["../../etc/passwd", "a.par\x00quet", "noext", "a.<b>"])
def test_odd_names_never_steer_where_the_file_goes(spool_dir, name) -> None:
    spooled = SpooledFile(b"x", name=name)
    assert spooled.path.parent == spool_dir and spooled.path.name.startswith("explorer-upload-")
    assert spooled.path.suffix == ""
    spooled.remove()


def test_a_disk_that_cannot_take_it_gives_a_message(spool_dir, monkeypatch) -> None:
    import os

    def full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fdopen", full)
    with pytest.raises(ValueError, match="Could not set aside 'big.parquet' .*No space left"):
        SpooledFile(b"x" * 10, name="big.parquet")
    assert list(spool_dir.iterdir()) == []
