"""The cold-build fast path: whole-column batches must give exactly the index the row path gives, the
numpy helpers must equal the plain versions they replace, and compaction must drop erased cases' text."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dutyline.domain.search import UpdatableIndex
from dutyline.domain.search import derive as derive_mod
from dutyline.domain.search.batch import (
    DATE_WIDTH,
    POSTCODE_WIDTH,
    SEP,
    CaseBatch,
    ContactBatch,
    PostcodeEncoder,
    encode_joined,
    fixed_width,
    iso_days,
    uk_postcode_keys,
)
from dutyline.domain.search.columns import NO_DATE, ColumnBuilder, Columns, _postcode, date_days, phone_number
from dutyline.domain.search.derive import derive, stable_order
from dutyline.domain.search.index import IndexSegment
from dutyline.domain.search.updatable import IndexBuilder
from dutyline.domain.text import format_postcode, one_line
from tests.domain.test_search import CASES, CONTACTS, TODAY

OFFICERS = {1: "Ann Officer", 2: "Bob Officer"}


def as_batches(
    cases: list[tuple[Any, ...]], contacts: list[tuple[Any, ...]], *, fixed: bool = False
) -> tuple[CaseBatch, ContactBatch]:
    """The test caseload as the database's joined columns would deliver it (`fixed`: dates of birth and
    postcodes padded to their fixed widths, as `store.search_source` asks for them)."""
    by_name = {v: k for k, v in OFFICERS.items()}

    def join(i: int, rows: list[tuple[Any, ...]]) -> str:
        return SEP.join(str(r[i]) for r in rows)

    def pad(i: int, width: int) -> np.ndarray:
        values = fixed_width("".join(str(r[i] or "").ljust(width)[:width] for r in cases), len(cases), width)
        assert values is not None
        return values

    cb = CaseBatch(
        np.array([c[0] for c in cases]),
        join(1, cases),
        join(2, cases),
        join(3, cases),
        join(4, cases),
        pad(5, DATE_WIDTH) if fixed else join(5, cases),
        pad(6, POSTCODE_WIDTH) if fixed else join(6, cases),
        join(7, cases),
        join(8, cases),
        np.array([by_name.get(c[9], 0) for c in cases]),
        OFFICERS,
    )
    kb = ContactBatch(
        np.array([c[0] for c in contacts]),
        np.array([c[1] for c in contacts]),
        join(2, contacts),
        np.array([phone_number(c[3]) for c in contacts]),
        np.array([phone_number(c[4]) for c in contacts]),
    )
    return cb, kb


def decoded(cols: Columns) -> dict[str, list[object]]:
    """Every field as values (codes depend on first-seen order, values must not)."""

    def names(codes: np.ndarray, table: list[str]) -> list[str]:
        return [table[c] for c in codes.tolist()]

    return {
        "id": cols.case_id.tolist(),
        "ref": cols.ref.tolist(),
        "first": names(cols.first, cols.names),
        "last": names(cols.last, cols.names),
        "known": names(cols.known, cols.names),
        "dob": cols.dob.tolist(),
        "postcode": names(cols.postcode, cols.postcodes),
        "school": names(cols.school, cols.schools),
        "stage": names(cols.stage, cols.stages),
        "officer": names(cols.officer, cols.officers),
        "c_row": cols.c_row.tolist(),
        "c_pos": cols.c_pos.tolist(),
        "c_name": names(cols.c_name, cols.contact_names),
        "c_phone": cols.c_phone.tolist(),
        "c_alt": cols.c_alt.tolist(),
    }


@pytest.mark.parametrize("fixed", [False, True])
def test_batches_build_the_same_columns_as_rows(fixed: bool) -> None:
    rows = ColumnBuilder()
    rows.add_cases(CASES)
    rows.add_contacts(CONTACTS)
    cb, kb = as_batches(CASES, CONTACTS, fixed=fixed)
    batch = ColumnBuilder()
    batch.add_case_batch(cb)
    batch.add_contact_batch(kb)
    assert decoded(batch.build()) == decoded(rows.build())


def test_batch_index_answers_like_the_row_index() -> None:
    builder = IndexBuilder()
    cb, kb = as_batches(CASES[:8], CONTACTS)
    builder.add_case_batch(cb)
    builder.add_cases(CASES[8:])  # a batch read as rows (odd text) mixes with column batches
    builder.add_contact_batch(kb)
    fast, slow = builder.build(), UpdatableIndex.from_rows(CASES, CONTACTS)
    for q in (
        "neve obrien",
        "07700 900123",
        "4217",
        "3/7/14",
        "sarah khan",
        "SG1 2AB",
        "billy macdonald",
        "(01442) 453300",
        "zoe nyugen",
        "oakwood niamh",
    ):
        assert [h.case_ref for h in fast.search(q, today=TODAY, complete=True)] == [
            h.case_ref for h in slow.search(q, today=TODAY, complete=True)
        ], q


def test_a_value_holding_the_separator_is_refused_before_anything_is_added() -> None:
    builder = ColumnBuilder()
    cb, _ = as_batches(CASES[:2], [])
    bad = CaseBatch(
        cb.ids,
        cb.case_ref,
        cb.first_name,
        "O" + SEP + "Brien" + SEP + "Khan",
        cb.known_as,
        cb.date_of_birth,
        cb.postcode,
        cb.school,
        cb.stage,
        cb.officer,
        OFFICERS,
    )
    with pytest.raises(ValueError):
        builder.add_case_batch(bad)
    with pytest.raises(ValueError):
        encode_joined(lambda items: [0 for _ in items], "a" + SEP + "b", 3)
    assert len(builder.build()) == 0


def test_compacted_index_keeps_no_text_of_deleted_cases() -> None:
    idx = UpdatableIndex.from_rows(CASES, CONTACTS)
    idx.apply([], [], deleted_ids=[1, 12])  # Niamh O'Brien (mother Mary) and Aoife Kowalski (Katarzyna)
    assert idx.has(np.array([1, 2, 12, 99])).tolist() == [False, True, False, False]
    compact = idx.compacted()
    cols, vocab = compact.base.cols, compact.base.d.vocab
    text = " ".join(cols.names + cols.contact_names + cols.postcodes + vocab)
    for gone in ("Niamh", "O'Brien", "obrien", "Mary", "Aoife", "Kowalski", "kowalska", "katarzyna", "AL1 3AB"):
        assert gone not in text
    assert b"EHC-004217" not in cols.ref.tolist()
    assert len(compact) == len(CASES) - 2
    assert [h.case_ref for h in compact.search("mohammed khan", today=TODAY)][:1] == ["EHC-004218"]
    assert "EHC-004217" not in [h.case_ref for h in compact.search("niamh obrien", today=TODAY, complete=True)]


@pytest.mark.parametrize(
    ("dtype", "low", "high"),
    [
        (np.int32, 0, 20_000),
        (np.int32, -5, 300_000),
        (np.int64, 0, 10**11),
        (np.int64, -(2**62), 2**62),
        (np.int16, -50, 100),
        (np.int32, 0, 1),
    ],
)
@pytest.mark.parametrize("n", [0, 1, 7, 5_000])
def test_stable_order_is_a_stable_argsort(dtype: type, low: int, high: int, n: int) -> None:
    keys: np.ndarray = np.random.default_rng(n).integers(low, high, n).astype(dtype)
    assert np.array_equal(stable_order(keys), np.argsort(keys, kind="stable"))


_postcodeish = st.text(alphabet="ABCDEFGHJKLMNPRSTUWXYZabcdefghkmnrstwx0123456789 \t\x1fë", max_size=10)


@given(st.one_of(_postcodeish, st.from_regex(r"[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}", fullmatch=True)))
def test_postcode_fast_paths_clean_like_the_slow_path(value: str) -> None:
    text = one_line(value)
    assert _postcode(value) == (format_postcode(text) or text.upper())


def test_dates_in_batches_are_iso_text() -> None:
    cb, _ = as_batches(CASES[:1], [])
    builder = ColumnBuilder()
    builder.add_case_batch(cb)
    days = int(builder.build().dob[0])
    assert dt.date(1970, 1, 1) + dt.timedelta(days=days) == dt.date(2014, 7, 3)


def _fixed_dates(values: list[str]) -> np.ndarray:
    out = fixed_width("".join(v.ljust(DATE_WIDTH) for v in values), len(values), DATE_WIDTH)
    assert out is not None
    return out


@given(st.lists(st.dates(min_value=dt.date(1, 1, 1)), max_size=30))
def test_iso_days_reads_dates_like_the_row_path(dates: list[dt.date]) -> None:
    values = [d.isoformat() for d in dates] + [""]
    days = iso_days(_fixed_dates(values), int(NO_DATE))
    assert days is not None
    assert days.tolist() == [date_days(v) for v in values]


@pytest.mark.parametrize("odd", ["2015-02-30", "2015-13-01", "0000-01-01", "2015/01/01", "15-01-2015", "abcd-ef-gh"])
def test_iso_days_refuses_anything_but_a_plain_date_and_the_batch_reads_it_as_the_rows_do(odd: str) -> None:
    assert iso_days(_fixed_dates(["2015-01-01", odd]), int(NO_DATE)) is None
    cases = [
        (1, "EHC-1", "Ann", "Lee", "", "2015-01-01", "AL1 3AB", "", "", ""),
        (2, "EHC-2", "Bo", "Lee", "", odd, "", "", "", ""),
    ]
    rows, batch = ColumnBuilder(), ColumnBuilder()
    rows.add_cases(cases)
    cb, _ = as_batches(cases, [], fixed=True)
    batch.add_case_batch(cb)
    assert batch.build().dob.tolist() == rows.build().dob.tolist() == [date_days("2015-01-01"), date_days(odd)]


def test_fixed_width_refuses_text_of_another_length_or_not_ascii() -> None:
    assert fixed_width("AL1 3AB SG2 4RR ", 2, POSTCODE_WIDTH) is not None
    assert fixed_width("AL1 3AB SG2 4RR", 2, POSTCODE_WIDTH) is None
    assert fixed_width("AL1 3AB SG2 4RŘ", 2, POSTCODE_WIDTH) is None


_POSTCODES = st.one_of(
    st.sampled_from(["AL1 3AB", "sg2 4rr", "SG24RR", "", "W1A 0AX", "x", "AB12 3CD", "al1 3ab", " sg2 4rr", "ec1a1bb"]),
    st.from_regex(r"[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}", fullmatch=True),
    st.text(alphabet="ABCDIKOVZabdk0123456789 -.", max_size=8),
)


@given(st.lists(st.lists(_POSTCODES, max_size=30), max_size=4))
def test_packed_postcodes_encode_like_joined_ones_batch_after_batch(batches: list[list[str]]) -> None:
    a, b = ColumnBuilder(), ColumnBuilder()
    packed = PostcodeEncoder(a._postcodes.encode)
    for values in batches:
        fixed = fixed_width("".join(v.ljust(POSTCODE_WIDTH) for v in values), len(values), POSTCODE_WIDTH)
        assert fixed is not None
        fast = packed(fixed)
        slow = encode_joined(b._postcodes.encode, SEP.join(values), len(values)) if values else np.zeros(0, np.int32)
        assert [a._postcodes.values[c] for c in fast.tolist()] == [b._postcodes.values[c] for c in slow.tolist()]


def test_the_two_thread_derive_builds_what_one_thread_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    builder = ColumnBuilder()
    builder.add_cases(CASES)
    builder.add_contacts(CONTACTS)
    cols = builder.build()
    serial = derive(cols)
    monkeypatch.setattr(derive_mod, "PARALLEL_MIN", 1)
    parallel = IndexSegment(cols)
    for name, value in vars(serial).items():
        other = getattr(parallel.d, name)
        assert np.array_equal(value, other) if isinstance(value, np.ndarray) else value == other, name
    assert np.array_equal(parallel.vocab.tf, IndexSegment(cols, serial).vocab.tf)


@given(
    st.lists(
        st.one_of(
            st.text(alphabet="AaBbCcDdIiKkOoVvZz0123456789 -.#", max_size=8),
            st.from_regex(r" ?[A-Za-z]{1,2}[0-9][A-Za-z0-9]? {0,2}[0-9][A-Za-z]{2}", fullmatch=True).filter(
                lambda v: len(v) <= POSTCODE_WIDTH
            ),
        ),
        max_size=50,
    )
)
def test_uk_postcode_keys_say_when_a_postcode_cleans_to_its_key(values: list[str]) -> None:
    fixed = fixed_width("".join(v.ljust(POSTCODE_WIDTH) for v in values), len(values), POSTCODE_WIDTH)
    assert fixed is not None
    keys, uk = uk_postcode_keys(fixed)
    for value, key, is_uk in zip(values, keys.view(f"S{POSTCODE_WIDTH}").tolist(), uk.tolist(), strict=True):
        text = key.decode()
        assert is_uk == (value.replace(" ", "").isalnum() and format_postcode(value) is not None), value
        if is_uk:
            assert _postcode(value) == f"{text[:-3]} {text[-3:]}"
