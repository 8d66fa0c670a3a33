"""Re-scoring the rows near the top: each person's name tokens serve one query word each, as often as the
name holds them; a year alone is also a reference fragment; a surname leading another is another family.

Names here are in no name file (the tests run with an empty lexicon), as issue 13 asks.
"""

from __future__ import annotations

from tests.domain.test_search_evidence import TODAY, case, index_of, names, refs


def test_a_year_alone_is_also_a_reference_fragment() -> None:
    """'2015' alone found only references ending 2015; it is part of EHC-920150 too. With a name
    ('ng 2015') it stays a birth year."""
    cases = [case(1, "Amy", "Ng", ref="EHC-920150"), case(2, "Bo", "Ng", ref="EHC-112015")]
    ix = index_of(cases)
    assert refs(ix, "2015") == ["EHC-112015", "EHC-920150"]
    with_name = ix.search("ng 2015", today=TODAY, complete=True)
    assert not any(m.field == "reference" for h in with_name if h.case_ref == "EHC-920150" for m in h.matched)


def test_a_surname_leading_the_query_word_is_another_family() -> None:
    """"teddie harrison": Theodora Harrison, though Theodora Harris is known as Teddie. Harris is a
    leading part of Harrison, not a near spelling of it: another family. And the other way round."""
    for cases in (
        [case(1, "Theodora", "Harris", known="Teddie"), case(2, "Theodora", "Harrison")],
        [case(1, "Theodora", "Harrison"), case(2, "Theodora", "Harris", known="Teddie")],
    ):
        ix = index_of(cases)
        assert names(ix, "teddie harrison")[0] == "Theodora Harrison"
    cases = [case(1, "Theodora", "Harrison", known="Teddie"), case(2, "Theodora", "Harris")]
    assert names(index_of(cases), "teddie harris")[0] == "Theodora Harris"


def test_a_surname_one_letter_longer_is_still_a_slip() -> None:
    """'robert' for Roberts is a dropped letter, not another family: it keeps its near-spelling weight."""
    cases = [case(1, "Quenby", "Roberts"), case(2, "Oswin", "Roberts")]
    assert names(index_of(cases), "quenby robert")[0] == "Quenby Roberts"
