"""The matched part of a results cell is marked on the letters it came from, accents and all.

Query terms reach the table folded ('zoe' for "Zoë", 'yildiz' for "Yıldız"), so the highlight looked for
them in the casefolded cell and found nothing in 'zoë' or 'yıldız': the whole cell was underlined instead
of the matched name marked, and where casefolding changes a length ('ß' -> 'ss') a later match was marked
one letter off.
"""

from __future__ import annotations

from dutyline.ui.widgets.results import HIGHLIGHT, highlighted


def marked(value: str, *terms: str) -> list[str]:
    text = highlighted(value, terms, whole=True)
    return [value[s.start : s.end] for s in text.spans if str(s.style) == HIGHLIGHT]


def test_a_folded_term_marks_the_accented_name_it_matched() -> None:
    assert marked("Zoë Yıldız", "zoe", "yildiz") == ["Zoë", "Yıldız"]


def test_a_longer_folded_letter_does_not_shift_a_later_mark() -> None:
    assert marked("Weiß Jones", "jones") == ["Jones"]
    assert marked("Weiß-Müller", "muller") == ["Müller"]


def test_an_accent_written_as_a_separate_mark_stays_with_its_letter() -> None:
    assert marked("Zoe\u0308 Hart", "zoe") == ["Zoe\u0308"]


def test_plain_names_are_marked_as_before() -> None:
    assert marked("Amelia Jones", "jones", "amel") == ["Jones", "Amel"]
