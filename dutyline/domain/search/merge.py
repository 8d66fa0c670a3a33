"""Combining and trimming `Columns`: appending a delta to a base, and dropping strings no row uses.

Why pruning matters: `Columns.take` and `concat` keep the string tables whole, so a deleted case's names,
postcode and school stay in the tables (and in a snapshot written from them) although no row points at
them any more. After a retention erasure the child's name must leave every copy, so compaction prunes:
each table keeps only the strings some row still uses, and the codes are renumbered.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from dutyline.domain.search.columns import Columns


def _merge_table(a: list[str], b: list[str]) -> tuple[list[str], np.ndarray]:
    """Table a extended with b's new strings, and the code map for b's codes."""
    known = {v: i for i, v in enumerate(a)}
    merged = list(a)
    lut = np.zeros(len(b), dtype=np.int32)
    for i, v in enumerate(b):
        code = known.get(v)
        if code is None:
            code = known[v] = len(merged)
            merged.append(v)
        lut[i] = code
    return merged, lut


def concat(a: Columns, b: Columns) -> Columns:
    """Rows of `a` then rows of `b` (b's string codes remapped into a's tables)."""
    names, n_lut = _merge_table(a.names, b.names)
    postcodes, p_lut = _merge_table(a.postcodes, b.postcodes)
    schools, s_lut = _merge_table(a.schools, b.schools)
    stages, st_lut = _merge_table(a.stages, b.stages)
    officers, o_lut = _merge_table(a.officers, b.officers)
    cnames, c_lut = _merge_table(a.contact_names, b.contact_names)
    width = max(a.ref.dtype.itemsize, b.ref.dtype.itemsize)
    return Columns(
        np.concatenate([a.case_id, b.case_id]),
        np.concatenate([a.ref.astype(f"S{width}"), b.ref.astype(f"S{width}")]),
        np.concatenate([a.first, n_lut[b.first]]),
        np.concatenate([a.known, n_lut[b.known]]),
        np.concatenate([a.last, n_lut[b.last]]),
        np.concatenate([a.dob, b.dob]),
        np.concatenate([a.postcode, p_lut[b.postcode]]),
        np.concatenate([a.school, s_lut[b.school]]),
        np.concatenate([a.stage, st_lut[b.stage]]),
        np.concatenate([a.officer, o_lut[b.officer]]),
        np.concatenate([a.c_row, (b.c_row + len(a)).astype(np.int32)]),
        np.concatenate([a.c_pos, b.c_pos]),
        np.concatenate([a.c_name, c_lut[b.c_name]]),
        np.concatenate([a.c_phone, b.c_phone]),
        np.concatenate([a.c_alt, b.c_alt]),
        names,
        postcodes,
        schools,
        stages,
        officers,
        cnames,
    )


def _prune(table: list[str], *code_arrays: np.ndarray) -> tuple[list[str], list[np.ndarray]]:
    """The strings of `table` some code still uses (code 0, the empty string, always kept), renumbered."""
    used = np.zeros(len(table), dtype=bool)
    used[0] = True
    for codes in code_arrays:
        used[codes] = True
    if used.all():
        return table, list(code_arrays)
    keep = np.flatnonzero(used)
    lut = np.zeros(len(table), dtype=np.int32)
    lut[keep] = np.arange(len(keep), dtype=np.int32)
    return [table[i] for i in keep.tolist()], [lut[c] for c in code_arrays]


def prune(cols: Columns) -> Columns:
    """`cols` with every string table trimmed to the strings its rows still use."""
    names, (first, known, last) = _prune(cols.names, cols.first, cols.known, cols.last)
    postcodes, (postcode,) = _prune(cols.postcodes, cols.postcode)
    schools, (school,) = _prune(cols.schools, cols.school)
    stages, (stage,) = _prune(cols.stages, cols.stage)
    officers, (officer,) = _prune(cols.officers, cols.officer)
    cnames, (c_name,) = _prune(cols.contact_names, cols.c_name)
    return replace(
        cols,
        first=first,
        known=known,
        last=last,
        postcode=postcode,
        school=school,
        stage=stage,
        officer=officer,
        c_name=c_name,
        names=names,
        postcodes=postcodes,
        schools=schools,
        stages=stages,
        officers=officers,
        contact_names=cnames,
    )
