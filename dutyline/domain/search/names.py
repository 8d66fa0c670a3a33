"""Name tokens and a sound-alike key tuned for names heard over the phone in a British county.

Why a home-made key rather than Soundex/Metaphone: those drop every vowel (so Jane, John, June and Joan
collide and a transposition typo like "Jnae" lands on John) and know nothing of Polish j/w, Mac/Mc or
Arabic transliterations. This key keeps *where* vowels are (each vowel run becomes one 'a'), folds the
consonant spellings that sound alike in the names we see (ph/v/f, c/k/q, z/s, j/y, th/t, sch/sh, cz/ch,
w/v, mps/ms, doubled letters, silent h) and Mac/Mc. Names whose sound is not in their spelling at all
(Niamh/Neve, Aoife/Eefa, Siobhan/Shivaun, Nguyen/Win) come from the curated table in `lexicon`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from dutyline.domain.text import fold

_APOSTROPHES = re.compile("['\u2019\u2018`\u00b4\u02bb\u02bc\u00b7]")
#: Letters that Unicode does not decompose into a Latin letter and an accent, so `fold` keeps them and the
#: letters-only split below would cut the name at them: Turkish dotless i ('Yıldız' fell apart into 'y',
#: 'ld', 'z'), Icelandic eth and thorn, Azerbaijani schwa, and a few more. Each becomes the letters a
#: caller would spell it with. (The middle dot of Catalan 'l·l' and the Uzbek okina join like apostrophes.)
_UNDECOMPOSED = str.maketrans(
    {"ı": "i", "ð": "d", "þ": "th", "œ": "oe", "ə": "e", "ǝ": "e", "ħ": "h", "ŧ": "t", "ŀ": "l", "ĸ": "k"}
    | {"ŋ": "ng", "ɖ": "d", "ƒ": "f", "ɛ": "e", "ɔ": "o"}
)
_NON_LETTER = re.compile(r"[^a-z]+")
_VOWELS = frozenset("aeiouy")

_PREFIXES = (
    ("mac", "mc"),
    ("kn", "n"),
    ("wr", "r"),
    ("ps", "s"),
    ("wh", "w"),
    ("x", "s"),
    ("ng", "n"),
    ("gn", "n"),
    ("pf", "f"),
)
_GROUPS = (
    ("sch", "sh"),
    ("tch", "ch"),
    ("cz", "ch"),
    ("sz", "sh"),
    ("rz", "zh"),
    ("ph", "f"),
    ("ck", "k"),
    ("th", "t"),
    ("dg", "j"),
    ("mps", "ms"),
    ("gh", "g"),
    ("kh", "k"),
    ("q", "k"),
    ("x", "ks"),
    ("ch", "C"),
    ("sh", "S"),
)
_LETTERS = str.maketrans({"v": "f", "z": "s", "j": "y"})
_SOFT_C = re.compile(r"c(?=[eiy])")


#: Titles dropped from contact names ("Mrs Sarah Khan") and queries; they never identify anyone.
#: Surname particles people write joined or apart (O Brien/OBrien, Mc Donald/McDonald, De Souza/DeSouza).
PARTICLES = frozenset(
    {"o", "mc", "mac", "de", "da", "di", "du", "la", "le", "van", "von", "der", "den", "al", "el", "st", "ter", "ten"}
)
TITLES = frozenset({"mr", "mrs", "miss", "ms", "mx", "dr", "prof", "rev", "sir", "lady", "master"})
#: Words a handler may type beside a name that say who is calling or link it ("amelia jones mum"). They
#: are still searched (a name may be one), but one left unmet does not keep the best child from a Match.
FILLERS = frozenset(
    {"mum", "mom", "mother", "dad", "father", "parent", "carer", "gran", "grandma", "grandad", "nan", "nanny"}
    | {"aunt", "auntie", "uncle", "brother", "sister", "daughter", "child", "about", "re", "for", "and", "the"}
)


def fold_name(text: str) -> str:
    """`fold`, and the letters it keeps that are spelt with Latin ones (`_UNDECOMPOSED`): the one key names are
    compared by, in the index, in queries and in the name files alike."""
    return fold(text).translate(_UNDECOMPOSED)


def words(text: str) -> list[str]:
    """Folded letter-only words: accents dropped, apostrophes joined (O'Brien -> obrien), others split."""
    return _NON_LETTER.sub(" ", _APOSTROPHES.sub("", fold_name(text))).split()


def query_words(text: str) -> list[str]:
    """Like `words`, but hyphenated words stay one word with their hyphen ('asante-sei').

    The scorer first tries the joined form against the index (so a typo in either half of a
    double-barrelled name still meets the joined token 'asanteosei'), then falls back to the halves.
    """
    out: list[str] = []
    for chunk in _APOSTROPHES.sub("", fold_name(text)).split():
        pieces = [p for p in (_NON_LETTER.sub(" ", part).strip() for part in chunk.split("-")) if p]
        if len(pieces) > 1 and all(" " not in p for p in pieces):
            out.append("-".join(pieces))
        else:
            out.extend(_NON_LETTER.sub(" ", chunk).split())
    return out


def name_tokens(text: str) -> list[str]:
    """Index tokens for one name: each word, plus run-together forms where people write it both ways.

    Words joined by a hyphen or apostrophe, or next to a short particle (O, Mc, De, Van, Al), are also
    indexed joined: 'Smith-Jones' -> smith, jones, smithjones; 'O Brien' -> o, brien, obrien. So 'OBrien',
    "O'Brien", 'O Brien', 'Smith Jones' and 'Smith-Jones' all meet on a shared token. Two ordinary words
    ('Tom White') are not joined: 'tomwhite' is nobody's name.
    """
    if text.isascii() and text.replace(" ", "").isalpha():  # plain letters and spaces: most names
        return _plain_name_tokens(text.lower().split())
    folded = text.lower() if text.isascii() else fold_name(text)  # ASCII: casefold is lower(), and 5x faster
    parts = _APOSTROPHES.sub("", folded).split()
    if len(parts) > 1 and _NON_LETTER.sub("", parts[0]) in TITLES:
        parts = parts[1:]
    out: list[str] = []
    prev = ""
    for part in parts:
        pieces = _NON_LETTER.sub(" ", part).split()
        out.extend(pieces)
        if len(pieces) > 1:  # hyphenated: smith-jones
            out.append("".join(pieces))
        if prev and pieces and prev in PARTICLES:  # o brien, mc donald, de la cruz, van der berg
            out.append(prev + pieces[0])
        prev = pieces[-1] if pieces else ""
    return list(dict.fromkeys(out))


def _plain_name_tokens(parts: list[str]) -> list[str]:
    """`name_tokens` for words of letters only (same tokens, same order), without the regular expressions:
    a cold build tokenises every distinct contact name (~100k at 1M cases)."""
    if len(parts) > 1 and parts[0] in TITLES:
        parts = parts[1:]
    out: list[str] = []
    prev = ""
    for part in parts:
        out.append(part)
        if prev in PARTICLES:
            out.append(prev + part)
        prev = part
    return list(dict.fromkeys(out))


@lru_cache(maxsize=65536)
def sound_key(word: str) -> str:
    """Sound-alike key of one folded word ('' for words under two letters)."""
    if len(word) < 2:
        return ""
    s = word
    for old, new in _PREFIXES:
        if s.startswith(old):
            s = new + s[len(old) :]
            break
    for old, new in _GROUPS:
        s = s.replace(old, new)
    s = _SOFT_C.sub("s", s).replace("c", "k").translate(_LETTERS)
    out: list[str] = []
    for i, ch in enumerate(s):
        if ch == "h":  # silent unless a vowel follows: Sarah/Sara, John/Jon, but Hannah, Mohammed
            if i + 1 < len(s) and s[i + 1] in _VOWELS:
                out.append("h")
            continue
        if ch in _VOWELS and not (ch == "y" and i == 0):
            ch = "a"
        if out and out[-1] == ch:
            continue
        out.append(ch)
    return "".join(out)
