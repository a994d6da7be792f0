"""Small uploads that would expand to gigabytes (issue 16 §3): each is read in little memory.

Each file is read in a fresh subprocess, whose peak memory (VmHWM) is compared
before and after; the file's bytes and the imports are there before.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from explorer.config import CORPUS_MAX_ROWS, DOC_MAX_CHARS, PUBLIC_DEMO_ENV

ROOT = Path(__file__).resolve().parents[2]
MEASURE = """
import json, sys
import pandas, pyarrow.parquet  # imports do not count
from explorer.documents.readers import load_file

def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

path = sys.argv[1]
data = open(path, "rb").read()
before = peak()
try:
    corpus = load_file(data, name=path.rsplit("/", 1)[-1])
    found = {"texts": len(corpus.texts), "longest": max(map(len, corpus.texts)),
             "notes": list(corpus.notes)}
except ValueError as error:
    found = {"error": str(error)}
found["mb"] = peak() - before
print(json.dumps(found))
"""
LIMIT_MB = 300


def measure(path: Path, **env: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT), **env},
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_a_tiny_parquet_of_one_long_string_repeated_is_cut_not_unpacked(tmp_path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "bomb.parquet"
    pq.write_table(pa.table({"text": ["x" * 50_000] * 20_000}), path, compression="zstd")
    assert path.stat().st_size < 2_000
    found = measure(path)
    assert found["mb"] < LIMIT_MB, found
    assert found["longest"] == DOC_MAX_CHARS
    assert found["notes"][0] == (
        "20,000 cells of text were longer than 10,000 characters and were cut to 10,000 "
        "(the model reads the first 1,000)."
    )


@pytest.mark.slow
def test_a_zip_packing_50_mb_into_kilobytes_is_refused(tmp_path) -> None:
    path = tmp_path / "bomb.zip"
    line = "\t".join(["0.5"] * 8) + "\n"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("vectors.tsv", line * (50_000_000 // len(line)))
    assert path.stat().st_size < 200_000
    found = measure(path)
    assert found["mb"] < LIMIT_MB, found
    assert found["error"].startswith("“bomb.zip” unpacks to 47.7 MB from ")
    assert found["error"].endswith(
        "zips packed over 100 times are refused (ZIP_MAX_RATIO). Zip the files with "
        "ordinary compression, or upload them unzipped."
    )


@pytest.mark.slow
def test_a_zip_over_the_demos_limit_is_refused_by_its_declared_size(tmp_path) -> None:
    import io

    import numpy as np

    path = tmp_path / "big.zip"
    text = io.BytesIO()
    np.savetxt(text, np.random.default_rng(0).random((1_500_000, 2)), fmt="%.6f", delimiter="\t")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("vectors.tsv", text.getvalue())  # 25.7 MB, packed about 2.5 times
    assert path.stat().st_size < 20 * 2**20
    found = measure(path, **{PUBLIC_DEMO_ENV: "1"})
    assert found["error"] == (
        "“big.zip” unpacked is 25.7 MB; the limit is 20.0 MB. Export fewer rows."
    )
    assert found["mb"] < LIMIT_MB


@pytest.mark.slow
def test_a_csv_of_two_million_rows_reads_only_the_first_rows(tmp_path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w") as handle:
        handle.write("text\n")
        handle.writelines(f"document number {i} of many\n" for i in range(2_000_000))
    found = measure(path)
    assert found["mb"] < LIMIT_MB, found
    assert found["texts"] == CORPUS_MAX_ROWS
    assert found["notes"] == [
        "“big.csv” has more than 100,000 rows; only the first 100,000 were read (the limit)."
    ]


def test_streamlits_deep_copies_of_an_upload_share_its_bytes() -> None:
    """st.file_uploader deep-copies its files on every run: a 778 MB upload was copied
    (1 s) and held twice while read. The copies now share the bytes, and stay copies."""
    import copy

    from streamlit.runtime.uploaded_file_manager import UploadedFile, UploadedFileRec

    from explorer.ui import uploads  # installs the sharing copy

    data = b"PAR1" + bytes(1_000_000)
    upload = UploadedFile(
        UploadedFileRec(file_id="f1", name="big.parquet", type="", data=data), None
    )
    upload.seek(4)
    (copied,) = copy.deepcopy([upload])  # what the widget returns
    assert copied is not upload and copied.getvalue() is data
    assert (copied.name, copied.file_id, copied.size, copied.tell()) == (
        "big.parquet",
        "f1",
        len(data),
        4,
    )
    copied.seek(0)
    copied.write(b"XXXX")  # a write copies, as BytesIO does: the upload is untouched
    assert upload.getvalue() is data and copied.getvalue()[:4] == b"XXXX"
    assert uploads.share_upload_bytes() is None and UploadedFile.__deepcopy__ is not None
