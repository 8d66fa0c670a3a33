"""How sure a result set is, in words a handler can act on: Match, Possible, or Several alike.

Scores are bits of evidence (`scoring`), so the thresholds are in bits too: the best row is a **Match**
when it has at least MATCH_MIN bits (a whole name, or a name word and a date of birth, or any exact key),
every name word typed meets something of it better than the weakest spelling level (Jaro-Winkler
0.70-0.85), and no other row is within TIE_MARGIN of it; **Several alike** when another row is within
TIE_MARGIN (two children equally well explained: the handler must ask something more); **Possible**
otherwise (the best is plausible but weak: one common name word, only fuzzy agreement, or a name word
that meets nothing of the best child, or barely).

The question for Several alike is chosen from the fields that actually differ among the tied children
ranked (at least ten, however few are shown), preferring one the caller has not already given: the date
of birth, else the postcode.
"""

from __future__ import annotations

import numpy as np

from dutyline.domain.search.hits import Ask, Band, SearchHit
from dutyline.domain.search.query import ParsedQuery

#: Bits: two rows closer than this are alike (one level apart on one word is more: exact vs nickname 1.0).
TIE_MARGIN = 0.75
#: Bits the best row needs to be a Match rather than Possible.
MATCH_MIN = 5.0


def band_for(
    scores: np.ndarray, hits: list[SearchHit], parsed: ParsedQuery, *, named: bool = True
) -> tuple[Band | None, Ask | None, int]:
    """(band, question, how many alike) for plausible `scores` (best first) and the `hits` shown.

    `named` False: a name word typed meets nothing of the best child (its names, contacts or school), or
    only at the weakest spelling level, so it is at most Possible however far ahead it is. "Thomas
    27/12/02" must not call the only child born that day a Match when he is not called Thomas, nor "kiana
    huxley" the only Huxley, Tanar.
    """
    if not hits:
        return None, None, 0
    best = float(scores[0]) if len(scores) else 0.0
    if best <= 0:  # penalties outweigh every row's evidence ("zz zz zz ..."): shown, but only a guess
        return "possible", None, 1
    alike = int((scores >= best - TIE_MARGIN).sum())
    if alike >= 2:
        return "several_alike", _question(hits[: min(alike, len(hits))], parsed), alike
    return ("match" if best >= MATCH_MIN and named else "possible"), None, 1


def _question(tied: list[SearchHit], parsed: ParsedQuery) -> Ask | None:
    dobs_differ = len({h.date_of_birth for h in tied}) > 1
    postcodes_differ = len({h.postcode.replace(" ", "").upper() for h in tied}) > 1
    if dobs_differ and not parsed.dates:
        return "date_of_birth"
    if postcodes_differ and not parsed.postcodes:
        return "postcode"
    if dobs_differ:
        return "date_of_birth"
    if postcodes_differ:
        return "postcode"
    return None
