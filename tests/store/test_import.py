"""Case import: all or nothing, every bad-input case in its own file, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dutyline.domain.import_row import COLUMNS
from dutyline.domain.model import Role
from dutyline.services.context import Actor, Context
from dutyline.services.importer import ImportRejected, import_cases
from dutyline.store.engine import Database
from dutyline.store.tables import AuditEvent, Call, Case, Contact, Officer, Team
from tests.contexts import db_of, make_context

TODAY = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def base_row(n: int) -> dict[str, str]:
    return {
        "case_ref": f"EHC-{n:06d}",
        "first_name": f"Amara{n}",
        "last_name": "Okafor",
        "known_as": "",
        "date_of_birth": "2014-07-03",
        "postcode": "AL1 3AB",
        "district": "St Albans",
        "school": "Oak Primary",
        "stage": "plan_issued",
        "stage_since": "2023-01-10",
        "request_date": "2022-09-01",
        "plan_issued_date": "2023-01-10",
        "last_review_date": "2025-12-01",
        "named_officer": "Priya Shah",
        "named_officer_email": "priya.shah@example.gov.uk",
        "contact1_name": "Ngozi Okafor",
        "contact1_relationship": "Mother",
        "contact1_phone": "07700 900123",
        "contact1_email": "",
        "contact2_name": "",
        "contact2_relationship": "",
        "contact2_phone": "",
        "contact2_email": "",
    }


def write(
    path: Path,
    rows: list[dict[str, str]],
    columns: tuple[str, ...] | list[str] = COLUMNS,
    *,
    encoding: str = "utf-8",
    newline: str = "\n",
    bom: bool = False,
    trailer: str = "",
) -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        if bom:
            fh.write("\ufeff")
        w = csv.DictWriter(fh, fieldnames=list(columns), lineterminator=newline, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow(r)
        fh.write(trailer)
    return path


@pytest.fixture
def ctx(db: Database) -> Context:
    with db.write() as s:
        for code in (
            "front_door",
            "annual_review_east",
            "annual_review_west",
            "resolution",
            "provision_outcomes_placement",
        ):
            s.add(Team(code=code, name=code, inbox=f"{code}@example.gov.uk"))
    return make_context(db, actor=Actor(login="admin1", roles=frozenset({Role.ADMIN})), clock=lambda: TODAY)


def count(db: Database, model: type) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_import_then_reimport_is_unchanged_and_keeps_calls(ctx: Context, tmp_path: Path) -> None:
    path = write(tmp_path / "cases.csv", [base_row(i) for i in range(1, 51)])
    report = import_cases(ctx, path)
    assert (report.rows, report.added, report.updated, report.unchanged) == (50, 50, 0, 0)
    assert count(db_of(ctx), Contact) == 50
    assert count(db_of(ctx), Officer) == 1
    with db_of(ctx).write() as s:
        case_id = s.scalar(select(Case.id).where(Case.case_ref == "EHC-000007"))
        s.add(Call(case_id=case_id, reason="general_enquiry", outcome="resolved"))
    again = import_cases(ctx, path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 50)
    rows = [base_row(i) for i in range(1, 51)] + [base_row(99)]
    rows[6]["stage"] = "annual_review"
    rows[6]["contact1_phone"] = "+44 7700 900999"
    third = import_cases(ctx, write(tmp_path / "cases2.csv", rows))
    assert (third.added, third.updated, third.unchanged) == (1, 1, 49)
    with db_of(ctx).read() as s:
        case = s.scalar(select(Case).where(Case.case_ref == "EHC-000007"))
        assert case is not None and case.stage == "annual_review" and case.version == 2
        assert s.scalar(select(Contact.phone_key).where(Contact.case_id == case.id)) == "07700900999"
        assert s.scalar(select(func.count()).select_from(Call).where(Call.case_id == case.id)) == 1


def test_file_quirks_are_accepted(ctx: Context, tmp_path: Path) -> None:
    rows = [base_row(1), base_row(2), base_row(3)]
    rows[0]["school"] = "Oak, Elm and Ash Federation"  # quoted comma
    rows[1]["known_as"] = "Mimi\nTwo"  # quoted newline collapses to one line
    rows[2]["last_name"] = '=HYPERLINK("x")'  # formula text stored verbatim
    rows[2]["first_name"] = "[bold]Amy[/]"  # markup stored verbatim
    rows[0]["postcode"] = "al13ab"
    rows[1]["district"] = "st albans"
    columns = list(reversed(COLUMNS))  # any order
    path = write(tmp_path / "q.csv", rows, columns, newline="\r\n", bom=True, trailer="\r\n\r\n,,,\r\n")
    report = import_cases(ctx, path)
    assert report.added == 3
    with db_of(ctx).read() as s:
        got = {c.case_ref: c for c in s.scalars(select(Case))}
    assert got["EHC-000001"].school == "Oak, Elm and Ash Federation"
    assert got["EHC-000001"].postcode == "AL1 3AB"
    assert got["EHC-000002"].known_as == "Mimi Two"
    assert got["EHC-000003"].last_name == '=HYPERLINK("x")'
    assert got["EHC-000003"].first_name == "[bold]Amy[/]"


BAD_CASES = {
    "future_dob": ({"date_of_birth": "2030-01-01"}, "date_of_birth: is in the future"),
    "impossible_dob": ({"date_of_birth": "2014-02-30"}, "date_of_birth: not a real calendar date"),
    "us_date": ({"date_of_birth": "07/03/2014"}, "date_of_birth: not a date in the form YYYY-MM-DD"),
    "ancient_dob": ({"date_of_birth": "1901-01-01"}, "date_of_birth: is more than 30 years ago"),
    "absurd_length": ({"first_name": "A" * 5000}, "first_name: longer than 100 characters"),
    "bad_postcode": ({"postcode": "NOT A PC"}, "postcode: not a valid UK postcode"),
    "bad_district": ({"district": "Luton"}, "district: not one of Hertfordshire's ten districts"),
    "bad_stage": ({"stage": "waiting"}, "stage: not a known stage code"),
    "bad_phone": ({"contact1_phone": "12345"}, "contact1_phone: not a valid phone number"),
    "missing_required": ({"named_officer": ""}, "named_officer: required but empty"),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_each_bad_row_is_reported_and_nothing_imported(ctx: Context, tmp_path: Path, case: str) -> None:
    change, expected = BAD_CASES[case]
    rows = [base_row(i) for i in range(1, 6)]
    rows[3].update(change)
    path = write(tmp_path / f"{case}.csv", rows)
    with pytest.raises(ImportRejected) as info:
        import_cases(ctx, path)
    messages = [str(p) for p in info.value.report.problems]
    assert f"row 4 (line 5): {expected}" in messages
    assert count(db_of(ctx), Case) == 0
    for value in change.values():  # personal values never echoed
        if value and len(value) > 3:
            assert all(value not in m for m in messages)


def test_every_bad_row_listed(ctx: Context, tmp_path: Path) -> None:
    rows = [base_row(i) for i in range(1, 701)]
    rows[16]["date_of_birth"] = "2014-13-01"
    rows[639]["postcode"] = "XYZ"
    rows[639]["stage"] = "nope"
    with pytest.raises(ImportRejected) as info:
        import_cases(ctx, write(tmp_path / "two.csv", rows))
    assert [str(p) for p in info.value.report.problems] == [
        "row 17 (line 18): date_of_birth: not a real calendar date",
        "row 640 (line 641): postcode: not a valid UK postcode",
        "row 640 (line 641): stage: not a known stage code",
    ]
    assert count(db_of(ctx), Case) == 0
    with db_of(ctx).read() as s:
        assert s.scalar(select(AuditEvent.outcome).order_by(AuditEvent.id.desc())) == "rejected"


def test_quoted_newline_keeps_line_numbers(ctx: Context, tmp_path: Path) -> None:
    rows = [base_row(1), base_row(2), base_row(3)]
    rows[0]["school"] = "Line one\nline two"
    rows[2]["stage"] = "bad"
    with pytest.raises(ImportRejected) as info:
        import_cases(ctx, write(tmp_path / "nl.csv", rows))
    assert [str(p) for p in info.value.report.problems] == ["row 3 (line 5): stage: not a known stage code"]


def test_duplicate_case_refs(ctx: Context, tmp_path: Path) -> None:
    rows = [base_row(1), base_row(2), base_row(1)]
    rows[2]["case_ref"] = "ehc-000001"  # same ref, other case
    with pytest.raises(ImportRejected) as info:
        import_cases(ctx, write(tmp_path / "dup.csv", rows))
    assert [str(p) for p in info.value.report.problems] == [
        "row 3 (line 4): case_ref: duplicate of the case_ref in row 1"
    ]


def test_non_utf8_names_first_bad_line(ctx: Context, tmp_path: Path) -> None:
    rows = [base_row(i) for i in range(1, 5)]
    rows[2]["first_name"] = "Chloé"
    with pytest.raises(ImportRejected) as info:
        import_cases(ctx, write(tmp_path / "cp1252.csv", rows, encoding="cp1252"))
    (problem,) = info.value.report.problems
    assert str(problem).startswith("line 4: (file): is not UTF-8 text")
    assert count(db_of(ctx), Case) == 0


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (list(COLUMNS) + ["nhs_number"], "line 1: nhs_number: unexpected column"),
        ([c for c in COLUMNS if c != "postcode"], "line 1: postcode: required column is missing from the header"),
        (list(COLUMNS) + ["stage"], "line 1: stage: column appears twice in the header"),
    ],
)
def test_bad_header(ctx: Context, tmp_path: Path, header: list[str], expected: str) -> None:
    path = tmp_path / "h.csv"
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerow([base_row(1).get(h, "") for h in header])
    with pytest.raises(ImportRejected) as info:
        import_cases(ctx, path)
    assert expected in [str(p) for p in info.value.report.problems]


def test_empty_file_and_extra_fields(ctx: Context, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ImportRejected) as info:
        import_cases(ctx, empty)
    assert "empty" in str(info.value.report.problems[0])
    path = write(tmp_path / "extra.csv", [base_row(1)], trailer="EHC-9,a,b," + ",".join(["x"] * 30) + "\n")
    with pytest.raises(ImportRejected) as info:
        import_cases(ctx, path)
    assert "row 2 (line 3): (row): more fields than the header has columns" in [
        str(p) for p in info.value.report.problems
    ]
