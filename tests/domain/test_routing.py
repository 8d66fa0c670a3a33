"""Hand-off routing: the nine default rules in order, explanations, priority and callback due times."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from dutyline.domain.model import CaseInfo, District, OfficerInfo, Priority, Reason, Stage
from dutyline.domain.policy import load_policy, parse_policy
from dutyline.domain.routing import UnknownCode, callback_due, priority_for, route
from dutyline.domain.summary import acting_officer

P = load_policy(None)
P_TEXT = (Path(__file__).parents[2] / "dutyline" / "policy" / "hertfordshire.toml").read_text()
R, S = Reason, Stage
EAST = [
    District.BROXBOURNE,
    District.EAST_HERTFORDSHIRE,
    District.NORTH_HERTFORDSHIRE,
    District.STEVENAGE,
    District.WELWYN_HATFIELD,
]
WEST = [District.DACORUM, District.HERTSMERE, District.ST_ALBANS, District.THREE_RIVERS, District.WATFORD]


def case(stage: Stage, district: District = District.WATFORD) -> CaseInfo:
    return CaseInfo(
        case_ref="T1",
        first_name="A",
        last_name="B",
        date_of_birth=dt.date(2015, 5, 5),
        postcode="WD17 1AA",
        district=district,
        stage=stage,
        stage_since=dt.date(2026, 1, 5),
    )


# (reason, stage of the case or None for no case, acting officer's team, expected team, expected rule)
RULES = [
    # 1. safeguarding always first, whatever else is true
    (R.SAFEGUARDING, None, None, "safeguarding", "safeguarding"),
    (R.SAFEGUARDING, S.MEDIATION, "resolution", "safeguarding", "safeguarding"),
    (R.SAFEGUARDING, S.PLAN_ISSUED, "annual_review_west", "safeguarding", "safeguarding"),
    # 2. disagreement / complaint; any reason in mediation or tribunal except contact details
    (R.DISAGREEMENT, None, None, "resolution", "disagreement"),
    (R.COMPLAINT, S.ASSESSMENT, "front_door", "resolution", "disagreement"),
    (R.NEW_REQUEST, S.MEDIATION, None, "resolution", "disagreement_stage"),
    (R.OFFICER_CONTACT, S.TRIBUNAL, "annual_review_west", "resolution", "disagreement_stage"),
    (R.REVIEW_ARRANGEMENTS, S.TRIBUNAL, None, "resolution", "disagreement_stage"),
    (R.CONTACT_DETAILS_CHANGE, S.MEDIATION, None, "resolution", "contact_details_disagreement"),
    # 3. new requests
    (R.NEW_REQUEST, None, None, "front_door", "new_request"),
    (R.NEW_REQUEST, S.CEASED, None, "front_door", "new_request"),
    # 4. review / amendment -> the area's annual review team
    (R.REVIEW_ARRANGEMENTS, S.PLAN_ISSUED, None, "annual_review_west", "review_and_amendment"),
    (R.AMENDMENT_RESPONSE, S.AMENDMENT, None, "annual_review_west", "review_and_amendment"),
    (R.AMENDMENT_RESPONSE, S.ASSESSMENT, None, "annual_review_west", "review_and_amendment"),
    # 5. needs / provision / phase transfer: by whether a plan is in place
    (R.CHANGE_OF_NEED, S.PLAN_ISSUED, None, "provision_outcomes_placement", "provision_with_plan"),
    (R.PROVISION_OR_PLACEMENT, S.ANNUAL_REVIEW, None, "provision_outcomes_placement", "provision_with_plan"),
    (R.PHASE_TRANSFER, S.AMENDMENT, None, "provision_outcomes_placement", "provision_with_plan"),
    (R.CHANGE_OF_NEED, S.REQUEST_RECEIVED, None, "front_door", "provision_first_20_weeks"),
    (R.PHASE_TRANSFER, S.DRAFT_PLAN, None, "front_door", "provision_first_20_weeks"),
    (R.PROVISION_OR_PLACEMENT, S.NOT_ISSUING, None, "front_door", "front_door"),
    (R.PROVISION_OR_PLACEMENT, None, None, "front_door", "front_door"),
    # 6. assessment progress / draft plan responses
    (R.ASSESSMENT_PROGRESS, S.ASSESSMENT, "annual_review_east", "front_door", "assessment"),
    (R.DRAFT_PLAN_RESPONSE, S.DRAFT_PLAN, None, "front_door", "assessment"),
    # 6b. progress, whatever the stage: the team that owns the stage (issue 12)
    (R.PROGRESS, S.ASSESSMENT, None, "front_door", "progress_first_20_weeks"),
    (R.PROGRESS, S.NOT_ASSESSING, None, "front_door", "progress_first_20_weeks"),
    (R.PROGRESS, S.ANNUAL_REVIEW, None, "annual_review_west", "progress_with_plan"),
    (R.PROGRESS, S.PLAN_ISSUED, None, "annual_review_west", "progress_with_plan"),
    (R.PROGRESS, S.TRIBUNAL, None, "resolution", "disagreement_stage"),
    (R.PROGRESS, None, None, "front_door", "front_door"),
    # 7. officer contact -> the acting officer's team
    (R.OFFICER_CONTACT, S.PLAN_ISSUED, "annual_review_east", "annual_review_east", "officer_contact"),
    (
        R.OFFICER_CONTACT,
        S.ASSESSMENT,
        "provision_outcomes_placement",
        "provision_outcomes_placement",
        "officer_contact",
    ),
    (R.OFFICER_CONTACT, S.ASSESSMENT, None, "front_door", "front_door"),  # no officer: front door
    (R.OFFICER_CONTACT, None, None, "front_door", "front_door"),
    # 8. contact details -> the team owning the stage
    (R.CONTACT_DETAILS_CHANGE, S.ASSESSMENT, "annual_review_east", "front_door", "contact_details_first_20_weeks"),
    (R.CONTACT_DETAILS_CHANGE, S.NOT_ASSESSING, None, "front_door", "contact_details_first_20_weeks"),
    (R.CONTACT_DETAILS_CHANGE, S.NOT_ISSUING, None, "front_door", "contact_details_first_20_weeks"),
    (R.CONTACT_DETAILS_CHANGE, S.CEASED, None, "front_door", "contact_details_first_20_weeks"),
    (R.CONTACT_DETAILS_CHANGE, S.ANNUAL_REVIEW, None, "annual_review_west", "contact_details_with_plan"),
    (R.CONTACT_DETAILS_CHANGE, S.TRIBUNAL, None, "resolution", "contact_details_disagreement"),
    (R.CONTACT_DETAILS_CHANGE, None, None, "front_door", "front_door"),
    # 9. everything else
    (R.GENERAL_ENQUIRY, S.PLAN_ISSUED, "annual_review_west", "front_door", "front_door"),
    (R.GENERAL_ENQUIRY, None, None, "front_door", "front_door"),
]


@pytest.mark.parametrize(("reason", "stage", "officer_team", "team", "rule"), RULES)
def test_default_rules(reason: Reason, stage: Stage | None, officer_team: str | None, team: str, rule: str) -> None:
    d = route(P, reason, case(stage) if stage else None, acting_officer_team=officer_team)
    assert (d.team, d.rule) == (team, rule)
    assert d.team_name == P.teams[team].name and d.inbox == P.teams[team].inbox
    assert d.explanation.startswith(f"{P.teams[team].name}: ")


@pytest.mark.parametrize("district", EAST + WEST)
def test_areas(district: District) -> None:
    d = route(P, R.REVIEW_ARRANGEMENTS, case(S.PLAN_ISSUED, district))
    area = "East" if district in EAST else "West"
    assert d.team == f"annual_review_{area.lower()}"
    assert f"{district.value} is in the {area} area" in d.explanation


def test_explanation_names_rule_and_facts() -> None:
    d = route(P, R.AMENDMENT_RESPONSE, case(S.AMENDMENT))
    assert d.explanation.startswith(
        "Annual Review West: the caller is responding to a draft amended plan, and "
        "Watford is in the West area (rule 'review_and_amendment'"
    )
    d = route(P, R.CHANGE_OF_NEED, case(S.PLAN_ISSUED))
    assert "a plan is in place" in d.explanation
    d = route(
        P,
        R.OFFICER_CONTACT,
        case(S.PLAN_ISSUED),
        acting_officer_team="annual_review_east",
        acting_officer_name="Sam Cover",
        acting_is_cover=True,
    )
    assert "Sam Cover (covering while the named officer is absent) is in Annual Review East" in d.explanation


def test_skipped_rules_are_explained() -> None:
    d = route(P, R.REVIEW_ARRANGEMENTS, None)
    assert d.team == "front_door"
    assert "the child's district is not known" in d.explanation
    assert "the call is not about a known case" in d.explanation
    d = route(P, R.OFFICER_CONTACT, case(S.PLAN_ISSUED))
    assert "no officer with a team is acting on the case" in d.explanation


def test_no_case_uses_what_the_caller_said() -> None:
    assert route(P, R.REVIEW_ARRANGEMENTS, None, district=District.STEVENAGE).team == "annual_review_east"
    assert route(P, R.CHANGE_OF_NEED, None, stage=S.PLAN_ISSUED).team == "provision_outcomes_placement"
    assert route(P, R.GENERAL_ENQUIRY, None, stage=S.MEDIATION).team == "resolution"
    # the case's facts win over what the caller said
    assert (
        route(P, R.REVIEW_ARRANGEMENTS, case(S.PLAN_ISSUED, District.WATFORD), district=District.STEVENAGE).team
        == "annual_review_west"
    )


def test_priority() -> None:
    assert priority_for(P, R.GENERAL_ENQUIRY, None) == Priority.STANDARD
    assert priority_for(P, R.GENERAL_ENQUIRY, "out_of_education") == Priority.URGENT
    assert priority_for(P, R.SAFEGUARDING, None) == Priority.URGENT
    assert route(P, R.COMPLAINT, None, urgent_reason="medical_change").priority == Priority.URGENT
    with pytest.raises(UnknownCode, match="unknown urgent reason 'nope'"):
        route(P, R.COMPLAINT, None, urgent_reason="nope")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


# (reason, urgent reason, now (UTC), expected due (UTC))
CALLBACKS = [
    (R.GENERAL_ENQUIRY, "out_of_education", utc(2026, 12, 24, 10), utc(2026, 12, 29, 17)),  # over Christmas
    (R.GENERAL_ENQUIRY, None, utc(2026, 12, 23, 10), utc(2026, 12, 30, 17)),  # 24, 29, 30
    (R.GENERAL_ENQUIRY, None, utc(2026, 6, 1, 10), utc(2026, 6, 4, 16)),  # BST: 17:00 London
    (R.GENERAL_ENQUIRY, "medical_change", utc(2026, 1, 3, 12), utc(2026, 1, 5, 17)),  # Saturday -> Monday
    (R.GENERAL_ENQUIRY, "medical_change", utc(2026, 5, 31, 23, 30), utc(2026, 6, 2, 16)),  # Monday in London
    (R.SAFEGUARDING, None, utc(2026, 4, 2, 15), utc(2026, 4, 7, 16)),  # over Easter
    (R.COMPLAINT, None, utc(2026, 1, 5, 9), utc(2026, 1, 8, 17)),  # per-reason override (3)
    (R.GENERAL_ENQUIRY, None, utc(2026, 12, 24, 16), utc(2026, 12, 31, 17)),  # 29, 30, 31 Dec
    (R.GENERAL_ENQUIRY, None, utc(2026, 12, 29, 16), utc(2027, 1, 4, 17)),  # 30, 31 Dec, (1 Jan, weekend) 4 Jan
]


@pytest.mark.parametrize(("reason", "urgent", "now", "due"), CALLBACKS)
def test_callback_due(reason: Reason, urgent: str | None, now: dt.datetime, due: dt.datetime) -> None:
    got = callback_due(P, reason, now, urgent_reason=urgent)
    assert got == due and got.tzinfo is not None


def test_callback_standards_configurable_per_reason() -> None:
    text = P_TEXT.replace("complaint = 3", "complaint = 3\ngeneral_enquiry = 0").replace(
        'label = "Major medical change"', 'label = "Major medical change"\nworking_days = 0'
    )
    custom = parse_policy(text, "custom.toml")
    assert callback_due(custom, R.GENERAL_ENQUIRY, utc(2026, 1, 5, 9)) == utc(2026, 1, 5, 17)
    assert callback_due(custom, R.NEW_REQUEST, utc(2026, 1, 5, 9), urgent_reason="medical_change") == utc(
        2026, 1, 5, 17
    )
    assert callback_due(custom, R.NEW_REQUEST, utc(2026, 1, 5, 9), urgent_reason="out_of_education") == utc(
        2026, 1, 6, 17
    )


AWAY_FROM, AWAY_UNTIL = dt.date(2026, 2, 1), dt.date(2026, 2, 20)


def officer(
    oid: int, team: str = "front_door", cover: int | None = None, *, away: bool = False, active: bool = True
) -> OfficerInfo:
    """An officer; `away` means absent from 1 to 20 February 2026."""
    return OfficerInfo(
        id=oid,
        name=f"Officer {oid}",
        email=f"o{oid}@x",
        team_code=team,
        cover_officer_id=cover,
        absent_from=AWAY_FROM if away else None,
        absent_until=AWAY_UNTIL if away else None,
        active=active,
    )


def acting_id(named: OfficerInfo, look: Callable[[int], OfficerInfo | None], day: dt.date) -> int | None:
    acting = acting_officer(named, look, day)
    return None if acting is None else acting.id


def test_acting_officer_follows_cover_while_absent() -> None:
    day = dt.date(2026, 2, 10)
    staff = {
        2: officer(2, "annual_review_east"),
        3: officer(3, cover=4, away=True),
        4: officer(4, "resolution"),
        5: officer(5, cover=6, away=True),
        6: officer(6, cover=5, away=True),
    }
    look = staff.get
    assert acting_officer(None, look, day) is None
    assert acting_id(officer(1, cover=2), look, day) == 1  # not absent
    assert acting_id(officer(1, cover=2, away=True), look, day) == 2  # cover
    assert acting_id(officer(1, cover=2, away=True), look, dt.date(2026, 2, 21)) == 1  # back
    assert acting_id(officer(1, cover=3, away=True), look, day) == 4  # cover's cover
    assert acting_id(officer(1, cover=5, away=True), look, day) == 1  # loop: stays named
    assert acting_id(officer(1, cover=None, away=True), look, day) == 1  # no cover
    assert acting_id(officer(1, cover=2, active=False), look, day) == 2  # left: cover acts


def test_reasons_fitting_the_stage_come_first_and_none_is_lost() -> None:
    from dutyline.domain.reasons import reasons_for

    for stage in [None, *Stage]:
        offered = reasons_for(stage)
        assert sorted(r for r, _label in offered) == sorted(Reason), "every reason stays choosable"
    plan = [r for r, _label in reasons_for(S.ANNUAL_REVIEW)]
    assert plan[0] == R.REVIEW_ARRANGEMENTS and plan.index(R.PROGRESS) < plan.index(R.NEW_REQUEST)
    assert reasons_for(None)[0][0] == R.NEW_REQUEST
    assert dict(reasons_for(S.PLAN_ISSUED))[R.ASSESSMENT_PROGRESS].endswith("(usually another stage)")
