"""How a written name may sound, by the spelling rules of the languages a county's names come from.

Why rules as well as the sound-alike files: a handler who hears "Oisín" on the phone writes "osheen", and no
generic key gets there (Soundex and Double Metaphone read the letters as English). The files list the names
someone thought of; these rules cover the ones nobody listed, because they are how the *language* is spelt,
not how one name is: Irish slender s is "sh" and bh/mh are "v" (Siobhán, Niamh, Caoimhe), dh and gh fall
silent (Tadhg); Welsh dd is "th" and ll is "thl" or "cl"; Polish w is "v", cz and ci are "ch", sz is "sh";
pinyin zh is "j", x is "sh", q is "ch", a final u "oo", ou "oe" and uo "o" (Zhu, Zhou, Luo); Vietnamese
Ng(uy) is "w", Huy is "hwi", initial D is "z" or "y", Tr is "ch" or "j", final nh is "n"; English silent
letters (gh in Leigh and Vaughan, the k of kn, the l of -olk and -alm). Each written name gets a few
*heard forms*; each form and each query word is reduced to a loose sound key (`names.sound_key`, then h and
a final vowel dropped, a vowel's w or r merged into the vowel as in British speech: "farm" for Pham, "vawn"
for Vaughan). A word and a name whose loose keys meet agree at the phonetic level.

Rules, not a list: they reach names that are in no file (held-out benchmark runs remove the file's
entries and these still match). They are alternatives, never replacements: the plain key still counts.
"""

from __future__ import annotations

import re
from functools import lru_cache

from dutyline.domain.search.names import sound_key

_VOWEL = "aeiouy"

#: (pattern, replacement) rewrites, each giving one alternative pronunciation of a written name. A rule
#: set is applied as a whole (all its rewrites in order) to make one heard form.
_RULESETS: tuple[tuple[tuple[str, str], ...], ...] = (
    (  # Irish Gaelic
        (r"[dg]h", ""),
        (r"(?<=.)[bm]h", "v"),
        (r"^([bm])h", r"\1"),
        (r"fh", ""),
        (r"th", "h"),
        (r"(?<=i)s|s(?=[ie])", "sh"),
        (r"ch$", "k"),
    ),
    (  # Welsh
        (r"dd", "th"),
        (r"ll", "thl"),
        (r"ff", "f"),
        (r"rh", "r"),
        (r"si(?=[aeou])", "sh"),
        (r"ch", "k"),
        (r"(?<=[^aeiouy])w(?=[^aeiouy]|$)", "oo"),
    ),
    (  # Welsh ll heard as cl
        (r"ll", "cl"),
        (r"dd", "th"),
    ),
    (  # Polish, Lithuanian, Romanian
        (r"w", "v"),
        (r"cz|ci(?=[aeiou])|c(?=[ie])", "ch"),
        (r"sz|si(?=[aeiou])|s(?=i)", "sh"),
        (r"rz|zi(?=[aeiou])", "zh"),
        (r"ch(?=[^aeiouy]|$)", "h"),
        (r"c(?=[^hkeiy]|$)", "ts"),
    ),
    (  # Pinyin: a final u is "oo" except after j, q, x and y, where it is u-umlaut (Zhu "joo", Wu "woo");
        (r"(?<=[bcdfghklmnprstwz])u$", "oo"),  # a final ou is "oe" (Zhou "joe", Hou "hoe")
        (r"ou$", "oe"),
        (r"zh", "j"),
        (r"^x", "sh"),
        (r"^q", "ch"),
        (r"^c(?=[aeiou])", "ts"),
        (r"^([hgk])u(?=[aeo])", r"\1w"),
    ),
    (  # Pinyin zh heard as ch, and a final uo as o (Luo "lo", Guo "go", as Cantonese spells them)
        (r"zh", "ch"),
        (r"^x", "sh"),
        (r"^q", "ch"),
        (r"(?<=[bcdfghjklmnpqrstxz])uo$", "o"),
    ),
    (  # Vietnamese (northern)
        (r"^nguy", "wi"),
        (r"^ngu(?=[aeiou])", "w"),
        (r"^huy", "hwi"),
        (r"^gi", "z"),
        (r"^d", "z"),
        (r"^tr", "ch"),
        (r"^x", "s"),
        (r"nh$", "n"),
    ),
    (  # Vietnamese (southern)
        (r"^nguy", "nwi"),
        (r"^huy", "hwi"),
        (r"^gi", "y"),
        (r"^d", "y"),
        (r"^tr", "j"),
        (r"nh$", "n"),
    ),
    (  # English silent letters
        (r"gh", ""),
        (r"^kn|^gn", "n"),
        (r"(?<=[ao])l(?=[kmf])", ""),
        (r"mb$", "m"),
        (r"^wr", "r"),
    ),
)
_COMPILED = tuple(tuple((re.compile(p), r) for p, r in rules) for rules in _RULESETS)
_VOWEL_W = re.compile(r"(?<=a)w(?=[^a]|$)")  # in a key, vowels are 'a': 'aw' + consonant is a vowel
#: A handler's r after a or o before a consonant is often no sound at all ('farm' for Pham, 'vorn' for
#: Vaughan); only after a and o, so 'murphy' keeps its r (and meets no Méabh).
_NON_RHOTIC = re.compile(r"(?<=[ao])r(?=[^aeiouy])|(?<=[ao])r$")
_RUNS = re.compile(r"(.)\1+")


def loose(key: str) -> str:
    """A sound key with what hearing blurs taken out: a w after a vowel, and a final vowel ('tige' and
    Tadhg, 'vawn' and Vaughan)."""
    key = _RUNS.sub(r"\1", _VOWEL_W.sub("", key))
    if len(key) > 3 and key.endswith("a"):
        key = key[:-1]
    return key


@lru_cache(maxsize=65536)
def heard_forms(word: str) -> tuple[str, ...]:
    """Spellings a written (folded) name may be heard as, by each language's rules (the word first)."""
    out = [word]
    for rules in _COMPILED:
        form = word
        for pattern, replacement in rules:
            form = pattern.sub(replacement, form)
        if form and form not in out:
            out.append(form)
    return tuple(out)


def _kept(key: str, plain: str) -> bool:
    """A loose key worth matching: two letters at least, and not a long name worn down to a stub."""
    return len(key) >= max(2, len(plain) - 2)


def name_keys(word: str) -> frozenset[str]:
    """Loose sound keys of a written name's heard forms (empty for one-letter words)."""
    if len(word) < 2:
        return frozenset()
    plain = sound_key(word)
    return frozenset(k for f in heard_forms(word) if _kept(k := loose(sound_key(f)), plain))


def word_keys(word: str) -> frozenset[str]:
    """Loose sound keys of a query word as the handler wrote it (empty for one-letter words)."""
    if len(word) < 2:
        return frozenset()
    plain = sound_key(word)
    keys = {loose(plain), loose(sound_key(_NON_RHOTIC.sub("", word)))}
    return frozenset(k for k in keys if _kept(k, plain))
