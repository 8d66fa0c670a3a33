"""How a written name may sound, by the spelling rules of the languages a county's names come from.

Why rules as well as the sound-alike files: a handler who hears "Oisín" on the phone writes "osheen", and no
generic key gets there (Soundex and Double Metaphone read the letters as English). The files list the names
someone thought of; these rules cover the ones nobody listed, because they are how the *language* is spelt,
not how one name is: Irish slender s is "sh" and bh/mh are "v" (Siobhán, Niamh, Caoimhe), dh and gh fall
silent (Tadhg); Welsh dd is "th" and ll is "thl" or "cl"; Polish w is "v", cz and ci are "ch", sz is "sh", ł is "w";
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
from collections.abc import Iterable
from functools import lru_cache

from dutyline.domain.search.names import fold_name, sound_key, words

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
#: Polish ł is said "w" (Łukasz "wookash", Małgorzata "mawgozhata", Mikołaj "meekowai"), but folding makes
#: it an l, which most names say as an l. So an l is heard as w only in a name spelt the Polish way (sz, cz,
#: rz, dz, -ski, -cki, -wicz, a final -aj or -ej): one more alternative, the plain forms still count.
_POLISH_SHAPE = re.compile(r"sz|cz|rz|dz|[sc]ki$|wicz$|[ae]j$")
#: (The same names' ck is "tsk": Głowacki "gwovatski"; in English names it is k, so that too waits for them.)
_POLISH_L = tuple((re.compile(p), r) for p, r in ((r"c(?=k)", "ts"), *_RULESETS[3], (r"l", "w")))
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
    polish = (_POLISH_L,) if "l" in word and _POLISH_SHAPE.search(word) else ()
    for rules in (*_COMPILED, *polish):
        form = word
        for pattern, replacement in rules:
            form = pattern.sub(replacement, form)
        if form and form not in out:
            out.append(form)
    return tuple(out)


def _kept(key: str, plain: str) -> bool:
    """A loose key worth matching: two letters at least, and not a long name worn down to a stub."""
    return len(key) >= max(2, len(plain) - 2)


def name_keys(word: str, spoken: tuple[str, ...] = ()) -> frozenset[str]:
    """Loose sound keys of a written name's heard forms, and of the forms its own letters say (`spoken`,
    from `spoken_forms`); empty for one-letter words."""
    if len(word) < 2:
        return frozenset()
    plain = sound_key(word)
    return frozenset(k for f in (*heard_forms(word), *spoken) if _kept(k := loose(sound_key(f)), plain))


#: Letters whose sound folding loses (`names.fold_name` makes ł an l and ş an s), as a caller hears them:
#: Łukasz "wookash", Mikołaj "meekowai", Wójcik "voochik", Şükrü "shookroo", Çağla "chala", Wiśniewski
#: "vishnevski", Žukauskas "zhukauskas", Muñoz "moonyoz". Upper case, so the language rules in
#: `heard_forms` leave the sound alone (Polish w is "v", but a ł said "w" is not).
_SPOKEN = str.maketrans(
    {"ł": "W", "ó": "U", "ç": "CH", "ş": "SH", "ș": "SH", "ţ": "TS", "ț": "TS", "ğ": "", "ñ": "NY", "ř": "RZH"}
    | {"č": "CH", "š": "SH", "ž": "ZH", "ć": "CH", "ś": "SH", "ź": "ZH", "ż": "ZH"}
)
_SPOKEN_LETTERS = re.compile("[" + "".join(chr(c) for c in _SPOKEN) + "]")
_NOT_LETTER = re.compile(r"[^a-zA-Z]+")
_CH_IS_H = re.compile("[łóśćźżřčšž]")
#: Polish ó is "u" (Wójcik "voochik", Józef "yoozef"); in Irish, Spanish, Czech or Hungarian it is a long o.
_POLISH_WORD = re.compile("[łśćźżńąę]|ój|jó|" + _POLISH_SHAPE.pattern)
_BETWEEN_WORDS = re.compile(r"[\s\-]+")
_TURKISH = re.compile("[çşğı]")


@lru_cache(maxsize=65536)
def spoken_forms(written: str) -> tuple[str, ...]:
    """Heard forms of one name word as written with its own letters ('Łukasz': 'wukasz', 'wukash'), when
    one of them is a letter folding loses (`_SPOKEN`); none otherwise. The folded token keeps its own
    forms (`heard_forms`); these are more alternatives, never replacements."""
    low = written.lower()
    if not _SPOKEN_LETTERS.search(low):
        return ()
    if _CH_IS_H.search(low):  # Polish, Czech and Lithuanian ch is "h" (Michał "meehow")
        low = low.replace("ch", "H")
    if "ó" in low and not _POLISH_WORD.search(low):  # Ramón, Róisín: a long o, not Polish ó
        low = low.replace("ó", "o")
    if _TURKISH.search(low):  # Turkish c is "j" (Ağca "aaja", Cengiz "jengiz")
        low = low.replace("c", "J")
    said = "".join(ch if ch.isupper() else fold_name(ch) for ch in low.translate(_SPOKEN))
    said = _NOT_LETTER.sub("", said)
    return tuple(dict.fromkeys(f.lower() for f in heard_forms(said))) if said else ()


def word_keys(word: str) -> frozenset[str]:
    """Loose sound keys of a query word as the handler wrote it (empty for one-letter words)."""
    if len(word) < 2:
        return frozenset()
    plain = sound_key(word)
    keys = {loose(plain), loose(sound_key(_NON_RHOTIC.sub("", word)))}
    return frozenset(k for k in keys if _kept(k, plain))


def spoken_by_token(texts: Iterable[str], ids: dict[str, int]) -> dict[int, tuple[str, ...]]:
    """`spoken_forms` of every name word in `texts` that has any, by the id (in `ids`) of the token the
    word folds to: 'Łukasz' gives 'lukasz' its forms 'wukasz' and 'wukash'. Only names that are not plain
    ASCII are looked at: a few per cent of a county's."""
    found: dict[int, dict[str, None]] = {}
    for text in texts:
        if text.isascii():
            continue
        for written in _BETWEEN_WORDS.split(text):
            forms = spoken_forms(written)
            said = words(written) if forms else []
            if len(said) == 1 and (tid := ids.get(said[0])) is not None:
                found.setdefault(tid, {}).update(dict.fromkeys(forms))
    return {tid: tuple(forms) for tid, forms in found.items()}
