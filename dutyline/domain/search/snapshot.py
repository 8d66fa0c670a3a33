"""Save and load a built index as one .npz file, so start-up at 1M cases takes well under a second.

Why no pickle: the file lives in the user's data folder and is loaded with `allow_pickle=False`, so a
tampered snapshot can at worst give wrong results (then be rebuilt), never run code. String tables are
stored as NUL-joined UTF-8 (names never contain NUL: `one_line` strips control characters). Opening and
permissions (0600 file, 0700 folder) are the caller's job; this module only reads and writes streams.
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import IO, Any

import numpy as np

from dutyline.domain.search.columns import Columns
from dutyline.domain.search.derive import Derived
from dutyline.domain.search.index import IndexSegment
from dutyline.domain.search.updatable import UpdatableIndex

FORMAT = 3  # 2: name-to-token CSR (per-candidate name evidence); 3: letters fold does not decompose (names.fold_name)
_TABLES_COLS = ("names", "postcodes", "schools", "stages", "officers", "contact_names")
_TABLES_DERIVED = ("vocab", "ref_prefixes")


def _pack(values: list[str]) -> np.ndarray:
    return np.frombuffer("\x00".join(values).encode(), dtype=np.uint8)


def _unpack(blob: np.ndarray) -> list[str]:
    return blob.tobytes().decode().split("\x00")


def save(index: UpdatableIndex | IndexSegment, out: IO[bytes], meta: dict[str, Any]) -> None:
    """Write `index` (an updatable index's delta merged first) and `meta` (JSON-able) to the stream `out`.

    A `IndexSegment` is immutable, so it can be written from another thread while searches go on.
    """
    if isinstance(index, UpdatableIndex):
        if not index.is_compact:
            index.compact()
        index = index.base
    cols, derived = index.cols, index.d
    arrays: dict[str, np.ndarray] = {}
    for f in fields(Columns):
        value = getattr(cols, f.name)
        arrays[f"c_{f.name}"] = _pack(value) if f.name in _TABLES_COLS else value
    for f in fields(Derived):
        value = getattr(derived, f.name)
        arrays[f"d_{f.name}"] = _pack(value) if f.name in _TABLES_DERIVED else value
    arrays["meta"] = np.frombuffer(json.dumps({"format": FORMAT, **meta}).encode(), dtype=np.uint8)
    # numpy's stub types savez's keywords as arrays or its `allow_pickle: bool`; no name here is that one.
    np.savez(out, **arrays)  # type: ignore[arg-type]


def read_meta(stream: IO[bytes]) -> dict[str, Any]:
    """Only the metadata (to compare fingerprints before loading the arrays)."""
    with np.load(stream, allow_pickle=False) as z:
        return dict(json.loads(z["meta"].tobytes().decode()))


def load(stream: IO[bytes]) -> tuple[UpdatableIndex, dict[str, Any]]:
    """Read a snapshot written by `save`. Raises ValueError/KeyError/OSError on a damaged file."""
    with np.load(stream, allow_pickle=False) as z:
        meta = dict(json.loads(z["meta"].tobytes().decode()))
        if meta.get("format") != FORMAT:
            raise ValueError("search snapshot format changed")
        # From the file, so Any: the dataclasses' own checks and the format number guard the layout.
        col_args: dict[str, Any] = {
            f.name: (_unpack(z[f"c_{f.name}"]) if f.name in _TABLES_COLS else z[f"c_{f.name}"]) for f in fields(Columns)
        }
        der_args: dict[str, Any] = {
            f.name: (_unpack(z[f"d_{f.name}"]) if f.name in _TABLES_DERIVED else z[f"d_{f.name}"])
            for f in fields(Derived)
        }
    for name in _TABLES_DERIVED:  # an empty list packs to b"" and unpacks to [""]
        if der_args[name] == [""]:
            der_args[name] = []
    return UpdatableIndex(IndexSegment(Columns(**col_args), Derived(**der_args))), meta
