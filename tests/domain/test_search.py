"""Case search engine: every query form the search box accepts (docs/ARCHITECTURE.md, Search targets),
hostile input, ranking and uniqueness.

A small hand-made caseload holds the hard cases side by side (Niamh and Neve, Oliver Smith twice with
different birth years, a mother whose surname differs, O'Brien, Smith-Jones, accents), so each test checks
both that the right child is found *and* that it is first.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest

from dutyline.domain.search import SearchIndex, snapshot
from dutyline.domain.search.names import name_tokens, sound_key
from dutyline.domain.search.query import parse_query

TODAY = dt.date(2026, 11, 23)

CASES = [
    (
        1,
        "EHC-004217",
        "Niamh",
        "O'Brien",
        "",
        "2014-07-03",
        "AL1 3AB",
        "Oakwood Primary School",
        "assessment",
        "Ann Officer",
    ),
    (
        2,
        "EHC-004218",
        "Mohammed",
        "Khan",
        "Mo",
        "2015-01-02",
        "WD17 1AA",
        "Holy Trinity CE Primary",
        "plan_issued",
        "Bob Officer",
    ),
    (
        3,
        "EHC-001111",
        "Elizabeth",
        "Smith-Jones",
        "Lizzie",
        "2013-02-03",
        "SG1 2AB",
        "Oakwood Primary School",
        "plan_issued",
        "Bob Officer",
    ),
    (4, "EHC-001112", "Jack", "Khan", "", "2016-05-05", "SG1 2AB", "Larchfield School", "plan_issued", ""),
    (5, "EHC-001113", "Sara", "Khan", "", "2016-05-05", "SG1 2AC", "Larchfield School", "plan_issued", ""),
    (6, "EHC-002001", "Oliver", "Smith", "", "2015-03-01", "EN6 9PQ", "Beechleys Primary School", "assessment", ""),
    (7, "EHC-002002", "Oliver", "Smith", "", "2012-09-09", "EN6 9PQ", "Beechleys Primary School", "plan_issued", ""),
    (8, "EHC-002003", "Zoë", "Nguyen", "", "2017-11-30", "HP1 1AA", "Chestnut Green School", "draft_plan", ""),
    (9, "EHC-002004", "Neve", "Thompson", "", "2018-02-14", "HP2 4ZZ", "", "request_received", ""),
    (10, "EHC-002005", "Stephen", "Davies", "", "2011-06-06", "SG4 4ER", "", "annual_review", ""),
    (11, "EHC-002006", "William", "MacDonald", "Billy", "2010-10-10", "AL5 5AA", "", "plan_issued", ""),
    (12, "EHC-002007", "Aoife", "Kowalski", "", "2016-04-04", "WD3 3AA", "", "plan_issued", ""),
    (13, "EHC-002008", "Siobhan", "Murphy", "", "2013-08-08", "SG8 8AA", "", "plan_issued", ""),
    (14, "EHC-002009", "Jakub", "Nowak", "", "2014-12-12", "WD18 0AA", "", "plan_issued", ""),
    (15, "EHC-002010", "Alfred", "Jones", "", "2019-01-31", "CM23 2WN", "", "plan_issued", ""),
    (16, "EHC-002011", "José", "Garcia", "", "2012-02-29", "EN8 8AA", "", "plan_issued", ""),
]
CONTACTS = [
    (1, 1, "Mrs Mary O'Brien", "07700 900123", ""),
    (4, 1, "Sarah Khan", "+44 7700 900999", "01442 453300"),
    (4, 2, "John Khan", "", ""),
    (2, 1, "Sarah Ahmed", "07700 900555", ""),
    (6, 1, "Kelly Smith", "07700900111", ""),
    (7, 1, "Dave Smith", "07700900222", ""),
    (12, 1, "Katarzyna Kowalska", "07700 900777", ""),
]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.from_rows(CASES, CONTACTS)


def refs(index: SearchIndex, query: str) -> list[str]:
    return [h.case_ref for h in index.search(query, today=TODAY, complete=True)]


def first(index: SearchIndex, query: str) -> str | None:
    found = refs(index, query)
    return found[0] if found else None


@pytest.mark.parametrize(
    ("query", "ref"),
    [
        # typing mistakes: one or two edits, transpositions
        ("niamh obrein", "EHC-004217"),
        ("mohamemd khan", "EHC-004218"),
        ("elizbaeth smith-jones", "EHC-001111"),
        ("stehpen davies", "EHC-002005"),
        ("wiliam macdonlad", "EHC-002006"),
        # sound-alikes written from a phone call
        ("neve obrien", "EHC-004217"),
        ("niamh thompson", "EHC-002004"),
        ("shivaun murphy", "EHC-002008"),
        ("eefa kowalski", "EHC-002007"),
        ("muhammad khan", "EHC-004218"),
        ("mohamed khan", "EHC-004218"),
        ("steven davis", "EHC-002005"),
        ("neve thomson", "EHC-002004"),
        ("william mcdonald", "EHC-002006"),
        ("zoe nyugen", "EHC-002003"),
        ("yakub nowak", "EHC-002009"),
        # nicknames and known-as names
        ("billy macdonald", "EHC-002006"),
        ("will macdonald", "EHC-002006"),
        ("alfie jones", "EHC-002010"),
        ("beth smith-jones", "EHC-001111"),
        ("lizzie smith jones", "EHC-001111"),
        ("mo khan", "EHC-004218"),
        # surname first, accents either way, apostrophes, hyphens and spaces
        ("khan mohammed", "EHC-004218"),
        ("nguyen zoe", "EHC-002003"),
        ("ZOË NGUYEN", "EHC-002003"),
        ("jose garcia", "EHC-002011"),
        ("José García", "EHC-002011"),
        ("niamh o'brien", "EHC-004217"),
        ("niamh o brien", "EHC-004217"),
        ("niamh OBRIEN", "EHC-004217"),
        ("elizabeth smithjones", "EHC-001111"),
        ("elizabeth smith jones", "EHC-001111"),
    ],
)
def test_names_in_every_spelling_find_the_child_first(index: SearchIndex, query: str, ref: str) -> None:
    assert first(index, query) == ref


@pytest.mark.parametrize(
    "dob",
    [
        "03/07/2014",
        "3/7/14",
        "3.7.14",
        "3 July 2014",
        "3rd July 2014",
        "2014-07-03",
        "3rd of July 2014",
        "July 3rd, 2014",
        "03-07-2014",
    ],
)
def test_date_of_birth_in_every_form(index: SearchIndex, dob: str) -> None:
    assert refs(index, dob) == ["EHC-004217"]
    assert first(index, f"obrien {dob}") == "EHC-004217"


def test_leap_day_and_impossible_dates(index: SearchIndex) -> None:
    assert refs(index, "29/02/2012") == ["EHC-002011"]
    assert refs(index, "31/02/2014") == []  # no such day: ignored, not an error


def test_birth_year_next_to_a_name_separates_namesakes(index: SearchIndex) -> None:
    assert first(index, "oliver smith 2012") == "EHC-002002"
    assert first(index, "oliver smith 2015") == "EHC-002001"
    both = refs(index, "oliver smith")
    assert set(both[:2]) == {"EHC-002001", "EHC-002002"}


@pytest.mark.parametrize(
    "phone", ["07700 900123", "+44 7700 900123", "07700900123", "+44 (0)7700 900123", "07700-900-123"]
)
def test_phone_in_any_format(index: SearchIndex, phone: str) -> None:
    assert refs(index, phone) == ["EHC-004217"]


def test_landline_and_alternative_phone(index: SearchIndex) -> None:
    hits = index.search("(01442) 453300", today=TODAY, complete=True)
    assert [h.case_ref for h in hits] == ["EHC-001112"]
    assert hits[0].matched[0].field == "phone" and hits[0].matched[0].contact == 1


@pytest.mark.parametrize("pc", ["AL1 3AB", "al13ab", "Al1 3aB", "AL13AB"])
def test_postcode_with_or_without_space(index: SearchIndex, pc: str) -> None:
    assert refs(index, pc) == ["EHC-004217"]


@pytest.mark.parametrize("ref", ["EHC-004217", "ehc004217", "ehc 4217", "4217", "004217", "EHC/004217"])
def test_case_reference_or_fragment(index: SearchIndex, ref: str) -> None:
    assert first(index, ref) == "EHC-004217"


def test_school_name_with_a_first_name(index: SearchIndex) -> None:
    assert first(index, "oakwood niamh") == "EHC-004217"
    assert first(index, "larchfield sara") == "EHC-001113"


def test_parent_name_finds_their_child_above_namesake_children(index: SearchIndex) -> None:
    assert first(index, "sarah khan") == "EHC-001112"  # mother Sarah Khan, not the child Sara Khan
    assert first(index, "john khan") == "EHC-001112"
    assert first(index, "katarzyna kowalska") == "EHC-002007"
    assert first(index, "mary obrien") == "EHC-004217"


def test_child_named_exactly_beats_child_whose_parent_has_the_name(index: SearchIndex) -> None:
    assert first(index, "jack khan") == "EHC-001112"
    assert first(index, "sara khan") == "EHC-001113"


def test_mixed_query_name_dob_postcode(index: SearchIndex) -> None:
    assert first(index, "khan 5/5/16 SG1 2AC") == "EHC-001113"


def test_hits_carry_disambiguators_and_matched_fields(index: SearchIndex) -> None:
    hit = index.search("niamh obrein 2014", today=TODAY, complete=True)[0]
    assert (hit.case_id, hit.first_name, hit.last_name) == (1, "Niamh", "O'Brien")
    assert hit.date_of_birth == dt.date(2014, 7, 3) and hit.age == 12
    assert (hit.postcode, hit.school, hit.stage, hit.named_officer) == (
        "AL1 3AB",
        "Oakwood Primary School",
        "assessment",
        "Ann Officer",
    )
    fields = {m.field: m for m in hit.matched}
    assert fields["first_name"].kind == "exact" and fields["first_name"].query_terms == ("niamh",)
    assert fields["last_name"].kind in ("typo", "phonetic")  # "obrein" is both
    assert "birth_year" in hit.matched_fields
    assert hit.score > 0


def test_results_are_ranked_best_first_and_limited(index: SearchIndex) -> None:
    hits = index.search("khan", today=TODAY, complete=True, limit=2)
    assert len(hits) == 2
    assert hits[0].score >= hits[1].score


def test_prefix_while_typing(index: SearchIndex) -> None:
    typing = index.search("moham", today=TODAY)
    assert typing and typing[0].case_ref == "EHC-004218" and typing[0].matched[0].kind == "prefix"
    finished = index.search("moham ", today=TODAY)  # a trailing space ends the word: no prefix matches
    assert all(m.kind != "prefix" for h in finished for m in h.matched)


@pytest.mark.parametrize(
    "query",
    [
        "",
        " ",
        "   \t  ",
        "x" * 10_000,
        "\x00\x01\x1b[31mred\x1b[0m\x7f",
        "[bold red]Niamh[/]",
        "<script>alert(1)</script>",
        "'; DROP TABLE case;--",
        "9" * 500,
        "/" * 300,
        "١٢٣",
        "\u202eniamh",
        "-",
        "()",
        "+",
        "0",
    ],
)
def test_hostile_input_never_crashes(index: SearchIndex, query: str) -> None:
    hits = index.search(query, today=TODAY)
    assert isinstance(hits, list) and len(hits) <= 20


def test_markup_brackets_are_just_separators(index: SearchIndex) -> None:
    assert first(index, "[bold]Niamh[/bold] O'Brien") == "EHC-004217"


def test_unknown_name_gives_nothing(index: SearchIndex) -> None:
    assert refs(index, "xqzv wplk") == []


def test_apply_adds_replaces_and_deletes() -> None:
    idx = SearchIndex.from_rows(CASES, CONTACTS)
    idx.apply(
        [(99, "EHC-009999", "Eilidh", "Campbell", "", "2015-05-05", "SG1 1AA", "", "assessment", "")],
        [(99, 1, "Fiona Campbell", "07700 900888", "")],
    )
    assert first(idx, "eilidh campbell") == "EHC-009999"
    assert first(idx, "07700900888") == "EHC-009999"
    idx.apply([(1, "EHC-004217", "Niamh", "Byrne", "", "2014-07-03", "AL1 3AB", "", "assessment", "")], [])
    assert first(idx, "niamh byrne") == "EHC-004217"
    assert first(idx, "07700 900123") is None  # contact removed with the re-imported case
    assert "EHC-004217" not in refs(idx, "obrien")  # old surname and old contact are both gone
    idx.apply([], [], deleted_ids=[99])
    assert refs(idx, "eilidh campbell") == []
    assert len(idx) == len(CASES)
    idx.compact()
    assert first(idx, "niamh byrne") == "EHC-004217" and len(idx) == len(CASES)


def test_snapshot_round_trip() -> None:
    idx = SearchIndex.from_rows(CASES, CONTACTS)
    buf = io.BytesIO()
    snapshot.save(idx, buf, {"fingerprint": "x"})
    buf.seek(0)
    loaded, meta = snapshot.load(buf)
    assert meta["fingerprint"] == "x"
    for q in ("neve obrien", "07700 900123", "4217", "3/7/14", "sarah khan"):
        assert refs(loaded, q) == refs(idx, q)


def test_empty_index() -> None:
    idx = SearchIndex.from_rows([], [])
    assert idx.search("niamh", today=TODAY) == [] and len(idx) == 0


def test_name_tokens_and_sound_key() -> None:
    assert name_tokens("Smith-Jones") == ["smith", "jones", "smithjones"]
    assert name_tokens("O Brien") == ["o", "brien", "obrien"]
    assert name_tokens("Mrs Tom White") == ["tom", "white"]
    for a, b in [
        ("katie", "katy"),
        ("stephen", "steven"),
        ("thompson", "thomson"),
        ("davies", "davis"),
        ("macdonald", "mcdonald"),
        ("jakub", "yakub"),
        ("mohammed", "muhammad"),
    ]:
        assert sound_key(a) == sound_key(b)
    assert sound_key("jane") != sound_key("john")


def test_parser_separates_keys_from_names() -> None:
    q = parse_query("jon smith 2015 07700 900123 al1 3ab ehc 4217", today=TODAY, ref_prefixes=frozenset({"ehc"}))
    assert q.words == ["jon", "smith"] and q.years == [2015] and q.phones == ["07700900123"]
    assert q.postcodes == ["AL13AB"] and q.refs == ["EHC4217"]
