"""The council policy file: the built-in Hertfordshire policy, a custom file, and broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from dutyline.domain.model import District, Reason, Stage
from dutyline.domain.policy import PolicyError, load_policy, parse_policy
from dutyline.domain.routing import route
from dutyline.domain.tomlpos import find_key_line

BUILTIN = (Path(__file__).parents[2] / "dutyline" / "policy" / "hertfordshire.toml").read_text()


def test_builtin_policy() -> None:
    p = load_policy(None)
    assert set(p.teams) == {
        "front_door",
        "provision_outcomes_placement",
        "resolution",
        "annual_review_east",
        "annual_review_west",
        "safeguarding",
    }
    assert p.teams["resolution"].name == "Resolution and Reconciliation"
    assert p.teams["annual_review_west"].area == "west"
    assert {d.value for d in p.areas["east"].districts} == {
        "Broxbourne",
        "East Hertfordshire",
        "North Hertfordshire",
        "Stevenage",
        "Welwyn Hatfield",
    }
    assert {d.value for d in p.areas["west"].districts} == {
        "Dacorum",
        "Hertsmere",
        "St Albans",
        "Three Rivers",
        "Watford",
    }
    assert all(p.area_of(d) is not None for d in District)
    assert {
        "out_of_education",
        "placement_breakdown",
        "risk_of_exclusion",
        "part_time_timetable",
        "moving_county",
        "missed_deadline_appeal",
        "medical_change",
        "officer_missed_meeting",
    } <= set(p.urgent_reasons)
    assert (p.service_standards.urgent_working_days, p.service_standards.standard_working_days) == (1, 3)
    assert p.safeguarding.children_line == "0300 123 4043" and p.safeguarding.adult_line == "0300 123 4042"
    assert "999" in p.safeguarding.emergency
    assert p.routing.rules[0].id == "safeguarding"
    assert p.retention == {"case_years_after_birth": 31, "call_without_case_years": 2, "draft_days": 30}
    assert load_policy(None) is p  # parsed once


def test_custom_policy_file_changes_routing(tmp_path: Path) -> None:
    text = (
        BUILTIN.replace('name = "Annual Review West"', 'name = "SEND Team South West"')
        .replace(
            'districts = ["Dacorum", "Hertsmere", "St Albans", "Three Rivers", "Watford"]',
            'districts = ["Dacorum", "Hertsmere", "St Albans", "Three Rivers"]',
        )
        .replace('"Welwyn Hatfield"]', '"Welwyn Hatfield", "Watford"]')
        .replace("standard_working_days = 3", "standard_working_days = 5")
        .replace("case_years_after_birth = 31", "case_years_after_birth = 35")
    )
    path = tmp_path / "council.toml"
    path.write_text(text)
    p = load_policy(path)
    assert p.teams["annual_review_west"].name == "SEND Team South West"
    assert p.service_standards.standard_working_days == 5
    assert p.retention["case_years_after_birth"] == 35
    assert p.source == str(path)
    d = route(p, Reason.REVIEW_ARRANGEMENTS, None, district=District.WATFORD)
    assert d.team == "annual_review_east"
    d = route(p, Reason.AMENDMENT_RESPONSE, None, district=District.DACORUM)
    assert d.explanation.startswith("SEND Team South West: ")


def _error(text: str) -> str:
    with pytest.raises(PolicyError) as info:
        parse_policy(text, "council.toml")
    return str(info.value)


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "needle", "key", "words"),
    [
        # unknown key (a typo)
        ('inbox = "SENDResolutions@', 'inbx = "SENDResolutions@', "inbx =", "teams.resolution.inbx", "unknown key"),
        # wrong type
        (
            "urgent_working_days = 1",
            'urgent_working_days = "one"',
            "urgent_working_days =",
            "service_standards.urgent_working_days",
            "valid integer",
        ),
        (
            "due_soon_working_days = 10",
            "due_soon_working_days = -1",
            "due_soon_working_days",
            "clock.due_soon_working_days",
            "greater than or equal to 0",
        ),
        # a reason code that does not exist
        (
            'reasons = ["officer_contact"]',
            'reasons = ["officer_contac"]',
            '"officer_contac"]',
            "routing.rules.8.reasons.0",
            "Input should be",
        ),
        # a team that does not exist
        (
            'team = "provision_outcomes_placement"',
            'team = "nobody"',
            'team = "nobody"',
            "routing.rules.5.team",
            "no team 'nobody'",
        ),
        (
            'review_team = "annual_review_west"',
            'review_team = "west_team"',
            'review_team = "west_team"',
            "areas.west.review_team",
            "no team 'west_team'",
        ),
        # an unknown district
        (
            '"Three Rivers", "Watford"]',
            '"Three Rivers", "Watfod"]',
            '"Watfod"]',
            "areas.west.districts",
            "unknown district 'Watfod'",
        ),
        # a district in two areas
        (
            '"Three Rivers", "Watford"]',
            '"Three Rivers", "Watford", "Stevenage"]',
            '"Stevenage"]',
            "areas.west.districts",
            "already in area 'east'",
        ),
        # an unknown top-level table
        ("[council]", "[councill]", "[councill]", "councill", "unknown key"),
        # working hours the wrong way round
        ('closes = "17:00"', 'closes = "08:00"', "[working_hours]", "working_hours", "closes must be later"),
    ],
)
def test_broken_policy_names_line_and_key(old: str, new: str, needle: str, key: str, words: str) -> None:
    assert old in BUILTIN
    text = BUILTIN.replace(old, new, 1)
    message = _error(text)
    assert "council.toml" in message
    assert f"line {_line_of(text, needle)}: {key}: " in message
    assert words in message


def test_rule_level_error_points_at_the_rule() -> None:
    text = BUILTIN.replace('team_from = "acting_officer"', 'team_from = "acting_officer"\nteam = "front_door"')
    header = _line_of(text, 'id = "officer_contact"') - 1
    assert text.splitlines()[header - 1] == "[[routing.rules]]"
    assert f"line {header}: routing.rules.8: give exactly one of team or team_from" in _error(text)


def test_missing_required_key_points_at_its_table() -> None:
    text = BUILTIN.replace('name = "Resolution and Reconciliation"\n', "")
    message = _error(text)
    assert f"line {_line_of(text, '[teams.resolution]')}: teams.resolution.name: required key is missing" in message


def test_last_rule_must_catch_everything() -> None:
    text = BUILTIN.replace(
        'id = "front_door"\nsummary = "everything else goes to the front door, which routes '
        'it onward"\nteam = "front_door"',
        'id = "front_door"\nsummary = "x"\nreasons = ["general_enquiry"]\nteam = "front_door"',
    )
    assert "the last rule must have no conditions" in _error(text)


def test_bad_toml_syntax_names_the_line() -> None:
    text = BUILTIN.replace("[clock]", "[clock")
    message = _error(text)
    assert "not valid TOML" in message
    assert f"line {_line_of(text, '[clock')}" in message


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read policy file"):
        load_policy(tmp_path / "missing.toml")
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b'[council]\nname = "\xe9"\n')
    with pytest.raises(PolicyError, match="not UTF-8"):
        load_policy(bad)


def test_errors_never_echo_values() -> None:
    message = _error(BUILTIN.replace("urgent_working_days = 1", 'urgent_working_days = "SECRET-VALUE"'))
    assert "SECRET-VALUE" not in message


def test_find_key_line_handles_arrays_of_tables_and_multiline_values() -> None:
    text = 'a = 1\n[[r]]\nx = [\n  "p = 1",\n]\ny = 2\n[[r]]\ny = 3\n[t."q.w"]\nz = """\nk = 1\n"""\nv = 4\n'
    assert find_key_line(text, ("a",)) == 1
    assert find_key_line(text, ("r", 0, "y")) == 6
    assert find_key_line(text, ("r", 1, "y")) == 8
    assert find_key_line(text, ("r", 1, "missing")) == 7
    assert find_key_line(text, ("t", "q.w", "v")) == 13
    assert find_key_line(text, ("p",)) is None


def test_stage_and_reason_codes_are_validated_in_rules() -> None:
    text = BUILTIN.replace(
        'stages = ["mediation", "tribunal"]\nexcept_reasons', 'stages = ["mediatio", "tribunal"]\nexcept_reasons', 1
    )
    message = _error(text)
    assert "routing.rules.2.stages.0" in message
    assert Stage.MEDIATION.value in message


def test_working_hours_from_policy() -> None:
    import datetime as dt

    text = BUILTIN.replace('opens = "09:00"', 'opens = "08:00"').replace('closes = "17:00"', 'closes = "18:00"')
    hours = parse_policy(text, "x").working_hours
    monday = dt.datetime(2026, 1, 12, 0, tzinfo=dt.UTC)
    assert hours.hours_between(monday, monday + dt.timedelta(days=1)) == 10.0
    assert hours.close_of(dt.date(2026, 6, 1)) == dt.datetime(2026, 6, 1, 17, tzinfo=dt.UTC)  # 18:00 BST
